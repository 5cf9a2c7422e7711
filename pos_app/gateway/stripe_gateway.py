"""The Stripe adapter: the only module that talks to the `stripe` SDK.

Returns domain snapshots, never Stripe objects, and turns every Stripe error into a domain
error whose message a front-desk person can act on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx
import stripe

from pos_app.domain import stripe_permissions
from pos_app.domain.errors import (
    CardDeclined,
    GatewayAuthError,
    GatewayPermissionError,
    GatewayRejected,
    GatewayStoredFailure,
    GatewayUnavailable,
)
from pos_app.domain.gateway_types import (
    BalanceTransactionInfo,
    ChargeDetails,
    ChargeInfo,
    CheckoutLineItemInfo,
    CheckoutRequest,
    CheckoutSessionInfo,
    CustomerRequest,
    EventInfo,
    EventPage,
    PaymentIntentInfo,
    PermissionCheck,
    RefundInfo,
    RefundRequest,
)
from pos_app.gateway import checkout_params, messages, permissions
from pos_app.gateway.backoff import BackoffHTTPClient, BackoffPolicy
from pos_app.gateway.session_info import charge_details, metadata, session_info, timestamp

log = logging.getLogger(__name__)

#: The optional permission the Customer calls need (domain/stripe_permissions.py).
CUSTOMER_WRITE = "rak_customer_write"
#: How long a refused optional permission is not asked for again: one added to the key in
#: the Dashboard is used within this long, without restarting the app.
REFUSAL_KEPT_SECONDS = 600.0
#: Open sessions a call lists (Stripe's most; a test pages with fewer).
OPEN_SESSIONS_PAGE = 100

# Pinned so the sandbox and real Stripe answer in the same shape whatever the account default.
API_VERSION = stripe.api_version


class StripeGateway:
    """Implements the domain's PaymentGateway port over ``stripe.StripeClient``."""

    def __init__(
        self,
        api_key: str,
        *,
        mode: str,
        api_base: str | None = None,
        max_network_retries: int = 2,
        timeout_seconds: float = 15.0,
        rate_limit_backoff: BackoffPolicy | None = None,
    ) -> None:
        base_addresses: Any = {"api": api_base} if api_base else None
        self._client = stripe.StripeClient(
            api_key,
            stripe_version=API_VERSION,
            base_addresses=base_addresses,
            # The SDK's default (None) means no retries at all; retries reuse the same key.
            max_network_retries=max_network_retries,
            # A short connect timeout: a front desk would rather see "offline" than wait.
            # 429s are waited out with jittered backoff (the SDK never retries them).
            http_client=BackoffHTTPClient(
                policy=rate_limit_backoff,
                timeout=httpx.Timeout(timeout_seconds, connect=4.0),
                allow_sync_methods=True,
            ),
        )
        self._mode = mode
        self._clock_offset = 0.0
        # Optional permissions Stripe refused this key, with when (time.monotonic): calls
        # that need one are refused here for a while instead of costing every card payment a
        # round trip that Stripe would refuse again; then tried again, in case it was granted.
        self._refused: dict[str, float] = {}

    @property
    def mode(self) -> str:
        """'sandbox', 'test' or 'live'."""
        return self._mode

    def server_clock_offset(self) -> float:
        """Seconds to add to the local clock to match Stripe's, from the last Date header."""
        return self._clock_offset

    # -- Checkout Sessions -------------------------------------------------------------

    def create_checkout_session(
        self, request: CheckoutRequest, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        """Open a hosted Checkout Session: one line item, or an order's (``request.lines``)."""
        params = checkout_params.session_params(request)
        with self._errors():
            obj = self._client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        self._note_date(obj)
        log.info(
            "stripe.checkout_session.created session=%s booking=%s order=%s items=%d",
            obj.id,
            request.metadata.get("booking_id"),
            request.metadata.get("order_id"),
            len(request.lines) or 1,
        )
        return session_info(obj.to_dict())

    def retrieve_checkout_session(
        self, session_id: str, *, with_last_attempt: bool = False, with_charge: bool = False
    ) -> CheckoutSessionInfo:
        """Read a session as Stripe has it now.

        ``with_last_attempt`` expands its PaymentIntent in the same call, so a declined card
        attempt (``last_payment_error``) comes back with it at no extra request.
        ``with_charge`` expands the PaymentIntent's latest charge and its balance transaction
        as well, so a paid session comes with its ``charge_details`` (one call, not two).
        """
        params: dict[str, Any] = {}
        if with_charge:
            params = {"expand": ["payment_intent.latest_charge.balance_transaction"]}
        elif with_last_attempt:
            params = {"expand": ["payment_intent"]}
        # As JSON, not StripeObjects: the sync pass reads every open session this way, in a
        # worker thread that would hold the GIL building ~350 objects each (session_info).
        with self._errors():
            response = self._client.raw_request(
                "get", f"/v1/checkout/sessions/{quote(session_id, safe='')}", **params
            )
        self._note_headers(response.headers)
        return session_info(response.data)

    def open_checkout_sessions(self, *, pages: int) -> Iterator[CheckoutSessionInfo]:
        """The account's open sessions, newest first, each with its PaymentIntent expanded
        (as ``with_last_attempt``): a page of 100 a call, at most ``pages`` calls, read as
        JSON (session_info). The full sync pass's one call instead of one read per link."""
        params: dict[str, Any] = {"status": "open", "expand": ["data.payment_intent"]}
        params["limit"] = OPEN_SESSIONS_PAGE
        for _ in range(pages):
            with self._errors():
                response = self._client.raw_request("get", "/v1/checkout/sessions", **params)
            self._note_headers(response.headers)
            found = response.data["data"]
            yield from (session_info(data) for data in found)
            if not found or not response.data["has_more"]:
                return
            params["starting_after"] = found[-1]["id"]

    def expire_checkout_session(
        self, session_id: str, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        """Close an open session so its link can no longer be paid."""
        with self._errors():
            obj = self._client.v1.checkout.sessions.expire(
                session_id, options={"idempotency_key": idempotency_key}
            )
        self._note_date(obj)
        log.info("stripe.checkout_session.expired session=%s", session_id)
        return session_info(obj.to_dict())

    def find_checkout_session(
        self, *, metadata_key: str, metadata_value: str, created_after: datetime
    ) -> CheckoutSessionInfo | None:
        """Search recent sessions for ours, when Stripe's answer to creating it was lost."""
        # Newest first, so ours is almost always on the first page; small pages keep the
        # SDK from building a hundred full sessions to look at one.
        params: dict[str, Any] = {"limit": 20, "created": {"gte": int(created_after.timestamp())}}
        with self._errors():
            for obj in self._client.v1.checkout.sessions.list(params).auto_paging_iter():  # type: ignore[arg-type]
                if metadata(obj.metadata).get(metadata_key) == metadata_value:
                    return session_info(obj.to_dict())
        return None

    def list_checkout_line_items(self, session_id: str) -> list[CheckoutLineItemInfo]:
        """A session's line items as Stripe lists them, in the order they were sent."""
        with self._errors():
            items = self._client.v1.checkout.sessions.line_items.list(session_id, {"limit": 100})
            return [_line_item(obj) for obj in items.auto_paging_iter()]

    def find_refund(
        self, *, payment_intent_id: str, metadata_key: str, metadata_value: str
    ) -> RefundInfo | None:
        """Search a PaymentIntent's refunds for ours, when the answer to creating it was lost."""
        params: dict[str, Any] = {"limit": 100, "payment_intent": payment_intent_id}
        with self._errors():
            for obj in self._client.v1.refunds.list(params).auto_paging_iter():  # type: ignore[arg-type]
                if metadata(obj.metadata).get(metadata_key) == metadata_value:
                    return _refund(obj)
        return None

    # -- Payments and refunds ----------------------------------------------------------

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntentInfo:
        """Read a PaymentIntent, for its charge id and amounts."""
        with self._errors():
            pi = self._client.v1.payment_intents.retrieve(payment_intent_id)
        charge = pi.latest_charge
        return PaymentIntentInfo(
            id=pi.id,
            status=pi.status,
            amount=pi.amount,
            amount_received=pi.amount_received,
            currency=pi.currency,
            latest_charge_id=charge if isinstance(charge, str) or charge is None else charge.id,
            metadata=metadata(pi.metadata),
        )

    def retrieve_charge_details(self, payment_intent_id: str) -> ChargeDetails:
        """One call: the PaymentIntent with its latest charge and balance transaction expanded."""
        with self._errors():
            pi = self._client.v1.payment_intents.retrieve(
                payment_intent_id, {"expand": ["latest_charge.balance_transaction"]}
            )
        return charge_details(pi.to_dict())

    def set_receipt_email(
        self, payment_intent_id: str, email: str, *, idempotency_key: str
    ) -> PaymentIntentInfo:
        """Update the PaymentIntent's ``receipt_email``; for a paid one Stripe then sends its
        receipt to that address (in test mode only if it is a verified team member's)."""
        with self._errors():
            pi = self._client.v1.payment_intents.update(
                payment_intent_id,
                {"receipt_email": email},
                options={"idempotency_key": idempotency_key},
            )
        self._note_date(pi)
        log.info("stripe.payment_intent.receipt_email_set payment_intent=%s", payment_intent_id)
        return _payment_intent_info(pi)

    def create_customer(self, request: CustomerRequest, *, idempotency_key: str) -> str:
        """Create a Stripe Customer with an email, a name and the languages its receipts
        speak (``preferred_locales``); its id ("cus_…")."""
        params = {**_customer_params(request), "metadata": dict(request.metadata)}
        options: Any = {"idempotency_key": idempotency_key}
        self._unless_refused(CUSTOMER_WRITE)
        with self._errors():
            obj = self._client.v1.customers.create(params, options=options)  # type: ignore[arg-type]
        self._note_date(obj)
        log.info("stripe.customer.created customer=%s", obj.id)
        return str(obj.id)

    def update_customer(
        self, customer_id: str, request: CustomerRequest, *, idempotency_key: str
    ) -> None:
        """Set a Stripe Customer's email, name and ``preferred_locales`` (changed at the desk)."""
        params: Any = _customer_params(request)
        options: Any = {"idempotency_key": idempotency_key}
        self._unless_refused(CUSTOMER_WRITE)
        with self._errors():
            obj = self._client.v1.customers.update(customer_id, params, options=options)
        self._note_date(obj)
        log.info("stripe.customer.updated customer=%s", customer_id)

    def create_refund(self, request: RefundRequest, *, idempotency_key: str) -> RefundInfo:
        """Ask Stripe to return money on a PaymentIntent."""
        params: dict[str, Any] = {
            "payment_intent": request.payment_intent_id,
            "amount": request.amount,
            "metadata": dict(request.metadata),
        }
        if request.reason:
            params["reason"] = request.reason
        with self._errors(call="refund"):
            obj = self._client.v1.refunds.create(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        log.info(
            "stripe.refund.created refund=%s payment_intent=%s booking=%s status=%s",
            obj.id,
            request.payment_intent_id,
            request.metadata.get("booking_id"),
            obj.status,
        )
        return _refund(obj)

    def retrieve_refund(self, refund_id: str) -> RefundInfo:
        """Read a refund as Stripe has it now."""
        with self._errors():
            obj = self._client.v1.refunds.retrieve(refund_id, {"expand": ["balance_transaction"]})
        return _refund(obj)

    # -- Events ------------------------------------------------------------------------

    def list_events(
        self, *, types: Sequence[str], ending_before: str | None, limit: int
    ) -> EventPage:
        """One page of events of the given types, newest first, newer than ``ending_before``."""
        params: dict[str, Any] = {"limit": limit, "types": list(types)}
        if ending_before:
            params["ending_before"] = ending_before
        with self._errors():
            page = self._client.v1.events.list(params)  # type: ignore[arg-type]
        self._note_date(page)
        return EventPage(events=[event_info(ev) for ev in page.data], has_more=bool(page.has_more))

    # -- Lists for reconciliation --------------------------------------------------------

    def list_charges(self, *, created_from: datetime, created_before: datetime) -> list[ChargeInfo]:
        """Every charge created in [created_from, created_before), all pages, newest first."""
        params = _created_range(created_from, created_before)
        with self._errors():
            page = self._client.v1.charges.list(params)  # type: ignore[arg-type]
            found = [_charge_info(obj) for obj in page.auto_paging_iter()]
        log.info("stripe.charges.listed count=%s", len(found))
        return found

    def list_refunds(self, *, created_from: datetime, created_before: datetime) -> list[RefundInfo]:
        """Every refund created in [created_from, created_before), all pages, newest first."""
        params = _created_range(created_from, created_before)
        with self._errors():
            page = self._client.v1.refunds.list(params)  # type: ignore[arg-type]
            found = [_refund(obj) for obj in page.auto_paging_iter()]
        log.info("stripe.refunds.listed count=%s", len(found))
        return found

    def list_balance_transactions(
        self, *, created_from: datetime, created_before: datetime
    ) -> list[BalanceTransactionInfo]:
        """Every balance transaction created in [created_from, created_before), all pages."""
        params = _created_range(created_from, created_before)
        with self._errors():
            page = self._client.v1.balance_transactions.list(params)  # type: ignore[arg-type]
            found = [_balance_transaction_info(obj) for obj in page.auto_paging_iter()]
        log.info("stripe.balance_transactions.listed count=%s", len(found))
        return found

    # -- Settings: is this key any good? ---------------------------------------------

    def check_permissions(self) -> list[PermissionCheck]:
        """Each permission the app needs, tried with a harmless call (nothing is created).

        Raises GatewayAuthError when Stripe refuses the key itself (401), GatewayUnavailable
        when Stripe cannot be reached.
        """
        return permissions.check_permissions(self._client, self._errors)

    def verify_access(self, *, restricted_note: str = "") -> str:
        """Check the key and each permission the app needs; a sentence on success.

        ``restricted_note`` (what a restricted key was checked for) follows the sentence,
        then one sentence per optional permission the key lacks: the key is still accepted.
        Raises GatewayAuthError with a sentence when Stripe refuses the key (401) or a
        restricted key lacks required permissions (naming each one); GatewayUnavailable
        when Stripe cannot be reached.
        """
        try:
            checks = self.check_permissions()
        except GatewayAuthError as err:
            raise GatewayAuthError("Stripe did not accept this key.") from err.__cause__
        lacking = [c for c in checks if not c.ok]
        missing = [stripe_permissions.permission(c.permission) for c in lacking if not c.optional]
        if missing:
            log.info(
                "stripe.key_checked mode=%s missing=%s",
                self._mode,
                ",".join(p.id for p in missing),
            )
            raise GatewayAuthError(stripe_permissions.missing_sentence(missing))
        without = [c for c in lacking if c.optional]
        if without:
            log.info(
                "stripe.key_checked mode=%s ok optional_missing=%s",
                self._mode,
                ",".join(c.permission for c in without),
            )
        else:
            log.info("stripe.key_checked mode=%s ok", self._mode)
        if self._mode == "sandbox":
            sentence = (
                "The sandbox answered: payments go to the built-in sandbox; no card is charged."
            )
        else:
            sentence = f"Stripe accepted this key: the app can work in {self._mode} mode."
        return " ".join([sentence, *filter(None, [restricted_note]), *(c.detail for c in without)])

    # -- helpers -----------------------------------------------------------------------

    def _unless_refused(self, permission_id: str) -> None:
        """GatewayPermissionError, without calling Stripe, while Stripe's refusal of the
        optional ``permission_id`` is younger than REFUSAL_KEPT_SECONDS."""
        refused = self._refused.get(permission_id)
        if refused is not None and time.monotonic() - refused < REFUSAL_KEPT_SECONDS:
            raise GatewayPermissionError(
                stripe_permissions.denied_sentence(permission_id), permission=permission_id
            )

    def _note_date(self, obj: Any) -> None:
        response = getattr(obj, "last_response", None)
        if response is not None:
            self._note_headers(response.headers)

    def _note_headers(self, headers: Any) -> None:
        date = next((v for k, v in headers.items() if k.lower() == "date"), None)
        if not date:
            return
        try:
            server = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return
        # The header has whole seconds; +0.5 centres the estimate.
        self._clock_offset = server + 0.5 - time.time()

    @contextmanager
    def _errors(self, call: str | None = None) -> Iterator[None]:
        """Stripe's errors as domain errors; ``call`` ("refund") picks sentences that depend
        on what was asked."""
        try:
            yield
        except stripe.CardError as err:
            raise CardDeclined(
                messages.card_message(err.code, _decline_code(err)),
                code=err.code,
                decline_code=_decline_code(err),
            ) from err
        except stripe.IdempotencyError as err:
            log.error("stripe.idempotency_error request=%s", err.request_id)
            raise GatewayRejected(messages.IDEMPOTENCY, code="idempotency_error") from err
        except stripe.InvalidRequestError as err:
            raise GatewayRejected(_request_message(err, call), code=err.code) from err
        except stripe.PermissionError as err:
            # A restricted key without a permission: name it, the key itself is fine.
            missing = messages.missing_permission(err.user_message)
            # An optional permission's 403 is expected and tolerated by its caller, which
            # logs the one line that says what was done without it.
            if missing and stripe_permissions.is_optional(missing):
                self._refused[missing] = time.monotonic()
            else:
                log.error(
                    "stripe.permission_denied permission=%s request=%s", missing, err.request_id
                )
            raise GatewayPermissionError(
                stripe_permissions.denied_sentence(missing), permission=missing
            ) from err
        except stripe.AuthenticationError as err:
            raise GatewayAuthError(messages.AUTH) from err
        except stripe.RateLimitError as err:
            raise GatewayUnavailable(messages.RATE_LIMITED) from err
        except stripe.APIConnectionError as err:
            raise GatewayUnavailable(messages.NETWORK) from err
        except stripe.StripeError as err:
            headers = {k.lower(): v for k, v in (err.headers or {}).items()}
            if headers.get("idempotent-replayed") == "true":
                raise GatewayStoredFailure(messages.SERVER) from err
            raise GatewayUnavailable(messages.SERVER) from err


def event_info(ev: Any) -> EventInfo:
    """The trigger part of a Stripe Event: its id, type and the object it names."""
    obj = ev.data.object.to_dict()
    return EventInfo(
        id=ev.id,
        type=ev.type,
        created=ev.created,
        object_type=str(obj.get("object", "")),
        object_id=str(obj.get("id", "")),
        metadata=metadata(obj.get("metadata")),
        payment_intent_id=_event_payment_intent(obj),
    )


def _event_payment_intent(obj: dict[str, Any]) -> str | None:
    """The ``payment_intent`` an event's charge or refund names (an id, or expanded)."""
    if obj.get("object") not in ("charge", "refund"):
        return None
    pi = obj.get("payment_intent")
    if isinstance(pi, dict):
        pi = pi.get("id")
    return pi if isinstance(pi, str) and pi else None


def _decline_code(err: stripe.CardError) -> str | None:
    error = getattr(err, "error", None)
    code = getattr(error, "decline_code", None) if error is not None else None
    return code if isinstance(code, str) else None


def _request_message(err: stripe.InvalidRequestError, call: str | None = None) -> str:
    known = messages.request_message(err.code, call)
    if known is not None:
        return known
    text = err.user_message or "Stripe refused the request."
    return text if text.endswith(".") else text + "."


def _line_item(obj: Any) -> CheckoutLineItemInfo:
    return CheckoutLineItemInfo(
        name=obj.description,
        quantity=obj.quantity,
        unit_amount=obj.price.unit_amount,
        amount_subtotal=obj.amount_subtotal,
        amount_total=obj.amount_total,
        currency=obj.currency,
    )


def _payment_intent_info(pi: Any) -> PaymentIntentInfo:
    charge = pi.latest_charge
    return PaymentIntentInfo(
        id=pi.id,
        status=pi.status,
        amount=pi.amount,
        amount_received=pi.amount_received,
        currency=pi.currency,
        latest_charge_id=charge if isinstance(charge, str) or charge is None else charge.id,
        metadata=metadata(pi.metadata),
        receipt_email=pi.receipt_email,
    )


def _created_range(created_from: datetime, created_before: datetime) -> dict[str, Any]:
    """List parameters for objects created in [from, before), 100 a page (Stripe's most)."""
    return {
        "limit": 100,
        "created": {"gte": int(created_from.timestamp()), "lt": int(created_before.timestamp())},
    }


def _id_of(value: Any) -> str | None:
    """An id field that may come expanded (an object) or not (its id)."""
    return value if isinstance(value, str) or value is None else str(value.id)


def _charge_info(obj: Any) -> ChargeInfo:
    return ChargeInfo(
        id=obj.id,
        status=obj.status,
        amount=obj.amount,
        amount_refunded=obj.amount_refunded,
        currency=obj.currency,
        payment_intent_id=_id_of(obj.payment_intent),
        balance_transaction_id=_id_of(obj.balance_transaction),
        created=timestamp(obj.created),
        metadata=metadata(obj.metadata),
    )


def _balance_transaction_info(bt: Any) -> BalanceTransactionInfo:
    return BalanceTransactionInfo(
        id=bt.id,
        type=bt.type,
        amount=bt.amount,
        fee=bt.fee,
        net=bt.net,
        currency=bt.currency,
        source_id=_id_of(bt.source),
        created=timestamp(bt.created),
    )


def _refund(obj: Any) -> RefundInfo:
    pi = obj.payment_intent
    bt: Any = getattr(obj, "balance_transaction", None)
    expanded = bt is not None and not isinstance(bt, str)
    created = getattr(obj, "created", None)
    return RefundInfo(
        charge_id=_id_of(getattr(obj, "charge", None)),
        created=timestamp(created) if isinstance(created, int) else None,
        balance_transaction_id=bt.id if expanded else bt,
        fee=bt.fee if expanded else None,
        net=bt.net if expanded else None,
        id=obj.id,
        status=obj.status,
        amount=obj.amount,
        currency=obj.currency,
        payment_intent_id=pi if isinstance(pi, str) or pi is None else pi.id,
        failure_reason=getattr(obj, "failure_reason", None),
        metadata=metadata(obj.metadata),
    )


def _customer_params(request: CustomerRequest) -> dict[str, Any]:
    return {
        "email": request.email,
        "name": request.name,
        "preferred_locales": list(request.preferred_locales),
    }
