"""Read-only health facts about the database, for `pos-app doctor`: which schema it is at."""

from __future__ import annotations

from sqlalchemy import Engine

from pos_app.store.database import MIGRATIONS


def schema_revisions(engine: Engine) -> tuple[str | None, str]:
    """(the database's Alembic revision, or None when it has none; this code's head)."""
    # Loaded when the doctor asks, not with the app (Alembic takes a third of a second).
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    # A repository always has exactly one head; "" only if it had no migrations at all.
    return current, head or ""
