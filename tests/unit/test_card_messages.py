"""Card problems in words people understand, agreeing with what the hosted page says."""

from __future__ import annotations

import re

import pytest

from pos_app.gateway import messages
from pos_app.gateway.messages import card_message, decline_reason
from pos_app.sandbox import cards


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("card_declined", "Your card was declined."),
        ("expired_card", "Your card has expired."),
        ("incorrect_cvc", "Your card's security code is incorrect."),
        ("processing_error", "An error occurred while processing your card."),
        ("incorrect_number", "Your card number is incorrect."),
    ],
)
def test_each_card_code_has_its_sentence(code: str, expected: str) -> None:
    assert card_message(code) == expected
    assert card_message(code, None) == expected


@pytest.mark.parametrize(
    ("decline_code", "expected"),
    [
        ("insufficient_funds", "Your card was declined: insufficient funds."),
        ("lost_card", "Your card was declined: the card was reported lost."),
        ("stolen_card", "Your card was declined: the card was reported stolen."),
        ("do_not_honor", "Your card was declined: the bank refused the payment."),
        # Stripe names the decline but gives no reason: nothing is added.
        ("generic_decline", "Your card was declined."),
        # A code the table does not know is still shown, in words.
        ("some_new_code", "Your card was declined: some new code."),
    ],
)
def test_declines_add_the_reason_stripe_gives(decline_code: str, expected: str) -> None:
    assert card_message("card_declined", decline_code) == expected


def test_reason_only_follows_card_declined() -> None:
    # The other codes already say what is wrong; Stripe repeats the code as decline_code.
    assert card_message("expired_card", "expired_card") == "Your card has expired."
    cvc = card_message("incorrect_cvc", "incorrect_cvc")
    assert cvc == "Your card's security code is incorrect."
    assert (
        card_message("processing_error", "processing_error")
        == "An error occurred while processing your card."
    )


def test_a_reason_sent_as_the_code_reads_as_a_decline() -> None:
    assert card_message("insufficient_funds") == "Your card was declined: insufficient funds."


def test_unknown_code_uses_stripes_message_then_a_fallback() -> None:
    assert card_message("weird_code", None, "Something odd happened") == "Something odd happened."
    assert card_message("weird_code", None, "Already a sentence.") == "Already a sentence."
    assert card_message("weird_code") == "The card could not be charged."
    assert card_message(None) == "The card could not be charged."


def test_every_sentence_ends_with_one_full_stop() -> None:
    for code in messages.CARD_MESSAGES:
        for decline in [None, *messages.DECLINE_REASONS]:
            text = card_message(code, decline)
            assert text.endswith(".") and not text.endswith(".."), (code, decline, text)
            assert text[0].isupper()
    for reason in messages.DECLINE_REASONS.values():
        assert reason is None or (reason == reason.strip() and not reason.endswith("."))


def test_decline_reason() -> None:
    assert decline_reason(None) is None
    assert decline_reason("generic_decline") is None
    assert decline_reason("insufficient_funds") == "insufficient funds"


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=\.)\s", text, maxsplit=1)[0].rstrip(".")


@pytest.mark.parametrize(
    "card",
    [c for c in cards.TEST_CARDS.values() if c.decline is not None],
    ids=lambda c: c.number,
)
def test_app_and_hosted_page_agree(card: cards.SandboxCard) -> None:
    """What the staff read on the charge screen says what the customer read on the page."""
    decline = card.decline
    assert decline is not None
    ours = card_message(decline.code, decline.decline_code)
    page = decline.message
    assert ours.startswith(messages.CARD_MESSAGES[decline.code])
    reason = decline_reason(decline.decline_code) if decline.code == "card_declined" else None
    if reason is None:
        # Same sentence, word for word (the page may add advice after it).
        assert ours.rstrip(".") == _first_sentence(page)
    else:
        # Stripe words some reasons its own way ("Your card has insufficient funds."):
        # the page names the reason, or says the card was declined, as ours does.
        key_words = reason.split()[-1]
        assert key_words in page.lower() or _first_sentence(page) == "Your card was declined"


def test_incorrect_number_matches_the_page_field_error() -> None:
    assert card_message("incorrect_number") == cards.MSG_INCORRECT_NUMBER
