"""Test card numbers, what each one does, and the checks a card form makes first.

The outcomes and customer-facing messages are Stripe's (see the facts sheet's table);
``seller_message`` and ``outcome`` fields follow what Stripe puts on failed charges.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Final, Literal

from pos_app.sandbox import behaviour


@dataclass(frozen=True)
class Decline:
    """How a card attempt fails at the issuer."""

    code: str
    decline_code: str | None
    message: str
    seller_message: str
    network_status: str = "declined_by_network"
    outcome_type: str = "issuer_declined"

    @property
    def reason(self) -> str:
        """``outcome.reason`` on the failed charge."""
        return self.decline_code or self.code


#: How refunds of a card's charge behave (https://docs.stripe.com/testing#refunds): every
#: test card refunds at once ("refunds succeed immediately and don't change status after
#: that") except the two asynchronous ones.
RefundFlow = Literal["immediate", "pending_then_succeeded", "succeeded_then_failed"]


@dataclass(frozen=True)
class SandboxCard:
    """One test number and its behaviour."""

    number: str
    label: str
    brand: str = "visa"
    funding: str = "credit"
    country: str = "US"
    decline: Decline | None = None
    requires_3ds: bool = False
    show_on_page: bool = True
    refunds: RefundFlow = "immediate"


def _declined(decline_code: str, message: str = "Your card was declined.") -> Decline:
    return Decline(
        code="card_declined",
        decline_code=decline_code,
        message=message,
        seller_message=(
            "The bank did not return any further details with this decline."
            if decline_code == "generic_decline"
            else f"The bank returned the decline code `{decline_code}`."
        ),
    )


MSG_INCORRECT_NUMBER: Final = "Your card number is incorrect."

TEST_CARDS: Final[dict[str, SandboxCard]] = {
    c.number: c
    for c in (
        SandboxCard("4242424242424242", "Succeeds"),
        SandboxCard("4000002760003184", "Asks for 3-D Secure", requires_3ds=True),
        SandboxCard("4000000000000002", "Declined (generic)", decline=_declined("generic_decline")),
        SandboxCard(
            "4000000000009995",
            "Declined: insufficient funds",
            funding="debit",
            decline=_declined("insufficient_funds", "Your card has insufficient funds."),
        ),
        SandboxCard("4000000000009987", "Declined: lost card", decline=_declined("lost_card")),
        SandboxCard(
            "4000000000000069",
            "Declined: expired card",
            decline=Decline(
                "expired_card",
                "expired_card",
                "Your card has expired.",
                "The bank returned the decline code `expired_card`.",
            ),
        ),
        SandboxCard(
            "4000000000000127",
            "Declined: incorrect CVC",
            decline=Decline(
                "incorrect_cvc",
                "incorrect_cvc",
                "Your card's security code is incorrect.",
                "The bank returned the decline code `incorrect_cvc`.",
            ),
        ),
        SandboxCard(
            "4000000000000119",
            "Processing error",
            decline=Decline(
                "processing_error",
                "processing_error",
                "An error occurred while processing your card. Try again in a little bit.",
                "The bank returned the decline code `processing_error`.",
            ),
        ),
        SandboxCard("4242424242424241", "Incorrect number (fails Luhn)"),
        # Stripe's "Simulate an asynchronous refund" cards (https://docs.stripe.com/testing).
        SandboxCard(
            "4000000000007726",
            "Succeeds; refunds go pending, then succeed",
            refunds="pending_then_succeeded",
        ),
        SandboxCard(
            "4000000000005126",
            "Succeeds; refunds succeed, then fail",
            refunds="succeeded_then_failed",
        ),
        # Other standard Stripe success cards, so brand display can be tried.
        SandboxCard(
            "5555555555554444", "Mastercard, succeeds", brand="mastercard", show_on_page=False
        ),
        SandboxCard(
            "4000056655665556", "Visa debit, succeeds", funding="debit", show_on_page=False
        ),
        SandboxCard(
            "378282246310005", "American Express, succeeds", brand="amex", show_on_page=False
        ),
    )
}

UNKNOWN_CARD_DECLINE: Final = Decline(
    code="card_declined",
    decline_code=behaviour.UNKNOWN_CARD_DECLINE_CODE,
    message=(
        "Your card was declined. Your request was in test mode, but used a non test (live) "
        "card. For a list of valid test cards, visit: https://stripe.com/docs/testing."
    ),
    seller_message="This charge request was in test mode, but did not use a Stripe test card.",
    network_status="not_sent_to_network",
    outcome_type="invalid",
)

AUTHENTICATION_FAILED_MESSAGE: Final = (
    "We are unable to authenticate your payment method. Please choose a different payment "
    "method and try again."
)


@dataclass(frozen=True)
class CardDetails:
    """The parts of a submitted card the sandbox keeps (never the full number or CVC)."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    funding: str
    country: str
    fingerprint: str
    name: str | None
    email: str | None


