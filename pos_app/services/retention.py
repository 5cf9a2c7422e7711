"""Pruning webhook deliveries and processed events past Stripe's windows.

Who and when: every sync pass (the periodic job every station already runs, see
``SyncService.sync_once``) and the webhook receiver's own ticker call
:meth:`Retention.prune_if_due`, which does the work at most once every ``PRUNE_EVERY`` per
process. Several stations pruning the same database is harmless: deleting what another
already deleted deletes nothing. The windows are the domain's (``webhook_records``).

Rows go in batches of ``BATCH`` per transaction, so a backlog (say, a flood's worth of
rows) never holds the write lock long enough to stall a payment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from pos_app.domain.ports import UnitOfWork
from pos_app.domain.webhook_records import prune_cutoffs
from pos_app.services.context import Deps
from pos_app.services.throttle import Every

log = logging.getLogger(__name__)

#: How often one process prunes (seconds): rows age by days, so a few times a day is plenty.
PRUNE_EVERY = 6 * 60 * 60.0
#: Rows deleted per transaction.
BATCH = 1000


@dataclass(frozen=True)
class PruneReport:
    """How many rows one prune deleted."""

    deliveries: int = 0
    events: int = 0


class Retention:
    """Deletes webhook records older than their windows."""

    def __init__(
        self,
        deps: Deps,
        *,
        every: float = PRUNE_EVERY,
        batch: int = BATCH,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._d = deps
        self._batch = batch
        self._every = Every(every, monotonic)

    def prune_if_due(self) -> PruneReport | None:
        """Prune when this process has not for ``every`` seconds (or ever); else ``None``."""
        return self.prune() if self._every.due() else None

    def prune(self) -> PruneReport:
        """Delete every row past its window now, ``batch`` rows per transaction."""
        cutoffs = prune_cutoffs(self._d.clock.now())
        deliveries = self._until_done(
            lambda uow: uow.events.prune_deliveries(
                events_before=cutoffs.events_before,
                rejected_before=cutoffs.rejected_before,
                limit=self._batch,
            )
        )
        events = self._until_done(
            lambda uow: uow.events.prune_processed(before=cutoffs.events_before, limit=self._batch)
        )
        report = PruneReport(deliveries=deliveries, events=events)
        if deliveries or events:
            log.info("retention.pruned deliveries=%s events=%s", deliveries, events)
        return report

    def _until_done(self, delete: Callable[[UnitOfWork], int]) -> int:
        total = 0
        while True:
            with self._d.uow(write=True) as uow:
                deleted = delete(uow)
                uow.commit()
            total += deleted
            if deleted < self._batch:
                return total
