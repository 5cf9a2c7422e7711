"""Day close (Z report): hand-computed figures, the rules of closing, and a closed day that
never changes (frozen snapshot; later payments are adjustments on the day they are recorded)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy
from sqlalchemy.exc import DatabaseError

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking
from pos_app.domain.errors import (
    FormErrors,
    InvalidStateError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.services.day_close import DayCloseService
from pos_app.services.reports import ReportService

DAY = date(2026, 3, 3)  # a Tuesday
CLOSED_AT = datetime(2026, 3, 3, 18, 4, tzinfo=UTC)
MANAGER = Actor("usr_alex", "Alex Morgan", Role.MANAGER)


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


class Day:
    """Rows put straight into the database through a unit of work (no sandbox needed)."""

    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.n = 0

    def booking(self, currency: str = "usd", price: int = 20000) -> str:
        self.n += 1
        start = at(9) + timedelta(minutes=30 * self.n)
        booking = Booking(
            id=f"bk_{self.n}",
            customer_name=f"Customer {self.n}",
            service_id="svc_haircut",
            service_name="Haircut",
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            price_amount=price,
            currency=currency,
            created_at=start - timedelta(days=1),
        )
        with self.app.deps.uow(write=True) as uow:
            uow.bookings.add(booking)
            uow.commit()
        return booking.id

    def payment(
        self,
        amount: int,
        when: datetime,
        *,
        method: PaymentMethod = PaymentMethod.CARD,
        fee: int | None = None,
        currency: str = "usd",
        recorded: datetime | None = None,
        status: PaymentStatus = PaymentStatus.SUCCEEDED,
        booking_id: str | None = None,
    ) -> str:
        self.n += 1
        pid = f"pay_{self.n}"
        card = method is PaymentMethod.CARD
        booking_id = booking_id or self.booking(currency)
        with self.app.deps.uow(write=True) as uow:
            uow.payments.add(
                Payment(
                    id=pid,
                    booking_id=booking_id,
                    method=method,
                    status=status,
                    amount=amount,
                    currency=currency,
                    idempotency_key=f"test:{pid}",
                    created_at=when - timedelta(minutes=2),
                    paid_at=when if status is PaymentStatus.SUCCEEDED else None,
                    stripe_payment_intent_id=f"pi_{pid}" if card else None,
                    fee_amount=fee,
                    net_amount=None if fee is None else amount - fee,
                    recorded_at=recorded or when,
                )
            )
            uow.commit()
        return pid

    def refund(self, payment_id: str, amount: int, when: datetime, **kw: datetime) -> str:
        self.n += 1
        with self.app.deps.uow(write=True) as uow:
            payment = uow.payments.get(payment_id)
            assert payment is not None
            uow.refunds.add(
                Refund(
                    id=f"rf_{self.n}",
                    payment_id=payment_id,
                    booking_id=payment.booking_id,
                    amount=amount,
                    currency=payment.currency,
                    reason="requested_by_customer",
                    status=RefundStatus.SUCCEEDED,
                    idempotency_key=f"test:rf_{self.n}",
                    created_at=when,
                    stripe_refund_id=f"re_{self.n}",
                    fee_amount=0,
                    net_amount=-amount,
                    recorded_at=kw.get("recorded", when),
                )
            )
            uow.commit()
        return f"rf_{self.n}"


def service(app: AppContext, now: datetime) -> DayCloseService:
    deps = dataclasses.replace(app.deps, clock=FixedClock(now))
    return DayCloseService(deps, ReportService(deps), business_currency=lambda: "usd")


@pytest.fixture
def day(app: AppContext) -> Day:
    """Tuesday 3 March (UTC): cards $100 (fee $3.20) and $50 (fee $1.75), $20 of the first
    refunded, cash $35 and $10; a €40 card (fee €1.46); around it, things that don't count."""
    d = Day(app)
    first = d.payment(10000, at(10), fee=320)
    d.payment(5000, at(11), fee=175)
    d.refund(first, 2000, at(15))
    d.payment(3500, at(12), method=PaymentMethod.CASH)
    d.payment(1000, at(13), method=PaymentMethod.CASH)
    d.payment(4000, at(14), fee=146, currency="eur")
    d.payment(9900, at(23, 59, DAY - timedelta(days=1)), fee=317)  # Monday's
    d.payment(7000, at(16), status=PaymentStatus.OPEN)  # a link never paid
    d.payment(1234, at(0, 0, DAY + timedelta(days=1)), method=PaymentMethod.CASH)  # Wednesday's
    return d