@dataclass
class CardForm:
    """Result of checking the card form: details, or per-field messages."""

    details: CardDetails | None = None
    card: SandboxCard | None = None
    errors: dict[str, str] = field(default_factory=dict)


_EXP_RE = re.compile(r"^\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*$")


def luhn_ok(number: str) -> bool:
    """Whether ``number`` passes the Luhn checksum."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def brand_of(number: str) -> str:
    """Card network from the number's prefix."""
    if number.startswith(("34", "37")):
        return "amex"
    if re.match(r"^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))", number):
        return "mastercard"
    if number.startswith(("6011", "65")):
        return "discover"
    if number.startswith("35"):
        return "jcb"
    if number.startswith(("30", "36", "38")):
        return "diners"
    if number.startswith("62"):
        return "unionpay"
    if number.startswith("4"):
        return "visa"
    return "unknown"


def fingerprint(digits: str) -> str:
    """Stable per number, like Stripe's card fingerprint, without storing the number."""
    return hashlib.sha256(digits.encode()).hexdigest()[:16]


def refund_flow(card_fingerprint: object) -> RefundFlow:
    """How refunds of a charge paid with the card of this fingerprint behave."""
    for card in TEST_CARDS.values():
        if card.refunds != "immediate" and fingerprint(card.number) == card_fingerprint:
            return card.refunds
    return "immediate"


def check_form(
    *,
    number: str,
    exp: str,
    cvc: str,
    name: str,
    email: str | None,
    today: dt.date,
) -> CardForm:
    """Validate the card form like Stripe's card element does before anything is sent."""
    result = CardForm()
    digits = re.sub(r"[\s-]", "", number)
    if not digits:
        result.errors["card_number"] = "Your card number is incomplete."
    elif not digits.isdigit() or len(digits) < 13 or len(digits) > 19:
        result.errors["card_number"] = (
            "Your card number is incomplete."
            if digits.isdigit() and len(digits) < 13
            else "Your card number is invalid."
        )
    elif not luhn_ok(digits):
        # 4242 4242 4242 4241 lands here: Stripe's incorrect_number test card.
        result.errors["card_number"] = MSG_INCORRECT_NUMBER

    exp_month = exp_year = 0
    match = _EXP_RE.match(exp)
    if match is None:
        result.errors["exp"] = "Your card's expiration date is incomplete."
    else:
        exp_month = int(match.group(1))
        exp_year = int(match.group(2))
        if exp_year < 100:
            exp_year += 2000
        if not 1 <= exp_month <= 12:
            result.errors["exp"] = "Your card's expiration date is invalid."
        elif exp_year < today.year:
            result.errors["exp"] = "Your card's expiration year is in the past."
        elif (exp_year, exp_month) < (today.year, today.month):
            result.errors["exp"] = "Your card's expiration date is in the past."

    if not re.fullmatch(r"\d{3,4}", cvc.strip()):
        result.errors["cvc"] = "Your card's security code is incomplete."

    if result.errors:
        return result
    test_card = TEST_CARDS.get(digits)
    result.card = test_card
    result.details = CardDetails(
        brand=test_card.brand if test_card else brand_of(digits),
        last4=digits[-4:],
        exp_month=exp_month,
        exp_year=exp_year,
        funding=test_card.funding if test_card else "credit",
        country=test_card.country if test_card else "US",
        fingerprint=fingerprint(digits),
        name=name.strip() or None,
        email=email,
    )
    return result


def decline_for(card: SandboxCard | None) -> Decline | None:
    """The decline a number produces at the issuer (``None`` means it is approved)."""
    if card is None:
        return UNKNOWN_CARD_DECLINE
    return card.decline
