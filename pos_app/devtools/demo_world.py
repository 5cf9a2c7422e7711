"""The demo day seeded once and opened many times: each screenshot on a fresh copy of it.

Seeding (migrations, bookings, payments through the sandbox, a week of history) is most of a
screenshot's cost. A :class:`DemoWorld` is that day left on disk — the app's data folder and
the sandbox's database, closed and checkpointed — and :func:`opened_copy` starts a sandbox and
the app on a private copy, so a screen that changes the data (a charge makes a session) leaves
the world as it was. The demo's ids are the same in every copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.devtools.demo import DemoDay, demo_timezone, seed_demo_day
from pos_app.domain import locale_format
from pos_app.domain.people import Actor
from pos_app.keystore import KeyStore

if TYPE_CHECKING:
    from pos_app.sandbox.runner import SandboxHandle

SANDBOX_DB = "sandbox.sqlite3"
DATA_DIR = "data"
# A copy must show what a fresh seed would: the awaiting booking's checkout stays open for
# the hold (10 minutes by default) and the first demo booking starts ~30 minutes ahead, so a
# world older than this is seeded again rather than rendered from (7 minutes: inside the
# hold with room to spare, and a long test session seeds each language's world less often).
MAX_AGE_SECONDS = 420.0


@dataclass(frozen=True)
class DemoWorld:
    """A seeded demo day in ``folder``: what a copy needs to open it as the seed left it."""

    folder: Path
    demo: DemoDay
    manager: Actor  # signed in at the desk when seeding ended (the desk is not stored)
    timezone: str  # the zone the day was seeded in (mid-morning then)
    port: int  # the sandbox's port: hosted-page links stored in the day point at it
    made: float  # time.monotonic() when seeding ended

    def age(self) -> float:
        """Seconds since the world was seeded."""
        return time.monotonic() - self.made

    def is_fresh(self) -> bool:
        """Whether a copy still shows what a new seed would (see MAX_AGE_SECONDS)."""
        return self.age() < MAX_AGE_SECONDS


def _env(root: Path, api_base: str, timezone: str | None) -> dict[str, str]:
    env = {"POS_DATA_DIR": str(root / DATA_DIR), "POS_STRIPE_API_BASE": api_base}
    if timezone:
        env["POS_TIMEZONE"] = timezone
    return env


def _start_sandbox(db: Path, port: int = 0) -> SandboxHandle:
    from pos_app.sandbox.runner import start_in_thread

    if port:
        try:
            return start_in_thread(db, port=port)
        except OSError:  # taken since: the stored links keep the old port, nothing reads them
            pass
    return start_in_thread(db)


def _open(root: Path, api_base: str, timezone: str | None, *, pick_zone: bool) -> AppContext:
    config = load_config(_env(root, api_base, timezone))
    zone = demo_timezone(config.timezone) if pick_zone else config.timezone
    if zone is not config.timezone:
        config = load_config(_env(root, api_base, str(zone)))
    # Secrets in the throwaway data dir: never this machine's real keyring.
    secrets = KeyStore(config.data_dir, use_system=False)
    return open_app(config, sandbox="none", secrets=secrets)


@contextmanager
def seeded(root: Path) -> Iterator[tuple[AppContext, DemoDay, SandboxHandle]]:
    """A sandbox and the app in ``root``, with the demo day just seeded (the manager signed
    in); both stopped and closed after the block."""
    handle = _start_sandbox(root / SANDBOX_DB)
    try:
        ctx = _open(root, handle.url, os.environ.get("POS_TIMEZONE"), pick_zone=True)
        try:
            # The demo's amounts are written "40.00": typed the command line's way.
            with locale_format.ascii_input():
                demo = seed_demo_day(ctx)
            yield ctx, demo, handle
        finally:
            ctx.close()
    finally:
        handle.stop()


def seed_world(folder: Path) -> DemoWorld:
    """Seed the demo day into ``folder`` (empty or new) and leave its files complete."""
    folder.mkdir(parents=True, exist_ok=True)
    with seeded(folder) as (ctx, demo, handle):
        manager = ctx.deps.desk.actor
        timezone = str(ctx.config.timezone)
        port = int(handle.url.rsplit(":", 1)[1].split("/")[0])
    _checkpoint(folder)
    return DemoWorld(folder, demo, manager, timezone, port, time.monotonic())


def _checkpoint(folder: Path) -> None:
    """Fold every SQLite write-ahead log under ``folder`` into its database: a copied
    database file then holds everything, whatever copies or leaves out the -wal file."""
    for wal in folder.rglob("*-wal"):
        db = wal.with_name(wal.name[: -len("-wal")])
        if db.is_file():
            with sqlite3.connect(db) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()


@contextmanager
def opened_copy(world: DemoWorld) -> Iterator[tuple[AppContext, DemoDay]]:
    """The app on a fresh copy of ``world`` (its own sandbox too), the demo manager signed in
    as the seed left it; stopped, closed and deleted after the block."""
    with tempfile.TemporaryDirectory(prefix="pos-app-screenshot-") as tmp:
        root = Path(tmp)
        shutil.copytree(world.folder, root, dirs_exist_ok=True)
        handle = _start_sandbox(root / SANDBOX_DB, world.port)
        try:
            ctx = _open(root, handle.url, world.timezone, pick_zone=False)
            try:
                ctx.deps.desk.sign_in(world.manager)
                yield ctx, world.demo
            finally:
                ctx.close()
        finally:
            handle.stop()


class DemoWorlds:
    """Demo worlds made on first use and kept while fresh, one per language and POS_TIMEZONE
    (seeding writes sentences in the language in use), in a temp folder removed at exit."""

    def __init__(self) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._worlds: dict[tuple[str, str], DemoWorld] = {}
        self.seeded = 0  # worlds seeded so far (a bench reports it)

    def get(self, language: str) -> DemoWorld:
        """The world for ``language`` (the one in use): kept while fresh, else seeded again."""
        key = (language, os.environ.get("POS_TIMEZONE", ""))
        world = self._worlds.get(key)
        if world is not None and world.is_fresh():
            return world
        if world is not None:
            shutil.rmtree(world.folder, ignore_errors=True)
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="pos-app-demo-worlds-")
        self.seeded += 1
        world = seed_world(Path(self._tmp.name) / f"world-{self.seeded}")
        self._worlds[key] = world
        return world

    def close(self) -> None:
        """Delete every world."""
        self._worlds.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
