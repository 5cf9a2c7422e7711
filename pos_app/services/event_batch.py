"""One page of Stripe's events applied with their objects re-read side by side (issue 13
item 4).

Each event names an object that the pass re-reads from Stripe (one or two calls, 0.1–0.5 s
each over the internet). Re-read one after another, a page of ten payments made in the
same second takes seconds; side by side it takes about as long as the slowest one, so a
payment is Paid soon after the pass that reads its event starts. Events naming the same
object keep their order, on one worker. Different objects are independent: applying a
snapshot locks its rows and is idempotent, as when a webhook delivery and a charge screen
apply the same payment at the same time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from pos_app.domain.errors import GatewayAuthError, GatewayUnavailable
from pos_app.domain.gateway_types import EventInfo

#: Objects re-read at once. Stripe's test mode allows 25 reads a second; four workers of
#: 0.1–0.5 s calls stay well under it, and leave the pool connections for the desks.
READ_WORKERS = 4

#: The workers' thread names start with this (logs, and the bench's count of calls).
THREAD_PREFIX = "sync-read"

#: What one event came to: applied (True), not ours or already done (False), the exception
#: it raised, or None when it was not run because Stripe could not be reached meanwhile.
Outcome = bool | Exception | None

#: Stripe cannot be asked now (or refuses the key): later events would fail the same way.
STOPPING = (GatewayUnavailable, GatewayAuthError)


def process_page(
    events: Sequence[EventInfo],
    process: Callable[[EventInfo], bool],
    *,
    workers: int | None = None,
) -> list[Outcome]:
    """``process`` each event (oldest first), distinct objects on up to ``workers`` threads
    (default READ_WORKERS);
    the outcomes in the order of ``events``. Never raises: an event's exception is its
    outcome, and after a STOPPING one the events not started yet are left None."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, event in enumerate(events):
        groups.setdefault((event.object_type, event.object_id), []).append(index)
    workers = READ_WORKERS if workers is None else workers
    outcomes: list[Outcome] = [None] * len(events)
    stop = threading.Event()

    def run(indexes: list[int]) -> None:
        for index in indexes:
            if stop.is_set():
                return
            try:
                outcomes[index] = process(events[index])
            except Exception as err:
                outcomes[index] = err
                if isinstance(err, STOPPING):
                    stop.set()

    if workers <= 1 or len(groups) <= 1:
        for indexes in groups.values():
            run(indexes)
        return outcomes
    size = min(workers, len(groups))
    with ThreadPoolExecutor(size, thread_name_prefix=THREAD_PREFIX) as pool:
        for done in [pool.submit(run, indexes) for indexes in groups.values()]:
            done.result()
    return outcomes
