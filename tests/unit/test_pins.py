"""PIN shape, hashing with Argon2id, and the lockout schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain.errors import ValidationError
from pos_app.domain.sign_in import lock_seconds
from pos_app.services import pins
from pos_app.services.sign_in import AccountLockedError, say_duration


@pytest.mark.parametrize("pin", ["1234", "90210", "12345678", "0000"])
def test_four_to_eight_digits_are_pins(pin: str) -> None:
    assert pins.is_valid_pin(pin)


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", " 1234", "１２３４", "12.4"])
def test_anything_else_is_refused_with_a_sentence(pin: str) -> None:
    assert not pins.is_valid_pin(pin)
    with pytest.raises(ValidationError, match="A PIN is 4 to 8 digits"):
        pins.check_pin(pin)


@pytest.mark.parametrize("pin", ["1111", "1234", "98765", "00000000"])
def test_obvious_pins_are_refused_when_chosen(pin: str) -> None:
    with pytest.raises(ValidationError, match="too easy to guess"):
        pins.check_pin_strength(pin)


def test_a_pin_that_is_not_obvious_is_accepted() -> None:
    pins.check_pin_strength("2580")
    pins.check_pin_strength("13579")


def test_the_hash_is_argon2id_salted_and_never_contains_the_pin() -> None:
    first, second = pins.hash_pin("4071"), pins.hash_pin("4071")
    assert first.startswith("$argon2id$")
    assert f"m={pins.ARGON2_MEMORY_KIB}," in first and f"t={pins.ARGON2_TIME_COST}," in first
    assert first != second, "each hash has its own salt"
    for h in (first, second):
        assert h != "4071" and "4071" not in h
    assert pins.verify_pin(first, "4071") and pins.verify_pin(second, "4071")
    assert not pins.verify_pin(first, "4072")


def test_a_broken_hash_is_a_mismatch_not_a_crash() -> None:
    assert not pins.verify_pin("not-a-hash", "4071")
    assert pins.needs_rehash("not-a-hash")


def test_weaker_old_hashes_ask_to_be_rehashed() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("4071")
    assert pins.verify_pin(weak, "4071")
    assert pins.needs_rehash(weak)
    assert not pins.needs_rehash(pins.hash_pin("4071"))


def test_hashes_are_argon2id_with_at_least_the_owasp_minimum_cost() -> None:
    h = pins.hash_pin("4071")
    assert pins.ARGON2_MEMORY_KIB >= 19 * 1024 and pins.ARGON2_TIME_COST >= 2  # OWASP minimum
    # The parameters travel in the hash itself: what is stored is what was configured.
    assert h.startswith(
        f"$argon2id$v=19$m={pins.ARGON2_MEMORY_KIB},t={pins.ARGON2_TIME_COST},"
        f"p={pins.ARGON2_PARALLELISM}$"
    )
    assert pins.verify_pin(h, "4071")


def test_the_lock_starts_after_five_wrong_pins_and_doubles() -> None:
    assert [lock_seconds(n) for n in range(1, 5)] == [0, 0, 0, 0]
    assert [lock_seconds(n) for n in range(5, 9)] == [30, 60, 120, 240]
    assert lock_seconds(50) == 30 * 60  # capped at half an hour


def test_the_lock_sentence_counts_down_in_words() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    err = AccountLockedError(now + timedelta(seconds=30), now)
    assert err.message == "Too many wrong PINs: try again in 30 seconds."
    assert err.seconds == 30
    assert say_duration(1) == "1 second"
    assert say_duration(60) == "1 minute"
    assert say_duration(61) == "2 minutes"
