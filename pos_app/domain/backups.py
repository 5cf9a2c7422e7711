"""Backup files: how they are named, which are kept, when the daily one is due.

A backup of ``pos.sqlite3`` taken at 09:00:00 UTC on 5 December 2026 is
``pos-2026-12-05-090000Z-daily.sqlite3``. The time comes first after the database's name and
is in UTC, so sorting the names sorts the backups by time (a local clock's summer-time hour
would repeat); the kind says why it was taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Literal

from pos_app.domain.errors import PosError
from pos_app.i18n import N_

BACKUP_FOLDER = "backups"
# The automatic folder keeps this many files (all kinds); older ones are deleted.
KEEP_BACKUPS = 14
SQLITE_SUFFIX = ".sqlite3"
# A PostgreSQL database's backups: pg_dump's custom format, restored with pg_restore.
DUMP_SUFFIX = ".dump"
_STAMP = "%Y-%m-%d-%H%M%SZ"


Problem = Literal["damaged", "locked", "newer"]
# Said when nothing better is known; callers that know the backups name the newest one.
# Marked, translated where a PosError's sentence is shown (``user_message``, the CLI).
PROBLEM_SENTENCES: dict[str, str] = {
    "damaged": N_("The database is damaged."),
    "locked": N_("The database stayed locked by another program; close it and try again."),
    "newer": N_("The database was written by a newer version of pos-app; install that version."),
}


class DatabaseProblem(PosError):
    """A database that cannot be used as it is: ``damaged``, ``locked`` or ``newer``.

    ``detail`` is for the log (SQLite's own words), never shown.
    """

    # Declared on the class, not in __init__: mutmut copies __init__ for each mutant, and
    # mypy refuses an attribute annotated twice.
    kind: Problem

    def __init__(
        self, kind: Problem, detail: str, *, revision: str | None = None, sentence: str = ""
    ) -> None:
        super().__init__(sentence or PROBLEM_SENTENCES[kind])
        self.kind = kind
        self.detail = detail
        self.revision = revision

    def with_sentence(self, sentence: str) -> DatabaseProblem:
        """The same problem, told with ``sentence``."""
        return DatabaseProblem(self.kind, self.detail, revision=self.revision, sentence=sentence)


class BackupKind(StrEnum):
    """Why a backup was taken."""

    DAILY = "daily"
    MANUAL = "manual"
    BEFORE_UPGRADE = "before-upgrade"


@dataclass(frozen=True)
class BackupName:
    """A parsed backup file name."""

    name: str
    taken_at: datetime
    kind: str


def backup_name(
    stem: str, taken_at: datetime, kind: BackupKind, *, suffix: str = "", ext: str = SQLITE_SUFFIX
) -> str:
    """The file name of a backup of database ``stem`` (``pos``) taken at ``taken_at``.

    ``suffix`` tells apart two backups taken in the same second ("-2"); ``ext`` is the
    file's kind (``.sqlite3``, or ``.dump`` for a PostgreSQL database).
    """
    stamp = taken_at.astimezone(UTC).strftime(_STAMP)
    return f"{stem}-{stamp}-{kind.value}{suffix}{ext}"


def parse_backup_name(stem: str, name: str, ext: str = SQLITE_SUFFIX) -> BackupName | None:
    """The time and kind in ``name`` when it is a backup of database ``stem``; else None.

    ``pos-test-…`` is not a backup of ``pos``: the time must follow the stem directly.
    """
    pattern = (
        rf"{re.escape(stem)}-(\d{{4}}-\d{{2}}-\d{{2}}-\d{{6}}Z)-([a-z-]+?)(-\d+)?"
        rf"{re.escape(ext)}"
    )
    match = re.fullmatch(pattern, name)
    if match is None:
        return None
    try:
        taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return BackupName(name, taken, match.group(2))


def newest_first(stem: str, names: Iterable[str], ext: str = SQLITE_SUFFIX) -> list[BackupName]:
    """The backups of ``stem`` among ``names``, newest first (other files are ignored)."""
    found = [parsed for n in names if (parsed := parse_backup_name(stem, n, ext)) is not None]
    return sorted(found, key=lambda b: (b.taken_at, b.name), reverse=True)


def to_prune(
    stem: str, names: Iterable[str], keep: int = KEEP_BACKUPS, ext: str = SQLITE_SUFFIX
) -> list[str]:
    """The backups of ``stem`` beyond the newest ``keep``: the ones to delete."""
    return [b.name for b in newest_first(stem, names, ext)[keep:]]


def daily_due(
    stem: str, names: Iterable[str], now: datetime, timezone: tzinfo, ext: str = SQLITE_SUFFIX
) -> bool:
    """True when no backup of ``stem`` was taken on ``now``'s calendar day (in ``timezone``).

    Any kind counts: a copy taken this morning before an upgrade is today's copy too.
    """
    today = now.astimezone(timezone).date()
    taken = (b.taken_at.astimezone(timezone).date() for b in newest_first(stem, names, ext))
    return today not in taken