def test_the_z_report_figures_are_the_hand_computed_ones(app: AppContext, day: Day) -> None:
    z = service(app, CLOSED_AT).preview(DAY, actor=MANAGER)
    assert not z.is_closed and [t.currency for t in z.currencies] == ["eur", "usd"]
    usd = z.totals("usd")
    assert (usd.card_count, usd.card_gross, usd.card_refunds, usd.card_net) == (
        2,
        15000,
        2000,
        13000,
    )
    assert (usd.fees, usd.card_net_after_fees) == (495, 12505)
    assert (usd.cash_count, usd.cash_expected) == (2, 4500)
    assert usd.net == 17500 and usd.adjustments == 0
    eur = z.totals("eur")
    assert (eur.card_gross, eur.fees, eur.cash_expected) == (4000, 146, 0)
    assert z.sales.currencies["usd"].net == usd.net  # the same engine as the dashboard


def test_closing_freezes_the_day_and_audits_it(app: AppContext, day: Day) -> None:
    closing = service(app, CLOSED_AT)
    z = closing.close(DAY, {"usd": "44.00", "eur": ""}, "  Drawer $1 short  ", actor=MANAGER)
    assert z.is_closed
    assert z.closed_sentence == "Tuesday 3 March was closed at 18:04 by Alex Morgan."
    usd = z.close_for("usd")
    assert usd is not None
    assert (usd.card_net, usd.cash_expected, usd.cash_counted) == (13000, 4500, 4400)
    assert usd.cash_difference == -100 and usd.note == "Drawer $1 short"
    eur = z.close_for("eur")
    assert eur is not None and (eur.cash_counted, eur.cash_difference) == (0, 0)
    assert json.loads(usd.report_json)["currencies"]["usd"]["gross"] == 19500
    with app.deps.uow() as uow:
        assert [c.currency for c in uow.day_closes.between(DAY, DAY)] == ["eur", "usd"]
    entries = app.audit.query(AuditQuery(actions=frozenset({AuditAction.DAY_CLOSED})))
    assert {(e.currency, e.amount, e.actor_name) for e in entries} == {
        ("usd", 4400, "Alex Morgan"),
        ("eur", 0, "Alex Morgan"),
    }
    usd_entry = next(e for e in entries if e.currency == "usd")
    assert "the drawer is $1.00 short" in usd_entry.detail
    assert AuditAction.DAY_CLOSED.is_money

    # Closing again is refused, naming who closed it and when.
    later = service(app, CLOSED_AT + timedelta(days=1))
    with pytest.raises(InvalidStateError) as info:
        later.close(DAY, {"usd": "45.00"}, actor=MANAGER)
    assert info.value.message == "Tuesday 3 March was closed at 18:04 by Alex Morgan."


