"""What the command line prints passes through one filter: no control characters.

Names and notes are checked when they are typed (``domain.text``), but rows stored before
that, and texts Stripe sent, may still hold an ESC sequence, a bell or a bidi override. A
terminal obeys them: a customer "named" ``\\x1b[2J`` would clear the screen of whoever runs
``pos-app status``. So stdout and stderr are wrapped while a command runs and every such
character is printed as U+FFFD. Line breaks and tabs pass; JSON output is already plain
ASCII (``json.dumps`` escapes everything else), so it is never changed. A CSV sent to
stdout (``export csv ... -``) has its cells made safe by the export and goes out raw.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from pos_app.domain.text import printable


class PrintableStream:
    """A text stream that writes through to ``inner`` with control characters replaced."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        """Write ``text`` made printable; returns the length given, as streams do."""
        self._inner.write(printable(text))
        return len(text)

    def writelines(self, lines: Iterator[str] | list[str]) -> None:
        """Write each line made printable."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        # flush, fileno, isatty, encoding, buffer…: the wrapped stream's own.
        return getattr(self._inner, name)


@contextmanager
def printable_output() -> Iterator[None]:
    """Wrap ``sys.stdout`` and ``sys.stderr`` in :class:`PrintableStream` for the block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(out), PrintableStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


@contextmanager
def raw_stdout() -> Iterator[TextIO]:
    """UTF-8 text straight onto stdout's bytes, bypassing the filter: for output that is
    made safe already and needs its own line ends (a CSV's CR LF)."""
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        yield out
    finally:
        out.flush()
        out.detach()  # stdout itself stays open


def print_json(data: dict[str, Any]) -> None:
    """The one JSON object a ``--json`` command prints (keys sorted: stable for scripts)."""
    print(json.dumps(data, sort_keys=True))
