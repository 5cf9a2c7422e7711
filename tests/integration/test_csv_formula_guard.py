"""`pos-app export csv` never writes a cell a spreadsheet would run as a formula.

Every text column (customer, service, staff, recorded_by, the booking, record and Stripe
ids, the refund reason) is tried with every character a spreadsheet starts a formula with:
= + - @, tab, CR, newline and the full-width ＝ ＋ － ＠ that some normalise. The rows are
written straight into the database, as an older version, another app or a restored backup
could have left them: the guard is the export's, not the input forms'.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from pos_app import cli
from pos_app.domain.booking import Booking
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus, Refund, RefundStatus
from pos_app.domain.people import Resource, Role, User
from tests.integration.report_fixtures import Shop

DAY = date(2026, 6, 10)
# The test's own list (not the module's), so a character dropped from the guard shows here.
STARTS = {
    "equals": "=",
    "plus": "+",
    "minus": "-",
    "at": "@",
    "tab": "\t",
    "cr": "\r",
    "newline": "\n",
    "fullwidth-equals": "＝",
    "fullwidth-plus": "＋",
    "fullwidth-minus": "－",
    "fullwidth-at": "＠",
}
DANGEROUS = tuple(STARTS.values())
PAYLOAD = 'HYPERLINK("http://evil.example","x")'
# Every column whose text comes from people or from Stripe, not from the app's own numbers.
TEXT_COLUMNS = (
    "booking_id",
    "customer",
    "service",
    "staff",
    "record_id",
    "stripe_session_id",
    "stripe_payment_intent_id",
    "stripe_charge_id",
    "stripe_refund_id",
    "stripe_balance_transaction_id",
    "refund_reason",
    "recorded_by",
)


def _write_rows(shop: Shop, starts: list[str]) -> None:
    """For each start character: a paid card booking and its refund, every text in them
    starting with it (tagged with the character's number ``n``)."""
    at = shop.local(2026, 6, 10, 9)
    for n, start in enumerate(starts):
        t = start + PAYLOAD  # the text every column gets, e.g. '=HYPERLINK(...)'
        booking_id, payment_id, refund_id = f"{t}#bk{n}", f"{t}#pay{n}", f"{t}#ref{n}"
        paid_at = at + timedelta(minutes=10 * n)
        starts = paid_at + timedelta(days=30)
        with shop.uow(write=True) as w:
            w.resources.add(Resource(f"res_guard_{n}", f"{t}#staff{n}"))
            w.session.flush()  # type: ignore[attr-defined]
            w.users.add(User(f"usr_guard_{n}", f"{t}#user{n}", Role.STAFF, "x", paid_at))
            w.bookings.add(
                Booking(
                    id=booking_id,
                    customer_name=f"{t}#customer{n}",
                    service_id="svc_cut",
                    service_name=f"{t}#service{n}",
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=30),
                    price_amount=3500,
                    currency="usd",
                    created_at=paid_at - timedelta(days=1),
                    resource_id=f"res_guard_{n}",
                )
            )
            w.session.flush()  # type: ignore[attr-defined]
            w.payments.add(
                Payment(
                    id=payment_id,
                    booking_id=booking_id,
                    method=PaymentMethod.CARD,
                    status=PaymentStatus.SUCCEEDED,
                    amount=3500,
                    currency="usd",
                    idempotency_key=f"key_guard_pay_{n}",
                    created_at=paid_at - timedelta(minutes=2),
                    stripe_session_id=f"{t}#cs{n}",
                    stripe_payment_intent_id=f"{t}#pi{n}",
                    stripe_charge_id=f"{t}#ch{n}",
                    stripe_balance_transaction_id=f"{t}#txn{n}",
                    paid_at=paid_at,
                    fee_amount=132,
                    net_amount=3368,
                    recorded_at=paid_at,
                    created_by=f"usr_guard_{n}",
                )
            )
            w.session.flush()  # type: ignore[attr-defined]
            w.refunds.add(
                Refund(
                    id=refund_id,
                    payment_id=payment_id,
                    booking_id=booking_id,
                    amount=1000,
                    currency="usd",
                    reason=f"{t}#reason{n}",
                    status=RefundStatus.SUCCEEDED,
                    idempotency_key=f"key_guard_ref_{n}",
                    created_at=paid_at + timedelta(minutes=5),
                    stripe_refund_id=f"{t}#re{n}",
                    stripe_balance_transaction_id=f"{t}#rtxn{n}",
                    fee_amount=0,
                    net_amount=-1000,
                    recorded_at=paid_at + timedelta(minutes=5),
                    created_by=f"usr_guard_{n}",
                )
            )
            w.commit()


