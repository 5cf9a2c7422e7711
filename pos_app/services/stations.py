"""The stations sharing the database: this one registers, beats, is renamed; all are listed.

A running station registers when it opens (``register``) and, on a shared database
(PostgreSQL), beats every ``HEARTBEAT_SECONDS`` (``heartbeat``), saying whether it reads
Stripe's events feed for the business now (its poller's role). The window beats on its task
runner; ``pos-app sync --watch`` calls ``beat_if_due`` in its loop.

On SQLite (one computer) there is no periodic beat: every process there reads Stripe's feed
itself, so there is no leader to name, and a write every 10 s would wake the other
processes' change watchers (``PRAGMA data_version``) for nothing. The station's row is
written once at start, so Settings ▸ Stations still lists it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from pos_app.domain.errors import FormErrors, PermissionDeniedError
from pos_app.domain.stations import (
    HEARTBEAT_SECONDS,
    NAME_FIELD,
    StationList,
    StationRow,
    StationStore,
    clean_name,
    default_name,
    leader_of,
)
from pos_app.i18n import N_
from pos_app.services.context import Desk

log = logging.getLogger(__name__)

NOT_MANAGER = N_("Only a manager can rename this station.")


class StationService:
    """This station's row in the ``stations`` table, and the list of every station."""

    def __init__(
        self,
        store: StationStore,
        *,
        station_id: str,
        host_name: str,
        version: Callable[[], str],
        desk: Desk,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._id = station_id
        self._host = host_name
        self._version = version
        self._desk = desk
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._last_beat: float | None = None  # monotonic time of the last beat written

    @property
    def station_id(self) -> str:
        """This station's id (kept in its data directory)."""
        return self._id

    @property
    def shared(self) -> bool:
        """Whether several computers share the database (PostgreSQL)."""
        return self._store.shared

    @property
    def heartbeat_seconds(self) -> float | None:
        """How often to call ``heartbeat``; None on SQLite, where no beat is needed."""
        return HEARTBEAT_SECONDS if self._store.shared else None

    def register(self) -> None:
        """Add this station (named after its computer) or note its new start and version."""
        # The version is read here, not at start: looking it up costs the start ~30 ms.
        self._store.register(self._id, default_name(self._host), self._version())

    def heartbeat(self, leader: bool) -> None:
        """This station is running, and reads Stripe's updates for the business or not.
        A station whose row has gone (a restored database) adds itself again."""
        if not self._store.beat(self._id, leader):
            self.register()
            self._store.beat(self._id, leader)
        with self._lock:
            self._last_beat = self._monotonic()

    def beat_if_due(self, leader: bool) -> bool:
        """For loops without a timer (``pos-app sync --watch``): beat when one is due on a
        shared database. Never raises: a failed beat is logged and tried at the next call.
        True when a beat was written."""
        if self.heartbeat_seconds is None:
            return False
        with self._lock:
            last = self._last_beat
        if last is not None and self._monotonic() - last < self.heartbeat_seconds:
            return False
        try:
            self.heartbeat(leader)
        except Exception as err:  # the database is away: the loop says so itself
            log.warning("stations.beat_failed error=%s", type(err).__name__)
            return False
        return True

    def rename(self, name: str) -> str:
        """Give this station ``name`` (managers only); the name as saved. Bad input raises
        FormErrors keyed ``station_name`` and changes nothing."""
        if not self._desk.actor.is_manager:
            raise PermissionDeniedError(NOT_MANAGER)
        try:
            cleaned = clean_name(name)
        except ValueError as err:
            raise FormErrors({NAME_FIELD: str(err)}) from None
        if not self._store.rename(self._id, cleaned):
            self.register()
            self._store.rename(self._id, cleaned)
        log.info("stations.renamed station=%s", self._id)
        return cleaned

    def listing(self) -> StationList:
        """Every station (online first), as this station sees the list."""
        return StationList(tuple(self._store.rows()), self._id, self._store.shared)

    def leader(self) -> StationRow | None:
        """The online station that reads Stripe's updates; None on SQLite (every process
        reads them itself) or when none has said so lately."""
        if not self._store.shared:
            return None
        return leader_of(self._store.rows())
