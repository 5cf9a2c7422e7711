"""Which closed days a report may take from their frozen Z report, and the open runs left."""

from __future__ import annotations

import json
from datetime import date

from pos_app.domain.reports import CurrencyTotals, SalesReport
from pos_app.services.reports import _frozen_days, _open_runs

ZONE = "America/New_York"
MON, TUE, WED, THU, FRI = (date(2026, 3, d) for d in (2, 3, 4, 5, 6))


def _frozen(day: date, *, zone: str = ZONE, pending: int = 0) -> str:
    usd = CurrencyTotals("usd", 3500, 0, 132, 1, 0, fees_pending=pending)
    return json.dumps(SalesReport(day, day, zone, {"usd": usd}).to_json())


def test_a_good_snapshot_is_taken_and_the_rest_read_live() -> None:
    closes = [
        (MON, 10, _frozen(MON)),
        (MON, 10, _frozen(MON)),  # its second currency's row: the same report
        (TUE, 11, _frozen(TUE, pending=1)),  # waited for a fee: read live
        (WED, 12, _frozen(WED, zone="Europe/Paris")),  # closed in another time zone
        (THU, 13, "{}"),  # a close that froze no report
        (FRI, None, _frozen(FRI)),  # no order number: cannot tell what came after
    ]
    frozen = _frozen_days(closes, ZONE)
    assert list(frozen) == [MON]
    assert frozen[MON]["currencies"]["usd"]["gross"] == 3500


def test_a_snapshot_of_another_day_is_not_taken() -> None:
    assert _frozen_days([(TUE, 10, _frozen(MON))], ZONE) == {}
    assert _frozen_days([(MON, 10, "not json")], ZONE) == {}
    assert _frozen_days([(MON, 10, json.dumps({"date": "2026-03-02"}))], ZONE) == {}


def test_open_runs_are_the_consecutive_days_not_frozen() -> None:
    assert _open_runs(MON, FRI, {}) == [(MON, FRI)]
    assert _open_runs(MON, FRI, {TUE: 1, THU: 1}) == [(MON, MON), (WED, WED), (FRI, FRI)]
    assert _open_runs(MON, FRI, {MON: 1, TUE: 1}) == [(WED, FRI)]
    assert _open_runs(MON, WED, {MON: 1, TUE: 1, WED: 1}) == []
    assert _open_runs(MON, MON, {}) == [(MON, MON)]
