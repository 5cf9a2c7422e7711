"""Receipts: figures against hand-computed fixtures, escaping, and Stripe's receipt email
through the real SDK and the sandbox (once per address, however often it is asked)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import stripe

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.errors import (
    GatewayUnavailable,
    InvalidStateError,
    NotFoundError,
    ValidationError,
)
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pos_app.domain.people import Resource, ResourceKind
from pos_app.domain.ports import AuditQuery
from pos_app.reports.render.receipt import MERCHANT, render_html, render_text
from pos_app.sandbox.runner import SandboxHandle
from pos_app.services.bookings import BookingDetail
from pos_app.services.receipt_model import CardSummary, build_receipt, receipt_number
from pos_app.services.receipt_notes import SANDBOX_NOTE
from pos_app.services.receipts import ReceiptService, mask_email, receipt_email_key
from pos_app.store.repositories import SqlEventLog
from tests.integration.helpers import book, eventually
from tests.integration.interleave import DB_KINDS, Desk, pause_after, race, two_desks
from tests.payments import pay

TZ = ZoneInfo("Europe/London")
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


# -- fixtures by hand ----------------------------------------------------------------------


def _booking(price: int = 3500, currency: str = "usd", **kw: Any) -> Booking:
    fields: dict[str, Any] = {
        "id": "bk_3f2a9c1b07d84e6f9a0b1c2d3e4f5a6b",
        "customer_name": "Ada Lovelace",
        "customer_email": "ada@example.com",
        "customer_phone": "+44 20 7946 0018",
        "service_id": "svc_haircut",
        "service_name": "Haircut",
        "starts_at": T0 + timedelta(hours=1),
        "ends_at": T0 + timedelta(hours=1, minutes=30),
        "price_amount": price,
        "currency": currency,
        "created_at": T0,
    }
    fields.update(kw)
    return Booking(**fields)


def _payment(
    pid: str, amount: int, method: PaymentMethod, minutes: int, currency: str = "usd"
) -> Payment:
    card = method is PaymentMethod.CARD
    return Payment(
        id=pid,
        booking_id="bk_x",
        method=method,
        status=PaymentStatus.SUCCEEDED,
        amount=amount,
        currency=currency,
        idempotency_key=f"k-{pid}",
        created_at=T0 + timedelta(minutes=minutes),
        paid_at=T0 + timedelta(minutes=minutes),
        stripe_payment_intent_id=f"pi_{pid}" if card else None,
        stripe_charge_id=f"ch_{pid}" if card else None,
    )


def _refund(rid: str, amount: int, status: RefundStatus, minutes: int) -> Refund:
    return Refund(
        id=rid,
        payment_id="p1",
        booking_id="bk_x",
        amount=amount,
        currency="usd",
        reason="requested_by_customer",
        status=status,
        idempotency_key=f"k-{rid}",
        created_at=T0 + timedelta(minutes=minutes),
        stripe_refund_id=f"re_{rid}",
    )


def _build(detail: BookingDetail, **kw: Any):  # type: ignore[no-untyped-def]
    options: dict[str, Any] = {
        "business_name": "Studio Nine",
        "timezone": TZ,
        "issued_at": T0 + timedelta(hours=3),
        "mode": "live",
    }
    options.update(kw)
    return build_receipt(detail, **options)


def test_deposit_by_card_and_the_balance_in_cash() -> None:
    booking = _booking(status=BookingStatus.PAID, paid_amount=3500)
    detail = BookingDetail(
        booking,
        [
            _payment("p2", 2500, PaymentMethod.CASH, minutes=50),
            _payment("p1", 1000, PaymentMethod.CARD, minutes=5),
            # An expired link is not money received: it is left off.
            dataclasses.replace(
                _payment("p0", 3500, PaymentMethod.CARD, minutes=1), status=PaymentStatus.EXPIRED
            ),
        ],
        [],
    )
    staff = Resource("res_sam", "Sam Porter", ResourceKind.STAFF)
    receipt = _build(detail, resource=staff, cards={"p1": CardSummary("visa", "4242")})

    assert [(p.label, p.part, p.amount.amount) for p in receipt.payments] == [
        ("Visa •••• 4242", "Deposit", 1000),
        ("Cash", "Balance", 2500),
    ]
    assert (receipt.paid.amount, receipt.refunded.amount, receipt.balance_due.amount) == (
        3500,
        0,
        0,
    )
    assert receipt.payments[0].stripe_ids == ("pi_p1", "ch_p1")
    assert receipt.staff == "Sam Porter" and receipt.staff_label == "With"
    assert receipt.number == "R-3F2A9-C1B07" == receipt_number(booking.id)
    # Times are the business's local times (London is UTC+0 in November).
    assert receipt.payments[0].at.strftime("%H:%M") == "09:05"

    text = render_text(receipt)
    assert "Visa •••• 4242 · deposit" in text and "$10.00" in text
    assert "Cash · balance" in text and "$25.00" in text
    assert "Sun 22 Nov 2026, 10:00–10:30" in text
    assert "With        Sam Porter" in text
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 48
    paid_line = next(line for line in lines if line.startswith("Paid "))
    due_line = next(line for line in lines if line.startswith("Balance due"))
    assert paid_line.endswith("$35.00") and due_line.endswith("$0.00")
    assert "Refunded" not in text  # nothing refunded: no refund lines
    assert not receipt.notes


def test_partial_refund_counts_only_what_settled() -> None:
    booking = _booking(
        status=BookingStatus.PARTIALLY_REFUNDED, paid_amount=3500, refunded_amount=500
    )
    detail = BookingDetail(
        booking,
        [_payment("p1", 3500, PaymentMethod.CARD, minutes=5)],
        [
            _refund("r1", 500, RefundStatus.SUCCEEDED, minutes=60),
            _refund("r2", 300, RefundStatus.PENDING, minutes=70),
            _refund("r3", 200, RefundStatus.FAILED, minutes=80),
        ],
    )
    receipt = _build(detail)
    assert receipt.payments[0].label == "Card"  # no card details: no made-up digits
    assert receipt.payments[0].part == ""  # paid in one go
    assert (receipt.refunded.amount, receipt.refund_pending.amount) == (500, 300)
    assert receipt.net_paid.amount == 3000
    assert receipt.balance_due.amount == 0
    assert [r.state for r in receipt.refunds] == ["Refunded", "Pending", "Failed"]

    text = render_text(receipt)
    rows = {line.split("  ")[0]: line for line in text.splitlines()}
    assert rows["Refunded"].endswith("−$5.00")
    assert rows["Refund pending"].endswith("−$3.00")
    assert rows["Net paid"].endswith("$30.00")
    assert "  Failed · Requested by customer" in text
    # Stripe's refund id is for the merchant's copy only (support, the audit).
    assert "re_r3" not in text and "    re_r3" in render_text(receipt, copy=MERCHANT)
    html_text = render_html(receipt)
    assert "Partially refunded" in html_text and "−$2.00" in html_text


def test_zero_decimal_currency_has_no_decimals() -> None:
    booking = _booking(price=3500, currency="jpy", status=BookingStatus.DEPOSIT_PAID)
    detail = BookingDetail(
        booking,
        [
            _payment("p1", 1000, PaymentMethod.CARD, minutes=5, currency="jpy"),
            _payment("p2", 500, PaymentMethod.CASH, minutes=9, currency="jpy"),
        ],
        [],
    )
    receipt = _build(detail, mode="sandbox")
    assert [(p.part, p.amount.format()) for p in receipt.payments] == [
        ("Deposit", "¥1,000"),
        ("Part payment", "¥500"),
    ]
    assert receipt.balance_due.format() == "¥2,000"
    text = render_text(receipt)
    assert "¥3,500" in text and "¥2,000" in text and "¥1,000" in text
    assert "¥3,500.00" not in text and "35.00" not in text
    # Card money in the sandbox was not real, and the receipt says so.
    assert receipt.notes == ("Card payments were made in the sandbox: no real money moved.",)
    assert _build(detail, mode="test").notes == (
        "Card payments were made in Stripe test mode: no real money moved.",
    )


def test_every_user_string_is_escaped_in_html() -> None:
    hostile = '<script>alert("x")</script> & <b>Bob</b>'
    booking = _booking(
        customer_name=hostile,
        customer_email="<img src=x onerror=alert(1)>@example.com",
        service_name="Cut <i>&</i> colour",
    )
    detail = BookingDetail(booking, [], [])
    page = render_html(
        _build(detail, business_name="Tom & Jerry's <Salon>", resource=Resource("r", "<u>Sam")),
    )
    for raw in ("<script>", "<b>Bob", "<img", "<i>&</i>", "<Salon>", "<u>Sam"):
        assert raw not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Bob&lt;/b&gt;" in page
    assert "Tom &amp; Jerry&#x27;s &lt;Salon&gt;" in page
    assert "No payment received yet." in page


# -- through the sandbox ---------------------------------------------------------------


class CountingGateway:
    """The app's gateway, counting receipt-email calls; optionally losing one answer."""

    def __init__(self, inner: Any, *, lose_first_answer: bool = False) -> None:
        self._inner = inner
        self.calls: list[tuple[str, str, str]] = []
        self._lose = lose_first_answer

    def set_receipt_email(self, payment_intent_id: str, email: str, *, idempotency_key: str):  # type: ignore[no-untyped-def]
        self.calls.append((payment_intent_id, email, idempotency_key))
        result = self._inner.set_receipt_email(
            payment_intent_id, email, idempotency_key=idempotency_key
        )
        if self._lose:
            self._lose = False  # Stripe applied it; the answer never arrived
            raise GatewayUnavailable("Stripe could not be reached. Check the connection.")
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _service(app: AppContext, gateway: Any) -> ReceiptService:
    return ReceiptService(dataclasses.replace(app.deps, gateway=gateway))


