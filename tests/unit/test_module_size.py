"""No module in ``pos_app`` is over 600 lines (issue 12): a module that long holds more than one
responsibility; split it into modules named for what they hold. Alembic migrations are exempt
(each is one schema step, however long)."""

from __future__ import annotations

from pathlib import Path

import pytest

import pos_app

pytestmark = pytest.mark.source_tree  # mutation runs leave it out: see tests/conftest.py

MAX_LINES = 600
PACKAGE = Path(pos_app.__file__).resolve().parent
# Alembic's versions folder: pos_app/store/migrations/versions/*.py
EXEMPT_DIR = "migrations"


def line_count(path: Path) -> int:
    """Lines as `wc -l` and an editor count them (a last line without a newline counts)."""
    return len(path.read_text(encoding="utf-8").splitlines())


def too_long(root: Path, limit: int = MAX_LINES) -> list[tuple[str, int]]:
    """Every ``.py`` module under ``root`` over ``limit`` lines, migrations left out, longest
    first, as (path relative to ``root``'s parent, line count)."""
    found = [
        (path.relative_to(root.parent).as_posix(), lines)
        for path in root.rglob("*.py")
        if EXEMPT_DIR not in path.relative_to(root).parts and (lines := line_count(path)) > limit
    ]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def test_no_module_in_pos_app_is_over_600_lines() -> None:
    offenders = too_long(PACKAGE)
    assert not offenders, f"modules over {MAX_LINES} lines ({len(offenders)}): " + ", ".join(
        f"{name} ({lines})" for name, lines in offenders
    )


def test_the_check_names_long_modules_and_spares_migrations_and_short_ones(
    tmp_path: Path,
) -> None:
    # The rule itself, on a made-up package, so the test above cannot pass by finding nothing.
    root = tmp_path / "pkg"
    (root / "store" / "migrations" / "versions").mkdir(parents=True)
    (root / "ui").mkdir()
    (root / "at_limit.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    (root / "ui" / "big.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    (root / "bigger.py").write_text("x = 1\n" * 700 + "x = 2", encoding="utf-8")
    (root / "store" / "migrations" / "versions" / "0001_long.py").write_text(
        "x = 1\n" * 2000, encoding="utf-8"
    )
    (root / "notes.txt").write_text("x\n" * 2000, encoding="utf-8")
    assert too_long(root) == [("pkg/bigger.py", 701), ("pkg/ui/big.py", MAX_LINES + 1)]


def test_the_check_sees_the_real_package() -> None:
    # A wrong root (an installed copy, an empty folder) would pass the size test vacuously.
    names = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}
    assert {"app.py", "domain/money.py"} <= names
    assert any(name.startswith("store/migrations/versions/") for name in names)
