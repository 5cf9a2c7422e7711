"""A closed day's frozen figures come back exactly as they were written.

``DayCloseService`` freezes the day's ``SalesReport.to_json()`` at close and reads it back
with ``sales_report_from_json`` every time the day is shown, exported or reconciled; the
Z report's own JSON is what ``pos-app close-day --json`` prints. Every field is given a
value of its own here, so a field read from the wrong key, dropped or defaulted shows.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from pos_app.domain.errors import ValidationError
from pos_app.domain.people import Actor, Role
from pos_app.domain.reports import Breakdown, Conversion, CurrencyTotals, DayClose, SalesReport
from pos_app.services.day_close import (
    DayCloseService,
    ZReport,
    ZTotals,
    day_words,
    parse_float,
    sales_report_from_json,
    z_totals,
)


def _rows(prefix: str, base: int) -> tuple[Breakdown, ...]:
    return tuple(
        Breakdown(
            key=f"{prefix}-key-{i}",
            label=f"{prefix} label {i}",
            count=base + 10 * i + 1,
            gross=base + 10 * i + 2,
            refunds=base + 10 * i + 3,
            net=base + 10 * i + 4,
        )
        for i in range(2)
    )


def _totals(code: str, base: int) -> CurrencyTotals:
    return CurrencyTotals(
        currency=code,
        gross=base + 1,
        refunds=base + 2,
        fees=base + 3,
        count=base + 4,
        refund_count=base + 5,
        by_service=_rows("service", base + 100),
        by_staff=_rows("staff", base + 200),
        by_method=_rows("method", base + 300),
        by_hour=_rows("hour", base + 400),
        adjustments=base + 6,
        adjustments_net=-(base + 7),
        fees_pending=base + 8,
        fees_pending_amount=base + 9,
    )


def _report(start: date, end: date) -> SalesReport:
    return SalesReport(
        start=start,
        end=end,
        timezone="Pacific/Kiritimati",
        currencies={"eur": _totals("eur", 1000), "usd": _totals("usd", 5000)},
        conversion=Conversion(started=11, paid=7, expired=2, failed=1, open=3),
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2026, 3, 3), date(2026, 3, 3)), (date(2026, 3, 1), date(2026, 3, 31))],
    ids=["day", "range"],
)
def test_a_frozen_report_reads_back_field_for_field(start: date, end: date) -> None:
    report = _report(start, end)
    assert sales_report_from_json(report.to_json()) == report


def test_the_frozen_copy_survives_a_trip_through_text() -> None:
    """The day_closes row stores JSON text: numbers come back as numbers, not strings."""
    report = _report(date(2026, 3, 3), date(2026, 3, 3))
    assert sales_report_from_json(json.loads(json.dumps(report.to_json()))) == report


def test_fields_a_frozen_copy_lacks_read_as_zero_and_empty() -> None:
    """A close written by an older version lacks the newer fields: they read as nothing,
    never as an error or a made-up figure."""
    old = {
        "date": "2026-03-03",
        "currencies": {"usd": {"gross": 900, "refunds": 100, "count": 2}},
    }
    report = sales_report_from_json(old)
    assert report.timezone == ""
    assert report.conversion == Conversion()
    assert report.currencies == {
        "usd": CurrencyTotals(
            currency="usd", gross=900, refunds=100, fees=0, count=2, refund_count=0
        )
    }
    rows = (
        sales_report_from_json(
            {"from": "2026-03-01", "to": "2026-03-02", "currencies": {"usd": {"by_staff": [{}]}}}
        )
        .currencies["usd"]
        .by_staff
    )
    assert rows == (Breakdown(key="", label="", count=0, gross=0, refunds=0, net=0),)


def test_unknown_conversion_keys_are_ignored() -> None:
    data = _report(date(2026, 3, 3), date(2026, 3, 3)).to_json()
    data["conversion"] = {**data["conversion"], "abandoned": 9}
    assert sales_report_from_json(data).conversion == Conversion(11, 7, 2, 1, 3)


def _z_report(*, closed: bool) -> ZReport:
    totals = ZTotals(
        currency="usd",
        card_count=3,
        card_gross=9000,
        card_refunds=1500,
        fees=270,
        cash_count=2,
        cash_received=4000,
        cash_refunds=500,
        opening_float=10000,
        adjustments=1,
        adjustments_net=-300,
    )
    pending = ZTotals(currency="eur", card_count=1, card_gross=2000, fees_pending=1,
                      fees_pending_amount=2000)  # fmt: skip
    closes = (
        DayClose(
            business_date=date(2026, 3, 3),
            currency="usd",
            closed_at=datetime(2026, 3, 3, 18, 4, tzinfo=UTC),
            closed_by_id="u1",
            closed_by_name="Alex Morgan",
            card_net=7500,
            cash_expected=13500,
            cash_counted=13400,
            report_json="{}",
            note="Drawer short by a dollar",
            opening_float=10000,
        ),
    )
    return ZReport(
        business_date=date(2026, 3, 3),
        timezone="America/Chicago",
        currencies=(totals, pending),
        sales=_report(date(2026, 3, 3), date(2026, 3, 3)),
        closes=closes if closed else (),
    )


def test_the_z_report_json_names_every_figure() -> None:
    """``close-day --json`` prints this shape; scripts read it."""
    assert _z_report(closed=True).to_json() == {
        "date": "2026-03-03",
        "timezone": "America/Chicago",
        "closed": {"at": "2026-03-03T18:04:00+00:00", "by": "Alex Morgan"},
        "currencies": {
            "usd": {
                "card_count": 3,
                "card_gross": 9000,
                "card_refunds": 1500,
                "card_net": 7500,
                "fees": 270,
                "card_net_after_fees": 7230,
                "fees_pending": 0,
                "fees_pending_amount": 0,
                "cash_count": 2,
                "opening_float": 10000,
                "cash_expected": 13500,
                "adjustments": 1,
                "adjustments_net": -300,
                "orders": 0,
                "tips": 0,
                "discounts": 0,
                "tax": 0,
                "by_product": [],
                "tax_by_rate": {},
                "tips_by_staff": {},
                "promo_codes": {},
                "cash_counted": 13400,
                "cash_difference": -100,
                "note": "Drawer short by a dollar",
            },
            "eur": {
                "card_count": 1,
                "card_gross": 2000,
                "card_refunds": 0,
                "card_net": 2000,
                "fees": 0,
                "card_net_after_fees": None,  # a fee not reported yet: no figure
                "fees_pending": 1,
                "fees_pending_amount": 2000,
                "cash_count": 0,
                "opening_float": 0,
                "cash_expected": 0,
                "adjustments": 0,
                "adjustments_net": 0,
                "orders": 0,
                "tips": 0,
                "discounts": 0,
                "tax": 0,
                "by_product": [],
                "tax_by_rate": {},
                "tips_by_staff": {},
                "promo_codes": {},
            },
        },
    }


def test_an_open_day_has_no_close_in_its_json() -> None:
    data = _z_report(closed=False).to_json()
    assert data["closed"] is None
    assert "cash_counted" not in data["currencies"]["usd"]


def test_z_totals_take_card_and_cash_from_the_method_rows() -> None:
    """The Z report splits the day by method: card from the "card" row, cash from "cash"."""
    totals = replace(
        _totals("usd", 0),
        by_method=(
            Breakdown("card", "Card", count=3, gross=9000, refunds=1500, net=7500),
            Breakdown("cash", "Cash", count=2, gross=4000, refunds=500, net=3500),
        ),
    )
    assert z_totals(totals) == ZTotals(
        currency="usd",
        card_count=3,
        card_gross=9000,
        card_refunds=1500,
        fees=3,
        cash_count=2,
        cash_received=4000,
        cash_refunds=500,
        adjustments=6,
        adjustments_net=-7,
        fees_pending=8,
        fees_pending_amount=9,
    )


@pytest.mark.parametrize("present", ["card", "cash"])
def test_z_totals_of_a_method_with_no_row_are_zero(present: str) -> None:
    row = Breakdown(present, present, count=3, gross=9000, refunds=1500, net=7500)
    z = z_totals(replace(_totals("usd", 0), by_method=(row,)))
    missing = "cash" if present == "card" else "card"
    figures = {
        "card": (z.card_count, z.card_gross, z.card_refunds),
        "cash": (z.cash_count, z.cash_received, z.cash_refunds),
    }
    assert figures[present] == (3, 9000, 1500)
    assert figures[missing] == (0, 0, 0)


def test_a_day_of_another_year_is_named_with_its_year() -> None:
    assert day_words(date(2026, 3, 3), date(2026, 12, 5)) == "Tuesday 3 March"
    assert day_words(date(2025, 3, 3), date(2026, 12, 5)) == "Monday 3 March 2025"
    assert day_words(date(2025, 3, 3)) == "Monday 3 March"


class _Closes:
    """The one repository ``preview`` reads: the day's stored closes."""

    def __init__(self, rows: list[DayClose]) -> None:
        self.rows = rows

    def between(self, start: date, end: date) -> list[DayClose]:
        return [r for r in self.rows if start <= r.business_date <= end]


