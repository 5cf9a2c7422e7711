"""Logging: one line per event, secrets masked before anything is written."""

from __future__ import annotations

import logging
import re
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from pos_app.private_files import ensure_private_dir

_SECRET = re.compile(r"\b((?:sk|rk|pk)_(?:test|live)_|whsec_)[A-Za-z0-9_]+")


def redact(text: str) -> str:
    """Replace anything shaped like a Stripe key or webhook secret with its prefix and ****."""
    return _SECRET.sub(lambda m: m.group(1) + "****", text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then masks secrets, including those inside tracebacks."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(data_dir: Path | None, *, verbose: bool = False) -> None:
    """Log to ``data_dir/pos-app.log`` (rotated) and warnings to stderr."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    fmt = RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stderr.setFormatter(fmt)
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
