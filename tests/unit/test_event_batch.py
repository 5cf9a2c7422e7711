"""One page of events applied with their objects re-read side by side (issue 13 item 4): a
page of ten payments costs about one re-read's time, not ten; the same object's events keep
their order; one event's failure is its own outcome; Stripe unreachable stops the rest."""

from __future__ import annotations

import threading

import pytest

from pos_app.domain.errors import GatewayAuthError, GatewayUnavailable
from pos_app.domain.gateway_types import EventInfo
from pos_app.services.event_batch import THREAD_PREFIX, process_page


def _event(n: int, object_id: str, object_type: str = "checkout.session") -> EventInfo:
    return EventInfo(f"evt_{n}", "checkout.session.completed", n, object_type, object_id)


def test_distinct_objects_are_re_read_at_the_same_time() -> None:
    # Each re-read waits until all four are under way: only side by side can they finish.
    together = threading.Barrier(4, timeout=5)
    threads: set[str] = set()

    def process(event: EventInfo) -> bool:
        threads.add(threading.current_thread().name)
        together.wait()
        return True

    events = [_event(n, f"cs_{n}") for n in range(4)]
    assert process_page(events, process, workers=4) == [True] * 4
    assert len(threads) == 4 and all(name.startswith(THREAD_PREFIX) for name in threads)


def test_events_of_one_object_keep_their_order_on_one_worker() -> None:
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()

    def process(event: EventInfo) -> bool:
        with lock:
            seen.append((event.object_id, event.id))
        return event.id != "evt_3"

    events = [_event(1, "re_a", "refund"), _event(2, "re_b", "refund"), _event(3, "re_a", "refund")]
    events.append(_event(4, "re_a", "refund"))
    assert process_page(events, process, workers=4) == [True, True, False, True]
    assert [e for o, e in seen if o == "re_a"] == ["evt_1", "evt_3", "evt_4"]


def test_the_same_id_of_two_kinds_of_object_is_two_objects() -> None:
    together = threading.Barrier(2, timeout=5)

    def process(event: EventInfo) -> bool:
        together.wait()
        return True

    events = [_event(1, "x_1", "refund"), _event(2, "x_1", "charge")]
    assert process_page(events, process, workers=2) == [True, True]


def test_a_failing_event_is_its_own_outcome_and_the_others_are_applied() -> None:
    broken = KeyError("a bug")

    def process(event: EventInfo) -> bool:
        if event.id == "evt_2":
            raise broken
        return True

    events = [_event(n, f"cs_{n}") for n in range(1, 4)]
    assert process_page(events, process, workers=2) == [True, broken, True]


@pytest.mark.parametrize(
    "stop", [GatewayUnavailable("Stripe cannot be reached."), GatewayAuthError("Key refused.")]
)
def test_stripe_unreachable_leaves_the_events_not_started_untried(stop: Exception) -> None:
    tried: list[str] = []

    def process(event: EventInfo) -> bool:
        tried.append(event.id)
        if event.id == "evt_1":
            raise stop
        return True

    # One worker: evt_1 fails first, and nothing after it is tried.
    events = [_event(n, f"cs_{n}") for n in range(1, 4)]
    assert process_page(events, process, workers=1) == [stop, None, None]
    assert tried == ["evt_1"]


def test_stripe_unreachable_stops_the_rest_of_an_objects_events_too() -> None:
    def process(event: EventInfo) -> bool:
        if event.id == "evt_1":
            raise GatewayUnavailable("Stripe cannot be reached.")
        return True

    events = [_event(1, "re_a", "refund"), _event(2, "re_a", "refund")]
    outcomes = process_page(events, process, workers=4)
    assert isinstance(outcomes[0], GatewayUnavailable) and outcomes[1] is None


def test_one_object_or_one_worker_runs_on_the_callers_thread_in_order() -> None:
    here = threading.current_thread()
    order: list[str] = []

    def process(event: EventInfo) -> bool:
        assert threading.current_thread() is here
        order.append(event.id)
        return True

    assert process_page([_event(1, "cs_1"), _event(2, "cs_1")], process) == [True, True]
    events = [_event(n, f"cs_{n}") for n in range(3, 6)]
    assert process_page(events, process, workers=1) == [True] * 3
    assert order == ["evt_1", "evt_2", "evt_3", "evt_4", "evt_5"]
    assert process_page([], process) == []
