"""`pos-app sync --watch`: this station's poller without a window, until SIGTERM or Ctrl+C.

It prints one line when the station becomes the business's reader of Stripe's updates (the
leader) and one when it becomes a standby, a sentence for a failed pass (the details go to
the log, never a traceback here), and "Stopped." when it stops: the leader lock is let go
first, so a standby takes over at once. A second Ctrl+C stops without waiting for the pass.
Suited to an always-on back-office machine (docs/poller.md has a systemd unit).
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from pos_app.domain.errors import PosError
from pos_app.domain.poll_pace import PollRole
from pos_app.i18n import N_, gettext

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.sync.poller import Poller, Tick

ROLE_LINES = {
    PollRole.LEADER: N_("This station now reads Stripe's updates."),
    PollRole.STANDBY: N_("Another station reads Stripe's updates; this one waits to take over."),
}
STOPPED_LINE = N_("Stopped.")
# The wait between ticks is slept in slices this long, so a stop is seen at once.
_SLICE_SECONDS = 0.1


def watch(ctx: AppContext) -> int:
    """Run the poller until SIGTERM or Ctrl+C; 0 once stopped cleanly."""
    poller = ctx.poller(on_role=lambda role: say(ROLE_LINES[role]))
    stations = ctx.stations
    beat: Callable[[PollRole], object] | None = None
    if stations is not None:
        # Settings ▸ Stations lists this poller and the status bars name it while it leads.
        # A database away now is said by the loop; the first beat that works adds the row.
        beat = lambda role: stations.beat_if_due(role is PollRole.LEADER)  # noqa: E731
    stop = StopFlag()
    with stop.on_signals():
        run(poller, stop, log_path=ctx.config.data_dir / "pos-app.log", after_tick=beat)
    poller.stop()  # let the lock go before saying so: a standby takes over now
    say(STOPPED_LINE)
    return 0


def say(line: str, *, problem: bool = False) -> None:
    """One line on stdout (stderr for a problem), flushed at once for journald and pipes; a
    sentence marked with N_ is translated here."""
    print(gettext(line), file=sys.stderr if problem else sys.stdout, flush=True)


class StopFlag:
    """Set by SIGTERM or Ctrl+C; a second signal stops at once (KeyboardInterrupt)."""

    def __init__(self) -> None:
        self.stopped = False

    def __call__(self) -> bool:
        return self.stopped

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.stopped:
            raise KeyboardInterrupt
        # Only a flag: the handler runs on the main thread between bytecodes, maybe inside
        # the pass, which then ends normally.
        self.stopped = True

    @contextmanager
    def on_signals(self) -> Iterator[None]:
        """Catch SIGTERM and SIGINT while the block runs; the previous handlers come back."""
        kinds = [signal.SIGINT, signal.SIGTERM]
        before = {kind: signal.signal(kind, self._handle) for kind in kinds}
        try:
            yield
        finally:
            for kind, handler in before.items():
                signal.signal(kind, handler)


def run(
    poller: Poller,
    stopped: Callable[[], bool],
    *,
    log_path: Path,
    sleep: Callable[[float], None] = time.sleep,
    after_tick: Callable[[PollRole], object] | None = None,
) -> None:
    """Tick ``poller`` until ``stopped()``, saying each new problem once; ``after_tick`` is
    given each tick's role (the station's heartbeat)."""
    said: tuple[str, ...] = ()
    while not stopped():
        tick = poller.tick()
        if after_tick is not None:
            after_tick(tick.role)
        if tick.error is not None or tick.report is not None:  # a pass or a try was made
            problems = problem_lines(tick, log_path)
            if problems and problems != said:
                for line in problems:
                    say(line, problem=True)
            said = problems
        waited = 0.0
        while waited < tick.delay and not stopped():
            step = min(_SLICE_SECONDS, tick.delay - waited)
            sleep(step)
            waited += step


def problem_lines(tick: Tick, log_path: Path) -> tuple[str, ...]:
    """What to tell the person watching about ``tick``: nothing when all went well."""
    if tick.error is not None:
        error = tick.error
        retry = " " + gettext("Trying again in {seconds} s.").format(seconds=f"{tick.delay:.0f}")
        if isinstance(error, PosError):
            return (gettext(error.message) + retry,)
        if tick.role is PollRole.STANDBY:
            standby = gettext("The database does not answer, so this station cannot take over.")
            return (standby + retry,)
        failed = gettext("A pass over Stripe's updates failed; details are in {path}.")
        return (failed.format(path=log_path) + retry,)
    if tick.report is not None:
        return tuple(tick.report.errors)
    return ()
