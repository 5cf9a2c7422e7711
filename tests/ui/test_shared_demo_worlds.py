"""The xdist workers' shared demo worlds (tests/ui/demo_worlds.py): one seed per language for
the run, found by every worker, seeded again when stale without deleting what another worker
may be copying."""

from __future__ import annotations

import dataclasses
import pickle
import time
from pathlib import Path
from typing import cast

import pytest

from pos_app.devtools import demo_world
from pos_app.devtools.demo import DemoDay
from pos_app.devtools.demo_world import DemoWorld
from pos_app.domain.people import Actor, Role
from tests.ui.demo_worlds import SharedDemoWorlds, fcntl

pytestmark = pytest.mark.skipif(fcntl is None, reason="worlds are shared only where fcntl is")


@pytest.fixture
def seeds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Where a stand-in seeded (a real seed is seconds; the sharing is what is tested)."""
    made: list[Path] = []

    def stand_in(folder: Path) -> DemoWorld:
        folder.mkdir(parents=True)
        made.append(folder)
        manager = Actor(None, "Stand-in manager", Role.MANAGER)
        return DemoWorld(folder, cast(DemoDay, None), manager, "UTC", 0, time.monotonic())

    monkeypatch.setattr(demo_world, "seed_world", stand_in)
    return made


def test_two_workers_share_one_seed_per_language(tmp_path: Path, seeds: list[Path]) -> None:
    first, second = SharedDemoWorlds("walk"), SharedDemoWorlds("walk")
    first.share_in(tmp_path)
    second.share_in(tmp_path)
    german = first.get("de")
    assert second.get("de").folder == german.folder  # found, not seeded again
    assert (first.seeded, second.seeded) == (1, 0)
    second.get("es")
    assert len(seeds) == 2
    # Another name (the catalog walk's pseudo worlds) never takes the walk's world.
    pseudo = SharedDemoWorlds("pseudo")
    pseudo.share_in(tmp_path)
    assert pseudo.get("de").folder != german.folder


def test_a_stale_shared_world_is_seeded_again_and_the_old_one_kept(
    tmp_path: Path, seeds: list[Path]
) -> None:
    first, second = SharedDemoWorlds("walk"), SharedDemoWorlds("walk")
    first.share_in(tmp_path)
    second.share_in(tmp_path)
    old = first.get("en")
    pointer = next(tmp_path.glob("walk-en-*.world"))
    stale = dataclasses.replace(old, made=time.monotonic() - demo_world.MAX_AGE_SECONDS - 1)
    pointer.write_bytes(pickle.dumps(stale))
    fresh = second.get("en")
    assert fresh.folder != old.folder and fresh.is_fresh()
    assert old.folder.exists()  # another worker may be copying it
    assert first.get("en").folder == fresh.folder


def test_without_a_shared_folder_each_process_keeps_its_own(seeds: list[Path]) -> None:
    alone = SharedDemoWorlds("walk")
    try:
        world = alone.get("en")
        assert alone.get("en") is world and len(seeds) == 1
    finally:
        alone.close()
