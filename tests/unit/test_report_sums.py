"""Adding sales reports: totals per currency, breakdown rows by key, labels and order."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pos_app.domain.report_sums import (
    add_conversions,
    add_totals,
    sum_reports,
)
from pos_app.domain.reports import Breakdown, Conversion, CurrencyTotals, SalesReport


def _row(key: str, label: str, count: int, gross: int, refunds: int = 0) -> Breakdown:
    return Breakdown(key, label, count, gross, refunds, gross - refunds)


def _hours(hour: int, count: int, gross: int, refunds: int = 0) -> tuple[Breakdown, ...]:
    return tuple(
        _row(f"{h:02d}", f"{h:02d}:00", *((count, gross, refunds) if h == hour else (0, 0, 0)))
        for h in range(24)
    )


def _totals(currency: str = "usd", **kw: object) -> CurrencyTotals:
    base: dict[str, object] = {
        "gross": 0,
        "refunds": 0,
        "fees": 0,
        "count": 0,
        "refund_count": 0,
    }
    base.update(kw)
    return CurrencyTotals(currency=currency, **base)  # type: ignore[arg-type]


MON = _totals(
    gross=5000,
    refunds=1000,
    fees=145,
    count=2,
    refund_count=1,
    by_service=(_row("svc_cut", "Haircut", 1, 3500, 1000), _row("svc_beard", "Beard", 1, 1500)),
    by_staff=(_row("res_sam", "Sam", 1, 3500, 1000), _row("", "Unassigned", 1, 1500)),
    by_method=(_row("card", "Card (Stripe)", 1, 3500, 1000), _row("cash", "Cash", 1, 1500)),
    by_hour=_hours(10, 2, 5000, 1000),
    adjustments=1,
    adjustments_net=1500,
    fees_pending=1,
    fees_pending_amount=3500,
)
TUE = _totals(
    gross=9000,
    fees=291,
    count=1,
    by_service=(_row("svc_colour", "Colour", 1, 9000),),
    by_staff=(_row("", "Unassigned", 1, 9000),),
    by_method=(_row("card", "Card (Stripe)", 1, 9000), _row("cash", "Cash", 0, 0)),
    by_hour=_hours(14, 1, 9000),
)


def test_totals_add_field_by_field_and_rows_by_key() -> None:
    both = add_totals(MON, TUE)
    assert (both.gross, both.refunds, both.fees, both.count, both.refund_count) == (
        14000,
        1000,
        436,
        3,
        1,
    )
    assert (both.adjustments, both.adjustments_net) == (1, 1500)
    assert (both.fees_pending, both.fees_pending_amount) == (1, 3500)
    # Services by gross, highest first; staff too, but "Unassigned" ("" key) last.
    assert [b.key for b in both.by_service] == ["svc_colour", "svc_cut", "svc_beard"]
    assert both.by_staff == (
        _row("res_sam", "Sam", 1, 3500, 1000),
        _row("", "Unassigned", 2, 10500),
    )
    assert both.by_method == (
        _row("card", "Card (Stripe)", 2, 12500, 1000),
        _row("cash", "Cash", 1, 1500),
    )
    assert len(both.by_hour) == 24
    assert both.by_hour[10] == _row("10", "10:00", 2, 5000, 1000)
    assert both.by_hour[14] == _row("14", "14:00", 1, 9000)
    assert both.net == 13000


def test_adding_one_report_gives_it_back() -> None:
    assert add_totals(MON) == MON


def test_equal_rows_are_ranked_by_label_then_key() -> None:
    a = _totals(
        by_service=(_row("svc_b", "Same", 1, 100), _row("svc_a", "Same", 1, 100)),
        by_staff=(_row("res_z", "Zoë", 1, 100), _row("res_a", "Ada", 1, 100)),
    )
    out = add_totals(a)
    assert [b.key for b in out.by_service] == ["svc_a", "svc_b"]
    assert [b.label for b in out.by_staff] == ["Ada", "Zoë"]


def test_other_methods_come_after_card_and_cash_by_key() -> None:
    a = _totals(by_method=(_row("voucher", "voucher", 1, 5), _row("cash", "Cash", 1, 7)))
    b = _totals(by_method=(_row("card", "Card (Stripe)", 1, 9), _row("bank", "bank", 1, 1)))
    assert [r.key for r in add_totals(a, b).by_method] == ["card", "cash", "bank", "voucher"]


def test_totals_of_two_currencies_are_never_added() -> None:
    with pytest.raises(ValueError):
        add_totals(MON, _totals("eur"))
    with pytest.raises(ValueError):
        add_totals()


def _day(d: date, **currencies: CurrencyTotals) -> SalesReport:
    return SalesReport(d, d, "America/New_York", dict(currencies), Conversion(2, 1, 1, 0, 0))


def test_a_currency_only_some_days_have_is_in_the_sum() -> None:
    eur = _totals("eur", gross=3000, count=1)
    out = sum_reports(
        [_day(date(2026, 3, 2), usd=MON), _day(date(2026, 3, 3), usd=TUE, eur=eur)],
        start=date(2026, 3, 2),
        end=date(2026, 3, 4),
        timezone="America/New_York",
    )
    assert (out.start, out.end, out.timezone) == (
        date(2026, 3, 2),
        date(2026, 3, 4),
        "America/New_York",
    )
    assert list(out.currencies) == ["eur", "usd"]
    assert out.currencies["eur"] == add_totals(eur)
    assert out.currencies["usd"] == add_totals(MON, TUE)
    assert out.conversion == Conversion(4, 2, 2, 0, 0)


def test_conversion_given_replaces_the_days_sum() -> None:
    live = Conversion(9, 5, 2, 1, 1)
    out = sum_reports(
        [_day(date(2026, 3, 2), usd=MON)],
        start=date(2026, 3, 2),
        end=date(2026, 3, 2),
        timezone="UTC",
        conversion=live,
    )
    assert out.conversion == live


def test_labels_are_the_catalogues_else_the_latest_days() -> None:
    renamed = _totals(
        by_service=(_row("svc_cut", "Haircut & wash", 1, 3500), _row("svc_gone", "Old name", 1, 1)),
        by_staff=(_row("res_sam", "Samuel", 1, 3500),),
    )
    later = _totals(by_service=(_row("svc_gone", "Last name", 1, 1),))
    days = [_day(date(2026, 3, 2), usd=MON), _day(date(2026, 3, 3), usd=renamed)]
    days.append(_day(date(2026, 3, 4), usd=later))
    plain = sum_reports(days, start=date(2026, 3, 2), end=date(2026, 3, 4), timezone="UTC")
    labels = {b.key: b.label for b in plain.currencies["usd"].by_service}
    assert labels["svc_cut"] == "Haircut & wash"  # no catalogue: the latest day's
    assert labels["svc_gone"] == "Last name"
    named = sum_reports(
        days,
        start=date(2026, 3, 2),
        end=date(2026, 3, 4),
        timezone="UTC",
        services={"svc_cut": "Cut"},
        staff={"res_sam": "Sam N."},
    )
    usd = named.currencies["usd"]
    assert {b.key: b.label for b in usd.by_service}["svc_cut"] == "Cut"
    assert {b.key: b.label for b in usd.by_service}["svc_gone"] == "Last name"
    assert {b.key: b.label for b in usd.by_staff} == {"res_sam": "Sam N.", "": "Unassigned"}


def test_conversions_add() -> None:
    assert add_conversions(Conversion(1, 2, 3, 4, 5), Conversion(10, 20, 30, 40, 50)) == (
        Conversion(11, 22, 33, 44, 55)
    )
    assert add_conversions() == Conversion()


def test_the_add_totals_error_says_one_currency() -> None:
    with pytest.raises(ValueError, match=r"^add_totals adds the totals of one currency$"):
        add_totals(MON, _totals("eur"))


def _frozen(report: SalesReport) -> dict[str, object]:
    """A report as a day close stores it: its ``to_json()`` through JSON text."""
    return json.loads(json.dumps(report.to_json()))  # type: ignore[no-any-return]


def test_frozen_days_add_up_as_the_live_reports_do() -> None:
    """A closed day's snapshot counts exactly as its live report would: every total and
    every row (by service, staff, method, hour) added, not the latest day's value."""
    eur = _totals("eur", gross=3000, count=1)
    days = [
        SalesReport(
            date(2026, 3, 2), date(2026, 3, 2), "UTC", {"usd": MON}, Conversion(2, 1, 1, 0, 0)
        ),
        SalesReport(
            date(2026, 3, 3),
            date(2026, 3, 3),
            "UTC",
            {"usd": TUE, "eur": eur},
            Conversion(3, 1, 0, 1, 1),
        ),
    ]
    span = {"start": date(2026, 3, 2), "end": date(2026, 3, 3), "timezone": "UTC"}
    live = sum_reports(days, **span)  # type: ignore[arg-type]
    assert live.currencies["usd"] == add_totals(MON, TUE)
    assert sum_reports([_frozen(d) for d in days], **span) == live  # type: ignore[arg-type]
    # A closed Monday before a still-open Tuesday, as a range report reads them.
    assert sum_reports([_frozen(days[0]), days[1]], **span) == live  # type: ignore[arg-type]
    assert live.conversion == Conversion(5, 2, 1, 1, 1)


