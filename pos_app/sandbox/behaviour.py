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

# -- Restricted keys --------------------------------------------------------------------

#: ``POST /_sandbox/restricted_keys`` makes an ``rk_test_…`` key holding only the given
#: permissions (Stripe's ids, as its key form takes them). Any other ``rk_test_`` key
#: keeps full access, as before, so hand-typed test keys still work.
#: The permission each endpoint needs: Stripe's "API permissions reference" for the rows
#: it lists (checkout_session, payment_intent, charge, refund, event, webhook).
#: UNCONFIRMED for balance transactions: Stripe's key form has "Balance" and "Balance
#: transaction sources" rows and no "Balance transactions" one; the sandbox asks for
#: ``rak_balance_transaction_source_read`` (which includes ``rak_balance_read``). A real
#: run with a key holding only ``rak_balance_read`` would settle it.
ENDPOINT_PERMISSIONS: Final[dict[str, str]] = {
    "POST /v1/checkout/sessions": "rak_checkout_session_write",
    "GET /v1/checkout/sessions": "rak_checkout_session_read",
    "GET /v1/checkout/sessions/{id}": "rak_checkout_session_read",
    "POST /v1/checkout/sessions/{id}/expire": "rak_checkout_session_write",
    "GET /v1/checkout/sessions/{id}/line_items": "rak_checkout_session_read",
    "POST /v1/customers": "rak_customer_write",
    "GET /v1/customers/{id}": "rak_customer_read",
    "POST /v1/customers/{id}": "rak_customer_write",
    "GET /v1/payment_intents/{id}": "rak_payment_intent_read",
    "POST /v1/payment_intents/{id}": "rak_payment_intent_write",
    "GET /v1/charges": "rak_charge_read",
    "GET /v1/charges/{id}": "rak_charge_read",
    "GET /v1/balance_transactions": "rak_balance_transaction_source_read",
    "GET /v1/balance_transactions/{id}": "rak_balance_transaction_source_read",
    "POST /v1/refunds": "rak_refund_write",
    "GET /v1/refunds": "rak_refund_read",
    "GET /v1/refunds/{id}": "rak_refund_read",
    "GET /v1/events": "rak_event_read",
    "GET /v1/events/{id}": "rak_event_read",
    "POST /v1/webhook_endpoints": "rak_webhook_write",
    "GET /v1/webhook_endpoints": "rak_webhook_read",
    "GET /v1/webhook_endpoints/{id}": "rak_webhook_read",
    "POST /v1/webhook_endpoints/{id}": "rak_webhook_write",
    "DELETE /v1/webhook_endpoints/{id}": "rak_webhook_write",
}
#: Permissions that include others (Write includes Read of the same resource, always).
#: From Stripe's permissions reference: Checkout Sessions include PaymentIntents Read;
#: Balance transaction sources include Balance Read.
PERMISSION_IMPLIES: Final[dict[str, tuple[str, ...]]] = {
    "rak_checkout_session_read": ("rak_payment_intent_read",),
    "rak_balance_transaction_source_read": ("rak_balance_read",),
}
#: Permissions are checked before parameters and before the object is looked up, as
#: Stripe does (a key with the permission gets ``resource_missing`` for a made-up id,
#: one without it the 403). Expanded objects are not checked (UNCONFIRMED: Stripe asks
#: for a permission per expanded object type).
#: The 403 is an ``invalid_request_error`` without a code, worded as Stripe words it
#: (the account id is the sandbox's own, made up).
PERMISSION_DENIED_MESSAGE: Final = (
    "The provided key '{key}' does not have the required permissions for this endpoint "
    "on account '{account}'. Having the '{permission}' permission would allow this request "
    "to continue."
)
SANDBOX_ACCOUNT_ID: Final = "acct_1SandboxPosApp0000"

# -- Timing -----------------------------------------------------------------------------

#: Seconds until the second half of an asynchronous refund test card's refund: pending →
#: succeeded (4000000000007726) or succeeded → failed (4000000000005126). Stripe says "some
#: time later" (https://docs.stripe.com/testing#refunds); every other card's refund is
#: ``succeeded`` in the create response and never changes, as at Stripe.
REFUND_SETTLE_SECONDS: Final = 1.0

#: How often the server's background task looks for sessions to expire and refunds to
#: settle. Reads also settle lazily, so this only matters for event consumers.
SWEEP_INTERVAL_SECONDS: Final = 0.25