def _paid(app: AppContext, *, price: str | None = None) -> Booking:
    booking = book(app, price=price)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    eventually(lambda: app.checkout.refresh(view.payment_id).status is PaymentStatus.SUCCEEDED)
    return booking


@pytest.fixture
def would_send(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """The sandbox's "would send" lines (it runs in this process and sends no mail)."""
    caplog.set_level(logging.INFO, logger="pos_app.sandbox.payment_intents")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "would_send" in record.getMessage():
                records.append(record)

    handler = Keep()
    logging.getLogger("pos_app.sandbox.payment_intents").addHandler(handler)
    yield records
    logging.getLogger("pos_app.sandbox.payment_intents").removeHandler(handler)


def test_checkout_passes_the_customers_email_for_stripes_receipt(
    app: AppContext, stripe_client: stripe.StripeClient, would_send: list[logging.LogRecord]
) -> None:
    booking = _paid(app)
    payment = app.bookings.detail(booking.id).payments[0]
    assert payment.stripe_session_id and payment.stripe_payment_intent_id
    session = stripe_client.v1.checkout.sessions.retrieve(payment.stripe_session_id)
    assert session.customer_email == "ada@example.com"
    pi = stripe_client.v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert pi.receipt_email == "ada@example.com"
    charge = stripe_client.v1.charges.retrieve(str(pi.latest_charge))
    assert charge.receipt_email == "ada@example.com"
    assert [r.getMessage().count("a***@example.com") for r in would_send] == [1]

    # The receipt names the card Stripe charged, and its ids.
    receipt = app.receipts.receipt(booking.id)
    assert receipt.payments[0].label == "Visa •••• 4242"
    assert receipt.payments[0].stripe_ids == (pi.id, charge.id)
    assert "Visa •••• 4242" in render_text(receipt)
    assert receipt.can_email


def test_the_customers_receipt_names_the_business_and_hides_stripes_ids(app: AppContext) -> None:
    booking = _paid(app)
    payment = app.bookings.detail(booking.id).payments[0]
    ids = [payment.stripe_session_id, payment.stripe_payment_intent_id, payment.stripe_charge_id]
    assert all(ids)
    # Settings ▸ Business: what is saved there reaches the receipt through the app's policy.
    app.install_config(
        dataclasses.replace(
            app.config, business_address="1 Quay Road\nLeith EH6 7AA", business_tax_id="GB999"
        )
    )
    receipt = app.receipts.receipt(booking.id)
    for out in (render_text(receipt), render_html(receipt)):
        assert "1 Quay Road" in out and "Leith EH6 7AA" in out and "Tax ID GB999" in out
        assert not [i for i in ids if i and i in out]
    merchant = render_text(receipt, copy=MERCHANT)
    assert payment.stripe_payment_intent_id and payment.stripe_payment_intent_id in merchant


def test_email_receipt_sets_receipt_email_once_however_often_asked(
    app: AppContext, stripe_client: stripe.StripeClient, would_send: list[logging.LogRecord]
) -> None:
    booking = _paid(app)
    pi_id = app.bookings.detail(booking.id).payments[0].stripe_payment_intent_id
    assert pi_id
    gateway = CountingGateway(app.deps.gateway, lose_first_answer=True)
    receipts = _service(app, gateway)
    would_send.clear()

    # The first answer is lost: the desk sees a sentence and clicks again.
    with pytest.raises(GatewayUnavailable, match="could not be reached"):
        receipts.email_receipt(booking.id, "Olga@Example.net")
    first = receipts.email_receipt(booking.id, "Olga@Example.net")
    assert first.sent == (pi_id,) and first.already == ()
    second = receipts.email_receipt(booking.id, "Olga@Example.net")  # clicked twice
    assert second.sent == () and second.already == (pi_id,)
    assert "not sent twice" in second.message

    # Two calls reached Stripe with one key; Stripe applied the update once.
    key = receipt_email_key(booking_payment_id(app, booking), "Olga@Example.net")
    assert [c[2] for c in gateway.calls] == [key, key]
    assert len(would_send) == 1 and "O***@Example.net" in would_send[0].getMessage()
    assert stripe_client.v1.payment_intents.retrieve(pi_id).receipt_email == "Olga@Example.net"

    # Another address is another send, with another key.
    other = receipts.email_receipt(booking.id, "ada@example.com")
    assert other.sent == (pi_id,)
    assert gateway.calls[-1][2] != key and len(would_send) == 2

    with app.deps.uow() as uow:
        entries = uow.audit.query(
            AuditQuery(booking_id=booking.id, actions=frozenset({AuditAction.RECEIPT_SENT}))
        )
    assert len(entries) == 2
    assert {e.detail.split(" (")[0] for e in entries} == {
        "Stripe receipt email to O***@Example.net",
        "Stripe receipt email to a***@example.com",
    }
    assert all(pi_id in e.stripe_ids.split() for e in entries)
    assert all("olga" not in e.detail.lower() for e in entries)  # masked


def booking_payment_id(app: AppContext, booking: Booking) -> str:
    return app.bookings.detail(booking.id).payments[0].id


def test_email_defaults_to_the_customers_address_and_says_test_mode(app: AppContext) -> None:
    booking = _paid(app)
    result = app.receipts.email_receipt(booking.id)
    assert result.email == "ada@example.com" and len(result.sent) == 1
    assert result.message == f"Stripe has the receipt for ada@example.com. {SANDBOX_NOTE}"
    assert mask_email("ada@example.com") == "a***@example.com"


def test_email_errors_are_sentences_and_change_nothing(app: AppContext) -> None:
    booking = _paid(app)
    with pytest.raises(ValidationError, match=r"like name@example\.com") as bad:
        app.receipts.email_receipt(booking.id, "not an address")
    assert bad.value.field == "email"

    cash_only = book(app, name="Grace Hopper")
    app.cash.record(cash_only.id)
    with pytest.raises(InvalidStateError, match=r"no card payment.*PDF instead"):
        app.receipts.email_receipt(cash_only.id, "grace@example.com")
    with pytest.raises(NotFoundError, match="There is no booking bk_nope"):
        app.receipts.receipt("bk_nope")
    with app.deps.uow() as uow:
        assert uow.audit.query(AuditQuery(actions=frozenset({AuditAction.RECEIPT_SENT}))) == []


def test_no_address_at_all_asks_for_one(app: AppContext) -> None:
    booking = _paid(app)
    with app.deps.uow(write=True) as uow:
        stored = uow.bookings.get(booking.id, for_update=True)
        assert stored is not None
        stored.customer_email = None
        uow.commit()
    with pytest.raises(ValidationError, match="Enter the customer's email address"):
        app.receipts.email_receipt(booking.id, "  ")


def test_stripe_unreachable_gives_a_receipt_that_says_card(app: AppContext) -> None:
    booking = _paid(app)

    class Offline(CountingGateway):
        def retrieve_charge_details(self, payment_intent_id: str) -> Any:
            raise GatewayUnavailable("Stripe could not be reached. Check the connection.")

    receipt = _service(app, Offline(app.deps.gateway)).receipt(booking.id)
    assert receipt.payments[0].label == "Card"
    assert receipt.paid.amount == 3500


def test_cli_prints_writes_pdf_and_emails(
    app: AppContext,
    app_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pos_app.cli import main

    booking = _paid(app)
    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    # In-process (fast): keep pytest's log capture instead of the CLI's log files.
    monkeypatch.setattr("pos_app.cli.setup_logging", lambda *_a, **_k: None)
    assert main(["receipt", booking.id]) == 0
    out = capsys.readouterr().out
    assert out.startswith("pos-app\nRECEIPT R-") and "Visa •••• 4242" in out
    pi_id = app.bookings.detail(booking.id).payments[0].stripe_payment_intent_id
    assert pi_id and pi_id not in out  # the customer's copy
    assert main(["receipt", booking.id, "--merchant-copy"]) == 0
    out = capsys.readouterr().out
    assert "MERCHANT COPY" in out and pi_id in out and booking.id in out

    pdf = tmp_path / "r.pdf"
    assert main(["receipt", booking.id, "--pdf", str(pdf)]) == 0
    assert f"Saved the receipt to {pdf}." in capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF-")

    assert main(["receipt", booking.id, "--email"]) == 0
    assert "Stripe has the receipt for ada@example.com." in capsys.readouterr().out
    assert main(["receipt", booking.id, "--email", "nope"]) == 1
    assert "like name@example.com" in capsys.readouterr().err


def test_sandbox_updates_a_payment_intent_as_stripe_does(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    booking = _paid(app)
    pi_id = app.bookings.detail(booking.id).payments[0].stripe_payment_intent_id
    assert pi_id
    pis = stripe_client.v1.payment_intents
    updated = pis.update(pi_id, {"metadata": {"note": "x"}, "description": "Haircut"})
    assert updated.metadata["note"] == "x" and updated.metadata["booking_id"] == booking.id
    assert updated.description == "Haircut"
    updated = pis.update(pi_id, {"metadata": {"note": ""}, "receipt_email": ""})
    assert "note" not in updated.metadata and updated.receipt_email is None

    with pytest.raises(stripe.InvalidRequestError, match="not supported by the sandbox") as err:
        pis.update(pi_id, {"amount": 100})
    assert err.value.param == "amount"
    with pytest.raises(stripe.InvalidRequestError, match="Invalid email address") as err:
        pis.update(pi_id, {"receipt_email": "nope"})
    assert err.value.code == "email_invalid"
    with pytest.raises(stripe.InvalidRequestError, match="No such payment_intent") as err:
        pis.update("pi_missing", {"receipt_email": "a@example.com"})
    assert (err.value.http_status, err.value.param) == (404, "intent")


@pytest.fixture(params=DB_KINDS)
def racing(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sandbox: SandboxHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Desk, Desk]]:
    yield from two_desks(request.param, request, tmp_path, sandbox.url, monkeypatch)


@pytest.mark.parametrize("step", [1, 2], ids=["storing the key", "marking it sent"])
def test_two_stations_emailing_one_receipt_at_once_send_and_audit_it_once(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    """Both desks press "Email receipt" for the same payment and address. A has read the
    mark (before storing the key, or before marking it sent) and holds the turn; B waits,
    then finds the mark: no database error, one receipt.sent entry."""
    one, other = racing
    booking = _paid(one.app)
    pause = pause_after(
        monkeypatch, SqlEventLog, "get_setting", caller="receipts._send_one", nth=step
    )
    result = race(
        pause,
        lambda: one.services.receipts.email_receipt(booking.id, "olga@example.net"),
        lambda: other.services.receipts.email_receipt(booking.id, "olga@example.net"),
    )
    assert [o.error for o in result.outcomes] == [None, None]
    with one.app.deps.uow() as uow:
        entries = uow.audit.query(
            AuditQuery(booking_id=booking.id, actions=frozenset({AuditAction.RECEIPT_SENT}))
        )
    assert len(entries) == 1
