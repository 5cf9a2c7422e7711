"""Migrations with several stations (issue 13 item 7).

Stations starting together on one PostgreSQL: one migrates under an advisory lock, the
others say they wait, then find the work done (every migration runs once). A station older
than the schema refuses to start, naming both versions, and leaves the database alone.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_app.app import open_app
from pos_app.config import load_config
from pos_app.domain.backups import DatabaseProblem
from pos_app.store.database import (
    MIGRATION_LOCK_KEY,
    MIGRATIONS,
    WAITING_SENTENCE,
    WRITTEN_BY_SETTING,
    head_revision,
    make_engine,
    migrate,
)
from pos_app.store.db_problems import NewerSchema
from pos_app.version import app_version
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import empty_database_url

#: A bound on a hang, never a measure of speed.
STUCK_SECONDS = 90.0

# One station starting: its migrations as Alembic runs them, and what it says while waiting.
# POS_TEST_NO_MIGRATION_LOCK=1 simulates a station without the lock (to see the test fail).
STATION = r"""
import logging, os, sys
from pos_app.store import database

class Ran(logging.Handler):
    def emit(self, record):
        said = record.getMessage()
        if said.startswith("Running upgrade"):
            print("RAN", said.split(",")[0].split("->")[1].strip(), flush=True)

alembic_log = logging.getLogger("alembic.runtime.migration")
alembic_log.setLevel(logging.INFO)
alembic_log.addHandler(Ran())
if os.environ.get("POS_TEST_NO_MIGRATION_LOCK") == "1":
    database._hold_migration_lock = lambda conn, on_wait: None
engine = database.make_engine(sys.argv[1])
print("START", flush=True)
database.migrate(engine, on_wait=lambda sentence: print("WAIT", sentence, flush=True))
print("DONE", flush=True)
"""


def _revisions() -> list[str]:
    found = []
    for path in (MIGRATIONS / "versions").glob("0*.py"):
        found.append(path.name.split("_", 1)[0])
    return sorted(found)


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.mark.postgres
@pytest.mark.parametrize("stations", [2, 3])
def test_stations_starting_on_an_empty_postgresql_migrate_it_once(
    stations: int, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    import psycopg

    with empty_database_url("postgresql", request, tmp_path) as url:
        # A station already migrating: the ones started now must wait for it, together.
        holder = psycopg.connect(_psycopg_url(url), autocommit=True)
        holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", STATION, url],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                encoding="utf-8",
            )
            for _ in range(stations)
        ]
        try:
            waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            deadline = time.monotonic() + STUCK_SECONDS
            while time.monotonic() < deadline:
                row = holder.execute(waiting).fetchone()
                if (row is not None and row[0] >= stations) or any(
                    p.poll() is not None for p in procs
                ):
                    break
                time.sleep(0.05)
        finally:
            holder.close()  # the first station is done: its lock goes with its connection
        said = [p.communicate(timeout=STUCK_SECONDS) for p in procs]
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                version = conn.execute(text("SELECT version_num FROM alembic_version")).all()
                writer = conn.execute(
                    text("SELECT value FROM settings WHERE key = :k"), {"k": WRITTEN_BY_SETTING}
                ).scalar()
        finally:
            engine.dispose()

    for proc, (out, err) in zip(procs, said, strict=True):
        assert proc.returncode == 0, err
        lines = out.splitlines()
        assert f"WAIT {WAITING_SENTENCE}" in lines  # each said so while it waited
        assert lines[-1] == "DONE"
    ran = [
        line.split()[1] for out, _ in said for line in out.splitlines() if line.startswith("RAN")
    ]
    assert sorted(ran) == _revisions()  # every migration once, none twice
    assert sum(1 for out, _ in said if "RAN" in out) == 1  # all by one station
    assert [tuple(r) for r in version] == [(head_revision(),)]
    assert writer == app_version()


def test_two_processes_starting_on_an_empty_sqlite_file_migrate_it_once(tmp_path: Path) -> None:
    """The GUI and a command line on one machine: the second waits for the first's write lock
    (BEGIN IMMEDIATE) instead of failing when its read snapshot goes stale."""
    database = tmp_path / "pos.sqlite3"
    url = f"sqlite:///{database}"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")  # something else writing as both start
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STATION, url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            encoding="utf-8",
        )
        for _ in range(2)
    ]
    try:
        for proc in procs:  # both are about to migrate...
            assert proc.stdout is not None and proc.stdout.readline().strip() == "START"
        # ...and reach the write lock while it is held (if one came later, it would simply
        # find the work done: the test would pass without a race, never fail because of one).
        time.sleep(2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    said = [p.communicate(timeout=STUCK_SECONDS) for p in procs]
    for proc, (out, err) in zip(procs, said, strict=True):
        assert proc.returncode == 0, err
        assert out.splitlines()[-1] == "DONE"
    ran = [
        line.split()[1] for out, _ in said for line in out.splitlines() if line.startswith("RAN")
    ]
    assert sorted(ran) == _revisions()


# -- a station older than the schema --------------------------------------------------------


@pytest.fixture(params=DB_KINDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (SQLite, then PostgreSQL)."""
    with empty_database_url(request.param, request, tmp_path) as url:
        yield url


def _as_if_updated_by(url: str, version: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
            conn.execute(
                text("UPDATE settings SET value = :v WHERE key = :k"),
                {"v": version, "k": WRITTEN_BY_SETTING},
            )
    finally:
        engine.dispose()


def _schema(url: str) -> tuple[str, str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            writer = conn.execute(
                text("SELECT value FROM settings WHERE key = :k"), {"k": WRITTEN_BY_SETTING}
            ).scalar_one()
    finally:
        engine.dispose()
    return revision, writer


def test_a_station_older_than_the_schema_refuses_naming_both_versions(
    database_url: str, tmp_path: Path
) -> None:
    env = {
        "POS_DATA_DIR": str(tmp_path / "data"),
        "POS_DATABASE_URL": database_url,
        "POS_STRIPE_API_BASE": "http://127.0.0.1:9",  # never called
        "POS_TIMEZONE": "UTC",
    }
    open_app(load_config(env), sandbox="none").close()  # the first start records its version
    assert _schema(database_url) == (head_revision(), app_version())
    _as_if_updated_by(database_url, "9.4.0", "0099")  # a newer pos-app at another desk

    with pytest.raises(DatabaseProblem) as refused:
        open_app(load_config(env), sandbox="none")

    assert isinstance(refused.value, NewerSchema) and refused.value.kind == "newer"
    assert refused.value.message == (
        f"This database was updated by pos-app 9.4.0 (schema 0099); this station runs pos-app "
        f"{app_version()} (schema {head_revision()}). Install pos-app 9.4.0 or newer here."
    )
    assert _schema(database_url) == ("0099", "9.4.0")  # left as it was
    # The command line says the same, and nothing else.
    full = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    result = subprocess.run(
        [sys.executable, "-m", "pos_app", "users"],
        env={**full, **env},
        capture_output=True,
        text=True,
        timeout=STUCK_SECONDS,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == refused.value.message


def test_a_station_finding_the_schema_already_migrated_changes_nothing(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    told: list[str] = []
    try:
        migrate(engine, on_wait=told.append)
        with engine.begin() as conn:  # the writer recorded by the first start stays
            conn.execute(
                text("UPDATE settings SET value = '0.0.9' WHERE key = :k"),
                {"k": WRITTEN_BY_SETTING},
            )
        migrate(engine, on_wait=told.append)
    finally:
        engine.dispose()
    assert told == []
    assert _schema(database_url) == (head_revision(), "0.0.9")