#: Checkout Session lifetime bounds (facts sheet): ``expires_at`` at least 30 minutes and
#: *less than* 24 hours after creation, so exactly 24 h is refused ("must be less than 24
#: hours from Checkout Session creation"). The default, when none is sent, is 24 h.
SESSION_MIN_LIFETIME_SECONDS: Final = 30 * 60
#: Exclusive bound: ``expires_at - created`` must be below this.
SESSION_MAX_LIFETIME_SECONDS: Final = 24 * 60 * 60
SESSION_DEFAULT_LIFETIME_SECONDS: Final = 24 * 60 * 60

#: Idempotency keys are kept this long. Settled: Stripe "can remove keys from the system
#: automatically after they're at least 24 hours old" (https://docs.stripe.com/idempotency);
#: keeping exactly the documented minimum means the app cannot come to rely on more.
IDEMPOTENCY_TTL_SECONDS: Final = 24 * 60 * 60
IDEMPOTENCY_KEY_MAX_LENGTH: Final = 255

# -- Idempotency ------------------------------------------------------------------------

#: Stripe saves the result once "an API endpoint began execution": business-rule errors
#: (``charge_already_refunded``, expiring a closed session, ...) are replayed like
#: successes, while parameter validation errors are not saved. Settled for those: "We save
#: results only after the execution of an endpoint begins. If incoming parameters fail
#: validation, or the request conflicts with another that's executing concurrently, we
#: don't save the idempotent result" (https://docs.stripe.com/idempotency). UNCONFIRMED
#: where the line falls for a missing object named in the body (we treat
#: ``resource_missing`` as executed); settled by sending ``POST /v1/refunds`` with
#: ``payment_intent=pi_missing`` twice with one key in test mode and looking for
#: ``Idempotent-Replayed: true`` on the second answer.
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

#: A hosted (``ui_mode=hosted_page``, the default) session needs ``success_url``: without it
#: Stripe answers 400 "Missing required param: success_url." (param ``success_url``).
#: Evidence: Stripe's API reference has documented it as required for hosted Checkout
#: ("Required unless ui_mode is embedded", earlier plainly "required"); the guide "Customize
#: redirect behavior" (docs.stripe.com/payments/checkout/custom-success-page) says a hosted
#: integration redirects to the success page you host, and every create example sends it.
#: stripe-python 16.1 types it ``NotRequired`` because its TypedDicts cannot say "required
#: for one ui_mode". Whether the pinned 2026-10-28 version still refuses its absence is not
#: confirmed by a live call: run tests/contract/test_return_urls_contract.py with
#: STRIPE_TEST_SECRET_KEY to settle it. Strict is the safe side: the app always sends one.
SUCCESS_URL_REQUIRED: Final = True

#: Stripe sends no event when a Checkout Session is created.
EVENT_ON_SESSION_CREATE: Final = False

#: Currencies are accepted in any case and stored lowercase, as Stripe does.
NORMALISE_CURRENCY_CASE: Final = True

#: ``expire`` on a session that is not open: 400 invalid_request_error with Stripe's
#: message, settled from a real answer quoted in
#: https://github.com/Sylius/PayumStripePlugin/issues/70 ('Only Checkout Sessions with a
#: status in ["open"] can be expired. This Checkout Session has a status of `expired`.').
#: UNCONFIRMED code (that report shows none); settled by expiring a session twice in test
#: mode and reading ``error.code``.
EXPIRE_NOT_OPEN_CODE: Final[str | None] = None

#: When a session expires with a PaymentIntent left over from a failed attempt, that
#: PaymentIntent is canceled. UNCONFIRMED reason value: stripe 16.1 lists ``expired``
#: among the reasons "generated by Stripe internally" (``PaymentIntent.cancellation_reason``)
#: without saying when. Settled by declining a card on a test-mode session, expiring the
#: session and reading its PaymentIntent.
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
#: Stripe's test mode emails receipts only to the account's verified team members; the
#: sandbox never sends mail: it logs one "would send" line per receipt
#: (address masked) and keeps the sends in the PaymentIntent's internal record.
#: The charge's ``receipt_email`` takes the PaymentIntent's when the payment succeeds or
#: when it is set afterwards (UNCONFIRMED; Stripe documents the field as "the address the
#: receipt for this charge was sent to"; settled by setting ``receipt_email`` on a paid
#: test-mode PaymentIntent and reading its charge). Without one, the charge keeps the
#: e-mail typed on the payment page, as before.
RECEIPT_EMAIL_COPIED_TO_CHARGE: Final = True
#: Setting ``receipt_email`` to the address it already has sends the receipt again.
#: UNCONFIRMED: Stripe documents sending on update, not whether an unchanged value counts
#: (only the customer's inbox in live mode, or the Dashboard's receipt history, can tell).
RECEIPT_RESENT_ON_SAME_EMAIL: Final = True
#: ``charge.receipt_number`` is assigned when a receipt is sent; the sandbox sends none, so
#: it stays ``null`` (documented: "null until a receipt has been sent").
#: ``description``, ``metadata`` and ``receipt_email`` may be updated in every status.
#: UNCONFIRMED: Stripe refuses some updates of canceled PaymentIntents (settled by updating
#: the metadata of a canceled test-mode PaymentIntent). Updating a PaymentIntent emits no
#: event (Stripe has no ``payment_intent.updated``); UNCONFIRMED whether the charge's
#: changed ``receipt_email`` sends ``charge.updated`` (settled by listing events after the
#: receipt-email update above).

