"""Checkout Sessions: create, read, list, expire (on request or when their time is up)."""

from __future__ import annotations

import re
from typing import Any

from pos_app.sandbox import behaviour, customers, events, money, objects
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.errors import StripeError, invalid_request, param_error, resource_missing
from pos_app.sandbox.expand import expand
from pos_app.sandbox.ids import new_id
from pos_app.sandbox.listing import created_filter, cursor_from, exclusive_cursors, list_object
from pos_app.sandbox.params import ParamReader
from pos_app.sandbox.store import Record, SqlArg, Tx

JsonDict = dict[str, Any]

KIND = "checkout.session"

_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


# -- create -----------------------------------------------------------------------------


def _url(params: ParamReader, key: str) -> str | None:
    value = params.string(key, max_length=5000)
    if value is not None and not _URL_RE.match(value):
        raise param_error("Not a valid URL", code="url_invalid", param=key)
    return value


def _line_items(params: ParamReader) -> list[objects.LineItemSpec]:
    readers = params.reader_array("line_items")
    if not readers:
        raise params.missing("line_items")
    if len(readers) > behaviour.MAX_LINE_ITEMS:
        raise param_error(
            f"You may only specify up to {behaviour.MAX_LINE_ITEMS} line items in payment mode.",
            code=None,
            param="line_items",
        )
    specs: list[objects.LineItemSpec] = []
    for li in readers:
        # Which names may appear was checked by schema.check before this handler ran.
        pd = li.obj("price_data")
        if pd is None:
            raise li.missing("price_data")
        currency = pd.require("currency")
        if behaviour.NORMALISE_CURRENCY_CASE:
            currency = currency.lower()
        if currency not in money.SUPPORTED_CURRENCIES:
            raise param_error(
                f"Invalid currency: {currency}. Stripe currently supports these currencies: "
                + ", ".join(sorted(money.SUPPORTED_CURRENCIES)),
                code=None,
                param=pd.name("currency"),
            )
        product = pd.obj("product_data")
        if product is None:
            raise pd.missing("product_data")
        name = product.require("name")
        description = product.string("description", max_length=40000)
        unit_amount = pd.require_integer(
            "unit_amount", minimum=0, maximum=behaviour.MAX_AMOUNT_MINOR
        )
        quantity = li.require_integer("quantity", minimum=1, maximum=999_999)
        whole_units = currency in money.WHOLE_UNITS_IN_HUNDREDTHS
        if whole_units and unit_amount % money.amount_step(currency):
            raise param_error(
                behaviour.WHOLE_UNITS_MESSAGE.format(code=currency.upper()),
                code=behaviour.WHOLE_UNITS_CODE,
                param=pd.name("unit_amount"),
            )
        specs.append(objects.LineItemSpec(name, description, currency, unit_amount, quantity))
    return specs


def _check_amount(total: int, currency: str) -> None:
    minimum = money.minimum_amount(currency)
    if total < minimum:
        raise invalid_request(
            "The Checkout Session's total amount due must add up to at least "
            f"{money.format_amount(minimum, currency)} {currency}",
            code="amount_too_small",
            param="line_items",
            executed=False,
        )
    if total > behaviour.MAX_AMOUNT_MINOR:
        raise invalid_request(
            "The Checkout Session's total amount due must be no more than "
            f"{money.format_amount(behaviour.MAX_AMOUNT_MINOR, currency)} {currency}",
            code="amount_too_large",
            param="line_items",
            executed=False,
        )
    if currency in money.THREE_DECIMAL and total % 10:
        raise invalid_request(
            f"Amounts in {currency.upper()} must be a multiple of 10 (the last decimal "
            "digit must be 0).",
            code="invalid_amount",
            param="line_items",
            executed=False,
        )


def _expires_at(params: ParamReader, now: int) -> int:
    value = params.integer("expires_at")
    if value is None:
        return now + behaviour.SESSION_DEFAULT_LIFETIME_SECONDS
    # Compared in whole seconds against the server clock, as Stripe does: a client that
    # asks for exactly 30 minutes may land a second short.
    if value - now < behaviour.SESSION_MIN_LIFETIME_SECONDS:
        raise param_error(
            "The `expires_at` timestamp must be at least 30 minutes from Checkout Session "
            "creation.",
            code=None,
            param="expires_at",
        )
    if value - now >= behaviour.SESSION_MAX_LIFETIME_SECONDS:  # "less than 24 hours"
        raise param_error(
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            code=None,
            param="expires_at",
        )
    return value