def _export_with_the_cli(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, str]]:
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POS_DATABASE_URL", shop.url)
    monkeypatch.setenv("POS_TIMEZONE", "America/New_York")
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.delenv("POS_STRIPE_API_BASE", raising=False)
    out = tmp_path / "guarded.csv"
    day = DAY.isoformat()
    assert cli.main(["export", "csv", "--from", day, "--to", day, str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def exported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    shop = Shop(tmp_path)
    _write_rows(shop, list(STARTS.values()))
    return _export_with_the_cli(shop, tmp_path, monkeypatch)


def _rows_of(rows: list[dict[str, str]], n: int) -> list[dict[str, str]]:
    """The payment and the refund of start number ``n`` (found by the staff name's tag)."""
    mine = [r for r in rows if r["staff"].endswith(f"#staff{n}")]
    assert [r["type"] for r in mine] == ["payment", "refund"], mine
    return mine


@pytest.mark.parametrize("column", TEXT_COLUMNS)
def test_no_text_column_starts_a_formula(exported: list[dict[str, str]], column: str) -> None:
    rows = exported
    assert len(rows) == 2 * len(STARTS)
    for n, name in enumerate(STARTS):
        for row in _rows_of(rows, n):
            cell = row[column]
            if not cell:
                continue  # e.g. a payment has no refund id or reason
            assert not cell.startswith(DANGEROUS), (name, column, cell)
            # Neutralised, not dropped: the text is all there after the quote.
            assert cell.startswith("'"), (name, column, cell)
            assert PAYLOAD in cell, (name, column, cell)


def test_every_start_character_is_guarded_in_every_text_column(
    exported: list[dict[str, str]],
) -> None:
    """The whole matrix at once: which (start, column) pairs came out runnable."""
    rows = exported
    runnable = [
        (name, column)
        for n, name in enumerate(STARTS)
        for row in _rows_of(rows, n)
        for column in TEXT_COLUMNS
        if row[column].startswith(DANGEROUS)
    ]
    assert runnable == []
    # Both kinds of row carry every column that applies to them.
    payment, refund = _rows_of(rows, 0)
    assert payment["stripe_refund_id"] == "" and payment["refund_reason"] == ""
    assert all(refund[c] for c in TEXT_COLUMNS if c != "stripe_session_id")


def test_the_app_s_own_numbers_keep_their_sign(exported: list[dict[str, str]]) -> None:
    """A refund's "-1000" is a number the app wrote: it is not quoted (a spreadsheet reads it
    as a negative number, which it is)."""
    payment, refund = _rows_of(exported, 0)
    assert (payment["amount"], payment["fee"], payment["net"]) == ("3500", "132", "3368")
    assert (refund["amount"], refund["amount_display"], refund["net"]) == (
        "-1000",
        "-10.00",
        "-1000",
    )


@pytest.mark.parametrize("text", ["Maya Thompson", "'quoted already", "1+1", "a=b"])
def test_text_that_starts_harmlessly_is_left_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    shop = Shop(tmp_path)
    booking = shop.booking("svc_cut", customer=text)
    shop.card(booking, 3500, shop.local(2026, 6, 10, 11), fee=0)
    [row] = _export_with_the_cli(shop, tmp_path, monkeypatch)
    assert row["customer"] == text
