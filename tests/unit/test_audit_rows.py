"""The audit screen's presenter (issue 15, session 19): a loaded page's entries come with their
details already in the reader's words, so the table never formats a stored detail itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pos_app import i18n
from pos_app.domain.audit import AuditAction, AuditEntry, Detail
from pos_app.domain.money import Money
from pos_app.i18n import N_
from pos_app.services.audit import AuditPage
from pos_app.ui.people.audit_rows import audit_rows


@pytest.fixture
def german() -> Iterator[None]:
    language = i18n.current_language()
    i18n.set_language("de")
    yield
    i18n.set_language(language)


def _entry(detail: Detail | str, booking_id: str | None = None) -> AuditEntry:
    entry = AuditEntry(
        at=datetime(2026, 12, 6, 10, tzinfo=UTC),
        actor_id=None,
        actor_name="Alex Morgan",
        action=AuditAction.CASH_RECEIVED,
        booking_id=booking_id,
    )
    if isinstance(detail, Detail):
        entry.detail = detail.english()
        entry.detail_template, entry.detail_params = detail.stored()
    else:
        entry.detail = detail  # a row from before 0024: only its English
    return entry


def test_each_row_carries_its_detail_in_the_readers_words(german: None) -> None:
    paid = _entry(Detail(N_("Payment link for {amount}"), {"amount": Money(950, "usd")}), "bk_1")
    old = _entry("Cash for Haircut, Ada")
    page = AuditPage([paid, old], {"bk_1": "Ada · Haircut"})
    shown = audit_rows(page)
    assert [r.entry for r in shown.rows] == [paid, old]  # the same entries, in order
    assert [r.detail for r in shown.rows] == [
        "Zahlungslink über 9,50\xa0$",  # German words and German money
        "Cash for Haircut, Ada",  # an old row: what it stored
    ]
    assert shown.booking_labels == {"bk_1": "Ada · Haircut"}


def test_an_empty_page_has_no_rows() -> None:
    assert audit_rows(AuditPage([])).rows == []
