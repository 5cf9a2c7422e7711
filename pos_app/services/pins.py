"""PINs: checked for shape, hashed with Argon2id (memory-hard), verified in constant shape.

A PIN is short, so the hash alone cannot protect it from an offline search; what it buys is
cost per guess, and the lockout in ``people`` limits guesses at the desk. The PIN itself is
never stored, logged or put in an exception.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import TYPE_CHECKING

from pos_app.domain.errors import ValidationError
from pos_app.i18n import gettext

# argon2 (and its cffi bindings) loads with the first hash or check, on a worker: the
# sign-in page, which imports the people service, shows its tiles without it.
if TYPE_CHECKING:
    from argon2 import PasswordHasher

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8

# The only place the KDF's cost is set. 32 MiB and two passes (above OWASP's 19 MiB / t=2
# minimum) verify in about 40 ms on a 2-core desk PC; a hash made with older settings is
# upgraded on the next successful sign-in (see ``needs_rehash``).
ARGON2_MEMORY_KIB = 32 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1


@cache
def _hasher() -> PasswordHasher:
    """The one hasher, with the settings above."""
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


@cache
def _dummy_hash() -> str:
    """A hash of no real PIN, verified against when an account must not be checked (locked),
    so a guess costs the same time whichever accounts were really compared."""
    return _hasher().hash("00000000")


def is_valid_pin(pin: str) -> bool:
    """Whether ``pin`` has the shape of a PIN: 4 to 8 ASCII digits."""
    return PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS and pin.isascii() and pin.isdigit()


def check_pin(pin: str, *, field: str = "pin") -> None:
    """Raise ValidationError unless ``pin`` is 4 to 8 digits."""
    if not is_valid_pin(pin):
        raise ValidationError(
            field,
            gettext("A PIN is {least} to {most} digits (numbers only).").format(
                least=PIN_MIN_DIGITS, most=PIN_MAX_DIGITS
            ),
        )


def check_pin_strength(pin: str, *, field: str = "pin") -> None:
    """Raise ValidationError for the PINs tried first: one digit repeated, or a run (1234)."""
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if len(steps) == 1 and steps <= {-1, 0, 1}:
        raise ValidationError(
            field, gettext("That PIN is too easy to guess. Choose a less obvious one.")
        )


def hash_pin(pin: str) -> str:
    """The Argon2id hash of a valid PIN (salted: two hashes of one PIN differ)."""
    check_pin(pin)
    return _hasher().hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    """True if ``pin`` matches ``pin_hash``; never raises for a wrong PIN or a broken hash."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(pin_hash, pin)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def burn_verify(pin: str) -> None:
    """Spend the time of one verification without checking anything (constant timing)."""
    verify_pin(_dummy_hash(), pin)


def needs_rehash(pin_hash: str) -> bool:
    """True when ``pin_hash`` was made with other settings than today's."""
    from argon2.exceptions import InvalidHashError

    try:
        return _hasher().check_needs_rehash(pin_hash)
    except InvalidHashError:
        return True
