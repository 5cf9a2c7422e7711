"""What a station announces after commit (domain/changes.py): the payload's encoding and its
bound, and which day a change concerns."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from pos_app.domain.changes import (
    MAX_PAYLOAD_BYTES,
    VERSION,
    Change,
    Topic,
    decode,
    encode,
    local_day_in_utc,
)

DAY = date(2026, 12, 5)
UTC_ZONE = ZoneInfo("UTC")


def test_a_change_goes_through_its_payload_unchanged() -> None:
    change = Change(
        topics=frozenset({Topic.BOOKING, Topic.PAYMENT}),
        booking_ids=frozenset({"bk_1", "bk_2"}),
        days=frozenset({DAY, date(2026, 12, 6)}),
        closed_days=frozenset({date(2026, 12, 4)}),
    )
    payload = encode(change)
    assert decode(payload) == change
    assert not decode(payload).everything
    assert json.loads(payload)["v"] == VERSION


def test_everything_goes_through_with_its_topics() -> None:
    back = decode(encode(Change(topics=frozenset({Topic.DAY_CLOSE}), everything=True)))
    assert back.everything
    assert back.topics == {Topic.DAY_CLOSE}


def test_too_many_ids_become_everything_within_postgresqls_limit() -> None:
    ids = frozenset(f"bk_{n:026d}" for n in range(400))  # about 12 kB of ids
    change = Change(topics=frozenset({Topic.BOOKING}), booking_ids=ids)
    payload = encode(change)
    assert len(payload.encode()) <= MAX_PAYLOAD_BYTES < 8000
    back = decode(payload)
    assert back.everything
    assert back.topics == {Topic.BOOKING}


def test_ids_that_fit_exactly_are_named() -> None:
    change = Change(topics=frozenset({Topic.BOOKING}), booking_ids=frozenset({"bk_a"}))
    size = len(encode(change).encode())
    assert decode(encode(change, limit=size)).booking_ids == {"bk_a"}
    assert decode(encode(change, limit=size - 1)).everything


def test_a_payload_is_bounded_in_bytes_not_characters() -> None:
    ids = frozenset(f"bk_{n:04d}" + "é" * 40 for n in range(100))  # é is 2 bytes in UTF-8
    named = json.dumps({"b": sorted(ids)}, ensure_ascii=False)
    assert len(named) < MAX_PAYLOAD_BYTES < len(named.encode())  # what makes this test bite
    payload = encode(Change(booking_ids=ids))
    assert len(payload.encode()) <= MAX_PAYLOAD_BYTES
    assert decode(payload).everything


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "not json",
        "[]",
        '{"v": 99, "b": ["bk_1"]}',
        '{"v": 1, "b": "bk_1"}',
        '{"v": 1, "b": [1]}',
        '{"v": 1, "d": ["5 December"]}',
    ],
)
def test_a_payload_that_cannot_be_read_means_everything(payload: str) -> None:
    assert decode(payload).everything


def test_merging_keeps_both_changes() -> None:
    a = Change(topics=frozenset({Topic.BOOKING}), booking_ids=frozenset({"bk_1"}))
    b = Change(
        topics=frozenset({Topic.REFUND}), booking_ids=frozenset({"bk_2"}), days=frozenset({DAY})
    )
    merged = a.merge(b)
    assert merged.booking_ids == {"bk_1", "bk_2"}
    assert merged.topics == {Topic.BOOKING, Topic.REFUND}
    assert merged.days == {DAY}
    assert not merged.everything
    assert a.merge(Change.all("reconnected")).everything


def test_an_empty_change_is_empty_and_a_named_one_is_not() -> None:
    assert Change().is_empty()
    assert not Change(topics=frozenset({Topic.CUSTOMER})).is_empty()
    assert not Change.all("x").is_empty()


def test_the_day_shown_is_concerned_by_its_own_bookings_only() -> None:
    shown = {"bk_shown"}
    mine = Change(topics=frozenset({Topic.PAYMENT}), booking_ids=frozenset({"bk_shown"}))
    other = Change(topics=frozenset({Topic.PAYMENT}), booking_ids=frozenset({"bk_other"}))
    assert mine.concerns_day(DAY, UTC_ZONE, shown)
    assert not other.concerns_day(DAY, UTC_ZONE, shown)


def test_a_booking_arriving_on_the_day_shown_concerns_it_and_not_the_next_week() -> None:
    new = Change(
        topics=frozenset({Topic.BOOKING}), booking_ids=frozenset({"bk_new"}), days=frozenset({DAY})
    )
    assert new.concerns_day(DAY, UTC_ZONE, set())
    assert not new.concerns_day(date(2026, 12, 12), UTC_ZONE, set())


def test_a_utc_day_concerns_the_local_days_it_overlaps() -> None:
    # 5 Dec UTC is 4 Dec 19:00 to 5 Dec 19:00 in New York: both local days overlap it.
    ny = ZoneInfo("America/New_York")
    change = Change(booking_ids=frozenset({"bk"}), days=frozenset({DAY}))
    assert change.concerns_day(date(2026, 12, 4), ny, set())
    assert change.concerns_day(date(2026, 12, 5), ny, set())
    assert not change.concerns_day(date(2026, 12, 6), ny, set())
    assert not change.concerns_day(date(2026, 12, 3), ny, set())


def test_a_local_day_on_a_dst_change_has_its_own_length() -> None:
    start, end = local_day_in_utc(date(2026, 3, 8), ZoneInfo("America/New_York"))
    assert (end - start).total_seconds() == 23 * 3600


def test_the_catalogue_and_everything_concern_every_day() -> None:
    assert Change(topics=frozenset({Topic.CATALOG})).concerns_day(DAY, UTC_ZONE, set())
    assert Change.all("reconnected").concerns_day(DAY, UTC_ZONE, set())
    assert not Change(topics=frozenset({Topic.CUSTOMER})).concerns_day(DAY, UTC_ZONE, {"bk"})


@pytest.mark.parametrize(
    ("topic", "money"),
    [
        (Topic.BOOKING, True),
        (Topic.PAYMENT, True),
        (Topic.REFUND, True),
        (Topic.DAY_CLOSE, True),
        (Topic.CATALOG, False),
        (Topic.CUSTOMER, False),
    ],
)
def test_which_topics_concern_money(topic: Topic, money: bool) -> None:
    assert Change(topics=frozenset({topic})).concerns_money() is money
    assert Change.all("x").concerns_money()
