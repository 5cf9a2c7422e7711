"""Every tunable and every guess about Stripe's behaviour, in one place.

Items marked UNCONFIRMED are choices made where Stripe's documentation, changelog and SDK
source did not settle the question. Change them here, nowhere else, when better evidence
turns up; the tests read these constants instead of repeating literals.
"""

from __future__ import annotations

import re
from typing import Final

# -- Versions ---------------------------------------------------------------------------

#: The version stripe-python 16.1.0 pins; echoed when a request names none.
DEFAULT_API_VERSION: Final = "2026-10-28.endive"

# -- API keys ---------------------------------------------------------------------------

#: Secret and restricted test-mode keys are accepted; the rest of the key is not checked
#: because the sandbox has one account and no secrets of its own.
ACCEPTED_KEY_PREFIXES: Final = ("sk_test_", "rk_test_")

#: Prefix kept visible when a rejected key is quoted back; everything else except the last
#: four characters becomes ``*`` (Stripe quotes ``sk_live_********1234`` this way).
KEY_PREFIX_RE: Final = re.compile(r"^(?:sk|rk|pk)_(?:test|live)_")
KEY_VISIBLE_SUFFIX: Final = 4

# -- Timing -----------------------------------------------------------------------------

#: Seconds a refund stays ``pending`` before it becomes ``succeeded``. Real card refunds
#: succeed almost at once in test mode; a short pending phase lets the app exercise its
#: "refund in flight" state.
REFUND_SETTLE_SECONDS: Final = 1.0

#: How often the server's background task looks for sessions to expire and refunds to
#: settle. Reads also settle lazily, so this only matters for event consumers.
SWEEP_INTERVAL_SECONDS: Final = 0.25

#: Checkout Session lifetime bounds (facts sheet).
SESSION_MIN_LIFETIME_SECONDS: Final = 30 * 60
SESSION_MAX_LIFETIME_SECONDS: Final = 24 * 60 * 60
SESSION_DEFAULT_LIFETIME_SECONDS: Final = 24 * 60 * 60

#: Idempotency keys are kept this long (Stripe: "at least 24 hours"). UNCONFIRMED exact
#: retention; 24 h matches the documented minimum so the app cannot rely on more.
IDEMPOTENCY_TTL_SECONDS: Final = 24 * 60 * 60
IDEMPOTENCY_KEY_MAX_LENGTH: Final = 255

# -- Idempotency ------------------------------------------------------------------------

#: Stripe saves the result once "an API endpoint began execution": business-rule errors
#: (``charge_already_refunded``, expiring a closed session, ...) are replayed like
#: successes, while parameter validation errors are not saved. UNCONFIRMED where the line
#: falls for lookups of missing objects; we treat ``resource_missing`` as executed.
STORE_BUSINESS_ERRORS: Final = True

# -- Fees and balance -------------------------------------------------------------------

#: Fee model: 2.9 % + 30 minor units, computed in integers, rounded half up.
FEE_PERCENT_TENTHS: Final = 29  # 2.9 % expressed in tenths of a percent
FEE_FIXED_MINOR: Final = 30

#: Funds are reported ``available`` immediately (real accounts wait days). Keeps balance
#: transactions static so their JSON never changes after creation.
BALANCE_STATUS: Final = "available"

#: Refunds do not give the processing fee back (Stripe's standard pricing): a refund's
#: balance transaction has ``fee: 0`` and ``net: -amount``.

# -- Checkout ---------------------------------------------------------------------------

#: Modes the sandbox implements; others are valid Stripe values but return a 400.
SUPPORTED_MODES: Final = ("payment",)
#: ``ui_mode`` values the sandbox implements (the API version it speaks renamed ``hosted``
#: to ``hosted_page``, which is also the default).
SUPPORTED_UI_MODES: Final = ("hosted_page",)
#: ``code`` of the 400 for a parameter (or enum value) Stripe accepts but the sandbox does
#: not implement. Stripe has no such error, so no Stripe code is borrowed: ``None``, like
#: Stripe's own messages about malformed parameters.
UNSUPPORTED_PARAMETER_CODE: Final[str | None] = None
MAX_LINE_ITEMS: Final = 100

#: ``success_url`` may be omitted: Checkout then shows its own confirmation page.
#: UNCONFIRMED for every API version; accepting both ways is the lenient choice.
SUCCESS_URL_REQUIRED: Final = False

#: Stripe sends no event when a Checkout Session is created.
EVENT_ON_SESSION_CREATE: Final = False

#: Currencies are accepted in any case and stored lowercase, as Stripe does.
NORMALISE_CURRENCY_CASE: Final = True

#: ``expire`` on a session that is not open: 400 invalid_request_error. UNCONFIRMED code;
#: the message is the one Stripe sends.
EXPIRE_NOT_OPEN_CODE: Final[str | None] = None

