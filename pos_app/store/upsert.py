"""The database's own INSERT, for the ``ON CONFLICT`` clauses both dialects spell alike.

Each dialect is imported when its statement is first made: loading PostgreSQL's dialect costs
a SQLite station about 45 ms of its start (bench/gui_responsiveness.py), for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def insert_for(dialect: str) -> Callable[..., Any]:
    """``insert`` of ``dialect`` ("postgresql", else SQLite's), with ``on_conflict_do_*``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert
