"""Rules added to domain/ in issues 11 and 12 that `make mutation` found unpinned: backup names
and the daily backup in the business's zone (never the machine's), database problems told
in other words, the calendar check in UTC, the overpaid headline and excess refund at one
cent, and the retention cutoffs of webhook records."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pos_app.domain import backups
from pos_app.domain.backups import BackupKind, DatabaseProblem, backup_name, daily_due
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.dates import OUTSIDE, instant_problem
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.money import Money
from pos_app.domain.overpaid import NOT_OVERPAID, check_excess_refund, overpaid_headline
from pos_app.domain.text import name_problem
from pos_app.domain.webhook_records import EVENTS_KEPT, REJECTED_KEPT, prune_cutoffs

KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14: its date is a day ahead of UTC's


@pytest.fixture
def machine_in_kiritimati(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's own zone far from UTC, so code using it instead of the one it was
    given shows."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_backup_name_is_stamped_in_utc_whatever_the_machines_zone(
    machine_in_kiritimati: None,
) -> None:
    taken = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)
    assert backup_name("pos", taken, BackupKind.DAILY) == "pos-2026-12-05-233000Z-daily.sqlite3"
    local = taken.astimezone(KIRITIMATI)  # the same instant written in another zone
    assert backup_name("pos", local, BackupKind.MANUAL, suffix="-2") == (
        "pos-2026-12-05-233000Z-manual-2.sqlite3"
    )


def test_the_daily_backup_is_due_by_the_business_days_not_the_machines() -> None:
    # 23:30 UTC on the 5th is already the 6th in Kiritimati.
    name = backup_name("pos", datetime(2026, 12, 5, 23, 30, tzinfo=UTC), BackupKind.DAILY)
    later_that_utc_day = datetime(2026, 12, 5, 23, 50, tzinfo=UTC)
    assert not daily_due("pos", [name], later_that_utc_day, UTC)
    assert not daily_due("pos", [name], later_that_utc_day, KIRITIMATI)
    # 09:00 UTC on the 6th is 23:00 on the 6th in Kiritimati: the backup of 23:30 UTC on
    # the 5th (13:30 on the 6th there) already covers that day there, not in UTC.
    next_morning_there = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    assert not daily_due("pos", [name], next_morning_there, KIRITIMATI)
    assert daily_due("pos", [name], next_morning_there, UTC)  # a new UTC day: due


def test_a_database_problem_says_its_kinds_sentence_unless_told_another() -> None:
    problem = DatabaseProblem("locked", "database is locked", revision="0011")
    assert str(problem) == backups.PROBLEM_SENTENCES["locked"]
    assert (problem.kind, problem.detail, problem.revision) == (
        "locked",
        "database is locked",
        "0011",
    )
    told = problem.with_sentence("Close the other pos-app window and try again.")
    assert str(told) == "Close the other pos-app window and try again."
    assert (told.kind, told.detail, told.revision) == ("locked", "database is locked", "0011")
    assert str(DatabaseProblem("newer", "x", sentence="Install 2.0.")) == "Install 2.0."


def test_the_calendar_check_takes_the_utc_day_not_the_machines(
    machine_in_kiritimati: None,
) -> None:
    # 20:00 UTC on the last day is already past it on this machine's clock.
    assert instant_problem(datetime(2099, 12, 31, 20, tzinfo=UTC)) is None
    assert instant_problem(datetime(2100, 1, 1, 0, 30, tzinfo=UTC)) == OUTSIDE
    with pytest.raises(ValueError, match=r"^an aware datetime is needed$"):
        instant_problem(datetime(2026, 12, 5, 10))


def test_one_cent_overpaid_is_overpaid() -> None:
    check_excess_refund(Money(1, "usd"), Money(1, "usd"))  # refundable: no refusal
    with pytest.raises(InvalidStateError, match=NOT_OVERPAID):
        check_excess_refund(Money(0, "usd"), Money(500, "usd"))
    with pytest.raises(InvalidStateError) as refused:
        check_excess_refund(Money(3500, "usd"), Money(1000, "usd"))
    assert str(refused.value) == (
        "Only $10.00 of the $35.00 excess was paid by card. Refund that with Refund… and "
        "give the rest back in cash."
    )


def _booking(paid: int) -> Booking:
    return Booking(
        id="bk_1",
        customer_name="Maya Thompson",
        service_id="svc_haircut",
        service_name="Haircut",
        starts_at=datetime(2026, 12, 5, 10, tzinfo=UTC),
        ends_at=datetime(2026, 12, 5, 10, 30, tzinfo=UTC),
        price_amount=3500,
        currency="usd",
        created_at=datetime(2026, 12, 5, 9, tzinfo=UTC),
        status=BookingStatus.OVERPAID,
        paid_amount=paid,
    )


def test_the_overpaid_headline_shows_from_one_cent() -> None:
    assert overpaid_headline(_booking(3501), []) == "Overpaid by $0.01 — refund the excess"
    assert overpaid_headline(_booking(3500), []) == ""


def test_a_name_refused_without_saying_which_says_name() -> None:
    assert name_problem("Ana\x1bSilva") == (
        "The name has an invisible control character in it (it often comes with pasted "
        "text). Type it again by hand."
    )


def test_webhook_records_are_pruned_after_their_kept_times() -> None:
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    cutoffs = prune_cutoffs(now)
    assert cutoffs.events_before == now - EVENTS_KEPT == now - timedelta(days=31)
    assert cutoffs.rejected_before == now - REJECTED_KEPT == now - timedelta(days=4)
