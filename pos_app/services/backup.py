"""Backups of the database: the daily one, "Back up now", the newest one to name in a sentence.

The copying itself is an adapter's (``DatabaseCopier``: SQLite's online backup API in
``store/sqlite_backup.py``, or ``pg_dump`` for a PostgreSQL database in ``store/pg_dump.py``);
this service decides the names, keeps the newest 14 files of the backups folder, and says when
the daily one is due. Stations sharing a database server agree through a ``DailyTurn`` which
one takes the day's backup. It runs on a worker thread (the task runner), never on the GUI
thread: a copy reads the whole database.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from pos_app.domain import locale_format as lf
from pos_app.domain.backups import (
    KEEP_BACKUPS,
    SQLITE_SUFFIX,
    BackupKind,
    DatabaseProblem,
    Problem,
    backup_name,
    daily_due,
    newest_first,
    to_prune,
)
from pos_app.domain.errors import PosError
from pos_app.domain.ports import Clock
from pos_app.i18n import current_language, gettext, ngettext

log = logging.getLogger(__name__)


class DatabaseCopier(Protocol):
    """Writes one consistent, checked copy of the database to a file that does not exist."""

    def copy_to(self, target: Path) -> int:
        """Write the copy to ``target``; returns its size in bytes."""
        ...


class DailyTurn(Protocol):
    """Where stations sharing one database agree which of them takes the day's backup."""

    def take_once(self, day: str, take: Callable[[], BackupInfo]) -> BackupInfo | None:
        """Run ``take`` and record ``day`` (an ISO date) as backed up, unless another station
        is taking a backup now or has recorded ``day`` already (then None)."""
        ...


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: where, when (UTC), how big, and why it was taken."""

    path: Path
    taken_at: datetime
    size: int
    kind: str


class BackupService:
    """Backups into ``folder`` (``<data dir>/backups``) of the database named ``stem``.

    ``copier`` is None where this service cannot copy (a PostgreSQL database on a computer
    without pg_dump); ``unavailable`` then says so in a sentence. ``ext`` names the files'
    kind (``.dump`` for pg_dump's); ``turn``, for a database several stations share, lets
    only one of them take each day's backup.
    """

    def __init__(
        self,
        copier: DatabaseCopier | None,
        folder: Path,
        stem: str,
        clock: Clock,
        timezone: Callable[[], tzinfo],
        *,
        keep: int = KEEP_BACKUPS,
        unavailable: str = "",
        busy_seconds: int = 30,
        ext: str = SQLITE_SUFFIX,
        turn: DailyTurn | None = None,
    ) -> None:
        self._copier = copier
        self.ext = ext
        self._turn = turn
        self.folder = folder
        self.stem = stem
        self._clock = clock
        self._timezone = timezone
        self._keep = keep
        self.unavailable = unavailable
        self.busy_seconds = busy_seconds

    @property
    def available(self) -> bool:
        """True when this app can take backups itself (SQLite, or pg_dump is installed)."""
        return self._copier is not None

    def back_up_now(self, kind: BackupKind = BackupKind.MANUAL) -> BackupInfo:
        """Take a backup into the backups folder now, then keep only the newest files."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        taken = self._clock.now()
        info = self._copy(self._free_name(taken, kind), taken, kind)
        self.prune()
        return info

    def back_up_to(self, target: Path) -> BackupInfo:
        """Take a backup into ``target``: a folder (a dated name inside it) or a new file.

        Never overwrites a file; never prunes (a backup put somewhere by hand is kept).
        """
        taken = self._clock.now()
        if target.is_dir():
            target = target / backup_name(self.stem, taken, BackupKind.MANUAL, ext=self.ext)
        if os.path.lexists(target):
            raise PosError(_exists(target))
        if not target.parent.is_dir():
            raise PosError(
                gettext("There is no folder {folder}; create it first.").format(
                    folder=target.parent
                )
            )
        return self._copy(target, taken, BackupKind.MANUAL)

    def _copy(self, target: Path, taken: datetime, kind: BackupKind) -> BackupInfo:
        if self._copier is None:
            if self.unavailable:
                raise PosError(gettext(self.unavailable))
            raise PosError(gettext("This database cannot be backed up by the app."))
        try:
            size = self._copier.copy_to(target)
        except DatabaseProblem as problem:
            sentence = self.problem_sentence(problem.kind, busy_seconds=self.busy_seconds)
            # Two sentences, not one glued with a lower-cased first letter: no case to lower
            # in Bangla, and a German noun keeps its capital.
            told = gettext("No backup was taken. {problem}").format(problem=sentence)
            raise problem.with_sentence(told) from problem
        except FileExistsError:
            raise PosError(_exists(target)) from None
        except OSError as err:
            raise PosError(
                gettext("The backup could not be written to {folder}: {reason}.").format(
                    folder=target.parent, reason=err.strerror or err
                )
            ) from err
        log.info("backup.written kind=%s file=%s bytes=%d", kind.value, target.name, size)
        return BackupInfo(target, taken, size, kind.value)

    def daily_if_due(self) -> BackupInfo | None:
        """Take today's backup unless one was taken today (this station's calendar day); on
        a shared database server, unless another station took it or is taking one now."""
        if self._copier is None:
            return None
        now = self._clock.now()
        if not daily_due(self.stem, self._names(), now, self._timezone(), self.ext):
            return None
        if self._turn is None:
            return self.back_up_now(BackupKind.DAILY)
        day = now.astimezone(self._timezone()).date().isoformat()
        return self._turn.take_once(day, lambda: self.back_up_now(BackupKind.DAILY))

    def backups(self) -> list[BackupInfo]:
        """The backups in the folder, newest first."""
        found: list[BackupInfo] = []
        for b in newest_first(self.stem, self._names(), self.ext):
            path = self.folder / b.name
            try:
                size = path.stat().st_size
            except OSError:  # pruned by another process meanwhile
                continue
            found.append(BackupInfo(path, b.taken_at, size, b.kind))
        return found

    def last(self) -> BackupInfo | None:
        """The newest backup, or None when there is none yet."""
        found = self.backups()
        return found[0] if found else None

    def prune(self) -> list[str]:
        """Delete the backups beyond the newest ``keep``; returns the names deleted."""
        gone = to_prune(self.stem, self._names(), self._keep, self.ext)
        for name in gone:
            # Another process may have pruned it first.
            with contextlib.suppress(FileNotFoundError):
                (self.folder / name).unlink()
            log.info("backup.pruned file=%s", name)
        return gone

    def problem_sentence(self, kind: Problem, *, busy_seconds: int) -> str:
        """The one sentence saying the database cannot be used, naming the newest backup."""
        if self.ext != SQLITE_SUFFIX:  # a database server: restored with its own tools
            return problem_sentence(kind, None, None, self._timezone(), busy_seconds)
        return problem_sentence(kind, self.last(), self.folder, self._timezone(), busy_seconds)

    def _names(self) -> list[str]:
        try:
            return os.listdir(self.folder)
        except OSError:  # no folder yet (or unreadable): no backups to name
            return []

    def _free_name(self, taken: datetime, kind: BackupKind) -> Path:
        target = self.folder / backup_name(self.stem, taken, kind, ext=self.ext)
        n = 1
        while target.exists():  # two backups in one second ("Back up now" twice)
            n += 1
            target = self.folder / backup_name(self.stem, taken, kind, suffix=f"-{n}", ext=self.ext)
        return target


def local_time(when: datetime, timezone: tzinfo) -> str:
    """'2026-12-05 09:00' in the business's time zone; in another language its CLDR day
    and time ("5. Dez. 2026, 09:00")."""
    local = when.astimezone(timezone)
    if current_language() == "en":  # English keeps the form of the backup's file name
        return local.strftime("%Y-%m-%d %H:%M")
    return lf.moment(local)


def size_text(size: int) -> str:
    """'228 KB', '1.2 MB': a file's size as people read it ("1,2 MB" in German)."""
    if size < 1024:
        return ngettext("{count} byte", "{count} bytes", size).format(count=lf.number(size))
    value, unit = size / 1024, "KB"
    for bigger in ("MB", "GB", "TB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    shown = Decimal(f"{value:.1f}") if value < 10 else Decimal(f"{value:.0f}")
    return f"{lf.number(shown, 1 if value < 10 else 0)} {unit}"


def command_path(path: Path) -> str:
    """``path`` as it can be pasted into a command: quoted when it holds a space or a quote."""
    text = str(path)
    if any(ch.isspace() or ch in "'\"$`&;|<>()*?!#" for ch in text):
        return '"' + text.replace('"', '\\"') + '"'
    return text


def problem_sentence(
    kind: Problem,
    newest: BackupInfo | None,
    folder: Path | None,
    timezone: tzinfo,
    busy_seconds: int,
) -> str:
    """One sentence: what is wrong with the database, and the newest backup to restore
    (``folder`` None: a database server, whose backups the app does not keep).

    Each kind and ending is one whole marked sentence (a translator never sees a piece
    glued to another), and the seconds of a lock take the language's plural form."""
    if folder is None:
        return _problem_alone(kind, busy_seconds)
    if newest is None:
        return _problem_no_backup(kind, busy_seconds).format(folder=folder, count=busy_seconds)
    return _problem_restore(kind, busy_seconds).format(
        backup=f"{folder.name}/{newest.path.name}",
        when=local_time(newest.taken_at, timezone),
        command=f"pos-app restore {command_path(newest.path)}",
        count=busy_seconds,
    )


def _problem_alone(kind: Problem, seconds: int) -> str:
    if kind == "damaged":
        return gettext("The database is damaged.")
    if kind == "locked":
        return ngettext(
            "The database stayed locked by another program for {count} second "
            "(close it, or restart this computer).",
            "The database stayed locked by another program for {count} seconds "
            "(close it, or restart this computer).",
            seconds,
        ).format(count=seconds)
    return gettext("The database was written by a newer version of pos-app (install that version).")


def _problem_no_backup(kind: Problem, seconds: int) -> str:
    """The sentence with ``{folder}`` (and ``{count}``) still to fill in."""
    if kind == "damaged":
        return gettext(
            "The database is damaged, and there is no backup in {folder} to restore yet."
        )
    if kind == "locked":
        return ngettext(
            "The database stayed locked by another program for {count} second (close it, "
            "or restart this computer), and there is no backup in {folder} to restore yet.",
            "The database stayed locked by another program for {count} seconds (close it, "
            "or restart this computer), and there is no backup in {folder} to restore yet.",
            seconds,
        )
    return gettext(
        "The database was written by a newer version of pos-app (install that version), "
        "and there is no backup in {folder} to restore yet."
    )


def _problem_restore(kind: Problem, seconds: int) -> str:
    """The sentence with ``{backup}``, ``{when}``, ``{command}`` (and ``{count}``) to fill in."""
    if kind == "damaged":
        return gettext(
            "The database is damaged; the newest backup is {backup} from {when} — "
            "restore it with: {command}"
        )
    if kind == "locked":
        return ngettext(
            "The database stayed locked by another program for {count} second (close it, "
            "or restart this computer); the newest backup is {backup} from {when} — "
            "restore it with: {command}",
            "The database stayed locked by another program for {count} seconds (close it, "
            "or restart this computer); the newest backup is {backup} from {when} — "
            "restore it with: {command}",
            seconds,
        )
    return gettext(
        "The database was written by a newer version of pos-app (install that version); "
        "the newest backup is {backup} from {when} — restore it with: {command}"
    )


def _exists(target: Path) -> str:
    """The refusal to overwrite ``target``, in the UI language."""
    return gettext("{path} already exists; a backup never overwrites a file.").format(path=target)