#: When a session expires with a PaymentIntent left over from a failed attempt, that
#: PaymentIntent is canceled. UNCONFIRMED reason value.
EXPIRED_SESSION_PI_CANCELLATION_REASON: Final = "expired"

#: PaymentIntents created by Checkout. Newer API versions default to automatic_async.
PAYMENT_INTENT_CAPTURE_METHOD: Final = "automatic_async"

# -- Card attempts ----------------------------------------------------------------------

# Card attempts (implemented in payments.py; recorded here as the choice it is):
# as in Stripe, the PaymentIntent is created when the customer first submits a card that
# passes the form's own checks; a decline leaves it ``requires_payment_method`` with
# ``last_payment_error`` and a failed Charge (events charge.failed and
# payment_intent.payment_failed), the session stays ``open`` with its ``payment_intent``
# set, and the next attempt reuses the same PaymentIntent. Numbers that fail the Luhn
# check (4242 4242 4242 4241) never reach the server with Stripe.js, so here too they are
# a field error ("Your card number is incorrect.") and create nothing. A failed 3-D Secure
# challenge creates no Charge. The cardholder name and e-mail are optional.

#: Luhn-valid numbers that are not test cards: Stripe's test mode declines real cards
#: with ``card_declined`` / ``test_mode_live_card``. We do the same instead of letting any
#: number succeed, so a typo never looks like a successful payment.
UNKNOWN_CARD_DECLINE_CODE: Final = "test_mode_live_card"

#: Success emits events in the order Stripe usually sends them.
SUCCESS_EVENT_ORDER: Final = (
    "charge.succeeded",
    "payment_intent.succeeded",
    "checkout.session.completed",
)
#: ``payment_intent.created`` is sent when the first attempt creates the PaymentIntent.
EMIT_PAYMENT_INTENT_CREATED: Final = True

# -- Receipts ---------------------------------------------------------------------------

#: ``payment_intent_data[receipt_email]`` of a Checkout Session becomes the PaymentIntent's
#: ``receipt_email`` (documented), and ``POST /v1/payment_intents/{id}`` with
#: ``receipt_email`` on a succeeded PaymentIntent is how Stripe is asked to send the
#: receipt after the payment (documented: "update the PaymentIntent's receipt_email").
#: Stripe's test mode sends no receipt e-mails (except to the account's own verified
#: addresses); the sandbox never sends mail: it logs one "would send" line per receipt
#: (address masked) and keeps the sends in the PaymentIntent's internal record.
#: The charge's ``receipt_email`` takes the PaymentIntent's when the payment succeeds or
#: when it is set afterwards (UNCONFIRMED; Stripe documents the field as "the address the
#: receipt for this charge was sent to"). Without one, the charge keeps the e-mail typed on
#: the payment page, as before.
RECEIPT_EMAIL_COPIED_TO_CHARGE: Final = True
#: Setting ``receipt_email`` to the address it already has sends the receipt again.
#: UNCONFIRMED: Stripe documents sending on update, not whether an unchanged value counts.
RECEIPT_RESENT_ON_SAME_EMAIL: Final = True
#: ``charge.receipt_number`` is assigned when a receipt is sent; test mode sends none, so it
#: stays ``null`` (documented: "null until a receipt has been sent").
#: ``description``, ``metadata`` and ``receipt_email`` may be updated in every status.
#: UNCONFIRMED: Stripe refuses some updates of canceled PaymentIntents.
#: Updating a PaymentIntent emits no event (Stripe has no ``payment_intent.updated``);
#: UNCONFIRMED whether the charge's changed ``receipt_email`` sends ``charge.updated``.

# -- Refunds ----------------------------------------------------------------------------

#: Over-refund. UNCONFIRMED code (Stripe's message is known, the code less so).
REFUND_TOO_LARGE_CODE: Final = "amount_too_large"
REFUND_ALREADY_REFUNDED_CODE: Final = "charge_already_refunded"
#: Refund on a PaymentIntent without a successful charge. UNCONFIRMED code.
REFUND_UNPAID_CODE: Final = "charge_not_refundable"
#: Pending refunds count against the refundable amount at once (so two quick refunds can
#: never exceed the charge), but ``charge.amount_refunded`` only grows when a refund
#: succeeds. UNCONFIRMED: real Stripe may count pending refunds in amount_refunded too.
PENDING_REFUNDS_RESERVE_AMOUNT: Final = True
REFUND_REASONS: Final = ("duplicate", "fraudulent", "requested_by_customer")

# -- Metadata ---------------------------------------------------------------------------

METADATA_MAX_KEYS: Final = 50
METADATA_KEY_MAX_LENGTH: Final = 40
METADATA_VALUE_MAX_LENGTH: Final = 500

