"""The sales report against hand-computed fixtures (America/New_York, rows written with
explicit times): later-day and partial refunds, deposit by card with the balance in cash,
cash only, 23:30 local, both DST days, two currencies, the closed-day rule, conversion, and
the CLI's JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
import stripe

from pos_app import cli
from pos_app.app import AppContext
from pos_app.domain.errors import FormErrors, PermissionDeniedError
from pos_app.domain.gateway_types import ChargeDetails
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import PaymentGateway
from pos_app.domain.report_data import ReportWindow
from pos_app.domain.reports import Breakdown, CurrencyTotals, SalesReport
from pos_app.services import settle
from tests.integration.helpers import book, eventually
from tests.integration.report_fixtures import Shop
from tests.payments import pay

DAY = date(2026, 6, 10)  # a Wednesday in summer time (UTC−4)


def _row(rows: tuple[Breakdown, ...], key: str) -> tuple[str, int, int, int, int]:
    b = next(r for r in rows if r.key == key)
    return b.label, b.count, b.gross, b.refunds, b.net


def _hours(t: CurrencyTotals) -> dict[str, tuple[int, int, int]]:
    """Hours with anything in them: {"10": (count, gross, refunds)}."""
    return {b.key: (b.count, b.gross, b.refunds) for b in t.by_hour if b.count or b.refunds}


@pytest.fixture
def june(tmp_path: Path, database_url: str | None) -> Shop:
    """One busy day, 2026-06-10, with a sale the evening before and one just after midnight.

    10:15 Haircut (Priya) card 35.00, fee 1.32; 16:20 a partial refund of it, 10.00.
    11:05 Colour (Sam) deposit by card 20.00, fee 0.88; 14:40 the balance, 70.00 cash.
    23:30 Haircut (nobody assigned) cash 35.00: still 06-10 although 03:30 UTC on the 11th.
    06-09 23:59 Haircut (Priya) card 35.00, fee 1.32, refunded in full on 06-10 at 09:00.
    06-11 00:10 Haircut card 35.00: the next day. Also on 06-10: a failed and a pending
    refund (not counted), and links that expired, failed, or are still open.
    """
    shop = Shop(tmp_path, database_url)
    at = shop.local
    a = shop.booking("svc_cut", resource_id="res_priya")
    pay_a = shop.card(a, 3500, at(2026, 6, 10, 10, 15), fee=132)
    shop.refund(pay_a, 1000, at(2026, 6, 10, 16, 20), fee=0)
    shop.refund(pay_a, 500, at(2026, 6, 10, 17, 0), status=RefundStatus.FAILED)
    shop.refund(pay_a, 500, at(2026, 6, 10, 17, 5), status=RefundStatus.PENDING)
    b = shop.booking("svc_colour", resource_id="res_sam")
    shop.card(b, 2000, at(2026, 6, 10, 11, 5), fee=88)
    shop.cash(b, 7000, at(2026, 6, 10, 14, 40))
    c = shop.booking("svc_cut")
    shop.cash(c, 3500, at(2026, 6, 10, 23, 30))
    d = shop.booking("svc_cut", resource_id="res_priya")
    pay_d = shop.card(d, 3500, at(2026, 6, 9, 23, 59), fee=132)
    shop.refund(pay_d, 3500, at(2026, 6, 10, 9, 0), fee=0)
    e = shop.booking("svc_cut", resource_id="res_sam")
    shop.card(e, 3500, at(2026, 6, 11, 0, 10), fee=132)
    f = shop.booking("svc_cut")
    created = at(2026, 6, 10, 12, 0)
    for status in (PaymentStatus.EXPIRED, PaymentStatus.FAILED, PaymentStatus.OPEN):
        shop.card(f, 3500, None, status=status, created_at=created)
    return shop


def test_a_day_by_hand(june: Shop) -> None:
    report = june.reports.daily(DAY)
    assert report.is_day and report.timezone == "America/New_York"
    assert list(report.currencies) == ["usd"]
    usd = report.currencies["usd"]
    # Received: 35.00 + 20.00 + 70.00 + 35.00 (the 23:30 cash); the sale of the evening
    # before and the one after midnight are not this day's.
    assert usd.gross == 16000 and usd.count == 4
    # The partial refund (10.00) and the full refund of the 9th's sale, issued today (35.00);
    # neither the failed nor the pending refund.
    assert usd.refunds == 4500 and usd.refund_count == 2
    assert usd.net == 11500
    assert usd.fees == 132 + 88
    assert usd.net_after_fees == 11280
    assert usd.average_order == 4000
    assert usd.refund_rate == 0.2812  # 45.00 / 160.00, to 4 places
    assert usd.adjustments == 0 and usd.adjustments_net == 0

    assert [b.key for b in usd.by_service] == ["svc_colour", "svc_cut"]  # by gross
    assert _row(usd.by_service, "svc_colour") == ("Colour", 2, 9000, 0, 9000)
    assert _row(usd.by_service, "svc_cut") == ("Haircut", 2, 7000, 4500, 2500)
    assert [b.key for b in usd.by_staff] == ["res_sam", "res_priya", ""]  # unassigned last
    assert _row(usd.by_staff, "res_sam") == ("Sam", 2, 9000, 0, 9000)
    assert _row(usd.by_staff, "res_priya") == ("Priya", 1, 3500, 4500, -1000)
    assert _row(usd.by_staff, "") == ("Unassigned", 1, 3500, 0, 3500)
    assert [b.key for b in usd.by_method] == ["card", "cash"]
    assert _row(usd.by_method, "card") == ("Card (Stripe)", 2, 5500, 4500, 1000)
    assert _row(usd.by_method, "cash") == ("Cash", 2, 10500, 0, 10500)
    assert [b.key for b in usd.by_hour] == [f"{h:02d}" for h in range(24)]
    assert _hours(usd) == {
        "09": (0, 0, 3500),
        "10": (1, 3500, 0),
        "11": (1, 2000, 0),
        "14": (1, 7000, 0),
        "16": (0, 0, 1000),
        "23": (1, 3500, 0),
    }
    # Links created on the day: two paid, one expired, one failed, one open (cash is none).
    c = report.conversion
    assert (c.started, c.paid, c.expired, c.failed, c.open) == (5, 2, 1, 1, 1)


def test_the_days_around_it_and_a_range(june: Shop) -> None:
    before = june.reports.daily(DAY - timedelta(days=1)).currencies["usd"]
    assert (before.gross, before.count, before.refunds, before.fees) == (3500, 1, 0, 132)
    assert _hours(before) == {"23": (1, 3500, 0)}
    after = june.reports.daily(DAY + timedelta(days=1)).currencies["usd"]
    assert (after.gross, after.count, after.refunds) == (3500, 1, 0)
    assert _hours(after) == {"00": (1, 3500, 0)}

    span = june.reports.range(DAY - timedelta(days=1), DAY + timedelta(days=1))
    usd = span.currencies["usd"]
    assert (usd.gross, usd.count, usd.refunds, usd.refund_count) == (23000, 6, 4500, 2)
    assert usd.fees == 132 * 3 + 88
    assert span.to_json()["from"] == "2026-06-09" and span.to_json()["to"] == "2026-06-11"
    # A day with nothing: no currencies, an empty conversion.
    empty = june.reports.daily(date(2026, 6, 20))
    assert empty.currencies == {} and empty.conversion.started == 0


def test_refund_fees_count_with_their_sign(tmp_path: Path, database_url: str | None) -> None:
    # Stripe reports fees it returns on a refund as a negative fee: the day's fees go down.
    shop = Shop(tmp_path, database_url)
    b = shop.booking("svc_cut")
    pay = shop.card(b, 3500, shop.local(2026, 6, 10, 10), fee=132)
    shop.refund(pay, 3500, shop.local(2026, 6, 10, 11), fee=-132)
    usd = shop.reports.daily(DAY).currencies["usd"]
    assert (usd.gross, usd.refunds, usd.fees, usd.net_after_fees) == (3500, 3500, 0, 0)


def test_two_currencies_are_never_added(tmp_path: Path, database_url: str | None) -> None:
    shop = Shop(tmp_path, database_url)
    at = shop.local
    usd_booking = shop.booking("svc_cut")
    shop.card(usd_booking, 3500, at(2026, 6, 10, 10), fee=132)
    eur_booking = shop.booking("svc_schnitt", resource_id="res_priya")
    pay = shop.card(eur_booking, 3000, at(2026, 6, 10, 10, 30), fee=117, currency="eur")
    shop.refund(pay, 1000, at(2026, 6, 10, 12), currency="eur", fee=0)
    shop.cash(shop.booking("svc_schnitt"), 3000, at(2026, 6, 10, 13), currency="eur")

    report = shop.reports.daily(DAY)
    assert sorted(report.currencies) == ["eur", "usd"]
    usd, eur = report.currencies["usd"], report.currencies["eur"]
    assert (usd.gross, usd.count, usd.refunds, usd.fees) == (3500, 1, 0, 132)
    assert (eur.gross, eur.count, eur.refunds, eur.fees) == (6000, 2, 1000, 117)
    assert _row(eur.by_service, "svc_schnitt") == ("Herrenschnitt", 2, 6000, 1000, 5000)
    assert _row(eur.by_staff, "res_priya") == ("Priya", 1, 3000, 1000, 2000)
    assert _row(usd.by_method, "cash") == ("Cash", 0, 0, 0, 0)
    data = report.to_json()
    assert data["currencies"]["eur"]["gross"] == 6000
    assert data["currencies"]["usd"]["gross"] == 3500
    assert "gross" not in data  # no total across currencies anywhere


def test_spring_forward_day_has_23_hours(tmp_path: Path, database_url: str | None) -> None:
    shop = Shop(tmp_path, database_url)
    at = shop.local
    day = date(2026, 3, 8)  # 02:00 EST becomes 03:00 EDT
    window = ReportWindow(day, day, shop.tz)
    assert window.end - window.start == timedelta(hours=23)
    b = shop.booking("svc_cut")
    shop.cash(b, 100, at(2026, 3, 8, 0, 30))  # 05:30 UTC
    shop.cash(b, 200, at(2026, 3, 8, 1, 59))  # 06:59 UTC
    shop.cash(b, 400, at(2026, 3, 8, 3, 30))  # 07:30 UTC: one real hour after 01:59
    shop.cash(b, 800, at(2026, 3, 8, 23, 30))  # 03:30 UTC on the 9th
    shop.cash(b, 1600, at(2026, 3, 9, 0, 10))  # the next day
    shop.cash(b, 3200, at(2026, 3, 7, 23, 50))  # the day before
    usd = shop.reports.daily(day).currencies["usd"]
    assert (usd.gross, usd.count) == (1500, 4)
    hours = _hours(usd)
    assert hours == {
        "00": (1, 100, 0),
        "01": (1, 200, 0),
        "03": (1, 400, 0),
        "23": (1, 800, 0),
    }
    assert len(usd.by_hour) == 24 and "02" not in hours  # the hour that did not exist


def test_fall_back_day_has_25_hours_and_01_30_twice(
    tmp_path: Path, database_url: str | None
) -> None:
    shop = Shop(tmp_path, database_url)
    at = shop.local
    day = date(2026, 11, 1)  # 02:00 EDT becomes 01:00 EST
    window = ReportWindow(day, day, shop.tz)
    assert window.end - window.start == timedelta(hours=25)
    b = shop.booking("svc_cut")
    first, second = at(2026, 11, 1, 1, 30), at(2026, 11, 1, 1, 30, fold=1)
    assert second - first == timedelta(hours=1)  # 05:30 and 06:30 UTC
    shop.cash(b, 100, first)
    shop.cash(b, 200, second)
    shop.cash(b, 400, at(2026, 11, 1, 0, 15))  # 04:15 UTC
    shop.cash(b, 800, at(2026, 11, 1, 23, 30))  # 04:30 UTC on the 2nd
    shop.cash(b, 1600, at(2026, 11, 2, 0, 5))  # the next day
    usd = shop.reports.daily(day).currencies["usd"]
    assert (usd.gross, usd.count) == (1500, 4)
    # Both 01:30s are in the local wall-clock hour "01".
    assert _hours(usd) == {"00": (1, 400, 0), "01": (2, 300, 0), "23": (1, 800, 0)}
    # And the days either side agree: nothing lost, nothing counted twice.
    span = shop.reports.range(date(2026, 10, 31), date(2026, 11, 2)).currencies["usd"]
    assert span.gross == 3100


def test_a_closed_day_never_changes_later_rows_are_adjustments(
    tmp_path: Path, database_url: str | None
) -> None:
    shop = Shop(tmp_path, database_url)
    at = shop.local
    b = shop.booking("svc_cut", resource_id="res_priya")
    # Before the close at 22:00: counted on the day, and in its Z report.
    shop.card(b, 3500, at(2026, 6, 10, 21, 50), fee=132, recorded_at=at(2026, 6, 10, 21, 51))
    closed = shop.reports.daily(DAY).to_json()
    shop.close(DAY, at(2026, 6, 10, 22, 0))
    # Paid at 21:58 by Stripe's clock, seen by the app after midnight: an adjustment on the
    # 11th, at the hour it was recorded.
    late = shop.booking("svc_cut", resource_id="res_sam")
    shop.card(late, 3500, at(2026, 6, 10, 21, 58), fee=132, recorded_at=at(2026, 6, 11, 0, 5))
    # A refund asked for at 21:30 whose success was recorded at 22:30, on the closed day
    # itself: carried to the next day, at hour 00, so the closed day stays as it was.
    paid = shop.card(
        shop.booking("svc_cut"), 2000, at(2026, 6, 9, 12), recorded_at=at(2026, 6, 9, 12)
    )
    shop.refund(paid, 2000, at(2026, 6, 10, 21, 30), recorded_at=at(2026, 6, 10, 22, 30))
    # A cash payment taken after the close on the same evening: carried to the next day too.
    shop.cash(shop.booking("svc_cut"), 1000, at(2026, 6, 10, 22, 45))
    # A day is closed for every currency at once, even one it had no money in when it was
    # closed: a EUR payment of the 10th recorded after the close is an adjustment on the
    # 11th, where a Z report shows it (the 10th is never closed again).
    eur = shop.booking("svc_schnitt")
    shop.card(eur, 3000, at(2026, 6, 10, 21, 59), currency="eur", recorded_at=at(2026, 6, 11, 1))

    day = shop.reports.daily(DAY)
    assert day.to_json()["currencies"]["usd"] == closed["currencies"]["usd"]
    assert day.currencies["usd"].adjustments == 0
    assert "eur" not in day.currencies
    assert shop.reports.daily(DAY + timedelta(days=1)).currencies["eur"].adjustments == 1

    next_day = shop.reports.daily(DAY + timedelta(days=1)).currencies["usd"]
    assert (next_day.gross, next_day.count) == (4500, 2)
    assert (next_day.refunds, next_day.refund_count) == (2000, 1)
    assert next_day.adjustments == 3
    assert next_day.adjustments_net == 3500 + 1000 - 2000
    assert _hours(next_day) == {"00": (2, 4500, 2000)}
    assert _row(next_day.by_staff, "res_sam") == ("Sam", 1, 3500, 0, 3500)
    as_json = shop.reports.daily(DAY + timedelta(days=1)).to_json()["currencies"]["usd"]
    assert (as_json["adjustments"], as_json["adjustments_net"]) == (3, 2500)

    # Over a range that holds both days, every row counts exactly once.
    both = shop.reports.range(DAY, DAY + timedelta(days=1)).currencies["usd"]
    assert (both.gross, both.refunds, both.adjustments) == (3500 + 4500, 2000, 3)
    # The adjustment lands on a later day found only through recorded_at: a week later.
    week = shop.booking("svc_cut")
    shop.card(week, 500, at(2026, 6, 10, 20), recorded_at=at(2026, 6, 17, 9, 15))
    later = shop.reports.daily(date(2026, 6, 17)).currencies["usd"]
    assert (later.gross, later.adjustments, _hours(later)) == (500, 1, {"09": (1, 500, 0)})
    assert shop.reports.daily(DAY).to_json()["currencies"]["usd"] == closed["currencies"]["usd"]


def test_a_charge_time_learned_after_the_close_is_an_adjustment(
    tmp_path: Path, database_url: str | None
) -> None:
    # Paid 23:58 by Stripe's clock; the app saw it at 00:01 without the fee (so with its own
    # time); the day was closed at 00:05; at 00:10 the charge details arrive and move the
    # payment to 23:58. Recorded anew then, it is an adjustment, not a change to the day.
    shop = Shop(tmp_path, database_url)
    at = shop.local
    b = shop.booking("svc_cut")
    payment_id = shop.card(b, 3500, at(2026, 6, 11, 0, 1), recorded_at=at(2026, 6, 11, 0, 1))
    closed = shop.reports.daily(DAY).to_json()
    shop.close(DAY, at(2026, 6, 11, 0, 5))
    details = ChargeDetails(
        f"pi_{payment_id}",
        f"ch_{payment_id}",
        "txn_1",
        132,
        3368,
        charged_at=at(2026, 6, 10, 23, 58),
    )

    class Gateway:
        def retrieve_charge_details(self, payment_intent_id: str) -> ChargeDetails:
            return details

    deps = replace(shop.deps, gateway=cast(PaymentGateway, Gateway()))
    shop.clock.at = at(2026, 6, 11, 0, 10)
    with shop.uow() as r:
        payment = r.payments.get(payment_id)
    assert payment is not None
    filled = settle.fill_charge_details(deps, payment)
    assert (filled.paid_at, filled.recorded_at) == (at(2026, 6, 10, 23, 58), shop.clock.at)
    assert shop.reports.daily(DAY).to_json() == closed
    usd = shop.reports.daily(DAY + timedelta(days=1)).currencies["usd"]
    assert (usd.gross, usd.fees, usd.adjustments, _hours(usd)) == (
        3500,
        132,
        1,
        {"00": (1, 3500, 0)},
    )


def test_bad_ranges_and_staff_are_refused_with_sentences(june: Shop) -> None:
    with pytest.raises(FormErrors) as err:
        june.reports.range(DAY, DAY - timedelta(days=1))
    assert err.value.errors == {"end": "The end date must be on or after the start date."}
    with pytest.raises(FormErrors) as err:
        june.reports.range(DAY, DAY + timedelta(days=366))
    assert "at most 366 days" in err.value.errors["end"]
    assert june.reports.range(DAY, DAY + timedelta(days=365)).currencies  # 366 days is fine
    with pytest.raises(PermissionDeniedError):
        june.reports.daily(DAY, actor=Actor("usr_priya", "Priya", Role.STAFF))


def test_cli_report_json_and_table(
    june: Shop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # In process, on the fixture's database (a subprocess per command is slow).
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POS_DATABASE_URL", june.url)
    monkeypatch.setenv("POS_TIMEZONE", "America/New_York")
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.delenv("POS_STRIPE_API_BASE", raising=False)

    assert cli.main(["report", "daily", "--date", "2026-06-10", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["date"] == "2026-06-10" and data["timezone"] == "America/New_York"
    usd = data["currencies"]["usd"]
    assert {k: usd[k] for k in ("gross", "refunds", "net", "fees", "count")} == {
        "gross": 16000,
        "refunds": 4500,
        "net": 11500,
        "fees": 220,
        "count": 4,
    }
    assert usd["by_method"][1] == {
        "key": "cash",
        "label": "Cash",
        "count": 2,
        "gross": 10500,
        "refunds": 0,
        "net": 10500,
    }
    assert len(usd["by_hour"]) == 24 and usd["by_service"] and usd["by_staff"]
    assert data["conversion"] == {"started": 5, "paid": 2, "expired": 1, "failed": 1, "open": 1}
    report = june.reports.daily(DAY)
    assert data == json.loads(json.dumps(report.to_json()))

    assert cli.main(["report", "range", "--from", "2026-06-09", "--to", "2026-06-11"]) == 0
    table = capsys.readouterr().out
    assert "Sales 2026-06-09 to 2026-06-11 (America/New_York)" in table
    assert "$230.00" in table and "Unassigned" in table and "Card (Stripe)" in table

    assert cli.main(["report", "daily", "--date", "2026-06-31"]) == 1
    assert capsys.readouterr().err.strip() == (
        "--date: '2026-06-31' is not a date; use YYYY-MM-DD, e.g. 2026-11-22."
    )
    assert cli.main(["report", "range", "--from", "2026-06-10", "--to", "2026-06-01"]) == 1
    assert "--to: The end date must be on or after the start date." in capsys.readouterr().err


def test_through_stripe_paid_at_is_the_charge_time_and_fees_come_from_stripe(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    # The whole chain once, on the sandbox: a deposit by card, the balance in cash, a
    # partial refund; the report takes Stripe's fee and Stripe's time of the charge.
    booking = book(app)
    deposit = app.checkout.start(booking.id, "15.00")
    assert deposit.url
    pay(deposit.url)
    app.checkout.refresh(deposit.payment_id)
    app.cash.record(booking.id)
    app.refunds.refund(booking.id, "5.00")
    refunded = eventually(
        lambda: (
            app.sync.refresh_booking(booking.id)
            or app.bookings.detail(booking.id).booking.refunded_amount == 500
        ),
        timeout=15,
        interval=0.3,
    )
    assert refunded
    detail = app.bookings.detail(booking.id)
    card, cash = detail.payments
    (refund,) = detail.refunds
    assert card.stripe_payment_intent_id and card.paid_at and card.recorded_at
    intent = stripe_client.v1.payment_intents.retrieve(
        card.stripe_payment_intent_id, {"expand": ["latest_charge"]}
    )
    charge = cast(Any, intent.latest_charge)
    assert card.paid_at == datetime.fromtimestamp(charge.created, UTC)  # Stripe's, to the second
    assert card.recorded_at >= card.paid_at
    assert cash.recorded_at == cash.paid_at and refund.recorded_at is not None

    # The business day of the charge, in the business's zone (far from UTC in some runs).
    paid_day = card.paid_at.astimezone(app.config.timezone).date()
    usd = app.reports.daily(paid_day).currencies["usd"]
    assert (usd.gross, usd.count, usd.refunds, usd.refund_count) == (3500, 2, 500, 1)
    assert usd.fees == card.fee_amount == 74  # 2.9 % + 30 of 15.00, from the balance transaction
    assert _row(usd.by_method, "card")[1:] == (1, 1500, 500, 1000)
    assert _row(usd.by_method, "cash")[1:] == (1, 2000, 0, 2000)


def test_sales_report_shape_is_what_the_ui_reads() -> None:
    # The additions for the Z report have defaults: older snapshots still load.
    t = CurrencyTotals("usd", gross=100, refunds=0, fees=0, count=1, refund_count=0)
    assert (t.adjustments, t.adjustments_net) == (0, 0)
    assert SalesReport(DAY, DAY, "UTC", {"usd": t}).to_json()["currencies"]["usd"]["count"] == 1


def test_only_card_payments_wait_for_a_fee(tmp_path: Path, database_url: str | None) -> None:
    """Cash has no fee to wait for, even when its row holds none (older rows do): only the
    card payment whose balance transaction is not reported yet counts as pending."""
    shop = Shop(tmp_path, database_url)
    at = shop.local(2026, 6, 10, 12)
    shop.cash(shop.booking("svc_cut"), 3500, at)  # fee_amount NULL
    shop.card(shop.booking("svc_cut"), 3500, at, fee=None)
    shop.card(shop.booking("svc_cut"), 3500, at, fee=132)
    usd = shop.reports.daily(date(2026, 6, 10)).currencies["usd"]
    assert (usd.count, usd.fees, usd.fees_pending, usd.fees_pending_amount) == (3, 132, 1, 3500)