class _ReadOnly:
    def __init__(self, rows: list[DayClose]) -> None:
        self.day_closes = _Closes(rows)

    def __enter__(self) -> _ReadOnly:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _closed_service(rows: list[DayClose], now: datetime, zone: str) -> DayCloseService:
    deps = SimpleNamespace(
        clock=SimpleNamespace(now=lambda: now),
        policy=SimpleNamespace(timezone=ZoneInfo(zone)),
        uow=lambda **_: _ReadOnly(rows),
        desk=SimpleNamespace(actor=Actor("m1", "Sam Lee", Role.MANAGER)),
    )
    return DayCloseService(deps, reports=SimpleNamespace())  # type: ignore[arg-type]


def _close_row(day: date, at: datetime, report: SalesReport) -> DayClose:
    return DayClose(
        business_date=day,
        currency="usd",
        closed_at=at,
        closed_by_id="u1",
        closed_by_name="Alex Morgan",
        card_net=0,
        cash_expected=0,
        cash_counted=0,
        report_json=json.dumps(report.to_json()),
        opening_float=2500,
    )


def test_a_closed_day_says_when_in_the_business_zone_and_year() -> None:
    """New Year's Eve 2025 in Auckland, closed the next morning there (still the 31st in
    UTC), read in 2026: both days are named with their year, the time is Auckland's."""
    day = date(2025, 12, 31)
    closed_at = datetime(2025, 12, 31, 20, 15, tzinfo=UTC)  # 09:15 on 1 January in Auckland
    report = _report(day, day)
    service = _closed_service(
        [_close_row(day, closed_at, report)], datetime(2026, 3, 3, tzinfo=UTC), "Pacific/Auckland"
    )
    z = service.preview(day)
    assert z.closed_sentence == (
        "Wednesday 31 December 2025 was closed on Thursday 1 January at 09:15 by Alex Morgan."
    )
    assert z.timezone == "Pacific/Kiritimati"  # the frozen report's, as it was closed
    assert z.totals("usd").opening_float == 2500
    assert z.sales == report


