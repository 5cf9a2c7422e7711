"""Logging: one line per event, secrets masked before anything is written."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from pos_app.private_files import ensure_private_dir

# The masking rule lives in pos_app.redaction, which the standalone sandbox shares.
from pos_app.redaction import RedactingFormatter, redact

__all__ = [
    "UVICORN_LOGGERS",
    "UVICORN_OPTIONS",
    "RedactingFormatter",
    "TerminalFormatter",
    "redact",
    "route_uvicorn_logs",
    "setup_logging",
]


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