def create(tx: Tx, ctx: Ctx, params: ParamReader) -> JsonDict:
    """``POST /v1/checkout/sessions`` (payment mode, ad-hoc ``price_data`` only)."""
    # Names and enum values (mode, ui_mode, submit_type, locale) were checked against
    # Stripe's and the sandbox's lists by schema.check before this handler ran.
    if params.string("mode") is None:
        raise params.missing("mode")
    specs = _line_items(params)
    currency = specs[0].currency
    for i, spec in enumerate(specs):
        if spec.currency != currency:
            raise param_error(
                "All line items must use the same currency.",
                code=None,
                param=f"line_items[{i}][price_data][currency]",
            )
    session_currency = params.string("currency")
    if session_currency is not None and session_currency.lower() != currency:
        raise param_error(
            f"The currency ({session_currency}) does not match the line items' currency "
            f"({currency}).",
            code=None,
            param="currency",
        )
    total = sum(s.amount for s in specs)
    _check_amount(total, currency)
    expires_at = _expires_at(params, ctx.ts)
    metadata = params.metadata() or {}
    pi_data: JsonDict = {"metadata": {}, "description": None, "receipt_email": None}
    pid = params.obj("payment_intent_data")
    if pid is not None:
        pi_data = {
            "metadata": pid.metadata() or {},
            "description": pid.string("description", max_length=1000),
            # Copied onto the PaymentIntent; its receipt "would be sent" when it succeeds.
            "receipt_email": pid.email("receipt_email"),
        }
    success_url = _url(params, "success_url")
    if success_url is None and behaviour.SUCCESS_URL_REQUIRED:
        raise params.missing("success_url")
    cancel_url = _url(params, "cancel_url")
    # Each value was enum-checked by schema.check (card is the one the sandbox implements);
    # Stripe echoes the list on the session, null when it was not sent.
    allowed_types = params.string_array("allowed_payment_method_types") or None
    customer_email = params.email("customer_email")
    customer = _customer(tx, params, customer_email)
    client_reference_id = params.string("client_reference_id", max_length=200)
    submit_type = params.string("submit_type")
    locale = params.string("locale")
    to_expand = params.expand()

    session_id = new_id("cs_test")
    body = objects.checkout_session(
        session_id=session_id,
        created=ctx.ts,
        expires_at=expires_at,
        url=ctx.page_url(session_id),
        currency=currency,
        amount=total,
        metadata=metadata,
        success_url=success_url,
        cancel_url=cancel_url,
        allowed_payment_method_types=allowed_types,
        customer_email=customer_email,
        client_reference_id=client_reference_id,
        submit_type=submit_type,
        locale=locale,
    )
    body["customer"] = None if customer is None else customer.id
    internal = {
        "line_items": [objects.line_item(s, ctx.ts) for s in specs],
        # Each item's product description, for the hosted page only: Stripe's ``item``
        # carries the product's name as its ``description``, not this.
        "product_descriptions": [s.description for s in specs],
        "payment_intent_data": pi_data,
        # The Customer's email as the session was made: Checkout fills it in, not editable.
        "customer_email": None if customer is None else customer.body.get("email"),
    }
    rec = Record(session_id, KIND, ctx.ts, body, internal, due=float(expires_at))
    tx.insert(rec)
    if behaviour.EVENT_ON_SESSION_CREATE:
        events.emit(tx, ctx, "checkout.session.created", body)
    return expand(tx, body, to_expand)


def _customer(tx: Tx, params: ParamReader, customer_email: str | None) -> Record | None:
    """The existing Customer named by ``customer``; Stripe takes it or ``customer_email``,
    never both (its answer: "You may only specify one of these parameters: customer,
    customer_email.")."""
    customer_id = params.string("customer", max_length=5000)
    if customer_id is None:
        return None
    if customer_email is not None:
        raise param_error(
            "You may only specify one of these parameters: customer, customer_email.",
            code=None,
            param=None,
        )
    return customers.named(tx, customer_id)


def prefilled_email(session: Record) -> str | None:
    """The email Checkout fills in: the session's Customer's, else ``customer_email``."""
    return session.internal.get("customer_email") or session.body.get("customer_email")


# -- read -------------------------------------------------------------------------------


def get(tx: Tx, session_id: str) -> Record:
    """The session record, or Stripe's 404."""
    rec = tx.get(session_id, KIND)
    if rec is None:
        raise resource_missing(KIND, session_id, param="session")
    return rec


