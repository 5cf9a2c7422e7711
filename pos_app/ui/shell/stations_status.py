"""The status bar's "Stripe updates: …" (which station reads Stripe's events feed for the
business) and this station's heartbeat in the ``stations`` table.

When the window attaches, the station registers (its row: name, version, start). On a shared
database (PostgreSQL) it then beats every ``HEARTBEAT_SECONDS`` on the task runner, saying
whether its poller leads, and at once when its poller's role changes, so the other stations
name the new leader within a beat. Each beat reads the list back, and the label says who
reads Stripe's updates ("this station", or the leader's name). On SQLite every process reads
Stripe's updates itself: the station registers once and the label stays empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from pos_app.domain.poll_pace import PollRole
from pos_app.domain.stations import StationList, poller_line
from pos_app.i18n import N_, _
from pos_app.ui.kit.tasks import TaskRunner

if TYPE_CHECKING:
    from pos_app.services.stations import StationService

REGISTER_KEY = "stations-register"
BEAT_KEY = "stations-beat"
#: How often the poller's role is looked at (no database work unless it changed or a beat
#: is due).
CHECK_MS = 1000
ICON = "★"
TOOLTIP = N_(
    "The station that reads Stripe's updates for the whole business. If it stops, another "
    "takes over within seconds. Settings ▸ Stations lists every station."
)


class StationsStatus(QObject):
    """The "Stripe updates: …" label in ``bar``, and the heartbeat that keeps it true."""

    def __init__(
        self,
        parent: QObject,
        runner: TaskRunner,
        bar: QStatusBar,
        *,
        role: Callable[[], PollRole | None],
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._role = role
        self._stations: StationService | None = None
        self._listing: StationList | None = None
        self._beaten_role: PollRole | None = None
        self._since_beat_ms = 0
        self.label = QLabel("")
        self.label.setObjectName("stationsStatus")
        self.label.setToolTip(_(TOOLTIP))
        self.label.setContentsMargins(12, 0, 0, 0)  # apart from the Stripe line before it
        self.label.hide()
        bar.addWidget(self.label)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self._check)

    def text(self) -> str:
        """The label's words without the icon ('' when hidden)."""
        return self.label.text().removeprefix(f"{ICON} ")

    def is_beating(self) -> bool:
        """Whether the heartbeat runs (a shared database, attached)."""
        return self._timer.isActive()

    def attach(self, stations: StationService) -> None:
        """Register this station, then (on a shared database) beat and show the leader."""
        self._stations = stations
        self._runner.run(
            stations.register,
            on_success=lambda _none: self._registered(),
            on_failure=lambda _error: self._registered(),  # the beat registers it later
            key=REGISTER_KEY,
            owner=self,
            quiet=True,
        )

    def stop(self) -> None:
        """No more beats (at quit)."""
        self._timer.stop()
        self._stations = None

    def beat_now(self) -> None:
        """Beat and read the list back now (skipped while one is out)."""
        stations = self._stations
        if stations is None:
            return
        role = self._role()
        leads = role is PollRole.LEADER

        def work() -> StationList:
            stations.heartbeat(leads)
            return stations.listing()

        if self._runner.run(
            work,
            on_success=self._show,
            # The database being away is said by the Stripe line; keep the last words.
            on_failure=lambda _error: None,
            key=BEAT_KEY,
            owner=self,
            quiet=True,
        ):
            self._beaten_role = role
            self._since_beat_ms = 0

    def _registered(self) -> None:
        stations = self._stations
        if stations is None or stations.heartbeat_seconds is None:
            return  # SQLite: nothing to beat, nobody to name
        self.beat_now()
        self._timer.start()

    def _check(self) -> None:
        stations = self._stations
        if stations is None or stations.heartbeat_seconds is None:
            return
        self._since_beat_ms += CHECK_MS
        due = self._since_beat_ms >= stations.heartbeat_seconds * 1000
        if due or self._role() is not self._beaten_role:
            self.beat_now()
        else:
            self._paint()  # the role may read differently without a beat (None → standby)

    def _show(self, listing: StationList) -> None:
        self._listing = listing
        self._paint()

    def _paint(self) -> None:
        listing = self._listing
        if listing is None:
            return
        role = self._role()
        words = poller_line(listing, None if role is None else role is PollRole.LEADER)
        shown = f"{ICON} {words}" if words else ""
        if self.label.text() != shown:
            self.label.setText(shown)
        self.label.setVisible(bool(words))
