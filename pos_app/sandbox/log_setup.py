"""The standalone sandbox's log: one line per event on stderr, secrets masked.

Run on its own (``python -m pos_app.sandbox``; the app spawns it so, with its output in
``sandbox.log``) the sandbox writes request failures and tracebacks, and those can quote a
key, a client secret or an Authorization header. They pass through the same masking rule as
the app's ``pos-app.log`` (``pos_app.redaction``: standard library only, nothing of the app).
Run inside the app (``pos-app sandbox``, tests) the app's own logging is used instead.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType
from typing import TextIO

from pos_app.redaction import RedactingFormatter

FORMAT = "%(asctime)s %(name)s %(message)s"
# uvicorn's loggers: with ``log_config=None`` (runner.py) they keep no handler of their own,
# and any left by someone else would write past the mask, so they are cleared here too.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")

log = logging.getLogger("pos_app.sandbox")


def configure(stream: TextIO | None = None, level: int = logging.WARNING) -> None:
    """Log to ``stream`` (stderr) through the mask, uvicorn's loggers and uncaught errors
    (main thread and worker threads) included."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(RedactingFormatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        for own in list(logger.handlers):
            logger.removeHandler(own)
        logger.propagate = True
    # Python prints an uncaught error's traceback to stderr itself, past any formatter.
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread


def _log_uncaught(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    log.critical("sandbox stopped by an unexpected error", exc_info=(kind, error, tb))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or isinstance(args.exc_value, SystemExit):
        return
    name = args.thread.name if args.thread is not None else "?"
    log.error(
        "sandbox thread %s failed",
        name,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )
