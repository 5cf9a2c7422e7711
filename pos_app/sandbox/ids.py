"""Object ids in Stripe's shape: a type prefix and random base-62 characters."""

from __future__ import annotations

import secrets
import string
from typing import Final

_ALPHABET: Final = string.digits + string.ascii_letters

#: Length of the random part per prefix, close to what Stripe issues.
_LENGTHS: Final[dict[str, int]] = {
    "cs_test": 58,
    "req": 14,
    "prod": 14,
}
_DEFAULT_LENGTH: Final = 24


def random_token(length: int) -> str:
    """``length`` random base-62 characters from a CSPRNG."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_id(prefix: str) -> str:
    """A fresh id such as ``pi_3Qx...`` or ``cs_test_a1B2...``."""
    return f"{prefix}_{random_token(_LENGTHS.get(prefix, _DEFAULT_LENGTH))}"
