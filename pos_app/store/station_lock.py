"""Who has the database open on this computer: a shared lock on ``<database>.lock``.

Every app and CLI command that opens the database holds the lock *shared* for as long as it
runs; a restore needs it *exclusive*, so it is refused while any of them runs, and they wait
(a bounded while) while a restore runs. The operating system drops a lock when its process
ends, even on a crash, so a lock is never left stale.

portalocker does the locking: it is maintained, typed, and has shared and exclusive locks on
POSIX (``flock``) and Windows (``LockFileEx``) alike, which ``fcntl`` alone (POSIX only) and
``filelock`` (exclusive locks only) do not. ``flock`` locks belong to an open file, so two
opens in one process exclude each other just as two processes do (the tests rely on this).
Locks on network folders are only as good as the file server's; the database is local.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import IO

import portalocker

log = logging.getLogger(__name__)

# A restore takes seconds; a station starting meanwhile waits this long for it to finish.
WAIT_FOR_RESTORE_SECONDS = 30.0
_POLL_SECONDS = 0.1


class StationLockBusy(Exception):
    """The lock is held the other way: a restore is running, or a station has it open."""


def lock_path(database: Path) -> Path:
    """The lock file of a SQLite database file: ``pos.sqlite3.lock`` beside it."""
    return database.with_name(f"{database.name}.lock")


class StationLock:
    """One hold on a database's lock file; ``release()`` (or process exit) lets it go."""

    def __init__(self, database: Path) -> None:
        self.path = lock_path(database)
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._file is not None

    def acquire_shared(self, wait_seconds: float | None = None) -> None:
        """Hold the lock shared (a station is using the database); waits out a restore for
        up to ``wait_seconds`` (WAIT_FOR_RESTORE_SECONDS), then StationLockBusy."""
        wait = WAIT_FOR_RESTORE_SECONDS if wait_seconds is None else wait_seconds
        self._acquire(portalocker.LockFlags.SHARED, wait)

    def acquire_exclusive(self) -> None:
        """Hold the lock alone (a restore), or StationLockBusy at once if a station has it."""
        self._acquire(portalocker.LockFlags.EXCLUSIVE, 0.0)

    def release(self) -> None:
        """Let the lock go (idempotent)."""
        handle, self._file = self._file, None
        if handle is None:
            return
        try:
            portalocker.unlock(handle)
        finally:
            handle.close()

    def _acquire(self, kind: portalocker.LockFlags, wait_seconds: float) -> None:
        if self._file is not None:
            raise RuntimeError("the station lock is already held by this object")
        # 0600 like every file of the data folder; the file's content is never used.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        handle = os.fdopen(fd, "r+b")
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                portalocker.lock(handle, kind | portalocker.LockFlags.NON_BLOCKING)
            except portalocker.AlreadyLocked:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise StationLockBusy(str(self.path)) from None
                time.sleep(_POLL_SECONDS)
                continue
            except BaseException:
                handle.close()
                raise
            self._file = handle
            return
