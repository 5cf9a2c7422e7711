"""The demo day seeded once and opened as copies: each copy is the day as seeded, whatever an
earlier copy did; a stale world is seeded again; `--all` renders from one world."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtGui import QImage

from pos_app.cli.desktop import screenshot
from pos_app.cli.input import UsageError
from pos_app.devtools import demo_world
from pos_app.devtools.demo import DemoDay
from pos_app.devtools.demo_world import DemoWorld, DemoWorlds, opened_copy
from pos_app.devtools.screenshots import render_all
from pos_app.domain.people import Actor, Role


@pytest.fixture(scope="module")
def worlds() -> Iterator[DemoWorlds]:
    made = DemoWorlds()
    yield made
    made.close()


def test_each_copy_is_the_day_as_seeded(worlds: DemoWorlds) -> None:
    world = worlds.get("en")
    with opened_copy(world) as (ctx, demo):
        assert ctx.deps.desk.actor == world.manager
        assert world.manager.role is Role.MANAGER
        assert ctx.bookings.detail(demo.paid).booking.paid_amount > 0
        assert ctx.bookings.detail(demo.unpaid).payments == []
        ctx.checkout.start(demo.unpaid)  # a charge screen does this on its copy
        assert ctx.bookings.detail(demo.unpaid).payments != []
    with opened_copy(world) as (ctx, demo):
        assert ctx.bookings.detail(demo.unpaid).payments == []
        assert ctx.bookings.detail(demo.refunded).booking.refunded_amount > 0


def test_the_demo_day_sells_products_so_the_order_panels_have_rows(worlds: DemoWorlds) -> None:
    """Issue 14: the day's walk-ins and add-on, worked by hand (8.875 % tax, half-up):
    Styling wax 2 × 9.50 (tax 169: 2069), + 1 on a tipped sale (84: 1034), + 1 added to Grace
    Kim's haircut (1034), one of the first two refunded (1035, tax 85): 3 for 3102, tax 252.
    Argan oil 18.00 less SUMMER10's 1.80 = 16.20, tax 144: 1764. Shampoo 12.00 + 107 = 1307.
    The tip: 15 % of 35.00 + 9.50 = 667.5 → 668, the seller's (Sam Lee)."""
    from datetime import datetime

    with opened_copy(worlds.get("en")) as (ctx, _demo):
        today = datetime.now(ctx.config.timezone).date()
        usd = ctx.reports.range(today, today).to_json()["currencies"]["usd"]
    rows = {r["name"]: (r["quantity"], r["amount"], r["discount"], r["tax"])
            for r in usd["by_product"] if r["kind"] == "product"}  # fmt: skip
    assert rows == {
        "Styling wax": (3, 3102, 0, 252),
        "Argan oil 50 ml": (1, 1764, 180, 144),
        "Shampoo 250 ml": (1, 1307, 0, 107),
    }
    assert usd["tax_by_rate"]["8.875"] == {"tax": 503, "base": 5670}
    assert usd["tips_by_staff"] == {"Sam Lee": 668}
    assert usd["promo_codes"] == {"SUMMER10": {"uses": 1, "discount": 180}}


def test_checkpoint_folds_a_write_ahead_log_still_open(tmp_path: Path) -> None:
    db = tmp_path / "data" / "x.sqlite3"
    db.parent.mkdir()
    writer = sqlite3.connect(db)  # left open, as a server thread's connection may be
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("CREATE TABLE t (x INTEGER)")
        writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(100)])
        writer.commit()
        wal = db.with_name(db.name + "-wal")
        assert wal.stat().st_size > 0
        demo_world._checkpoint(tmp_path)
        assert wal.stat().st_size == 0
        copy = tmp_path / "copy.sqlite3"
        shutil.copyfile(db, copy)  # the database file alone holds every row
        with closing(sqlite3.connect(copy)) as reader:
            assert reader.execute("SELECT count(*) FROM t").fetchone() == (100,)
    finally:
        writer.close()


def test_a_stale_world_is_seeded_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # DemoWorlds' freshness rule, not the seeding (a real seed is ~5 s, and the copies'
    # fidelity is the tests above): a stand-in makes the folder and dates the world.
    def stand_in(folder: Path) -> DemoWorld:
        folder.mkdir(parents=True)
        manager = Actor(None, "Stand-in manager", Role.MANAGER)
        return DemoWorld(folder, cast(DemoDay, None), manager, "UTC", 0, time.monotonic())

    monkeypatch.setattr(demo_world, "seed_world", stand_in)
    worlds = DemoWorlds()
    try:
        world = worlds.get("en")
        assert worlds.get("en") is world  # fresh: kept
        seeded = worlds.seeded
        old = time.monotonic() - demo_world.MAX_AGE_SECONDS - 1
        key = next(k for k, kept in worlds._worlds.items() if kept is world)
        worlds._worlds[key] = _aged(world, old)
        fresh = worlds.get("en")
        assert worlds.seeded == seeded + 1
        assert fresh.folder != world.folder
        assert not world.folder.exists()
        assert fresh.is_fresh()
        assert worlds.get("en") is fresh
    finally:
        worlds.close()


def _aged(world: DemoWorld, made: float) -> DemoWorld:
    import dataclasses

    return dataclasses.replace(world, made=made)


def test_render_all_renders_each_screen_from_one_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds: list[Path] = []
    seed = demo_world.seed_world

    def counting(folder: Path) -> DemoWorld:
        seeds.append(folder)
        return seed(folder)

    monkeypatch.setattr(demo_world, "seed_world", counting)
    paths = render_all(tmp_path, screens=["sign-in", "charge", "about"])
    assert [p.name for p in paths] == ["sign-in.png", "charge.png", "about.png"]
    assert all(not QImage(str(p)).isNull() for p in paths)
    assert len(seeds) == 1
    assert not seeds[0].exists()  # the world is removed afterwards


def test_all_needs_a_folder_and_no_screen(tmp_path: Path) -> None:
    base = {"list": False, "language": None, "theme": None, "all": True}
    with pytest.raises(UsageError):
        screenshot(argparse.Namespace(**base, screen="main", path=tmp_path))
    with pytest.raises(UsageError):
        screenshot(argparse.Namespace(**base, screen=None, path=None))
