"""The audit screen's rows, made in the background task that reads them: each entry with its
detail already in the reader's words.

Saying a stored detail in the reader's language parses its values and formats amounts, days
and times (0.13 to 0.23 ms a row, AUD's measure in session 19): up to 0.2 s for the 1000 rows
a page holds. Done once here, off the GUI thread, the table's paint, tooltip and sort by
Detail only read and compare strings (rule 2). The words are the language in use when the
page loads; the language only changes at the next start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pos_app.domain.audit import AuditEntry, detail_words
from pos_app.services.audit import AuditPage


@dataclass(frozen=True)
class AuditRow:
    """One entry of the audit table and its detail in the reader's words."""

    entry: AuditEntry
    detail: str


@dataclass(frozen=True)
class AuditRows:
    """A loaded page as the table shows it."""

    rows: list[AuditRow]
    # booking id → "Ana Silva · Cut & colour" (absent for a booking that no longer exists)
    booking_labels: Mapping[str, str] = field(default_factory=dict)


def audit_rows(page: AuditPage) -> AuditRows:
    """``page``'s entries with their details said once (call it in the background task)."""
    return AuditRows([AuditRow(e, detail_words(e)) for e in page.entries], page.booking_labels)