# -- Lists ------------------------------------------------------------------------------

LIST_DEFAULT_LIMIT: Final = 10
LIST_MAX_LIMIT: Final = 100
EVENT_TYPES_MAX: Final = 20

# -- Amounts ----------------------------------------------------------------------------

MAX_AMOUNT_MINOR: Final = 99_999_999

#: Minimum charge per currency in minor units (facts sheet).
MINIMUM_AMOUNTS: Final[dict[str, int]] = {
    "usd": 50,
    "eur": 50,
    "aud": 50,
    "cad": 50,
    "chf": 50,
    "nzd": 50,
    "sgd": 50,
    "gbp": 30,
    "jpy": 50,
    "dkk": 250,
    "nok": 300,
    "sek": 300,
    "mxn": 1000,
    "hkd": 400,
}
#: Fallback minimum for currencies missing above, by number of decimals. UNCONFIRMED:
#: Stripe's real rule is "the equivalent of 0.50 USD" in the settlement currency.
DEFAULT_MINIMUM_BY_EXPONENT: Final[dict[int, int]] = {0: 50, 2: 50, 3: 500}

# -- Rate limiting ----------------------------------------------------------------------

#: Test-mode limit per second for reads and for writes, when rate limiting is switched on
#: (``create_app(rate_limit_per_second=...)``). Off by default so local runs never fail on
#: bursts; the number is what Stripe documents for test mode.
TEST_MODE_RATE_LIMIT: Final = 25

# -- Presentation -----------------------------------------------------------------------

DEFAULT_BUSINESS_NAME: Final = "Sandbox Business"
STATEMENT_DESCRIPTOR_MAX: Final = 22

# -- Refund failures (sandbox trigger) ----------------------------------------------------

#: A refund created with ``metadata[sandbox_refund_outcome]`` set to one of
#: :data:`REFUND_OUTCOMES` settles that way instead of succeeding: ``fail`` fails with
#: :data:`REFUND_DEFAULT_FAILURE_REASON`, a Stripe ``failure_reason`` value fails with that
#: reason, ``succeed`` (or no key) succeeds. Metadata, not a magic amount, because amounts
#: matter to the app. Any other value is a 400 so a typo never passes silently.
REFUND_OUTCOME_METADATA_KEY: Final = "sandbox_refund_outcome"
#: Stripe's ``refund.failure_reason`` enum (stripe-python 16.1.0 ``Refund.failure_reason``).
REFUND_FAILURE_REASONS: Final = (
    "charge_for_pending_refund_disputed",
    "declined",
    "expired_or_canceled_card",
    "insufficient_funds",
    "lost_or_stolen_card",
    "merchant_request",
    "unknown",
)
REFUND_DEFAULT_FAILURE_REASON: Final = "lost_or_stolen_card"
REFUND_OUTCOMES: Final = ("succeed", "fail", *REFUND_FAILURE_REASONS)
#: A failing refund goes ``pending`` → ``failed`` after the usual settle delay and emits
#: these events in this order. UNCONFIRMED order; ``charge.refund.updated`` is deprecated
#: and never sent. No balance transaction was booked for the pending refund (the sandbox
#: books refunds when they succeed), so ``failure_balance_transaction`` stays null and the
#: charge's ``amount_refunded`` never moves; the reserved amount is released at once.
REFUND_FAILED_EVENT_ORDER: Final = ("refund.updated", "refund.failed")
#: ``destination_details.card.reference_status`` of a failed card refund. UNCONFIRMED.
REFUND_FAILED_REFERENCE_STATUS: Final = "unavailable"

# -- Webhooks ---------------------------------------------------------------------------

