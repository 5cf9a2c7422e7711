"""Backup file names: sorted by time, one database's backups only, the newest 14 kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pos_app.domain.backups import (
    BackupKind,
    backup_name,
    daily_due,
    newest_first,
    parse_backup_name,
    to_prune,
)

T0 = datetime(2026, 12, 5, 9, 0, 0, tzinfo=UTC)


def test_name_carries_utc_time_and_kind_and_parses_back() -> None:
    berlin = T0.astimezone(ZoneInfo("Europe/Berlin"))
    name = backup_name("pos", berlin, BackupKind.DAILY)
    assert name == "pos-2026-12-05-090000Z-daily.sqlite3"
    parsed = parse_backup_name("pos", name)
    assert parsed is not None and parsed.taken_at == T0 and parsed.kind == "daily"
    second = backup_name("pos", T0, BackupKind.BEFORE_UPGRADE, suffix="-2")
    again = parse_backup_name("pos", second)
    assert again is not None and again.kind == "before-upgrade" and again.taken_at == T0


def test_another_databases_backups_and_other_files_are_not_ours() -> None:
    names = [
        backup_name("pos-test", T0, BackupKind.DAILY),
        "pos-notes.txt",
        "pos-2026-13-45-999999Z-daily.sqlite3",  # no such date
        backup_name("pos", T0, BackupKind.MANUAL) + ".partial",
    ]
    assert [parse_backup_name("pos", n) for n in names] == [None, None, None, None]
    assert parse_backup_name("pos-test", names[0]) is not None


def test_sorting_the_names_sorts_by_time_across_a_summer_time_change() -> None:
    # 02:30 local happens twice on the night clocks go back; UTC names still sort right.
    zone = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 10, 25, 2, 30, tzinfo=zone, fold=0)
    second = datetime(2026, 10, 25, 2, 30, tzinfo=zone, fold=1)
    names = [backup_name("pos", t, BackupKind.DAILY) for t in (second, first)]
    assert sorted(names) == names[::-1]
    assert [b.taken_at for b in newest_first("pos", names)] == [
        second.astimezone(UTC),
        first.astimezone(UTC),
    ]


def test_the_newest_14_are_kept() -> None:
    names = [backup_name("pos", T0 + timedelta(days=d), BackupKind.DAILY) for d in range(20)]
    names.append(backup_name("pos-live", T0, BackupKind.DAILY))  # never ours to delete
    gone = to_prune("pos", names)
    assert sorted(gone) == sorted(names[:6])
    assert to_prune("pos", names[:14]) == []


def test_daily_is_due_once_per_calendar_day_in_the_business_zone() -> None:
    zone = ZoneInfo("America/Los_Angeles")  # 09:00 UTC is 01:00 the same day there
    names = [backup_name("pos", T0, BackupKind.DAILY)]
    assert not daily_due("pos", names, T0 + timedelta(hours=10), zone)
    # 08:00 UTC the next day is 00:00 there: a new day.
    assert daily_due("pos", names, T0 + timedelta(hours=23), zone)
    assert daily_due("pos", [], T0, zone)
    assert daily_due("pos", [backup_name("pos-test", T0, BackupKind.DAILY)], T0, zone)
