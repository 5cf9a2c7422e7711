"""The newest schema revision, read from the migration files with the standard library only
(no SQLAlchemy or Alembic): what the sign-in page's early read checks before the app opens
(``staff_preview.py``), and what ``database.is_at_head`` compares with."""

from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")

_REVISION = re.compile(r"""^revision(?:\s*:[^=]*)?=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"""^down_revision(?:\s*:[^=]*)?=\s*["']([^"']+)["']""", re.MULTILINE)


def head_revision(migrations: Path = MIGRATIONS) -> str | None:
    """The newest schema revision of the scripts in ``migrations``; None when they do not
    name exactly one head (then Alembic decides)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    scripts = [p for p in (migrations / "versions").glob("*.py") if p.name != "__init__.py"]
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        revisions.update(_REVISION.findall(text))
        downs.update(_DOWN_REVISION.findall(text))
    if len(revisions) != len(scripts):
        return None  # a script written in a way this reading misses: let Alembic decide
    heads = revisions - downs
    return next(iter(heads)) if len(heads) == 1 else None
