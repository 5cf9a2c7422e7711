"""The audit log's details are said in the reader's language (issue 15): a ``Detail`` is
stored as its English sentence plus its marked template and values, and rendered when shown;
rows written before migration 0024 show the sentence they stored."""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pos_app import i18n
from pos_app.domain.audit import AuditAction, AuditEntry, Detail, detail_words
from pos_app.domain.money import Money

GERMAN = {
    "Cash for {service}, {customer}": "Bar für {service}, {customer}",
    "Refunded ({reason})": "Erstattet ({reason})",
    "Requested by customer": "Vom Kunden gewünscht",
    "Paid by card; Stripe fee {fee}, net {net}": (
        "Mit Karte bezahlt; Stripe-Gebühr {fee}, netto {net}"
    ),
    "Broken {reason}": "Kaputt {grund}",  # a translation that lost its placeholder
}


class _Catalog(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return GERMAN.get(message, message)


@pytest.fixture
def german() -> Iterator[None]:
    language = i18n.current_language()
    i18n.use_translation(_Catalog(), "en")  # English money formats: only the words change
    yield
    i18n.set_language(language)


def _entry(detail: Detail | str) -> AuditEntry:
    entry = AuditEntry(
        at=datetime(2026, 12, 6, 10, tzinfo=UTC),
        actor_id=None,
        actor_name="Alex Morgan",
        action=AuditAction.CASH_RECEIVED,
    )
    if isinstance(detail, Detail):
        entry.detail = detail.english()
        entry.detail_template, entry.detail_params = detail.stored()
    else:
        entry.detail = detail
    return entry


def test_a_detail_is_stored_in_english_and_shown_in_the_readers_language(german: None) -> None:
    detail = Detail("Cash for {service}, {customer}", {"service": "Haircut", "customer": "Ada"})
    entry = _entry(detail)
    assert entry.detail == "Cash for Haircut, Ada"  # search and old readers keep English
    assert detail_words(entry) == "Bar für Haircut, Ada"  # names are data, as they were


def test_a_marked_piece_inside_is_translated_and_amounts_come_back_as_money(
    german: None,
) -> None:
    refunded = _entry(Detail("Refunded ({reason})", {"reason": Detail("Requested by customer")}))
    assert refunded.detail == "Refunded (Requested by customer)"
    assert detail_words(refunded) == "Erstattet (Vom Kunden gewünscht)"
    paid = _entry(
        Detail(
            "Paid by card; Stripe fee {fee}, net {net}",
            {"fee": Money(103, "usd"), "net": Money(2397, "usd")},
        )
    )
    assert paid.detail_params is not None and '"money": [103, "usd"]' in paid.detail_params
    assert detail_words(paid) == "Mit Karte bezahlt; Stripe-Gebühr $1.03, netto $23.97"


def test_rows_from_before_0024_and_unreadable_ones_show_what_they_stored(german: None) -> None:
    assert detail_words(_entry("Cash for Haircut, Ada")) == "Cash for Haircut, Ada"
    garbled = _entry(Detail("Cash for {service}, {customer}", {"service": "x", "customer": "y"}))
    garbled.detail_params = "[1, 2]"
    assert detail_words(garbled) == "Cash for x, y"
    missing = _entry(Detail("Cash for {service}, {customer}", {"service": "x", "customer": "y"}))
    missing.detail_params = '{"service": "x"}'  # a value gone: the stored sentence, no error
    assert detail_words(missing) == "Cash for x, y"


def test_a_translation_that_lost_a_placeholder_falls_back_to_english(german: None) -> None:
    # Said at once (the terminal, a screen) it never raises: English instead.
    assert Detail("Broken {reason}", {"reason": "why"}).words() == "Broken why"


def test_percentages_days_and_times_are_stored_as_values_and_said_the_readers_way() -> None:
    from datetime import date, time

    from pos_app.domain.audit import Day, joined
    from pos_app.domain.percent import Percent

    detail = Detail(
        "{rate}; {day}; {at}",
        {"rate": Percent(12_500), "day": Day(date(2026, 6, 1)), "at": time(9, 5)},
    )
    language = i18n.current_language()
    i18n.set_language("en")
    try:
        assert detail.english() == "12.5%; 1 Jun 2026; 09:05"
        stored = Detail.from_stored(detail.template, detail.params_json())
        i18n.set_language("de")
        assert stored.words() == "12,5\xa0%; 1. Juni 2026; 09:05"
        assert joined(["a", Detail("b {x}", {"x": 1})]).english() == "a; b 1"
    finally:
        i18n.set_language(language)


def test_an_app_written_stock_note_reads_from_its_template_a_typed_one_as_typed() -> None:
    from pos_app.domain.products import StockAdjustment, StockReason, note_words

    def change(note: str, order_id: str | None, template: Detail | None) -> StockAdjustment:
        return StockAdjustment(
            1, "prod_1", -1, 0, StockReason.SALE, "System", datetime(2026, 12, 6, tzinfo=UTC),
            note, None, order_id,
            template.template if template else None, template.params_json() if template else None,
        )  # fmt: skip

    sold = Detail("sold on order {order}", {"order": "18"})
    language = i18n.current_language()
    i18n.set_language("de")
    try:
        assert note_words(change("sold on order 18", "ord_1", sold)) == "verkauft mit Bestellung 18"
        # Its template, not its words: a note that does not match the old patterns reads too.
        odd = Detail("sold on order {order}", {"order": "18 (first)"})
        assert note_words(change("x", "ord_1", odd)) == "verkauft mit Bestellung 18 (first)"
        assert note_words(change("sold on order 18", None, None)) == "sold on order 18"  # typed
    finally:
        i18n.set_language(language)


def test_the_stored_english_is_english_whatever_the_desk_speaks_when_it_is_written() -> None:
    from datetime import date, time

    from pos_app.domain.audit import Day
    from pos_app.domain.percent import Percent

    detail = Detail(
        "Paid {amount}, {rate} off, {day} {at}",
        {
            "amount": Money(2500, "eur"),
            "rate": Percent(12_500),
            "day": Day(date(2026, 6, 1)),
            "at": time(9, 5),
        },
    )
    language = i18n.current_language()
    i18n.set_language("de")
    try:
        assert detail.english() == "Paid €25.00, 12.5% off, 1 Jun 2026 09:05"
        assert detail.words() == "Paid 25,00\xa0€, 12,5\xa0% off, 1. Juni 2026 09:05"
    finally:
        i18n.set_language(language)
