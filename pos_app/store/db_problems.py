"""Why a database cannot be used as it is: damaged, locked past the busy timeout, or newer."""

from __future__ import annotations

import sqlite3

from pos_app.domain.backups import DatabaseProblem, Problem

# SQLite's primary result codes (the low byte of an extended code).
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB

__all__ = ["DatabaseProblem", "NewerSchema", "Problem", "classify"]


class NewerSchema(DatabaseProblem):
    """The database was updated by a newer pos-app (another station, usually): this one must
    not touch it. The sentence names both versions, so the desk knows what to install."""

    def __init__(
        self, *, written_by: str, schema: str, this_version: str, this_schema: str
    ) -> None:
        super().__init__(
            "newer",
            f"unknown schema revision {schema} written by pos-app {written_by}",
            revision=schema,
            sentence=(
                f"This database was updated by pos-app {written_by} (schema {schema}); this "
                f"station runs pos-app {this_version} (schema {this_schema}). Install pos-app "
                f"{written_by} or newer here."
            ),
        )
        self.written_by = written_by


def classify(err: BaseException) -> Problem | None:
    """'locked' or 'damaged' for SQLite errors that mean so; None for anything else."""
    code = getattr(err, "sqlite_errorcode", None)
    if isinstance(code, int):
        if code & 0xFF in _BUSY_CODES:
            return "locked"
        if code & 0xFF in _DAMAGE_CODES:
            return "damaged"
        return None
    if not isinstance(err, sqlite3.Error):
        return None
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return "locked"
    if "malformed" in text or "not a database" in text:
        return "damaged"
    return None