def test_a_closed_day_reads_back_frozen_and_later_money_is_an_adjustment(
    app: AppContext, day: Day
) -> None:
    service(app, CLOSED_AT).close(DAY, {"usd": "45.00"}, actor=MANAGER)
    # After the close: a card payment dated Tuesday that this station only recorded on
    # Wednesday morning (the customer paid as the desk closed), and a Wednesday refund.
    wednesday = DAY + timedelta(days=1)
    late = day.payment(2500, at(17, 30), fee=103, recorded=at(9, 15, wednesday))
    day.refund(late, 500, at(10, 0, wednesday))
    # And a correction made behind the close's back: the frozen copy must not follow it.
    with app.deps.uow(write=True) as uow:
        paid = uow.payments.get("pay_1")
        assert paid is not None
        paid.fee_amount = 999
        uow.commit()

    now = at(18, 0, wednesday)
    frozen = service(app, now).preview(DAY, actor=MANAGER)
    assert frozen.is_closed
    assert frozen.totals("usd").card_gross == 15000 and frozen.totals("usd").fees == 495
    recomputed = ReportService(app.deps).range(DAY, DAY, actor=MANAGER, from_snapshots=False)
    assert recomputed.currencies["usd"].fees != 495  # every row read again sees the edit...
    # ...the Z does not, nor reports, which sum a closed day from its Z (issue 13 item 9).
    assert ReportService(app.deps).daily(DAY, actor=MANAGER).currencies["usd"].fees == 495

    next_day = service(app, now).preview(wednesday, actor=MANAGER).totals("usd")
    assert (next_day.adjustments, next_day.adjustments_net) == (1, 2500)
    assert (next_day.card_gross, next_day.card_refunds, next_day.fees) == (2500, 500, 103)
    assert next_day.cash_expected == 1234  # Wednesday's own cash


def test_the_database_refuses_to_change_a_closed_day(app: AppContext, day: Day) -> None:
    service(app, CLOSED_AT).close(DAY, {"usd": "45.00"}, actor=MANAGER)
    engine = app.deps.uow.engine  # type: ignore[attr-defined]
    for statement in (
        "UPDATE day_closes SET cash_counted = 0",
        "DELETE FROM day_closes",
    ):
        with pytest.raises(DatabaseError, match="day_close_is_final"), engine.begin() as conn:
            conn.execute(sqlalchemy.text(statement))
    with engine.connect() as conn:
        counted = conn.execute(sqlalchemy.text("SELECT cash_counted FROM day_closes")).scalars()
        assert sorted(counted) == [0, 4500]


def test_who_when_and_what_may_close(app: AppContext, day: Day) -> None:
    closing = service(app, CLOSED_AT)
    staff = Actor("usr_sam", "Sam Lee", Role.STAFF)
    with pytest.raises(PermissionDeniedError, match="Only a manager can close the day"):
        closing.close(DAY, {"usd": "45.00"}, actor=staff)
    with pytest.raises(PermissionDeniedError):
        closing.preview(DAY, actor=staff)
    with pytest.raises(ValidationError, match="Wednesday 4 March has not come yet"):
        closing.close(DAY + timedelta(days=1), {}, actor=MANAGER)
    with pytest.raises(FormErrors) as bad:
        closing.close(DAY, {"usd": "45.5.0", "eur": "-3"}, actor=MANAGER)
    assert set(bad.value.errors) == {"counted_usd", "counted_eur"}
    assert bad.value.errors["counted_usd"] == "Enter an amount as a number, like 35.00."
    with pytest.raises(FormErrors) as missing:
        closing.close(DAY, {}, actor=MANAGER)
    assert missing.value.errors == {
        "counted_usd": "Count the USD cash in the drawer and enter it (expected $45.00)."
    }
    with app.deps.uow() as uow:
        assert uow.day_closes.between(DAY, DAY) == []  # nothing was written
    # Today may be closed (desks close at the end of their day).
    assert closing.close(DAY, {"usd": "45"}, actor=MANAGER).is_closed


def test_a_quiet_day_closes_in_the_business_currency(app: AppContext) -> None:
    quiet = DAY - timedelta(days=30)
    z = service(app, CLOSED_AT).close(quiet, {}, actor=MANAGER)
    assert [c.currency for c in z.closes] == ["usd"]
    assert (z.closes[0].cash_expected, z.closes[0].cash_counted) == (0, 0)
    assert z.closed_sentence == (
        "Sunday 1 February was closed on Tuesday 3 March at 18:04 by Alex Morgan."
    )


