"""Stripe's error codes turned into sentences a front-desk person understands.

Card problems read the way Stripe words them for customers ("Your card was declined"), with
the bank's decline reason added where Stripe gives one ("Your card was declined: insufficient
funds."). Every card sentence ends with exactly one full stop.
"""

from __future__ import annotations

import re

#: The sentence (without its full stop) for each card error ``code``.
CARD_MESSAGES: dict[str, str] = {
    "card_declined": "Your card was declined",
    "expired_card": "Your card has expired",
    "incorrect_cvc": "Your card's security code is incorrect",
    "processing_error": "An error occurred while processing your card",
    "incorrect_number": "Your card number is incorrect",
    "invalid_cvc": "Your card's security code is invalid",
    "invalid_number": "Your card number is invalid",
    "invalid_expiry_month": "Your card's expiration month is invalid",
    "invalid_expiry_year": "Your card's expiration year is invalid",
    "incorrect_zip": "Your card's postal code is incorrect",
    "card_decline_rate_limit_exceeded": "Your card was declined too many times",
    "authentication_required": "Your card needs to be authenticated by your bank",
    "payment_intent_authentication_failure": "Your card could not be authenticated",
}

#: The reason added after "Your card was declined: " for each ``decline_code``. ``None``:
#: Stripe names the decline but gives no reason (``generic_decline``), so nothing is added.
DECLINE_REASONS: dict[str, str | None] = {
    "generic_decline": None,
    "insufficient_funds": "insufficient funds",
    "lost_card": "the card was reported lost",
    "stolen_card": "the card was reported stolen",
    "do_not_honor": "the bank refused the payment",
    "do_not_try_again": "the bank refused the payment",
    "fraudulent": "the bank suspects fraud",
    "merchant_blacklist": "the payment was blocked",
    "pickup_card": "the card cannot be used for this payment",
    "restricted_card": "the card cannot be used for this payment",
    "security_violation": "the card cannot be used for this payment",
    "card_not_supported": "the card does not support this kind of purchase",
    "currency_not_supported": "the card does not support this currency",
    "card_velocity_exceeded": "the card's limit has been reached",
    "withdrawal_count_limit_exceeded": "the card's limit has been reached",
    "transaction_not_allowed": "the bank does not allow this payment",
    "not_permitted": "the bank does not allow this payment",
    "invalid_account": "the card or its account is not valid",
    "new_account_information_available": "the card or its account is not valid",
    "call_issuer": "please call your bank",
    "try_again_later": "please try again later",
    "issuer_not_available": "the bank could not be reached; please try again",
    "reenter_transaction": "please try again",
    "approve_with_id": "the bank could not approve the payment",
    "authentication_required": "the bank asks for authentication",
    "invalid_amount": "the bank does not accept this amount",
    "expired_card": "the card has expired",
    "incorrect_cvc": "the security code is incorrect",
    "processing_error": "a processing error occurred",
    "test_mode_live_card": "a real card cannot be used in test mode",
}

#: Last resort when Stripe sends a code this table does not know and no message of its own.
CARD_FALLBACK = "The card could not be charged"

REQUEST_MESSAGES: dict[str, str] = {
    "amount_too_large": "The amount is more than Stripe accepts for one payment.",
    "charge_already_refunded": "This payment has already been refunded in full.",
    "amount_too_small": "The amount is below the smallest amount Stripe accepts.",
    "resource_missing": "Stripe does not know this payment any more.",
}

#: Sentences that depend on the call: the same code means something else on a refund.
CALL_MESSAGES: dict[tuple[str, str], str] = {
    ("refund", "amount_too_large"): "That refund is larger than what is left of the payment.",
}

# Stripe's 403 to a restricted key: "... Having the 'rak_charge_read' permission would
# allow this request to continue." (quotes have been seen with and without).
_PERMISSION_RE = re.compile(r"Having the '?(rak_[a-z0-9_]+)'? permission")

NETWORK = "Cannot reach Stripe right now. Check the connection; the app keeps trying."
RATE_LIMITED = "Stripe is busy right now. The app will try again in a moment."
SERVER = "Stripe had a problem with this request. It is safe to try again."
AUTH = "Stripe did not accept the API key. Check the key in Settings."
IDEMPOTENCY = (
    "Stripe refused a repeated request that did not match the first one. Nothing was charged "
    "twice; please contact support."
)


def decline_reason(decline_code: str | None) -> str | None:
    """The bank's reason for a decline in plain words, or None when Stripe gives none.

    A code this table does not know yet is still shown, spelled out ("card_expired_x" →
    "card expired x"), so staff see what Stripe said rather than nothing.
    """
    if not decline_code:
        return None
    if decline_code in DECLINE_REASONS:
        return DECLINE_REASONS[decline_code]
    return decline_code.replace("_", " ").strip() or None


def card_message(
    code: str | None, decline_code: str | None = None, stripe_message: str | None = None
) -> str:
    """One sentence for a card error: "Your card was declined: insufficient funds."

    ``code`` is Stripe's error code, ``decline_code`` the bank's reason (only added to
    ``card_declined``; other codes already say what is wrong); ``stripe_message`` is used
    when the code is unknown.
    """
    if code and code not in CARD_MESSAGES and code in DECLINE_REASONS:
        # Some errors carry the bank's reason as the code itself (e.g. insufficient_funds).
        code, decline_code = "card_declined", decline_code or code
    base = CARD_MESSAGES.get(code or "")
    if base is None:
        text = (stripe_message or "").strip()
        return _sentence(text) if text else f"{CARD_FALLBACK}."
    reason = decline_reason(decline_code) if code == "card_declined" else None
    return f"{base}: {reason}." if reason else f"{base}."


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def request_message(code: str | None, call: str | None = None) -> str | None:
    """The sentence for an ``invalid_request_error`` code on this kind of call, if known."""
    if not code:
        return None
    return CALL_MESSAGES.get((call or "", code)) or REQUEST_MESSAGES.get(code)


def missing_permission(stripe_message: str | None) -> str | None:
    """The permission id (``rak_…``) Stripe's 403 names, or None when it names none."""
    match = _PERMISSION_RE.search(stripe_message or "")
    return match.group(1) if match else None
