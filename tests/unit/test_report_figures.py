"""Pure report arithmetic: rolling grouped cells up, business-day bounds and UTC offsets in
zones with DST (and odd offsets), CSV cell guard and amounts, range checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pos_app.domain.errors import FormErrors
from pos_app.domain.report_data import (
    Movement,
    SalesCell,
    business_date,
    day_bounds,
    offset_spans,
)
from pos_app.domain.reports import SalesReport
from pos_app.reports.render.sales_text import render_text
from pos_app.services.export_csv import amount_text, guard_cell
from pos_app.services.reports import check_range, conversion_of, roll_up, zone_name

NY = ZoneInfo("America/New_York")


def _cell(kind: Movement, amount: int, **kw: object) -> SalesCell:
    fields: dict[str, object] = {
        "kind": kind,
        "currency": "usd",
        "service_id": "svc_cut",
        "service_name": "Haircut (old name)",
        "resource_id": "res_priya",
        "method": "card",
        "hour": 10,
        "count": 1,
        "amount": amount,
        "fee": 0,
    }
    fields.update(kw)
    return SalesCell(**fields)  # type: ignore[arg-type]


def test_roll_up_by_hand() -> None:
    cells = [
        _cell(Movement.PAYMENT, 7000, count=2, fee=264),
        _cell(
            Movement.PAYMENT,
            9000,
            service_id="svc_gone",
            service_name="Beard trim",
            resource_id="",
            method="cash",
        ),
        _cell(Movement.REFUND, 1000, hour=16, fee=-30, adjustments=1, adjustment_amount=1000),
        _cell(
            Movement.PAYMENT, 3000, currency="eur", hour=9, adjustments=1, adjustment_amount=3000
        ),
    ]
    totals = roll_up(cells, services={"svc_cut": "Haircut"}, staff={"res_priya": "Priya"})
    assert list(totals) == ["eur", "usd"]
    usd = totals["usd"]
    assert (usd.gross, usd.count, usd.refunds, usd.refund_count) == (16000, 3, 1000, 1)
    assert usd.fees == 264 - 30  # a refund's returned fee lowers the fees
    assert (usd.adjustments, usd.adjustments_net) == (1, -1000)
    assert [(b.label, b.count, b.gross, b.refunds) for b in usd.by_service] == [
        ("Beard trim", 1, 9000, 0),  # gone from the catalogue: the name it was booked by
        ("Haircut", 2, 7000, 1000),  # the catalogue's current name wins
    ]
    assert [(b.label, b.net) for b in usd.by_staff] == [("Priya", 6000), ("Unassigned", 9000)]
    assert [(b.key, b.label, b.gross) for b in usd.by_method] == [
        ("card", "Card (Stripe)", 7000),
        ("cash", "Cash", 9000),
    ]
    assert [b.key for b in usd.by_hour] == [f"{h:02d}" for h in range(24)]
    assert usd.by_hour[10].gross == 16000 and usd.by_hour[16].refunds == 1000
    assert usd.by_hour[16].net == -1000
    eur = totals["eur"]
    assert (eur.gross, eur.refunds, eur.adjustments_net) == (3000, 0, 3000)
    assert roll_up([], services={}, staff={}) == {}


def test_average_and_rate_round_half_up() -> None:
    usd = roll_up([_cell(Movement.PAYMENT, 1001, count=2)], services={}, staff={})["usd"]
    assert usd.average_order == 501  # 500.5 rounds up
    usd = roll_up(
        [_cell(Movement.PAYMENT, 3000), _cell(Movement.REFUND, 1000)], services={}, staff={}
    )["usd"]
    assert usd.refund_rate == 0.3333


def test_conversion_counts_cancelled_as_expired_and_creating_as_open() -> None:
    c = conversion_of({"succeeded": 5, "expired": 2, "failed": 1, "open": 1, "creating": 1})
    assert (c.started, c.paid, c.expired, c.failed, c.open) == (10, 5, 2, 1, 2)
    assert conversion_of({}).started == 0


def test_business_days_in_new_york() -> None:
    start, end = day_bounds(date(2026, 6, 10), date(2026, 6, 10), NY)
    assert (start, end) == (
        datetime(2026, 6, 10, 4, tzinfo=UTC),
        datetime(2026, 6, 11, 4, tzinfo=UTC),
    )
    assert business_date(datetime(2026, 6, 11, 3, 30, tzinfo=UTC), NY) == date(2026, 6, 10)
    for day, hours in ((date(2026, 3, 8), 23), (date(2026, 11, 1), 25), (date(2026, 7, 1), 24)):
        lo, hi = day_bounds(day, day, NY)
        assert hi - lo == timedelta(hours=hours)
    lo, hi = day_bounds(date(2026, 1, 1), date(2026, 12, 31), NY)
    assert hi - lo == timedelta(days=365)  # the lost and the gained hour cancel out


def test_offset_spans_find_each_transition_to_the_second() -> None:
    spans = offset_spans(NY, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert [(s.starts_at, s.minutes) for s in spans] == [
        (datetime(2026, 1, 1, tzinfo=UTC), -300),
        (datetime(2026, 3, 8, 7, tzinfo=UTC), -240),  # 02:00 EST
        (datetime(2026, 11, 1, 6, tzinfo=UTC), -300),  # 02:00 EDT
    ]
    one_day = offset_spans(
        NY, datetime(2026, 6, 10, 4, tzinfo=UTC), datetime(2026, 6, 11, 4, tzinfo=UTC)
    )
    assert [s.minutes for s in one_day] == [-240]


def test_odd_offsets_and_half_hour_dst() -> None:
    kathmandu = offset_spans(
        ZoneInfo("Asia/Kathmandu"),
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 12, 31, tzinfo=UTC),
    )
    assert [s.minutes for s in kathmandu] == [345]
    lord_howe = offset_spans(
        ZoneInfo("Australia/Lord_Howe"),
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 12, 31, tzinfo=UTC),
    )
    assert [s.minutes for s in lord_howe] == [660, 630, 660]  # DST of half an hour


def test_range_checks() -> None:
    check_range(date(2026, 1, 1), date(2026, 1, 1))
    check_range(date(2024, 1, 1), date(2024, 12, 31))  # a leap year: 366 days
    check_range(date(2026, 1, 1), date(2027, 1, 1))  # 366 days
    with pytest.raises(FormErrors, match="on or after"):
        check_range(date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(FormErrors, match="at most 366 days"):
        check_range(date(2026, 1, 1), date(2027, 1, 2))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1+1", "'＝1+1"),
        ("Ada = Lovelace", "Ada = Lovelace"),
        ("Zoë", "Zoë"),
        ("", ""),
    ],
)
def test_guard_cell(text: str, shown: str) -> None:
    assert guard_cell(text) == shown


def test_amount_text_is_exact_per_currency() -> None:
    assert amount_text(3500, "usd") == "35.00"
    assert amount_text(-1000, "usd") == "-10.00"
    assert amount_text(5, "usd") == "0.05"
    assert amount_text(-5, "eur") == "-0.05"
    assert amount_text(3500, "jpy") == "3500"
    assert amount_text(12500, "kwd") == "12.500"
    assert amount_text(123456789012, "usd") == "1234567890.12"


def test_render_text_names_everything_and_never_adds_currencies() -> None:
    totals = roll_up(
        [
            _cell(Movement.PAYMENT, 3500),
            _cell(Movement.PAYMENT, 3000, currency="eur", adjustments=1, adjustment_amount=3000),
        ],
        services={"svc_cut": "Haircut"},
        staff={"res_priya": "Priya"},
    )
    text = render_text(
        SalesReport(date(2026, 6, 10), date(2026, 6, 10), "America/New_York", totals)
    )
    assert text.startswith("Sales 2026-06-10 (America/New_York)\n")
    assert "USD" in text and "EUR" in text and "$35.00" in text and "€30.00" in text
    assert "$65.00" not in text and "65.00" not in text
    assert "1 recorded after its day was closed" in text
    assert "Payment links: 0 started" in text
    empty = render_text(SalesReport(date(2026, 6, 10), date(2026, 6, 12), "UTC"))
    assert "2026-06-10 to 2026-06-12" in empty and "No payments or refunds." in empty
    assert zone_name(NY) == "America/New_York"


def test_hours_given_apart_roll_up_as_their_product_does() -> None:
    """The database may give a window's hours apart from its other breakdowns (cells of
    hour -1 and ``hour_only`` cells, store/sales_hours.py): the same totals."""
    product = [
        _cell(Movement.PAYMENT, 7000, count=2, fee=264, hour=9),
        _cell(Movement.PAYMENT, 3500, fee=132, hour=14, fees_pending=1, fees_pending_amount=99),
        _cell(Movement.PAYMENT, 2000, method="cash", resource_id="", hour=14),
        _cell(Movement.REFUND, 1000, fee=-30, hour=16),
    ]
    apart = [
        _cell(Movement.PAYMENT, 10500, count=3, fee=396, hour=-1, fees_pending=1,
              fees_pending_amount=99),
        _cell(Movement.PAYMENT, 2000, method="cash", resource_id="", hour=-1),
        _cell(Movement.REFUND, 1000, fee=-30, hour=-1),
        _cell(Movement.PAYMENT, 7000, count=2, hour=9, hour_only=True, service_id="",
              resource_id="", method=""),
        _cell(Movement.PAYMENT, 5500, count=2, hour=14, hour_only=True, service_id="",
              resource_id="", method=""),
        _cell(Movement.REFUND, 1000, hour=16, hour_only=True, service_id="", resource_id="",
              method=""),
    ]  # fmt: skip
    names = {"services": {"svc_cut": "Haircut"}, "staff": {"res_priya": "Priya"}}
    assert roll_up(apart, **names) == roll_up(product, **names)
    assert roll_up(apart, **names)["usd"].by_hour[14].count == 2
