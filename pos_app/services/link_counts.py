"""Freezing closed days' payment-link counts once settled (store/link_counts.py).

Who and when: a day close freezes the settled days before it (a later day closed, none of
their links open: store/link_counts.py); the sync pass (``SyncService.sync_once``, the
leader's with PostgreSQL) calls :meth:`LinkCountFreezer.freeze_if_due`, which freezes every
other settled closed day at most once every ``FREEZE_EVERY`` per process: a day whose last
link has ended since. Settled is decided by the database when it counts, never by a clock.
Two stations freezing the same day write the same row once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date

from pos_app.services.context import Deps
from pos_app.services.throttle import Every

log = logging.getLogger(__name__)

#: How often one process looks for newly settled days (seconds).
FREEZE_EVERY = 15 * 60.0
#: Closed days looked at per transaction.
BATCH = 100


class LinkCountFreezer:
    """Freezes the link counts of every closed day whose links are all settled."""

    def __init__(
        self,
        deps: Deps,
        *,
        every: float = FREEZE_EVERY,
        batch: int = BATCH,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._d = deps
        self._batch = batch
        self._every = Every(every, monotonic)

    def freeze_if_due(self) -> int | None:
        """Freeze when this process has not for ``every`` seconds (or ever); else ``None``."""
        return self.freeze() if self._every.due() else None

    def freeze(self) -> int:
        """Freeze every settled closed day's counts now, ``batch`` days per transaction;
        returns how many days were frozen."""
        tz = self._d.policy.timezone
        frozen = 0
        before: date | None = None
        while True:
            with self._d.uow(write=True) as uow:
                days = uow.reports.unfrozen_closed_days(before, self._batch)
                now = self._d.clock.now()
                frozen += sum(uow.reports.freeze_links(day, tz, now) for day in days)
                uow.commit()
            if len(days) < self._batch:
                break
            before = days[-1]
        if frozen:
            log.info("links.frozen days=%s", frozen)
        return frozen
