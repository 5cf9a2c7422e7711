"""Masking secrets in log text: the one rule the app's log and the standalone sandbox share.

Standard library only, and no other ``pos_app`` module: the sandbox is a separate program
(it imports nothing of the app) and uses this module as it is (tests/unit/test_redaction.py
checks its imports).
"""

from __future__ import annotations

import functools
import logging
import re


def _spelled(word: str) -> str:
    """A pattern for ``word`` as a log may carry it: each character as is, URL-encoded
    (%XX, or %25XX when encoded twice) or JSON-escaped (\\u00XX); any case (see the flags)."""
    parts = []
    for ch in word:
        codes = "|".join(sorted({f"{ord(ch.lower()):02X}", f"{ord(ch.upper()):02X}"}))
        parts.append(rf"(?:{re.escape(ch)}|%(?:25)?(?:{codes})|\\u00(?:{codes}))")
    return "".join(parts)


# Hex codes of the characters a key's body is made of (digits, letters, _), and -: a key
# pasted with a stray hyphen is still masked to its end.
_BODY_CODES = "3[0-9]|[46][1-9A-F]|[57][0-9A]|5F|2D"
_BODY = rf"(?:[A-Za-z0-9_-]|%(?:25)?(?:{_BODY_CODES})|\\u00(?:{_BODY_CODES}))+"
_MODES = f"(?:{_spelled('test_')}|{_spelled('live_')})"
_PREFIX = "|".join(
    [_spelled(kind) + _MODES for kind in ("sk_", "rk_", "pk_")] + [_spelled("whsec_")]
)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The secret, client-secret, Authorization and key-start patterns, compiled on first use:
    compiling them took about 8 ms of the desktop app's start, before its first frame."""
    # No word boundary in front: a key glued to other text (``key%3Dsk_live_…``, ``X_sk_test_…``)
    # is still a key. Masking a little too much is harmless; too little is not.
    secret = re.compile(rf"({_PREFIX}){_BODY}", re.IGNORECASE)
    # A client secret (``pi_…_secret_…``, ``cs_test_…_secret_…``): the id before ``_secret_``
    # is an ordinary id the logs name anyway; what follows it lets a browser act on the object.
    client_secret = re.compile(rf"({_spelled('_secret_')}){_BODY}", re.IGNORECASE)
    # An Authorization header's credentials (Basic hides a key in base64, out of the secret
    # pattern's sight). A Bearer key keeps its prefix, masked by that pattern, so the log says
    # which kind it was.
    authorization = re.compile(
        r"(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic)\s+)([A-Za-z0-9+/=._~%-]+)",
        re.IGNORECASE,
    )
    key_start = re.compile(rf"(?:{_PREFIX})", re.IGNORECASE)
    return secret, client_secret, authorization, key_start


def _credentials(match: re.Match[str]) -> str:
    if _patterns()[3].match(match.group(2)):
        return match.group(0)  # a key: the secret pattern masks it, keeping its prefix
    return match.group(1) + "****"


def redact(text: str) -> str:
    """Replace anything shaped like a Stripe key, webhook secret, client secret or an
    Authorization header's credentials with its prefix and ****, in any case, URL-encoded or
    JSON-escaped, and wherever it sits inside a longer token."""
    secret, client_secret, authorization, _key_start = _patterns()
    text = authorization.sub(_credentials, text)
    text = secret.sub(lambda m: m.group(1) + "****", text)
    return client_secret.sub(lambda m: m.group(1) + "****", text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then masks secrets, including those inside tracebacks."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
