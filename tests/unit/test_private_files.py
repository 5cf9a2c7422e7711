"""The data folder is private: 0700, its files 0600, new files private from the first byte."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_app.private_files import ensure_private_dir


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A usual desktop umask (022) while the test runs, whatever the suite set before."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.usefixtures("open_umask")
def test_a_new_folder_is_0700_and_new_files_0600(tmp_path: Path) -> None:
    folder = ensure_private_dir(tmp_path / "data")
    (folder / "pos.sqlite3").write_bytes(b"x")
    fd = os.open(folder / "pos-app.log", os.O_CREAT | os.O_WRONLY, 0o666)
    os.close(fd)
    assert mode(folder) == 0o700
    assert mode(folder / "pos.sqlite3") == 0o600
    assert mode(folder / "pos-app.log") == 0o600


@pytest.mark.usefixtures("open_umask")
def test_an_older_open_folder_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "backups").mkdir(parents=True)
    folder.chmod(0o755)
    (folder / "backups").chmod(0o755)
    for name in ("pos.sqlite3", "pos.sqlite3-wal", "backups/old.sqlite3"):
        (folder / name).write_bytes(b"x")
        (folder / name).chmod(0o644)
    ensure_private_dir(folder)
    assert mode(folder) == 0o700 and mode(folder / "backups") == 0o700
    for name in ("pos.sqlite3", "pos.sqlite3-wal", "backups/old.sqlite3"):
        assert mode(folder / name) == 0o600, name


@pytest.mark.usefixtures("open_umask")
def test_a_link_inside_is_not_followed_onto_another_file(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not ours")
    outside.chmod(0o644)
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "link").symlink_to(outside)
    ensure_private_dir(folder)
    assert mode(outside) == 0o644


def test_the_app_opens_its_database_private(tmp_path: Path) -> None:
    from pos_app.app import open_app
    from pos_app.config import load_config

    before = os.umask(0o022)
    try:
        app = open_app(load_config({"POS_DATA_DIR": str(tmp_path / "data")}), sandbox="none")
        app.close()
    finally:
        os.umask(before)
    folder = tmp_path / "data"
    assert mode(folder) == 0o700
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.name == "pos.sqlite3" for p in files)
    assert all(mode(p) & 0o077 == 0 for p in files), [(p.name, oct(mode(p))) for p in files]
