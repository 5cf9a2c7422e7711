"""API keys: which ones the sandbox accepts and how a rejected one is quoted back."""

from __future__ import annotations

import base64
import binascii

from pos_app.sandbox import behaviour
from pos_app.sandbox.errors import authentication_error

_MISSING = (
    "You did not provide an API key. You need to provide your API key in the Authorization "
    "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
    "https://stripe.com/docs/api#authentication for details, or we can help at "
    "https://support.stripe.com/."
)


def mask_key(key: str) -> str:
    """``sk_live_abcd1234`` → ``sk_live_****1234``: never echo a whole key."""
    match = behaviour.KEY_PREFIX_RE.match(key)
    prefix = match.group(0) if match else ""
    rest = key[len(prefix) :]
    visible = behaviour.KEY_VISIBLE_SUFFIX
    if len(rest) <= visible:
        return prefix + "*" * len(rest)
    return prefix + "*" * (len(rest) - visible) + rest[-visible:]


def _from_header(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value or None
    if scheme.lower() == "basic":
        # Stripe takes the key as the basic-auth user name (curl -u sk_test_...:).
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[0] or None
    return None


def authenticate(header: str | None) -> str:
    """The API key of a request, or the 401 Stripe would send."""
    key = _from_header(header)
    if key is None:
        raise authentication_error(_MISSING)
    if any(ch.isspace() for ch in key):
        raise authentication_error(
            f"Invalid API Key provided: {mask_key(key.split()[0])}. This key contains at "
            "least one space. Please delete the spaces and try again."
        )
    if not key.startswith(behaviour.ACCEPTED_KEY_PREFIXES) or key in (
        behaviour.ACCEPTED_KEY_PREFIXES
    ):
        raise authentication_error(f"Invalid API Key provided: {mask_key(key)}")
    return key