# -- Refunds ----------------------------------------------------------------------------

#: Over-refund: 400 ``invalid_request_error``, ``param: amount``, Stripe's message and no
#: ``code``. Settled from a first-hand report of Stripe's answer ("ex.code is empty,
#: ex.param is amount", https://github.com/edx/commerce-coordinator/pull/360); the
#: facts sheet had guessed ``amount_too_large``. The contract test checks it with a key.
REFUND_TOO_LARGE_CODE: Final[str | None] = None
REFUND_ALREADY_REFUNDED_CODE: Final = "charge_already_refunded"
#: Refund on a PaymentIntent without a successful charge. UNCONFIRMED code (Stripe's error
#: codes list ``charge_not_refundable``; whether this case uses it is settled by refunding a
#: test-mode PaymentIntent left ``requires_payment_method`` by a declined card).
REFUND_UNPAID_CODE: Final = "charge_not_refundable"
#: Pending refunds count against the refundable amount at once (so two quick refunds can
#: never exceed the charge), but ``charge.amount_refunded`` only grows when a refund
#: succeeds. UNCONFIRMED: real Stripe may count pending refunds in amount_refunded too;
#: settled by refunding a test-mode payment made with ``pm_card_pendingRefund`` (card
#: 4000000000007726) and reading the charge at once.
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

#: Minimum charge per currency in minor units: Stripe's table "Minimum and maximum charge
#: amounts" (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts), for
#: charges settled in the same currency. Pinned in tests/sandbox/test_currency_rules.py.
MINIMUM_AMOUNTS: Final[dict[str, int]] = {
    "usd": 50,
    "aed": 200,
    "aud": 50,
    "bgn": 100,
    "brl": 50,
    "cad": 50,
    "chf": 50,
    "czk": 1500,
    "dkk": 250,
    "eur": 50,
    "gbp": 30,
    "hkd": 400,
    "huf": 17500,
    "inr": 50,
    "jpy": 50,
    "mxn": 1000,
    "myr": 200,
    "nok": 300,
    "nzd": 50,
    "pln": 200,
    "ron": 200,
    "sek": 300,
    "sgd": 50,
    "thb": 1000,
}
#: Fallback minimum for currencies missing above, by the API's number of decimals, rounded
#: up to a whole step (1 UGX is 100). UNCONFIRMED: Stripe's real rule is "the equivalent of
#: the settlement currency's minimum after conversion", which needs exchange rates (a real
#: account refuses 5 UGX, about 0.001 USD); settled only by a table of rates.
DEFAULT_MINIMUM_BY_EXPONENT: Final[dict[int, int]] = {0: 50, 2: 50, 3: 500}

#: ISK and UGX amounts that are not whole units (not divisible by 100). The message is the
#: one Stripe sends for a PaymentIntent ("Invalid amount. Currency UGX has become effectively
#: zero-decimal and charged amounts must be evenly divisible by 100. ...", quoted in
#: https://github.com/woocommerce/woocommerce-gateway-stripe/issues/2674). UNCONFIRMED:
#: the wording for Checkout Sessions, the ``code`` (none is quoted) and the ``param``
#: (here the line item's ``unit_amount``); a refusal with a real test key would settle them.
WHOLE_UNITS_MESSAGE: Final = (
    "Invalid amount. Currency {code} has become effectively zero-decimal and charged amounts "
    "must be evenly divisible by 100. See https://stripe.com/docs/currencies#zero-decimal "
    "for more information."
)
WHOLE_UNITS_CODE: Final[str | None] = None

