"""``with language("de"):`` runs a block in one UI language and restores the one before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pos_app import i18n


@contextmanager
def language(code: str) -> Iterator[None]:
    """Use ``code`` inside the block (formatting and parsing), then the previous language."""
    before = i18n.current_language()
    i18n.set_language(code)
    try:
        yield
    finally:
        i18n.set_language(before)