def test_a_day_closed_the_same_day_says_only_the_time() -> None:
    day = date(2026, 3, 3)
    closed_at = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)  # 17:30 in Chicago
    service = _closed_service(
        [_close_row(day, closed_at, _report(day, day))],
        datetime(2026, 3, 4, tzinfo=UTC),
        "America/Chicago",
    )
    assert service.preview(day).closed_sentence == (
        "Tuesday 3 March was closed at 17:30 by Alex Morgan."
    )


def test_a_float_that_is_not_an_amount_names_its_field() -> None:
    """The day-close form shows the sentence under the float of that currency."""
    with pytest.raises(ValidationError) as refused:
        parse_float("a lot", "EUR")
    assert refused.value.field == "float_eur"
    assert parse_float("  ", "eur") == 0
    assert parse_float("150", "eur") == 15000


def test_a_currency_without_activity_has_zero_totals() -> None:
    z = _z_report(closed=False)
    assert z.totals("gbp") == ZTotals("gbp")
    assert z.totals("eur").card_gross == 2000


@pytest.mark.parametrize(("pending", "words"), [(1, "1 payment"), (2, "2 payments")])
def test_the_fee_caption_counts_the_payments_not_reported(pending: int, words: str) -> None:
    t = ZTotals("usd", card_count=2, card_gross=5000, fees_pending=pending,
                fees_pending_amount=5000)  # fmt: skip
    (caption, figure), (_, after) = t.fee_lines()
    assert caption == f"Stripe fees ({words}, $50.00, not reported yet)"
    assert figure == after == "Fees pending"


