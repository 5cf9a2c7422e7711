"""Webhook endpoints (``/v1/webhook_endpoints``), fanning events out to them, signing.

Every event the sandbox records is queued, in the same transaction, for each enabled
endpoint whose ``enabled_events`` match it (:func:`on_event`); :mod:`delivery` sends the
queue from background threads. Signatures are Stripe's: ``Stripe-Signature:
t=<unix>,v1=<hex>`` with ``v1 = HMAC-SHA256(key=secret, msg=f"{t}.{body}")``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pos_app.sandbox import behaviour, schema
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.errors import StripeError, invalid_request, param_error, resource_missing
from pos_app.sandbox.ids import new_id, random_token
from pos_app.sandbox.listing import cursor_from, list_object
from pos_app.sandbox.params import ParamReader
from pos_app.sandbox.store import Record, Store, Tx

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]

KIND = "webhook_endpoint"
_OBJECT_NAME = "webhook endpoint"

# Parameter names per operation: Stripe's (stripe-python 16.1.0 WebhookEndpoint*Params)
# and the ones the sandbox implements.
_STRIPE_CREATE = frozenset(
    {"api_version", "connect", "description", "enabled_events", "expand", "metadata", "url"}
)
_SANDBOX_CREATE = _STRIPE_CREATE - {"connect"}
_UPDATE = frozenset({"description", "disabled", "enabled_events", "expand", "metadata", "url"})
_LIST = frozenset({"ending_before", "expand", "limit", "starting_after"})
_RETRIEVE = frozenset({"expand"})
_DELETE: frozenset[str] = frozenset()


def _check_names(params: ParamReader, stripe: frozenset[str], sandbox: frozenset[str]) -> None:
    # The shared table in schema.py does not list these endpoints; same answers as it gives.
    names = params.keys()  # a ParamReader is not iterable
    for key in names:
        if key not in stripe:
            raise schema.unknown_parameter(key)
        if key not in sandbox:
            raise schema.unsupported_parameter(key)


# -- validation ---------------------------------------------------------------------------


def check_url(url: str, param: str = "url") -> str:
    """An absolute http(s) URL, or Stripe's 400."""
    parts = urlsplit(url)
    if parts.scheme not in behaviour.WEBHOOK_URL_SCHEMES or not parts.hostname:
        raise param_error(
            f"Invalid URL: {url}. URLs must be absolute and begin with http:// or https://.",
            code="url_invalid",
            param=param,
        )
    return url


def _enabled_events(params: ParamReader, *, required: bool) -> list[str] | None:
    names = params.string_array("enabled_events")
    if names is None:
        if required:
            raise params.missing("enabled_events")
        return None
    if not names:
        raise param_error(
            "Invalid enabled_events: must contain at least one event type.",
            code=None,
            param="enabled_events",
        )
    for i, name in enumerate(names):
        if not behaviour.WEBHOOK_EVENT_NAME_RE.match(name):
            raise param_error(
                f"Invalid enabled_events[{i}]: '{name}' is not an event type (or '*').",
                code=None,
                param=f"enabled_events[{i}]",
            )
    return list(dict.fromkeys(names))


def matches(enabled_events: list[str], event_type: str) -> bool:
    """Whether an endpoint listening for ``enabled_events`` wants ``event_type``."""
    return "*" in enabled_events or event_type in enabled_events


def new_secret() -> str:
    """A fresh signing secret in Stripe's shape."""
    return behaviour.WEBHOOK_SECRET_PREFIX + random_token(behaviour.WEBHOOK_SECRET_RANDOM_LENGTH)


def signature_header(payload: str, secret: str, timestamp: int) -> str:
    """``Stripe-Signature`` for ``payload`` signed at ``timestamp`` with ``secret``."""
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# -- the API ------------------------------------------------------------------------------


def _body(
    *,
    endpoint_id: str,
    created: int,
    url: str,
    enabled_events: list[str],
    description: str | None,
    metadata: dict[str, str],
    api_version: str | None,
) -> JsonDict:
    return {
        "id": endpoint_id,
        "object": "webhook_endpoint",
        "api_version": api_version,
        "application": None,
        "created": created,
        "description": description,
        "enabled_events": enabled_events,
        "livemode": False,
        "metadata": metadata,
        "status": "enabled",
        "url": url,
    }


def _with_secret(body: JsonDict, secret: str) -> JsonDict:
    """The create response: the only one that shows the secret (before ``status``)."""
    out: JsonDict = {}
    for key, value in body.items():
        if key == "status":
            out["secret"] = secret
        out[key] = value
    return out


def _insert(
    tx: Tx,
    ctx_ts: int,
    *,
    url: str,
    enabled_events: list[str],
    description: str | None,
    metadata: dict[str, str],
    api_version: str | None,
    secret: str,
    startup: bool = False,
) -> Record:
    if len(tx.of_kind(KIND)) >= behaviour.WEBHOOK_ENDPOINTS_MAX:
        raise invalid_request(
            f"You have reached the maximum of {behaviour.WEBHOOK_ENDPOINTS_MAX} test webhook "
            "endpoints.",
            param="url",
        )
    endpoint_id = new_id(behaviour.WEBHOOK_ENDPOINT_ID_PREFIX)
    body = _body(
        endpoint_id=endpoint_id,
        created=ctx_ts,
        url=url,
        enabled_events=enabled_events,
        description=description,
        metadata=metadata,
        api_version=api_version,
    )
    internal: JsonDict = {"secret": secret}
    if startup:
        internal["startup"] = True
    rec = Record(endpoint_id, KIND, ctx_ts, body, internal)
    tx.insert(rec)
    return rec


