"""The business's one reader of Stripe's events feed, without Qt (issue 13 items 2 and 4).

Each station runs a :class:`Poller` and calls :meth:`Poller.tick` again after the delay the
tick returns (the window's SyncLoop on its task runner, ``pos-app sync --watch`` in a loop).
Each tick decides:

- **standby** (another station holds the leader lock): nothing Stripe-facing at all. The
  leader's pass already closes every ended hold, resends every unanswered request and reads
  every event of the business, so a standby's pass would only repeat Stripe calls. It tries
  to take over every 2 s. Its charge screen still reads its own session every second.
- **leader**: a pass (``sync_once``) when one is due. The pace is the domain's
  (``poll_pace``): every second while a payment link is open anywhere in the business,
  every 20 s when none is; between passes the leader looks for a newly opened link once a
  second (one indexed read of the database, no Stripe call), so a link opened at any desk
  speeds it up at once. The first pass after becoming leader is a full one: the previous
  leader may have died mid-pass.

Two stations may briefly both pass (a leader whose cable was pulled before it noticed): the
pass is idempotent (events are applied once, rows re-read from Stripe), so that costs calls,
never money.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pos_app.domain.errors import PosError
from pos_app.domain.poll_pace import BUSY_SECONDS, IDLE_SECONDS, PollRole, next_poll_seconds

if TYPE_CHECKING:
    from pos_app.services.payment_sync import SyncReport

log = logging.getLogger(__name__)

#: While leading, how often to look for a link opened since the last pass (database only).
LINK_CHECK_SECONDS = 1.0
#: A pass is due this much early: timers may fire a little before their time, and a tick
#: that found the pass 20 ms short would cost another tick.
EARLY_SECONDS = 0.1


class LeaderLock(Protocol):
    """The lock that makes one station the leader (``store.leader_lock``)."""

    def try_lead(self) -> bool:
        """True while this station leads; raises when the database cannot be reached."""
        ...

    def release(self) -> None:
        """Let the lock go (idempotent)."""
        ...


class Syncer(Protocol):
    """The one pass over Stripe (``SyncService``)."""

    def sync_once(self, *, full: bool = False) -> SyncReport:
        """One pass; raises when Stripe cannot be reached."""
        ...


@dataclass(frozen=True)
class Tick:
    """What one tick did, and when to tick again."""

    role: PollRole
    # The pass made this tick; None when none was due, on standby, or when it failed.
    report: SyncReport | None
    # Why the pass (or the leader check) failed; None when nothing failed.
    error: Exception | None
    delay: float  # seconds until the next tick
    role_changed: bool  # this tick made the station leader or standby (the first one too)


class Poller:
    """Decides, tick by tick, whether this station reads Stripe's feed, and reads it."""

    def __init__(
        self,
        lock: LeaderLock,
        sync: Syncer,
        links_open: Callable[[], bool],
        *,
        busy_seconds: float = BUSY_SECONDS,
        idle_seconds: float = IDLE_SECONDS,
        on_role: Callable[[PollRole], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._lock = lock
        self._sync = sync
        self._links_open = links_open
        self._busy = busy_seconds
        self._idle = idle_seconds
        self._on_role = on_role
        self._clock = clock
        self._rng = rng or random.Random()
        self._role: PollRole | None = None
        self._failures = 0
        # When the last pass started (the pace runs start to start) or the last failed one
        # ended (a backoff runs from the failure).
        self._last_pass: float | None = None
        self._retry_wait = 0.0  # after a failure: the backoff drawn for it
        self._full_due = True  # the first pass as leader re-reads every unsettled row

    @property
    def role(self) -> PollRole | None:
        """Leader or standby since the last tick; None before the first."""
        return self._role

    def tick(self, *, force: bool = False) -> Tick:
        """Take or check the leader lock, and pass over Stripe's feed when due (``force``:
        now, when leading: the window's Refresh).

        Never raises an Exception: a failure is in ``Tick.error`` (and the log), and the
        delay backs off.
        """
        try:
            leading = self._lock.try_lead()
        except Exception as err:
            changed = self._become(PollRole.STANDBY)
            self._failures += 1
            self._log_failure("lock", err)
            delay = next_poll_seconds(
                leader=False, links_open=False, failures=self._failures, jitter=self._rng.random()
            )
            return Tick(PollRole.STANDBY, None, err, delay, changed)
        if not leading:
            changed = self._become(PollRole.STANDBY)
            self._failures = 0
            return Tick(
                PollRole.STANDBY,
                None,
                None,
                next_poll_seconds(leader=False, links_open=False),
                changed,
            )
        changed = self._become(PollRole.LEADER)
        return self._lead(changed, force=force)

    def stop(self) -> None:
        """Let the leader lock go (at quit), so another station takes over at once."""
        self._lock.release()

    def _become(self, role: PollRole) -> bool:
        if role is self._role:
            return False
        self._role = role
        log.info("poller.role role=%s", role.value)
        if role is PollRole.LEADER:
            self._full_due = True
            self._last_pass = None
            self._failures = 0
        if self._on_role is not None:
            self._on_role(role)
        return True

    def _lead(self, changed: bool, *, force: bool) -> Tick:
        links = self._links_now()
        wait = self._wait(links)
        now = self._clock()
        last = self._last_pass
        if not force and last is not None and now - last < wait - EARLY_SECONDS:
            # Not due: look again shortly for a link opened meanwhile (or the pass's time).
            until_due = wait - (now - last)
            return Tick(PollRole.LEADER, None, None, min(LINK_CHECK_SECONDS, until_due), changed)
        full, self._full_due = self._full_due, False
        started = self._clock()
        if not force and last is not None:
            # A pass let in a little early counts from when it was due, so timers that fire
            # early never add passes: at most one feed read per pace, over any stretch.
            started = max(started, last + wait)
        try:
            report = self._sync.sync_once(full=full)
        except Exception as err:
            self._failures += 1
            self._log_failure("pass", err)
            self._retry_wait = next_poll_seconds(
                leader=True, links_open=links, failures=self._failures, jitter=self._rng.random()
            )
            self._last_pass = self._clock()
            return Tick(PollRole.LEADER, None, err, self._retry_wait, changed)
        self._failures = 0
        # The pace runs from one pass's start to the next's: a pass that took 0.6 s of a
        # 1 s pace is followed 0.4 s after it ends (one longer than the pace, at once), so
        # the feed is read every second, not every 1.6 s, and never more often.
        self._last_pass = started
        # The pass may have opened or closed links (ended holds): the pace follows it.
        links = self._links_now(default=links)
        until_due = max(0.0, self._wait(links) - (self._clock() - started))
        return Tick(PollRole.LEADER, report, None, min(LINK_CHECK_SECONDS, until_due), changed)

    def _log_failure(self, what: str, err: Exception) -> None:
        """A warning each time; an unexpected error's traceback once per run of failures."""
        trace = self._failures == 1 and not isinstance(err, PosError)
        log.warning("poller.%s_failed error=%s", what, type(err).__name__, exc_info=trace)

    def _wait(self, links: bool) -> float:
        """Seconds between the last pass and the next one."""
        if self._failures:
            return self._retry_wait
        return next_poll_seconds(
            leader=True, links_open=links, busy_seconds=self._busy, idle_seconds=self._idle
        )

    def _links_now(self, default: bool = True) -> bool:
        """Whether a link is open anywhere; unknown (the database did not answer) counts as
        open, so a payment is never seen late because of a failed read."""
        try:
            return self._links_open()
        except Exception as err:
            log.warning("poller.links_check_failed error=%s", type(err).__name__)
            return default