#: Stripe allows this many webhook endpoints per account (16). UNCONFIRMED for sandboxes.
WEBHOOK_ENDPOINTS_MAX: Final = 16
#: Prefixes of the ids and secrets Stripe issues.
WEBHOOK_ENDPOINT_ID_PREFIX: Final = "we"
WEBHOOK_SECRET_PREFIX: Final = "whsec_"
WEBHOOK_SECRET_RANDOM_LENGTH: Final = 32
#: Endpoint URLs: Stripe requires public https URLs in live mode; the sandbox accepts http
#: too, since receivers under test listen on 127.0.0.1.
WEBHOOK_URL_SCHEMES: Final = ("http", "https")
#: ``enabled_events`` entries: ``*`` or an event type name. Stripe checks names against
#: its list of ~250 types; the sandbox only checks the shape. UNCONFIRMED leniency.
WEBHOOK_EVENT_NAME_RE: Final = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)+)$")
#: Events are always rendered at the account's version; an endpoint's ``api_version`` is
#: stored and shown but does not change the payload.
#: The signature header carries one ``v1`` HMAC-SHA256 signature and no ``v0``.
WEBHOOK_USER_AGENT: Final = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
WEBHOOK_CONTENT_TYPE: Final = "application/json; charset=utf-8"
#: Delivery attempts: the first right away, then after RETRY_BASE × 2^(n-1) seconds, capped
#: at RETRY_MAX, MAX_ATTEMPTS attempts in all (Stripe test mode retries "three times over a
#: few hours", live mode for three days; the sandbox is quicker so failures show up in a
#: test run). Delays are on the sandbox clock, so advancing it makes retries due at once.
WEBHOOK_RETRY_BASE_SECONDS: Final = 1.0
WEBHOOK_RETRY_MAX_SECONDS: Final = 60.0
WEBHOOK_MAX_ATTEMPTS: Final = 8
#: A receiver must answer within this many seconds; 2xx is success, anything else
#: (redirects included: Stripe does not follow them) is a failed attempt.
WEBHOOK_TIMEOUT_SECONDS: Final = 10.0
#: Parallel deliveries (each a worker thread) and how often the dispatcher looks for due
#: deliveries when nothing woke it.
WEBHOOK_CONCURRENCY: Final = 4
WEBHOOK_POLL_SECONDS: Final = 0.2
#: ``pending_webhooks`` counts endpoints the event has not yet reached with a 2xx; it
#: drops on success, and also when a delivery is abandoned because its endpoint was
#: disabled or deleted, but not when retries run out (Stripe keeps counting those).
#: How many characters of a failing receiver's response body are kept in the attempt log.
WEBHOOK_ERROR_EXCERPT: Final = 200

# -- Test controls and fault injection ----------------------------------------------------

#: Mount point of the test controls (only with ``enable_controls=True``).
CONTROLS_PREFIX: Final = "/_sandbox"
#: Faults apply to paths under this prefix unless a rule names another; ``/_sandbox`` and
#: ``/healthz`` are never faulted.
FAULT_DEFAULT_PATH_PREFIX: Final = "/v1/"
FAULT_KINDS: Final = ("latency", "api_error", "rate_limit", "lock_timeout", "connection_reset")
FAULT_PHASES: Final = ("before", "after")
#: A fault *before* the request is applied leaves no trace: nothing changes and no result
#: is saved against the Idempotency-Key, so a retry with the same key executes afresh.
#: A fault *after* it was applied loses the response but keeps the change. Of those, an
#: injected 500 replaces the saved result (Stripe saves 500s too: a replay answers the same
#: 500); a 429 or a reset leaves the real result saved, so a replay returns it.
FAULT_AFTER_500_REPLACES_SAVED_RESULT: Final = True
#: ``Stripe-Should-Retry`` on injected errors (``None``: header absent). stripe-python
#: notes Stripe usually sends ``false`` with a 500 whose result was saved; lock timeouts
#: ask for a retry. UNCONFIRMED.
FAULT_SHOULD_RETRY: Final[dict[tuple[str, str], str | None]] = {
    ("api_error", "before"): None,
    ("api_error", "after"): "false",
    ("rate_limit", "before"): None,
    ("rate_limit", "after"): None,
    ("lock_timeout", "before"): "true",
    ("lock_timeout", "after"): "true",
}
#: Bodies of injected errors, as Stripe words them.
FAULT_API_ERROR_MESSAGE: Final = "An unknown error occurred"
FAULT_RATE_LIMIT_MESSAGE: Final = (
    "Request rate limit exceeded. Learn more about rate limits here "
    "https://stripe.com/docs/rate-limits."
)
FAULT_LOCK_TIMEOUT_MESSAGE: Final = (
    "This object cannot be accessed right now because another API request or Stripe "
    "process is currently accessing it. If you see this error intermittently, retry the "
    "request. If you see this error frequently and are making multiple concurrent requests "
    "to a single object, make your requests serially or at a lower rate. See "
    "https://stripe.com/docs/rate-limits for more information."
)
#: Injected responses carry this header (value ``kind; when=phase``) so a test can tell
#: an injected error from a real one. Stripe sends no such header.
FAULT_MARKER_HEADER: Final = "Sandbox-Fault"
#: A reset closes the TCP connection with SO_LINGER 0 (an RST) and no response bytes.
FAULT_RESET_WITH_RST: Final = True

# -- Clock --------------------------------------------------------------------------------

#: The sandbox clock is the wall clock (or an injected one) plus an offset that
#: ``POST /_sandbox/clock/advance`` grows. The offset is kept in the database, so time
#: never runs backwards across restarts, and it only moves forwards.
#: Every response's ``Date`` header is the sandbox clock (the app estimates its skew from
#: it), so the server is started with uvicorn's own Date header switched off.
CLOCK_OFFSET_META_KEY: Final = "clock_offset"