def retrieve(tx: Tx, session_id: str, params: ParamReader) -> JsonDict:
    """``GET /v1/checkout/sessions/{id}``."""
    return expand(tx, get(tx, session_id).body, params.expand())


def list_sessions(tx: Tx, params: ParamReader) -> JsonDict:
    """``GET /v1/checkout/sessions``, newest first."""
    where: list[tuple[str, list[SqlArg]]] = [("kind = ?", [KIND])]
    status = params.string("status")  # one of Stripe's values: see schema.check
    if status is not None:
        where.append(("status = ?", [status]))
    pi = params.string("payment_intent")
    if pi is not None:
        where.append(("parent = ?", [pi]))
    details = params.obj("customer_details")
    if details is not None:
        email = details.require("email")
        # Stripe compares addresses case-insensitively (they are stored as typed).
        where.append(("lower(json_extract(body, '$.customer_details.email')) = ?", [email.lower()]))
    where.extend(created_filter(params))
    cursor = cursor_from(tx, params, table="objects", object_name=KIND, kind=KIND)
    page = tx.page("objects", where, cursor)
    result = list_object(page, "/v1/checkout/sessions")
    to_expand = params.expand()
    return expand(tx, result, to_expand) if to_expand else result


def line_items(tx: Tx, session_id: str, params: ParamReader) -> JsonDict:
    """``GET /v1/checkout/sessions/{id}/line_items``, in the order they were given."""
    # Parameters are validated before the session is looked up, as everywhere else.
    limit = params.integer("limit", minimum=1, maximum=behaviour.LIST_MAX_LIMIT)
    limit = behaviour.LIST_DEFAULT_LIMIT if limit is None else limit
    after = params.string("starting_after")
    before = params.string("ending_before")
    if after is not None and before is not None:
        raise exclusive_cursors()
    to_expand = params.expand()
    rec = get(tx, session_id)
    items: list[JsonDict] = list(rec.internal.get("line_items", []))
    ids = [i["id"] for i in items]
    for name, cursor in (("starting_after", after), ("ending_before", before)):
        if cursor is not None and cursor not in ids:
            raise resource_missing("item", cursor, param=name, status=400)
    if after is not None:
        rest = items[ids.index(after) + 1 :]
        page, has_more = rest[:limit], len(rest) > limit
    elif before is not None:
        rest = items[: ids.index(before)]
        page, has_more = rest[-limit:], len(rest) > limit
    else:
        page, has_more = items[:limit], len(items) > limit
    result = {
        "object": "list",
        "data": page,
        "has_more": has_more,
        "url": f"/v1/checkout/sessions/{session_id}/line_items",
    }
    return expand(tx, result, to_expand) if to_expand else result


# -- expire -----------------------------------------------------------------------------


def expire(tx: Tx, ctx: Ctx, session_id: str, params: ParamReader) -> JsonDict:
    """``POST /v1/checkout/sessions/{id}/expire``: only an open session can expire."""
    to_expand = params.expand()
    rec = get(tx, session_id)
    if rec.status != "open":
        raise not_open_error(rec.status)
    expire_record(tx, ctx, rec)
    return expand(tx, rec.body, to_expand)


def not_open_error(status: str | None) -> StripeError:
    """Stripe's answer to expiring a session that is complete or already expired."""
    return invalid_request(
        'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout '
        f"Session has a status of `{status}`.",
        code=behaviour.EXPIRE_NOT_OPEN_CODE,
    )


def expire_record(tx: Tx, ctx: Ctx, rec: Record) -> None:
    """Close an open session, cancel a PaymentIntent left by failed attempts, emit events."""
    rec.body["status"] = "expired"
    rec.body["url"] = None
    rec.due = None
    tx.update(rec)
    events.emit(tx, ctx, "checkout.session.expired", rec.body)
    pi_id = rec.body.get("payment_intent")
    if isinstance(pi_id, str):
        pi = tx.get(pi_id, "payment_intent")
        if pi is not None and pi.status not in ("succeeded", "canceled"):
            pi.body.update(
                status="canceled",
                canceled_at=ctx.ts,
                cancellation_reason=behaviour.EXPIRED_SESSION_PI_CANCELLATION_REASON,
                next_action=None,
            )
            pi.internal.pop("pending_card", None)
            tx.update(pi)
            events.emit(tx, ctx, "payment_intent.canceled", pi.body)
