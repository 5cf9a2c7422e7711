"""The pace of the business's one poller (issue 13 item 4): every second while a payment
link is open, every 20 s when none is, 2 s between a standby's tries to take over, and a
backoff after failures."""

from __future__ import annotations

import pytest

from pos_app.domain.poll_pace import (
    BUSY_SECONDS,
    IDLE_SECONDS,
    RETRY_CAP_SECONDS,
    STANDBY_RETRY_CAP_SECONDS,
    STANDBY_SECONDS,
    next_poll_seconds,
    retry_seconds,
)


def test_the_leader_reads_every_second_while_a_link_is_open_and_every_20_s_when_none() -> None:
    assert next_poll_seconds(leader=True, links_open=True) == 1.0
    assert next_poll_seconds(leader=True, links_open=False) == 20.0
    # Issue 13: idle within 15–30 s (≤ 4 calls a minute), busy ≤ 60 calls a minute.
    assert 15 <= IDLE_SECONDS <= 30
    assert BUSY_SECONDS >= 1.0


def test_pos_poll_seconds_sets_the_busy_pace_and_idle_is_never_quicker() -> None:
    assert next_poll_seconds(leader=True, links_open=True, busy_seconds=5) == 5
    assert next_poll_seconds(leader=True, links_open=False, busy_seconds=5) == 20
    assert next_poll_seconds(leader=True, links_open=False, busy_seconds=45) == 45
    assert next_poll_seconds(leader=True, links_open=False, idle_seconds=25) == 25


@pytest.mark.parametrize("links_open", [True, False])
def test_a_standby_tries_to_take_over_every_2_s_whatever_the_links(links_open: bool) -> None:
    assert next_poll_seconds(leader=False, links_open=links_open) == STANDBY_SECONDS == 2.0
    assert next_poll_seconds(leader=False, links_open=links_open, busy_seconds=30) == 2.0


def test_failures_back_off_2_4_8_up_to_a_minute_with_a_quarter_of_jitter() -> None:
    middle = [retry_seconds(n, 0.5) for n in range(1, 9)]
    assert middle == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
    assert retry_seconds(1, 0.0) == 1.5
    assert retry_seconds(1, 1.0) == 2.5
    assert retry_seconds(20, 1.0) == RETRY_CAP_SECONDS * 1.25
    for links in (True, False):
        assert next_poll_seconds(leader=True, links_open=links, failures=3, jitter=0.5) == 8.0


def test_a_standby_that_cannot_reach_the_database_retries_at_most_10_s_apart() -> None:
    assert next_poll_seconds(leader=False, links_open=False, failures=1, jitter=0.5) == 2.0
    assert next_poll_seconds(leader=False, links_open=False, failures=2, jitter=0.5) == 4.0
    for failures in (4, 5, 30):
        got = next_poll_seconds(leader=False, links_open=False, failures=failures, jitter=1.0)
        assert got == STANDBY_RETRY_CAP_SECONDS == 10.0


def test_without_jitter_given_a_failure_waits_the_plain_doubling() -> None:
    # The default is the middle of the ±25 % spread: exactly 2, 4, 8 s.
    assert [next_poll_seconds(leader=True, links_open=True, failures=n) for n in (1, 2, 3)] == [
        2.0,
        4.0,
        8.0,
    ]
    assert next_poll_seconds(leader=False, links_open=False, failures=2) == 4.0
