"""What a station announces after commit (domain/changes.py): the payload's encoding and its
bound, and which day a change concerns."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
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
    utc_day,
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


def test_the_payload_is_compact_json_in_a_fixed_order() -> None:
    # Every byte counts against PostgreSQL's limit: no spaces after "," or ":".
    change = Change(
        topics=frozenset({Topic.PAYMENT, Topic.BOOKING}),
        booking_ids=frozenset({"bk_2", "bk_1"}),
        days=frozenset({DAY}),
        closed_days=frozenset({date(2026, 12, 4)}),
    )
    assert encode(change) == (
        '{"v":1,"t":["booking","payment"],"b":["bk_1","bk_2"],'
        '"d":["2026-12-05"],"c":["2026-12-04"]}'
    )
    assert encode(Change.all("reconnected")) == '{"v":1,"t":[],"all":true}'


def test_a_non_ascii_id_is_sent_as_itself_and_counted_in_utf8_bytes() -> None:
    # "é" is 2 bytes in UTF-8 but 6 as the escape "\u00e9": escaping would cost ids the limit.
    change = Change(booking_ids=frozenset({"bk_é"}))
    payload = encode(change)
    assert payload == '{"v":1,"t":[],"b":["bk_é"],"d":[],"c":[]}'
    assert decode(encode(change, limit=len(payload.encode()))).booking_ids == {"bk_é"}


def test_a_payload_that_names_only_some_lists_leaves_the_others_empty() -> None:
    # A list left out names nothing; it does not make the payload unreadable.
    assert decode('{"v":1}') == Change()
    assert not decode('{"v":1}').everything
    assert decode('{"v":1,"t":["catalog"]}') == Change(topics=frozenset({Topic.CATALOG}))
    only_days = decode('{"v":1,"t":["booking"],"d":["2026-12-05"]}')
    assert only_days == Change(topics=frozenset({Topic.BOOKING}), days=frozenset({DAY}))
    assert not only_days.everything


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ('{"v": 99}', "a payload of another version"),
        ('{"v": 1, "t": ["booking"], "all": true}', "too many to name"),
        ('{"v": 1, "b": "bk_1"}', "an unreadable payload"),
        ("not json", "an unreadable payload"),
    ],
)
def test_a_payload_read_as_everything_says_why(payload: str, reason: str) -> None:
    back = decode(payload)
    assert back.everything
    assert back.reason == reason


def test_merging_keeps_closed_days_and_the_first_reason() -> None:
    a = Change(closed_days=frozenset({date(2026, 12, 4)}))
    b = Change(topics=frozenset({Topic.DAY_CLOSE}), closed_days=frozenset({DAY}))
    assert a.merge(b).closed_days == {date(2026, 12, 4), DAY}
    assert Change.all("reconnected").reason == "reconnected"
    assert a.merge(Change.all("reconnected")).reason == "reconnected"
    assert Change.all("first").merge(Change.all("second")).reason == "first"


def test_a_utc_day_touching_the_day_shown_only_at_midnight_does_not_concern_it() -> None:
    # [5 Dec 00:00, 6 Dec 00:00) UTC: the UTC days before and after only share an instant.
    before = Change(days=frozenset({date(2026, 12, 4)}))
    after = Change(days=frozenset({date(2026, 12, 6)}))
    assert not before.concerns_day(DAY, UTC_ZONE, set())
    assert not after.concerns_day(DAY, UTC_ZONE, set())
    assert Change(days=frozenset({DAY})).concerns_day(DAY, UTC_ZONE, set())


@pytest.fixture
def computer_in_auckland(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's own zone far from UTC (what ``astimezone()`` without a zone uses)."""
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("computer_in_auckland")
def test_the_utc_day_does_not_depend_on_the_computers_zone() -> None:
    # 20:00 UTC on 5 Dec is already 6 Dec 09:00 in Auckland.
    assert datetime(2026, 12, 5, 20, tzinfo=UTC).astimezone().date() == date(2026, 12, 6)
    assert utc_day(datetime(2026, 12, 5, 20, tzinfo=UTC)) == DAY
    assert utc_day(datetime(2026, 12, 5, 15, tzinfo=ZoneInfo("America/New_York"))) == DAY


@pytest.mark.usefixtures("computer_in_auckland")
def test_a_local_day_is_given_in_utc_whatever_the_computers_zone() -> None:
    start, end = local_day_in_utc(DAY, ZoneInfo("America/New_York"))
    assert (start.utcoffset(), end.utcoffset()) == (timedelta(0), timedelta(0))
    assert start.isoformat() == "2026-12-05T05:00:00+00:00"
    assert end.isoformat() == "2026-12-06T05:00:00+00:00"


def test_a_change_naming_only_bookings_days_or_closed_days_is_not_empty() -> None:
    # A decoded payload may name ids or days without a topic: it still announces something.
    assert not Change(booking_ids=frozenset({"bk_1"})).is_empty()
    assert not Change(days=frozenset({DAY})).is_empty()
    assert not Change(closed_days=frozenset({DAY})).is_empty()