def test_today_is_the_business_zones_date() -> None:
    """At 23:30 UTC on 3 March it is already 4 March in Auckland."""
    service = _closed_service([], datetime(2026, 3, 3, 23, 30, tzinfo=UTC), "Pacific/Auckland")
    assert service.today() == date(2026, 3, 4)


def test_a_currency_with_no_figures_and_a_report_with_no_currencies_read_as_zero() -> None:
    """The oldest frozen copies may lack every figure of a currency, or the currencies."""
    empty = sales_report_from_json({"date": "2026-03-03", "currencies": {"usd": {}}})
    assert empty.currencies == {"usd": CurrencyTotals("usd", 0, 0, 0, 0, 0)}
    assert sales_report_from_json({"date": "2026-03-03"}).currencies == {}


def test_a_close_made_in_an_earlier_year_names_that_year() -> None:
    """Read in 2027, the night of 31 December 2025 closed on 1 January 2026: both dates
    carry their year (neither is this year's)."""
    day = date(2025, 12, 31)
    closed_at = datetime(2025, 12, 31, 20, 15, tzinfo=UTC)  # 09:15 on 1 January in Auckland
    service = _closed_service(
        [_close_row(day, closed_at, _report(day, day))],
        datetime(2027, 6, 1, tzinfo=UTC),
        "Pacific/Auckland",
    )
    assert service.preview(day).closed_sentence == (
        "Wednesday 31 December 2025 was closed on Thursday 1 January 2026 at 09:15 by Alex Morgan."
    )


class _Reports:
    """The reports service as the day close uses it: ``daily``, with what it was asked."""

    def __init__(self, report: SalesReport) -> None:
        self.report = report
        self.asked: list[tuple[date, Actor | None]] = []

    def daily(self, day: date, *, actor: Actor | None = None, uow: object = None) -> SalesReport:
        self.asked.append((day, actor))
        return self.report


def test_an_open_days_z_report_is_read_for_the_manager_who_asked() -> None:
    """A manager approving at a desk where a clerk is signed in: the figures are read as
    the manager (the clerk may not read them), in the zone the report was built in."""
    day = date(2026, 3, 3)
    reports = _Reports(_report(day, day))
    manager = Actor("m2", "Mara Manager", Role.MANAGER)
    deps = SimpleNamespace(
        clock=SimpleNamespace(now=lambda: datetime(2026, 3, 4, tzinfo=UTC)),
        policy=SimpleNamespace(timezone=ZoneInfo("America/Chicago")),
        uow=lambda **_: _ReadOnly([]),
        desk=SimpleNamespace(actor=Actor("c1", "Cleo Clerk", Role.STAFF)),
    )
    z = DayCloseService(deps, reports=reports).preview(day, actor=manager)  # type: ignore[arg-type]
    assert reports.asked == [(day, manager)]
    assert z.timezone == "Pacific/Kiritimati"
    assert [t.currency for t in z.currencies] == ["eur", "usd"]
