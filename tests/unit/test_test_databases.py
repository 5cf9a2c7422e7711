"""POS_TEST_DB (tests/conftest.py): which database each app test runs on, and what a run
says about it. Each case runs a small pytest session in a subprocess with the real
conftest's fixture and hooks and a stand-in for ``postgres_url``, so no PostgreSQL is needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# It checks the test harness (in a subprocess), not the app: left out under mutmut, whose
# copy of the tree the inner session cannot import.
pytestmark = pytest.mark.source_tree

INNER_CONFTEST = """
import os

import pytest

from tests.conftest import (  # noqa: F401 (the fixture and hooks under test)
    database_url,
    pytest_configure,
    pytest_report_header,
    pytest_runtest_makereport,
)


@pytest.fixture
def postgres_url() -> str:
    if os.environ.get("STAND_IN_MISSING"):
        pytest.skip("PostgreSQL's initdb is not installed (a stand-in).")
    return "postgresql+psycopg://stand-in/pos_test"


@pytest.fixture(autouse=True)
def _note_side(request: pytest.FixtureRequest) -> None:
    if "database_url" in request.fixturenames:
        side = "pg" if request.getfixturevalue("database_url") else "sqlite"
        with open(os.environ["SIDES"], "a") as out:
            out.write(f"{request.node.name} {side}\\n")
"""

INNER_TESTS = """
import pytest


@pytest.mark.sqlite_only(reason="reads the file")
def test_by_nature_on_sqlite(database_url):
    assert database_url is None


def test_fails_wherever_it_runs(database_url):
    assert database_url == "somewhere else"


def test_without_an_app():
    pass
""" + "".join(f"\n\ndef test_app_{n}(database_url):\n    pass\n" for n in range(24))


def _run(
    tmp_path: Path, mode: str, *args: str, missing: bool = False
) -> tuple[str, dict[str, str]]:
    """Run the small session; its output and where each app test ran."""
    sides = tmp_path / f"sides-{mode}-{len(list(tmp_path.glob('sides-*')))}.txt"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("POS_TEST_", "PYTEST_")) and k != "STAND_IN_MISSING"
    }
    env.update({"POS_TEST_DB": mode, "SIDES": str(sides), "PYTHONPATH": str(ROOT)})
    if missing:
        env["STAND_IN_MISSING"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-rfE", "-p", "no:cacheprovider", *args],
        cwd=tmp_path / "inner",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    ran = dict(line.split() for line in sides.read_text().splitlines()) if sides.exists() else {}
    return done.stdout + done.stderr, ran


@pytest.fixture(scope="module")
def inner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the small session's conftest and tests."""
    top = tmp_path_factory.mktemp("pos_test_db")
    folder = top / "inner"
    folder.mkdir()
    (folder / "conftest.py").write_text(INNER_CONFTEST)
    (folder / "test_inner.py").write_text(INNER_TESTS)
    return top


@pytest.fixture(scope="module")
def mixed(inner: Path) -> tuple[str, dict[str, str]]:
    """One run in the default mode, with a PostgreSQL (the stand-in) at hand."""
    return _run(inner, "mixed")


def test_a_failure_on_postgresql_says_so_and_sqlite_only_stays_on_sqlite(inner: Path) -> None:
    output, ran = _run(inner, "postgresql")
    assert "databases: POS_TEST_DB=postgresql: every app test on PostgreSQL" in output
    assert "This test ran on PostgreSQL." in output
    assert "1 failed, 26 passed" in output, output
    assert ran["test_by_nature_on_sqlite"] == "sqlite"
    assert set(ran.values()) == {"pg", "sqlite"} and list(ran.values()).count("sqlite") == 1
    assert "Databases: 1 app tests on SQLite, 25 on PostgreSQL (POS_TEST_DB=postgresql)." in output

    output, ran = _run(inner, "sqlite")
    assert "This test ran on SQLite." in output and set(ran.values()) == {"sqlite"}


def test_mixed_splits_by_test_the_same_way_when_a_test_runs_alone(
    inner: Path, mixed: tuple[str, dict[str, str]]
) -> None:
    output, first = mixed
    on_pg = sorted(name for name, side in first.items() if side == "pg")
    assert 6 <= len(on_pg) <= 19, first  # about half of 26, never all or none
    assert first["test_by_nature_on_sqlite"] == "sqlite"
    assert f"Databases: {26 - len(on_pg)} app tests on SQLite, {len(on_pg)} on PostgreSQL" in (
        output
    )
    alone = on_pg[0]  # its side does not depend on which other tests run
    _, single = _run(inner, "mixed", f"test_inner.py::{alone}")
    assert single == {alone: "pg"}


def test_mixed_without_postgresql_runs_on_sqlite_and_says_how_many_and_why(
    inner: Path, mixed: tuple[str, dict[str, str]]
) -> None:
    share = list(mixed[1].values()).count("pg")
    output, ran = _run(inner, "mixed", missing=True)
    assert set(ran.values()) == {"sqlite"} and len(ran) == 26  # none skipped
    assert (
        f"{share} app tests meant for PostgreSQL ran on SQLite instead (with "
        "POS_TEST_REQUIRE_POSTGRES=1 that is an error): PostgreSQL's initdb is not installed "
        "(a stand-in)."
    ) in output
    # Asked for PostgreSQL by name, the app tests are skipped, saying why, instead.
    output, ran = _run(inner, "postgresql", "-rs", missing=True)
    assert len(ran) == 1 and "25 skipped" in output and "(a stand-in)" in output


def test_a_misspelt_mode_is_refused_before_anything_runs(inner: Path) -> None:
    output, ran = _run(inner, "postgres")
    assert "POS_TEST_DB='postgres' is not one of sqlite, postgresql, mixed." in output
    assert ran == {}
