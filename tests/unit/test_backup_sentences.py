"""The one sentence about an unusable database, and a backup's path as it can be pasted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pos_app.services.backup import BackupInfo, command_path, problem_sentence, size_text

TAKEN = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


def test_a_path_with_a_space_is_quoted_for_pasting() -> None:
    mac = Path("/Users/ada/Library/Application Support/pos-app/backups/pos-x.sqlite3")
    assert command_path(mac) == f'"{mac}"'
    plain = Path("/home/ada/.local/share/pos-app/backups/pos-x.sqlite3")
    assert command_path(plain) == str(plain)


def test_the_sentence_names_the_newest_backup_in_local_time() -> None:
    folder = Path("/data/My Backups")
    newest = BackupInfo(folder / "pos-2026-12-05-080000Z-daily.sqlite3", TAKEN, 10, "daily")
    said = problem_sentence("damaged", newest, folder, ZoneInfo("Europe/Berlin"), 30)
    assert said == (
        "The database is damaged; the newest backup is My Backups/"
        "pos-2026-12-05-080000Z-daily.sqlite3 from 2026-12-05 09:00 — restore it with: "
        f'pos-app restore "{newest.path}"'
    )
    assert "\n" not in said and said.count(". ") == 0  # one sentence


def test_a_database_server_is_not_told_to_restore_a_file() -> None:
    said = problem_sentence("newer", None, None, UTC, 30)
    assert said == (
        "The database was written by a newer version of pos-app (install that version)."
    )


def test_sizes_read_as_people_say_them() -> None:
    assert [size_text(n) for n in (900, 233_472, 5 * 1024**2 + 1, 3 * 1024**3)] == [
        "900 bytes",
        "228 KB",
        "5.0 MB",
        "3.0 GB",
    ]