def create(tx: Tx, ctx: Ctx, params: ParamReader) -> JsonDict:
    """``POST /v1/webhook_endpoints``: the response carries the new ``secret``."""
    _check_names(params, _STRIPE_CREATE, _SANDBOX_CREATE)
    url = check_url(params.require("url"))
    enabled_events = _enabled_events(params, required=True) or []
    description = params.string("description", max_length=5000)
    metadata = params.metadata() or {}
    api_version = params.string("api_version", max_length=100)
    params.expand()
    secret = new_secret()
    rec = _insert(
        tx,
        ctx.ts,
        url=url,
        enabled_events=enabled_events,
        description=description,
        metadata=metadata,
        api_version=api_version,
        secret=secret,
    )
    return _with_secret(rec.body, secret)


def _get(tx: Tx, endpoint_id: str) -> Record:
    rec = tx.get(endpoint_id, KIND)
    if rec is None:
        raise resource_missing(_OBJECT_NAME, endpoint_id, param="webhook_endpoint")
    return rec


def retrieve(tx: Tx, endpoint_id: str, params: ParamReader) -> JsonDict:
    """``GET /v1/webhook_endpoints/{id}`` (never shows the secret)."""
    _check_names(params, _RETRIEVE, _RETRIEVE)
    params.expand()
    return _get(tx, endpoint_id).body


def update(tx: Tx, endpoint_id: str, params: ParamReader) -> JsonDict:
    """``POST /v1/webhook_endpoints/{id}``: url, enabled_events, description, metadata,
    ``disabled``."""
    _check_names(params, _UPDATE, _UPDATE)
    rec = _get(tx, endpoint_id)
    url = params.string("url")
    if url is not None:
        rec.body["url"] = check_url(url)
    enabled_events = _enabled_events(params, required=False)
    if enabled_events is not None:
        rec.body["enabled_events"] = enabled_events
    if params.raw("description") == "":
        rec.body["description"] = None
    else:
        description = params.string("description", max_length=5000)
        if description is not None:
            rec.body["description"] = description
    _merge_metadata(rec.body, params)
    disabled = params.enum("disabled", ("true", "false"))
    if disabled is not None:
        rec.body["status"] = "disabled" if disabled == "true" else "enabled"
    params.expand()
    tx.update(rec)
    return rec.body


def _merge_metadata(body: JsonDict, params: ParamReader) -> None:
    """Stripe's metadata update: keys merge, an empty value unsets, ``metadata=`` clears."""
    raw = params.raw("metadata")
    if raw is None:
        return
    given = params.metadata() or {}
    if raw == "":
        body["metadata"] = {}
        return
    merged = dict(body.get("metadata") or {})
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            if value == "":
                merged.pop(key, None)
    merged.update(given)
    if len(merged) > behaviour.METADATA_MAX_KEYS:
        raise param_error(
            f"Metadata can have at most {behaviour.METADATA_MAX_KEYS} keys.",
            code=None,
            param="metadata",
        )
    body["metadata"] = merged


def delete(tx: Tx, endpoint_id: str, params: ParamReader) -> JsonDict:
    """``DELETE /v1/webhook_endpoints/{id}``; queued deliveries to it are dropped."""
    _check_names(params, _DELETE, _DELETE)
    rec = _get(tx, endpoint_id)
    tx.delete(rec.id)
    return {"id": rec.id, "object": "webhook_endpoint", "deleted": True}


def list_endpoints(tx: Tx, params: ParamReader) -> JsonDict:
    """``GET /v1/webhook_endpoints``, newest first."""
    _check_names(params, _LIST, _LIST)
    cursor = cursor_from(tx, params, table="objects", object_name=_OBJECT_NAME, kind=KIND)
    params.expand()
    page = tx.page("objects", [("kind = ?", [KIND])], cursor)
    return list_object(page, "/v1/webhook_endpoints")


# -- events -------------------------------------------------------------------------------


def on_event(tx: Tx, now: float, event: JsonDict) -> None:
    """Queue ``event`` for every enabled endpoint that wants it; set ``pending_webhooks``.

    Called by :func:`events.emit` before the event is stored, inside its transaction.
    """
    targets = [
        rec
        for rec in tx.of_kind(KIND)
        if rec.body.get("status") == "enabled"
        and matches(list(rec.body.get("enabled_events") or []), str(event["type"]))
    ]
    event["pending_webhooks"] = len(targets)
    for rec in targets:
        tx.delivery_add(str(event["id"]), rec.id, now)


# -- the endpoint registered at start -----------------------------------------------------


def register_startup_endpoint(
    store: Store, url: str, secret: str | None, now: float
) -> tuple[str, str]:
    """Ensure an endpoint for ``url`` listening to every event (``create_app(webhook_url=)``).

    A sandbox restarted with the same URL reuses its endpoint (and its secret, unless a new
    one is given) instead of piling up duplicates. Returns ``(endpoint id, secret)``.
    """
    try:
        check_url(url)
    except StripeError as err:
        raise ValueError(err.message) from None
    if secret is not None and not secret.strip():
        raise ValueError("the webhook secret must not be empty")
    with store.transaction() as tx:
        for rec in tx.of_kind(KIND):
            if rec.internal.get("startup") and rec.body.get("url") == url:
                if secret is not None:
                    rec.internal["secret"] = secret
                rec.body["status"] = "enabled"
                rec.body["enabled_events"] = ["*"]
                tx.update(rec)
                return rec.id, str(rec.internal["secret"])
        chosen = secret if secret is not None else new_secret()
        rec = _insert(
            tx,
            int(now),
            url=url,
            enabled_events=["*"],
            description="Registered at sandbox start (webhook_url)",
            metadata={},
            api_version=None,
            secret=chosen,
            startup=True,
        )
        return rec.id, chosen
