"""The receipt in the desk's language (issue 15): its words, money, dates and times follow the
UI language in the text (terminal) and the HTML (preview, print, PDF); the model's English
words stay what the receipt's JSON carries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_app import i18n
from pos_app.reports.render.receipt import MERCHANT, receipt_title, render_html, render_text
from tests.unit.test_receipt_render import _receipt

NB = "\u00a0"


@pytest.fixture
def german() -> Iterator[None]:
    before = i18n.current_language()
    i18n.set_language("de")
    try:
        yield
    finally:
        i18n.set_language(before)


def test_the_text_receipt_speaks_german(german: None) -> None:
    receipt = _receipt()
    text = render_text(receipt, copy=MERCHANT)
    for words in (
        "BELEG R-3F2A9-C1B07",
        "HÄNDLERKOPIE",
        "Kundschaft",
        "Leistung",
        "Zahlungen",
        "Erstattungen",
        "Erstattet",
        "Netto bezahlt",
        "Offener Betrag",
        "Buchung bk_3f2a9c1b07d84e6f9a0b1c2d3e4f5a6b",
        "Vielen Dank!",
        "USt-IdNr. GB 123 4567 89",
        "Visa •••• 4242 · Anzahlung",  # the part in German, capitalised as German writes it
        "Bar · Restbetrag",
        "Auf Wunsch der Kundschaft",  # the refund's reason
    ):
        assert words in text, words
    # German money and a German date: "80,00 £", "So., 22. Nov. 2026, 09:00–10:00".
    assert f"80,00{NB}£" in text
    assert "So., 22. Nov. 2026" in text
    for english in ("RECEIPT", "Customer", "Balance due", "Thank you", "Paid", "deposit", "Cash"):
        assert english not in text, english


def test_the_html_receipt_and_its_title_speak_german(german: None) -> None:
    receipt = _receipt()
    page = render_html(receipt)
    for words in ("BELEG", "Nr. R-3F2A9-C1B07", "Wann", "Beträge in GBP", "Vielen Dank!"):
        assert words in page, words
    assert f"−10,00{NB}£" in page  # the refund, a real minus sign
    assert "Receipt" not in page and "Amounts in" not in page
    assert receipt_title(receipt) == "Beleg R-3F2A9-C1B07 — Studio Nine"


def test_english_is_unchanged_and_the_model_keeps_english_words() -> None:
    receipt = _receipt()
    text = render_text(receipt)
    assert "RECEIPT R-3F2A9-C1B07" in text
    assert "Visa •••• 4242 · deposit" in text
    assert "Cash · balance" in text
    assert "Thank you!" in text
    # The receipt's JSON (cli/receipts.py) carries these: English, whatever the language.
    assert [(p.label, p.part) for p in receipt.payments] == [
        ("Visa •••• 4242", "Deposit"),
        ("Cash", "Balance"),
    ]
