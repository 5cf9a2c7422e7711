"""Who has an account, read from the SQLite file with the standard library alone: the
sign-in page's tiles before the app is open.

Opening the app loads SQLAlchemy (about a quarter of a second of CPU), the schema and the
repositories, checks the file and starts the services; the sign-in page needs only the names.
This read is read-only (``mode=ro``), never waits for a writer, and answers only for a
database this version of the app would open as it is: a SQLite file at the newest schema.
Anything else (no file yet, an older schema to migrate, a newer one to refuse, a database
server, a locked or damaged file) is None, and the page waits for the full open as before.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pos_app.domain.people import Role
from pos_app.store import revisions

log = logging.getLogger(__name__)

# A writer holding the file's lock right now: answer None at once rather than wait for it.
BUSY_SECONDS = 0.05
# More accounts than any front desk has: the preview stays bounded; the open app lists all.
MAX_ACCOUNTS = 500
_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")


@dataclass(frozen=True)
class StaffRow:
    """An active account as the sign-in page shows it (never its PIN hash)."""

    id: str
    name: str
    role: Role
    resource_id: str | None
    takes_bookings: bool  # its day-view column exists and is active


@dataclass(frozen=True)
class StaffPreview:
    """Whether any account exists, and the active ones by name."""

    any_users: bool
    staff: tuple[StaffRow, ...]


def sqlite_path(url: str) -> Path | None:
    """The file of a plain SQLite URL (``sqlite:///…``, as the app's settings write it); None
    for a database server, an in-memory database, or a URL with options or escapes (those the
    full open reads)."""
    for prefix in _PREFIXES:
        if url.startswith(prefix):
            name = url[len(prefix) :]
            if not name or name == ":memory:" or name.startswith("file:"):
                return None
            if "?" in name or "%" in name:
                return None
            return Path(name)
    return None


def read_staff(url: str, *, head: str | None = None) -> StaffPreview | None:
    """The accounts of the database at ``url``, or None when the full open must answer
    (see the module's docstring). ``head`` is the newest schema revision (read from the
    migration files when not given)."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    head = head if head is not None else revisions.head_revision()
    if head is None:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)
    except sqlite3.Error as err:
        log.info("staff_preview.unread reason=%s", err)
        return None
    try:
        return _read(conn, head)
    except (sqlite3.Error, ValueError) as err:  # locked, damaged, or a role it does not know
        log.info("staff_preview.unread reason=%s", err)
        return None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, head: str) -> StaffPreview | None:
    versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    if versions != [head]:
        return None  # to migrate, being migrated, or newer: the open decides
    (count,) = conn.execute("SELECT count(*) FROM users").fetchone()
    # The same order as the open app's list (``SqlUserRepository.list``): by name.
    rows = conn.execute(
        "SELECT u.id, u.name, u.role, u.resource_id, r.id IS NOT NULL"
        " FROM users AS u LEFT JOIN resources AS r ON r.id = u.resource_id AND r.active = 1"
        " WHERE u.active = 1 ORDER BY u.name LIMIT ?",
        (MAX_ACCOUNTS,),
    ).fetchall()
    staff = tuple(
        StaffRow(
            id=str(uid),
            name=str(name),
            role=Role(role),
            resource_id=None if resource is None else str(resource),
            takes_bookings=bool(column),
        )
        for uid, name, role, resource, column in rows
    )
    return StaffPreview(any_users=count > 0, staff=staff)
