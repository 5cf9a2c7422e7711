"""Webhook deliveries and processed events are pruned past Stripe's windows (issue 11 item 8).

Events: kept 31 days (Stripe keeps them 30; a day for slow clocks). Rejected deliveries
(no event): 4 days (Stripe retries 3). Rows exactly at a cutoff stay; a second older go.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from pos_app.app import AppContext
from pos_app.domain.gateway_types import EventInfo
from pos_app.domain.webhook_records import EVENTS_KEPT, REJECTED_KEPT
from pos_app.services.retention import Retention
from pos_app.services.webhook_intake import WebhookIntake

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


def _delivery(app: AppContext, at: datetime, event_id: str | None) -> None:
    with app.deps.uow(write=True) as uow:
        uow.events.record_delivery(
            received_at=at,
            event_id=event_id,
            event_type="refund.updated" if event_id else None,
            outcome="applied" if event_id else "rejected",
            detail=f"{event_id or 'rejected'} at {at.isoformat()}",
        )
        uow.commit()


def _processed(app: AppContext, event_id: str, at: datetime) -> None:
    with app.deps.uow(write=True) as uow:
        assert uow.events.mark_processed(event_id, "refund.updated", at)
        uow.commit()


def _details(app: AppContext) -> set[str]:
    with app.deps.uow() as uow:
        rows = uow.session.execute(text("select detail from webhook_deliveries"))  # type: ignore[attr-defined]
        return {r[0] for r in rows}


def _processed_ids(app: AppContext) -> set[str]:
    with app.deps.uow() as uow:
        rows = uow.session.execute(text("select event_id from processed_events"))  # type: ignore[attr-defined]
        return {r[0] for r in rows}


def _retention(app: AppContext, **kwargs: object) -> Retention:
    deps = dataclasses.replace(app.deps, clock=FixedClock(NOW))
    return Retention(deps, **kwargs)  # type: ignore[arg-type]


def _no_deliveries_here(payload: bytes, header: str | None, now: datetime) -> EventInfo:
    raise AssertionError("no delivery is verified in this test")


def test_what_stripe_can_still_send_or_list_is_kept(app: AppContext) -> None:
    # In days, not through the constants: Stripe lists events 30 days, retries 3 days.
    _processed(app, "evt_30_days", NOW - timedelta(days=30, hours=23))
    _processed(app, "evt_32_days", NOW - timedelta(days=32))
    _delivery(app, NOW - timedelta(days=3, hours=23), None)
    _delivery(app, NOW - timedelta(days=5), None)
    _retention(app).prune()
    assert _processed_ids(app) == {"evt_30_days"}
    assert _details(app) == {f"rejected at {(NOW - timedelta(days=3, hours=23)).isoformat()}"}


def test_deliveries_are_pruned_exactly_past_their_windows(app: AppContext) -> None:
    events_edge = NOW - EVENTS_KEPT
    rejected_edge = NOW - REJECTED_KEPT
    _delivery(app, events_edge, "evt_at_edge")
    _delivery(app, events_edge - SECOND, "evt_past_edge")
    _delivery(app, rejected_edge - SECOND, "evt_five_days")  # an event: kept 31 days
    _delivery(app, rejected_edge, None)
    _delivery(app, rejected_edge - SECOND, None)
    report = _retention(app).prune()
    assert report.deliveries == 2
    assert _details(app) == {
        f"evt_at_edge at {events_edge.isoformat()}",
        f"evt_five_days at {(rejected_edge - SECOND).isoformat()}",
        f"rejected at {rejected_edge.isoformat()}",
    }


def test_processed_events_are_pruned_exactly_past_stripes_30_days(app: AppContext) -> None:
    edge = NOW - EVENTS_KEPT
    _processed(app, "evt_at_edge", edge)
    _processed(app, "evt_past_edge", edge - SECOND)
    _processed(app, "evt_recent", NOW - timedelta(days=30))
    assert _retention(app).prune().events == 1
    assert _processed_ids(app) == {"evt_at_edge", "evt_recent"}


def test_a_backlog_goes_in_batches_until_none_is_left(app: AppContext) -> None:
    old = NOW - EVENTS_KEPT - timedelta(days=1)
    for i in range(7):
        _delivery(app, old - i * SECOND, None)
        _processed(app, f"evt_old_{i}", old)
    _delivery(app, NOW, None)
    report = _retention(app, batch=3).prune()
    assert (report.deliveries, report.events) == (7, 7)
    assert _details(app) == {f"rejected at {NOW.isoformat()}"} and _processed_ids(app) == set()


def test_prune_if_due_runs_once_per_interval(app: AppContext) -> None:
    ticks = [0.0]
    retention = _retention(app, every=100.0, monotonic=lambda: ticks[0])
    _delivery(app, NOW - timedelta(days=40), "evt_a")
    assert retention.prune_if_due() is not None
    _delivery(app, NOW - timedelta(days=40), "evt_b")
    ticks[0] = 99.9
    assert retention.prune_if_due() is None
    assert len(_details(app)) == 1
    ticks[0] = 100.0
    report = retention.prune_if_due()
    assert report is not None and report.deliveries == 1


def test_the_periodic_sync_pass_prunes(app: AppContext) -> None:
    # The sync pass the stations already run every few seconds is who prunes (at most
    # every few hours per process); the first pass of a process prunes at once.
    long_ago = datetime.now(UTC) - timedelta(days=60)
    _delivery(app, long_ago, "evt_long_ago")
    _processed(app, "evt_long_ago", long_ago)
    report = app.sync.sync_once()
    assert report.errors == []
    assert _details(app) == set() and _processed_ids(app) == set()


def test_the_webhook_receivers_tick_prunes(app: AppContext) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=60)
    _delivery(app, long_ago, None)
    intake = WebhookIntake(app.deps, app.sync, _no_deliveries_here, retention=Retention(app.deps))
    intake.tick()
    assert _details(app) == set()