def _before_adjustments(report: SalesReport) -> dict[str, object]:
    """A snapshot written before adjustments, fees pending and link counts were frozen."""
    # ReportService reads such a day live (it wants ``fees_pending``); sum_reports still takes it.
    data = _frozen(report)
    del data["conversion"]
    for t in data["currencies"].values():  # type: ignore[attr-defined]
        for name in ("adjustments", "adjustments_net", "fees_pending", "fees_pending_amount"):
            del t[name]
    return data


def test_fields_an_older_snapshot_lacks_add_as_zero() -> None:
    """Fields a snapshot was frozen without count as nothing: never an error, never a
    made-up figure."""
    old = SalesReport(date(2026, 3, 2), date(2026, 3, 2), "UTC", {"usd": TUE})
    out = sum_reports(
        [_before_adjustments(old)], start=date(2026, 3, 2), end=date(2026, 3, 2), timezone="UTC"
    )
    assert out == old
    mon = SalesReport(date(2026, 3, 2), date(2026, 3, 2), "UTC", {"usd": MON})
    both = sum_reports(
        [_frozen(mon), _before_adjustments(old)],
        start=date(2026, 3, 2),
        end=date(2026, 3, 3),
        timezone="UTC",
    )
    usd = both.currencies["usd"]
    assert (usd.adjustments, usd.adjustments_net) == (1, 1500)
    assert (usd.fees_pending, usd.fees_pending_amount) == (1, 3500)
    assert both.conversion == Conversion()
