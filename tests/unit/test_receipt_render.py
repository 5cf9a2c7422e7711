"""The receipt's text and HTML (pos_app.reports.render.receipt): the customer's copy names the
business (name, address, tax id) and carries no Stripe id; the merchant's copy keeps them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pos_app.reports.render.receipt import (
    MERCHANT,
    MERCHANT_MARK,
    render_html,
    render_text,
)
from pos_app.services.bookings import BookingDetail
from pos_app.services.receipt_model import CardSummary, Receipt, build_receipt

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ADDRESS = "12 Harbour Street\nLeith, Edinburgh EH6 6QA"
TAX_ID = "GB 123 4567 89"
# Stripe's object ids: PaymentIntent, charge, refund and Checkout Session.
STRIPE_ID = re.compile(r"\b(?:pi|ch|re|cs)_\w+")


def _receipt(*, address: str = ADDRESS, tax_id: str = TAX_ID, name: str = "Studio Nine") -> Receipt:
    booking = Booking(
        id="bk_3f2a9c1b07d84e6f9a0b1c2d3e4f5a6b",
        customer_name="Ada Lovelace",
        customer_email="ada@example.com",
        customer_phone=None,
        service_id="svc_cut",
        service_name="Cut & colour",
        starts_at=T0 + timedelta(hours=1),
        ends_at=T0 + timedelta(hours=2),
        price_amount=8000,
        currency="gbp",
        created_at=T0,
        status=BookingStatus.PARTIALLY_REFUNDED,
        paid_amount=8000,
        refunded_amount=1000,
    )
    card = Payment(
        id="pay_1",
        booking_id=booking.id,
        method=PaymentMethod.CARD,
        status=PaymentStatus.SUCCEEDED,
        amount=5000,
        currency="gbp",
        idempotency_key="k1",
        created_at=T0,
        paid_at=T0 + timedelta(minutes=5),
        stripe_session_id="cs_test_a1b2c3",
        stripe_payment_intent_id="pi_3Abc123",
        stripe_charge_id="ch_3Abc123",
    )
    cash = Payment(
        id="pay_2",
        booking_id=booking.id,
        method=PaymentMethod.CASH,
        status=PaymentStatus.SUCCEEDED,
        amount=3000,
        currency="gbp",
        idempotency_key="k2",
        created_at=T0 + timedelta(minutes=6),
        paid_at=T0 + timedelta(minutes=6),
    )
    refund = Refund(
        id="rf_1",
        payment_id="pay_1",
        booking_id=booking.id,
        amount=1000,
        currency="gbp",
        reason="requested_by_customer",
        status=RefundStatus.SUCCEEDED,
        idempotency_key="k3",
        created_at=T0 + timedelta(hours=3),
        stripe_refund_id="re_3Xyz789",
    )
    return build_receipt(
        BookingDetail(booking, [card, cash], [refund]),
        business_name=name,
        business_address=address,
        business_tax_id=tax_id,
        timezone=ZoneInfo("Europe/London"),
        issued_at=T0 + timedelta(hours=4),
        cards={"pay_1": CardSummary("visa", "4242", "ch_3Abc123")},
    )


@pytest.mark.parametrize("render", [render_text, render_html], ids=["text", "html"])
def test_the_customers_copy_names_the_business_and_carries_no_stripe_id(render: object) -> None:
    assert callable(render)
    out = str(render(_receipt()))
    assert STRIPE_ID.findall(out) == []
    assert "bk_" not in out  # the receipt number finds the booking; the id is ours
    assert "12 Harbour Street" in out and "Leith, Edinburgh EH6 6QA" in out
    assert "Tax ID GB 123 4567 89" in out
    assert MERCHANT_MARK not in out
    # What the customer needs is all still there.
    assert "Visa •••• 4242" in out and "Cash" in out and "−£10.00" in out
    assert "R-3F2A9-C1B07" in out


def test_the_merchants_copy_keeps_the_ids_for_support_and_the_audit() -> None:
    receipt = _receipt()
    for out in (render_text(receipt, copy=MERCHANT), render_html(receipt, MERCHANT)):
        assert set(STRIPE_ID.findall(out)) == {"pi_3Abc123", "ch_3Abc123", "re_3Xyz789"}
        assert "bk_3f2a9c1b07d84e6f9a0b1c2d3e4f5a6b" in out
        assert MERCHANT_MARK in out
        assert "Tax ID GB 123 4567 89" in out


def test_no_address_or_tax_id_leaves_the_lines_off() -> None:
    receipt = _receipt(address="  \n ", tax_id="")
    text = render_text(receipt)
    assert "Tax ID" not in text and "Tax ID" not in render_html(receipt)
    # The name is followed straight by the receipt number: no blank line where they were.
    assert text.splitlines()[:2] == [
        "Studio Nine",
        "RECEIPT R-3F2A9-C1B07         22 Nov 2026, 13:00",
    ]


def test_the_text_receipt_puts_the_address_a_line_each_within_the_width() -> None:
    long_street = "Unit 4, The Old Tannery Workshops, 127 Canal Side Industrial Estate"
    text = render_text(_receipt(address=f"{long_street}\nLeith EH6 6QA"))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 48
    assert lines[0] == "Studio Nine"
    assert "Leith EH6 6QA" in lines
    assert lines.index("Leith EH6 6QA") < next(
        i for i, line in enumerate(lines) if line.startswith("RECEIPT")
    )


def test_the_business_details_are_escaped_in_html() -> None:
    page = render_html(_receipt(address="<b>1 Main St</b>\n& Co", tax_id="<i>X</i>"))
    assert "<b>1 Main St" not in page and "<i>X" not in page
    assert "&lt;b&gt;1 Main St&lt;/b&gt;" in page and "&amp; Co" in page
    assert "Tax ID &lt;i&gt;X&lt;/i&gt;" in page


def test_printing_and_render_load_no_ui_module() -> None:
    """The CLI prints and writes PDFs through printing and render: not one ui module loads."""
    import subprocess
    import sys

    probe = (
        "import sys, pos_app.printing.receipt, pos_app.printing.sales_report, "
        "pos_app.printing.qt_app, pos_app.reports.render.sales_text; "
        "print(sorted(m for m in sys.modules if m.startswith('pos_app.ui')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"
