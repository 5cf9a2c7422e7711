"""Issue 11 item 10: an export replaces a regular file or makes a new one, never writes
through a link or into a device, pipe, socket or folder, and is on disk (fsync) before it
takes the target's name. Through the CSV service, the shared ``safe_file`` helper and the
CLI (``-`` sends the CSV to stdout instead)."""

from __future__ import annotations

import csv
import io
import os
import socket
import stat
from datetime import date
from pathlib import Path

import pytest

from pos_app import cli
from pos_app.domain.errors import PosError
from pos_app.services import safe_file
from tests.integration.report_fixtures import Shop

DAY = date(2026, 6, 10)


@pytest.fixture
def shop(tmp_path: Path, database_url: str | None) -> Shop:
    shop = Shop(tmp_path, database_url)
    b = shop.booking("svc_cut", customer="Ada Lovelace")
    shop.cash(b, 3500, shop.local(2026, 6, 10, 10))
    return shop


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(safe_file.PART_SUFFIX))


def test_a_symlink_target_is_refused_and_the_file_it_points_at_is_untouched(
    shop: Shop, tmp_path: Path
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    link = tmp_path / "sales.csv"
    link.symlink_to(precious)
    with pytest.raises(PosError, match=r"sales\.csv is a link to another file"):
        shop.export.export(DAY, DAY, link)
    assert precious.read_text() == "keep me\n"
    assert link.is_symlink() and _leftovers(tmp_path) == []


def test_a_dangling_symlink_is_refused_too(shop: Shop, tmp_path: Path) -> None:
    link = tmp_path / "sales.csv"
    link.symlink_to(tmp_path / "would-be-created.csv")
    with pytest.raises(PosError, match="is a link"):
        shop.export.export(DAY, DAY, link)
    assert not (tmp_path / "would-be-created.csv").exists()


def test_a_fifo_is_refused_without_blocking(shop: Shop, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opening it for writing would block until a reader came
    with pytest.raises(PosError, match="is a device, pipe or socket, not a file"):
        shop.export.export(DAY, DAY, fifo)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and _leftovers(tmp_path) == []


def test_a_socket_and_a_device_are_refused(shop: Shop, tmp_path: Path) -> None:
    sock_path = tmp_path / "s.csv"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(PosError, match="device, pipe or socket"):
            shop.export.export(DAY, DAY, sock_path)
    # /dev/null through the check alone: a broken export run as root would replace it.
    with pytest.raises(PosError, match=r"/dev/null is a device, pipe or socket"):
        safe_file.check_target(Path("/dev/null"), "CSV")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_is_refused(shop: Shop, tmp_path: Path) -> None:
    with pytest.raises(PosError, match="is a folder"):
        shop.export.export(DAY, DAY, tmp_path)


def test_a_regular_file_is_replaced_by_a_new_private_file_fsynced_first(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sales.csv"
    out.write_text("old\n")
    out.chmod(0o644)
    other_name = tmp_path / "hard-link.csv"
    os.link(out, other_name)  # a rename replaces the name only: the other name keeps "old"
    synced: list[int] = []
    real_fsync = os.fsync
    renamed: list[bool] = []
    real_replace = os.replace

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        renamed.append(bool(synced))  # the data was on disk before the rename
        assert stat.S_IMODE(os.stat(src).st_mode) == 0o600
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    result = shop.export.export(DAY, DAY, out)
    assert result.rows == 1 and renamed == [True]
    assert len(synced) >= 2  # the file, then its folder (the rename itself)
    with out.open(encoding="utf-8-sig", newline="") as f:
        assert [r["customer"] for r in csv.DictReader(f)] == ["Ada Lovelace"]
    assert other_name.read_text() == "old\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_a_failed_write_keeps_the_old_file_and_leaves_no_part(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sales.csv"
    out.write_text("the last good export\n")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(PosError, match=r"could not be written to .*sales\.csv: No space left"):
        shop.export.export(DAY, DAY, out)
    assert out.read_text() == "the last good export\n"
    assert _leftovers(tmp_path) == []


def test_a_link_swapped_in_during_the_write_is_still_refused(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    precious = tmp_path / "precious"
    precious.write_text("keep")
    with pytest.raises(PosError, match="is a link"), safe_file.replacing(target, "PDF") as part:
        part.write_text("new")
        target.symlink_to(precious)  # another process, between the check and the rename
    assert precious.read_text() == "keep" and target.is_symlink()
    assert _leftovers(tmp_path) == []


def _cli_env(shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POS_DATABASE_URL", shop.url)
    monkeypatch.setenv("POS_TIMEZONE", "America/New_York")
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.delenv("POS_STRIPE_API_BASE", raising=False)


def test_cli_refuses_a_link_and_a_device_with_one_sentence(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(shop, tmp_path, monkeypatch)
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    stdout_link = tmp_path / "stdout"  # like /dev/stdout, a link (kept out of /dev)
    stdout_link.symlink_to("/proc/self/fd/1")
    for target in (str(link), str(fifo), str(stdout_link)):
        code = cli.main(["export", "csv", "--from", "2026-06-10", "--to", "2026-06-10", target])
        captured = capsys.readouterr()
        assert code == 1 and captured.out == ""
        assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
        assert "was not saved there" in captured.err


def test_cli_dash_writes_the_csv_to_stdout(
    shop: Shop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    _cli_env(shop, tmp_path, monkeypatch)
    assert cli.main(["export", "csv", "--from", "2026-06-10", "--to", "2026-06-10", "-"]) == 0
    out = capfdbinary.readouterr().out
    assert out.startswith(b"type,business_date,") and out.endswith(b"\r\n")
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8"), newline="")))
    assert [r["customer"] for r in rows] == ["Ada Lovelace"]
    assert not (tmp_path / "-").exists()
