"""Logging: one line per event, secrets masked before anything is written."""

from __future__ import annotations

import logging
import re
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from pos_app.private_files import ensure_private_dir


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
# No word boundary in front: a key glued to other text (``key%3Dsk_live_…``, ``X_sk_test_…``)
# is still a key. Masking a little too much is harmless; too little is not.
_SECRET = re.compile(rf"({_PREFIX}){_BODY}", re.IGNORECASE)


def redact(text: str) -> str:
    """Replace anything shaped like a Stripe key or webhook secret with its prefix and ****,
    in any case, URL-encoded or JSON-escaped, and wherever it sits inside a longer token."""
    return _SECRET.sub(lambda m: m.group(1) + "****", text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then masks secrets, including those inside tracebacks."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class TerminalFormatter(RedactingFormatter):
    """Masks like the log file, but leaves tracebacks to the file: a person at the desk
    reads one sentence on the terminal, and the details stay in ``pos-app.log``."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def setup_logging(data_dir: Path | None, *, verbose: bool = False) -> None:
    """Log to ``data_dir/pos-app.log`` (rotated) and warnings to stderr."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    fmt = RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    fmt_terminal = RedactingFormatter if verbose else TerminalFormatter
    stderr.setFormatter(fmt_terminal("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(stderr)
    if data_dir is not None:
        ensure_private_dir(data_dir)
        file = RotatingFileHandler(
            data_dir / "pos-app.log", maxBytes=5_000_000, backupCount=3, encoding="utf-8"
        )
        file.setFormatter(fmt)
        file.setLevel(logging.INFO)
        root.addHandler(file)
    root.setLevel(logging.INFO)
    # The SDK and HTTP client log request lines; ours already say what matters.
    for noisy in ("stripe", "httpx", "httpcore", "alembic", "uvicorn"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    route_uvicorn_logs()


# uvicorn's default log_config gives these loggers their own stderr handlers (unmasked, and
# not in pos-app.log) and stops them propagating: the app's servers start with these options.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
UVICORN_OPTIONS: dict[str, Any] = {"log_level": "warning", "access_log": False, "log_config": None}


def route_uvicorn_logs() -> None:
    """Send uvicorn's loggers through the root handlers, where secrets are masked."""
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True
