"""Stripe's error codes turned into sentences a front-desk person understands."""

from __future__ import annotations

CARD_MESSAGES: dict[str, str] = {
    "card_declined": "Your card was declined",
    "expired_card": "Your card has expired",
    "incorrect_cvc": "Your card's security code is incorrect",
    "processing_error": "An error occurred while processing your card",
    "incorrect_number": "Your card number is incorrect",
    "insufficient_funds": "Your card has insufficient funds",
}

DECLINE_REASONS: dict[str, str] = {
    "generic_decline": "the bank gave no reason",
    "insufficient_funds": "insufficient funds",
    "lost_card": "the card was reported lost",
    "stolen_card": "the card was reported stolen",
    "do_not_honor": "the bank refused the payment",
    "fraudulent": "the payment looked fraudulent to the bank",
}

REQUEST_MESSAGES: dict[str, str] = {
    "amount_too_large": "That refund is larger than what is left of the payment.",
    "charge_already_refunded": "This payment has already been refunded in full.",
    "amount_too_small": "The amount is below the smallest amount Stripe accepts.",
    "resource_missing": "Stripe does not know this payment any more.",
}

NETWORK = "Cannot reach Stripe right now. Check the connection; the app keeps trying."
RATE_LIMITED = "Stripe is busy right now. The app will try again in a moment."
SERVER = "Stripe had a problem with this request. It is safe to try again."
AUTH = "Stripe did not accept the API key. Check the key in Settings."
IDEMPOTENCY = (
    "Stripe refused a repeated request that did not match the first one. Nothing was charged "
    "twice; please contact support."
)


def card_message(code: str | None, decline_code: str | None) -> str:
    """'The card was declined: insufficient funds.' style sentence for a card error."""
    base = CARD_MESSAGES.get(code or "", "The card could not be charged")
    reason = DECLINE_REASONS.get(decline_code or "")
    if reason and code == "card_declined":
        return f"{base}: {reason}."
    return f"{base}."