def test_the_command_line_previews_and_closes_a_day(
    app: AppContext,
    app_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pos_app.cli import main
    from tests.integration.helpers import book

    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    app.cash.record(book(app).id)  # $35.00 cash today
    today = app.day_close.today().isoformat()
    assert main(["close-day", "--date", today, "--preview", "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["closed"] is None and preview["currencies"]["usd"]["cash_expected"] == 3500

    assert main(["close-day", "--date", today, "--cash-counted", "thirty"]) == 1
    assert "--cash-counted (USD): Enter an amount as a number" in capsys.readouterr().err
    assert main(["close-day", "--date", today, "--cash-counted", "34.00", "--json"]) == 0
    closed = json.loads(capsys.readouterr().out)
    assert closed["currencies"]["usd"]["cash_difference"] == -100
    assert closed["closed"]["by"].startswith("command line")
    assert main(["close-day", "--date", today, "--cash-counted", "35"]) == 1
    assert "was closed at" in capsys.readouterr().err


def test_the_command_line_takes_an_opening_float(
    app: AppContext,
    app_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pos_app.cli import main
    from tests.integration.helpers import book

    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    app.cash.record(book(app).id)  # $35.00 cash today
    today = app.day_close.today().isoformat()
    close = ["close-day", "--date", today, "--cash-counted", "135"]
    assert main([*close, "--float", "-5"]) == 1
    assert "--float (USD):" in capsys.readouterr().err
    assert main([*close, "--float", "eur=100"]) == 2  # a currency the day does not have
    assert "give --float CURRENCY=AMOUNT" in capsys.readouterr().err
    assert main([*close, "--float", "usd=100", "--json"]) == 0
    usd = json.loads(capsys.readouterr().out)["currencies"]["usd"]
    assert (usd["opening_float"], usd["cash_expected"], usd["cash_difference"]) == (10000, 13500, 0)


# -- the opening float ------------------------------------------------------------------


def test_the_opening_float_is_in_cash_expected_and_reads_back(app: AppContext, day: Day) -> None:
    closing = service(app, CLOSED_AT)
    z = closing.close(DAY, {"usd": "195.00", "eur": ""}, floats={"usd": "150"}, actor=MANAGER)
    usd = z.totals("usd")
    # float 150.00 + cash taken 45.00 − cash given back 0
    assert (usd.opening_float, usd.cash_net, usd.cash_expected) == (15000, 4500, 19500)
    assert usd.net == 17500  # the float is not takings
    close = z.close_for("usd")
    assert close is not None
    assert (close.opening_float, close.cash_expected, close.cash_difference) == (15000, 19500, 0)
    assert z.to_json()["currencies"]["usd"]["opening_float"] == 15000
    assert z.to_json()["currencies"]["eur"]["opening_float"] == 0
    again = closing.preview(DAY, actor=MANAGER)  # the frozen close, from the database
    assert again.totals("usd").opening_float == 15000
    assert again.totals("usd").cash_expected == 19500
    entry = app.audit.query(AuditQuery(actions=frozenset({AuditAction.DAY_CLOSED})))
    assert any("(float $150.00)" in e.detail for e in entry)


@pytest.mark.parametrize("typed", ["-5", "abc", "1.234", "99999999999"])
def test_a_bad_float_is_one_sentence_and_closes_nothing(
    app: AppContext, day: Day, typed: str
) -> None:
    closing = service(app, CLOSED_AT)
    with pytest.raises(FormErrors) as caught:
        closing.close(DAY, {"usd": "45", "eur": ""}, floats={"usd": typed}, actor=MANAGER)
    assert set(caught.value.errors) == {"float_usd"}
    assert caught.value.errors["float_usd"].endswith(".")
    with app.deps.uow() as uow:
        assert uow.day_closes.between(DAY, DAY) == []


def test_a_close_without_a_float_reads_zero(app: AppContext, day: Day) -> None:
    z = service(app, CLOSED_AT).close(DAY, {"usd": "45", "eur": ""}, actor=MANAGER)
    close = z.close_for("usd")
    assert close is not None and close.opening_float == 0 and close.cash_expected == 4500
