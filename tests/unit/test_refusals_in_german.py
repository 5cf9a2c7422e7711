"""The refusals, form sentences and configuration errors that stayed English (issue 15) come
out in the desk's language: each is one whole sentence, its values put in by name.

One test per group: a refusal of the domain or a service (``PosError``), a form's sentences
(``FormErrors``), a configuration error (``ConfigError``), and the screens' form rows, which
translate a service's ``N_`` sentence where they show it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pos_app.config import ConfigError, load_config
from pos_app.domain.errors import FormErrors, InvalidStateError, NotFoundError, ValidationError
from pos_app.domain.money import Money
from pos_app.domain.orders import OrderStatus, advance
from pos_app.domain.payment import check_refund
from pos_app.domain.text import name_problem
from pos_app.i18n import gettext
from pos_app.services import backup, payables
from pos_app.services.business_settings import address_problem
from pos_app.services.checkout_request import check_success_url
from pos_app.services.customers import check_contact
from pos_app.services.reports import MAX_RANGE_DAYS, check_range
from pos_app.services.sign_in import locked_sentence
from tests.language import language


class _Nothing:
    """A repository that finds nothing (``get`` always None)."""

    def get(self, _id: str, **_kw: object) -> None:
        return None


def _empty_uow() -> Any:
    return SimpleNamespace(bookings=_Nothing(), orders=_Nothing())


def test_a_refusal_is_a_whole_sentence_in_the_desks_language() -> None:
    # advance(): a sentence per status the order is in, never "bezahlt" pasted into English.
    with pytest.raises(InvalidStateError) as back:
        advance(OrderStatus.PAID, OrderStatus.OPEN)
    assert back.value.message == "This order is paid: it can only be refunded."
    with language("de"):
        assert gettext(back.value.message) == (
            "Diese Bestellung ist bezahlt: Sie kann nur noch erstattet werden."
        )
        # A booking and an order are each their own sentence (German: "keine Buchung" and
        # "keine Bestellung"), not "There is no {what}" with an English noun.
        with pytest.raises(NotFoundError) as order:
            payables.require(_empty_uow(), "ord_x")
        assert order.value.message == "Es gibt keine Bestellung ord_x."
        with pytest.raises(NotFoundError) as booking:
            payables.require(_empty_uow(), "bk_x")
        assert booking.value.message == "Es gibt keine Buchung bk_x."
        with pytest.raises(ValidationError) as reason:
            check_refund(Money(100, "eur"), Money(500, "eur"), "because")
        assert reason.value.message == "Unbekannter Erstattungsgrund „because“."
        assert backup._exists(Path("/tmp/b.db")) == (
            "/tmp/b.db gibt es schon; eine Sicherung überschreibt nie eine Datei."
        )
        # The lock-out sentence: a whole sentence per case and unit, the count's form German's.
        assert locked_sentence(1) == (
            "Zu viele falsche PINs: Versuchen Sie es in 1 Sekunde noch einmal."
        )
        assert locked_sentence(120, approval=True) == (
            "Zu viele falsche Leitungs-PINs an dieser Station: Versuchen Sie es in 2 Minuten "
            "noch einmal."
        )
    assert locked_sentence(30) == "Too many wrong PINs: try again in 30 seconds."
    assert locked_sentence(61, approval=True) == (
        "Too many wrong manager PINs at this station: try again in 2 minutes."
    )
    with language("es"), pytest.raises(NotFoundError) as spanish:
        payables.require(_empty_uow(), "ord_x")
    assert spanish.value.message == "No existe el pedido ord_x."


def test_a_forms_sentences_come_out_in_the_desks_language() -> None:
    with language("de"):
        _contact, errors = check_contact("", "not-an-email", "call me")
        assert errors == {
            "customer_name": "Geben Sie den Namen des Kunden ein.",
            "customer_email": (
                "Geben Sie eine E-Mail-Adresse wie name@example.com ein, "
                "oder lassen Sie das Feld leer."
            ),
            "customer_phone": (
                "Geben Sie eine Telefonnummer nur mit Ziffern ein, oder lassen Sie das Feld leer."
            ),
        }
        with pytest.raises(FormErrors) as backwards:
            check_range(date(2026, 5, 2), date(2026, 5, 1))
        assert backwards.value.errors == {
            "end": "Das Enddatum muss am oder nach dem Startdatum liegen."
        }
        with pytest.raises(FormErrors) as long:
            check_range(date(2020, 1, 1), date(2020, 1, 1) + timedelta(days=MAX_RANGE_DAYS))
        assert long.value.errors["end"].startswith("Ein Bericht umfasst höchstens ")
    _contact, english = check_contact("", "", "")
    assert english == {"customer_name": "Enter the customer's name."}


def test_a_fields_own_problem_sentence_names_the_field_in_the_desks_language() -> None:
    # name_problem: one whole sentence per field, never "Keep the {what}" with English pasted.
    with language("de"):
        assert name_problem("x" * 81, "business name", limit=80) == (
            "Der Geschäftsname darf höchstens 80 Zeichen lang sein."
        )
        assert name_problem("Ana\x1bSilva", "customer's name") == (
            "Der Name des Kunden enthält ein unsichtbares Steuerzeichen (kommt oft mit "
            "eingefügtem Text). Tippen Sie es bitte von Hand neu."
        )
        assert address_problem("a\n" * 9) == (
            "Die Adresse darf höchstens 5 Zeilen haben, damit sie auf den Beleg passt."
        )
        assert check_success_url("example")[1] == (
            "Geben Sie die vollständige Adresse Ihrer Website ein, beginnend mit https://, "
            "zum Beispiel https://example.com/thank-you."
        )
    assert name_problem("x" * 61, "station name", limit=60) == (
        "Keep the station name to 60 characters or fewer."
    )


@pytest.mark.parametrize(
    ("env", "german"),
    [
        ({"POS_POLL_SECONDS": "soon"}, "POS_POLL_SECONDS muss eine Zahl von Sekunden sein."),
        ({"POS_HOLD_MINUTES": "99"}, "POS_HOLD_MINUTES muss zwischen 2 und 30 liegen."),
        ({"POS_TIMEZONE": "Mars/Base"}, "POS_TIMEZONE „Mars/Base“ ist keine bekannte Zeitzone."),
        (
            {"STRIPE_SECRET_KEY": "sk_test_a b"},
            "STRIPE_SECRET_KEY enthält Zeichen, die ein Stripe-Schlüssel nie hat (nur "
            "Buchstaben, Ziffern und _). Kopieren Sie ihn noch einmal aus dem Stripe-Dashboard.",
        ),
    ],
)
def test_a_configuration_error_is_said_in_the_desks_language(
    env: dict[str, str], german: str, tmp_path: Path
) -> None:
    with language("de"), pytest.raises(ConfigError) as refused:
        load_config({"POS_DATA_DIR": str(tmp_path), **env})
    assert str(refused.value) == german
    assert list(tmp_path.iterdir()) == []  # refused before anything was written
