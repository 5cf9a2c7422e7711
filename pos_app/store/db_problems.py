"""Why a database cannot be used as it is: damaged, locked past the busy timeout, or newer."""

from __future__ import annotations

import sqlite3

from pos_app.domain.backups import DatabaseProblem, Problem

# SQLite's primary result codes (the low byte of an extended code).
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB

__all__ = ["DatabaseProblem", "Problem", "classify"]


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