# -- Rate limiting ----------------------------------------------------------------------

#: API requests a second the sandbox answers before it sends 429s: Stripe's global limit
#: for test mode and sandboxes, per account ("Global API rate limit: live mode 100 requests
#: per second, sandbox 25 requests per second", https://docs.stripe.com/rate-limits; older
#: versions of the page said 25 reads + 25 writes). The sandbox has one account, so every
#: key shares the window. On by default, as at Stripe; ``create_app(rate_limit_per_second=
#: None)`` (``--rate-limit 0``) switches it off, e.g. for a throughput bench. Stripe's
#: stricter per-endpoint limits (also 25/s) can never bite before the global one here.
TEST_MODE_RATE_LIMIT: Final = 25
#: ``type`` of the 429: Stripe answers ``invalid_request_error`` with ``code: rate_limit``
#: (seen in https://github.com/codecombat/codecombat/issues/2588; stripe-python raises
#: ``RateLimitError`` for any 429 whatever the type). Stripe sends no ``Retry-After``.
RATE_LIMIT_ERROR_TYPE: Final = "invalid_request_error"

# -- Presentation -----------------------------------------------------------------------

DEFAULT_BUSINESS_NAME: Final = "Sandbox Business"
STATEMENT_DESCRIPTOR_MAX: Final = 22

# -- Refund failures (test card 4000000000005126) ------------------------------------------

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
#: ``failure_reason`` of a refund of the "asynchronous failure" card. UNCONFIRMED: Stripe's
#: testing page names the transition, not the reason. Settled by a refund in test mode of a
#: payment made with ``pm_card_refundFail`` (the contract test does it when a key is set).
REFUND_TEST_CARD_FAILURE_REASON: Final = "lost_or_stolen_card"
#: A failing refund goes ``succeeded`` → ``failed`` after the settle delay and emits these
#: events in this order. Stripe documents ``refund.failed`` for this card; ``refund.updated``
#: too is UNCONFIRMED (it is sent for every other status change). ``charge.refund.updated``
#: is deprecated and never sent. The money comes back to the balance as a
#: ``refund_failure`` balance transaction (``failure_balance_transaction``, documented:
#: "the adjustment made on your account balance that reverses the initial balance
#: transaction"); the amount is free to refund again.
REFUND_FAILED_EVENT_ORDER: Final = ("refund.updated", "refund.failed")
#: The charge's ``amount_refunded`` drops by a failed refund's amount (and ``refunded``
#: becomes false). UNCONFIRMED: settled by reading the charge after the test above.
FAILED_REFUND_RESTORES_AMOUNT_REFUNDED: Final = True
#: ``destination_details.card.reference_status`` of a failed card refund. UNCONFIRMED
#: (the app never reads it); settled by the failing test-mode refund above.
REFUND_FAILED_REFERENCE_STATUS: Final = "unavailable"

# -- Webhooks ---------------------------------------------------------------------------

#: Stripe allows this many webhook endpoints per account. Settled: "You can register up to
#: 16 webhook endpoints with Stripe" (https://docs.stripe.com/webhooks).
WEBHOOK_ENDPOINTS_MAX: Final = 16
#: Prefixes of the ids and secrets Stripe issues.
WEBHOOK_ENDPOINT_ID_PREFIX: Final = "we"
WEBHOOK_SECRET_PREFIX: Final = "whsec_"
WEBHOOK_SECRET_RANDOM_LENGTH: Final = 32
#: Endpoint URLs: Stripe requires public https URLs in live mode; the sandbox accepts http
#: too, since receivers under test listen on 127.0.0.1.
WEBHOOK_URL_SCHEMES: Final = ("http", "https")
#: ``enabled_events`` entries: ``*`` or an event type name. Stripe checks names against
#: its list of ~250 types; the sandbox only checks the shape. UNCONFIRMED leniency
#: (settled by creating a test-mode endpoint with ``enabled_events[]=not.a_type``).
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
#: ``Stripe-Should-Retry`` on injected errors (``None``: header absent). Settled from the
#: SDK's source (stripe-python 16.1 ``HTTPClient._should_retry``): "we expect the
#: stripe-should-retry header to be false in most cases when a 500 is returned, since our
#: idempotency framework would typically replay it anyway" and the API may "advise us to
#: retry (eg; in cases of lock timeouts)". UNCONFIRMED for a 500 before execution and for
#: a 429 ``rate_limit`` (no header is the guess; only an unlucky real run would show it).
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
