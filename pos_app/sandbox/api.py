"""The ``/v1`` routes: authentication, parameter decoding, idempotency, dispatch."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pos_app.sandbox import (
    auth,
    behaviour,
    bounded_body,
    customers,
    events,
    idempotency,
    payment_intents,
    refunds,
    resources,
    restricted_keys,
    schema,
    sessions,
    webhooks,
    wire,
)
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.core import Sandbox
from pos_app.sandbox.errors import StripeError, api_error, body_too_large, unrecognized_url
from pos_app.sandbox.ids import new_id
from pos_app.sandbox.params import ParamReader, parse_form
from pos_app.sandbox.store import Tx
from pos_app.sandbox.wire import ApiResponse

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
Handler = Callable[[Tx, Ctx, ParamReader, Mapping[str, str]], JsonDict]


@dataclass(frozen=True)
class Endpoint:
    """One API operation: ``write`` endpoints run in a write transaction with idempotency."""

    method: str
    path: str
    handler: Handler
    write: bool


@dataclass(frozen=True)
class ApiRequest:
    """The parts of an HTTP request the API layer needs, read on the event loop."""

    method: str
    path: str
    raw_params: str
    authorization: str | None
    idempotency_key: str | None
    base_url: str
    path_params: Mapping[str, str]


def _endpoints() -> list[Endpoint]:
    def retrieve(kind: str) -> Handler:
        return lambda tx, ctx, p, pp: resources.retrieve(tx, kind, pp["id"], p)

    return [
        Endpoint(
            "POST",
            "/v1/checkout/sessions",
            lambda tx, ctx, p, pp: sessions.create(tx, ctx, p),
            True,
        ),
        Endpoint(
            "GET",
            "/v1/checkout/sessions",
            lambda tx, ctx, p, pp: sessions.list_sessions(tx, p),
            False,
        ),
        Endpoint(
            "GET",
            "/v1/checkout/sessions/{id}",
            lambda tx, ctx, p, pp: sessions.retrieve(tx, pp["id"], p),
            False,
        ),
        Endpoint(
            "POST",
            "/v1/checkout/sessions/{id}/expire",
            lambda tx, ctx, p, pp: sessions.expire(tx, ctx, pp["id"], p),
            True,
        ),
        Endpoint(
            "GET",
            "/v1/checkout/sessions/{id}/line_items",
            lambda tx, ctx, p, pp: sessions.line_items(tx, pp["id"], p),
            False,
        ),
        Endpoint(
            "POST", "/v1/customers", lambda tx, ctx, p, pp: customers.create(tx, ctx, p), True
        ),
        Endpoint(
            "GET",
            "/v1/customers/{id}",
            lambda tx, ctx, p, pp: customers.retrieve(tx, pp["id"], p),
            False,
        ),
        Endpoint(
            "POST",
            "/v1/customers/{id}",
            lambda tx, ctx, p, pp: customers.update(tx, ctx, pp["id"], p),
            True,
        ),
        Endpoint("GET", "/v1/payment_intents/{id}", retrieve("payment_intent"), False),
        Endpoint(
            "POST",
            "/v1/payment_intents/{id}",
            lambda tx, ctx, p, pp: payment_intents.update(tx, ctx, pp["id"], p),
            True,
        ),
        Endpoint("GET", "/v1/charges", lambda tx, ctx, p, pp: resources.list_charges(tx, p), False),
        Endpoint("GET", "/v1/charges/{id}", retrieve("charge"), False),
        Endpoint(
            "GET",
            "/v1/balance_transactions",
            lambda tx, ctx, p, pp: resources.list_balance_transactions(tx, p),
            False,
        ),
        Endpoint("GET", "/v1/balance_transactions/{id}", retrieve("balance_transaction"), False),
        Endpoint("POST", "/v1/refunds", lambda tx, ctx, p, pp: refunds.create(tx, ctx, p), True),
        Endpoint("GET", "/v1/refunds", lambda tx, ctx, p, pp: refunds.list_refunds(tx, p), False),
        Endpoint(
            "GET",
            "/v1/refunds/{id}",
            lambda tx, ctx, p, pp: refunds.retrieve(tx, pp["id"], p),
            False,
        ),
        Endpoint("GET", "/v1/events", lambda tx, ctx, p, pp: events.list_events(tx, p), False),
        Endpoint("GET", "/v1/events/{id}", _event_retrieve, False),
    ]


def _webhook_endpoints() -> list[Endpoint]:
    """``/v1/webhook_endpoints``: parameter names are checked by ``schema.check`` like every
    ``/v1`` endpoint (and again by ``webhooks.py`` against its own copy of the lists)."""
    return [
        Endpoint(
            "POST",
            "/v1/webhook_endpoints",
            lambda tx, ctx, p, pp: webhooks.create(tx, ctx, p),
            True,
        ),
        Endpoint(
            "GET",
            "/v1/webhook_endpoints",
            lambda tx, ctx, p, pp: webhooks.list_endpoints(tx, p),
            False,
        ),
        Endpoint(
            "GET",
            "/v1/webhook_endpoints/{id}",
            lambda tx, ctx, p, pp: webhooks.retrieve(tx, pp["id"], p),
            False,
        ),
        Endpoint(
            "POST",
            "/v1/webhook_endpoints/{id}",
            lambda tx, ctx, p, pp: webhooks.update(tx, pp["id"], p),
            True,
        ),
        Endpoint(
            "DELETE",
            "/v1/webhook_endpoints/{id}",
            lambda tx, ctx, p, pp: webhooks.delete(tx, pp["id"], p),
            True,
        ),
    ]


def _event_retrieve(tx: Tx, ctx: Ctx, params: ParamReader, pp: Mapping[str, str]) -> JsonDict:
    return events.retrieve(tx, pp["id"])


def handle(sandbox: Sandbox, endpoint: Endpoint, req: ApiRequest) -> ApiResponse:
    """Serve one API request (runs in a worker thread: SQLite calls block)."""
    request_id = new_id("req")
    result = _handle(sandbox, endpoint, req, request_id)
    return replace(result, headers={"Request-Id": request_id, **result.headers})


def _handle(sandbox: Sandbox, endpoint: Endpoint, req: ApiRequest, request_id: str) -> ApiResponse:
    try:
        api_key = auth.authenticate(req.authorization)
        # A restricted key is refused before anything else is looked at, as at Stripe.
        restricted_keys.authorize(sandbox.store, api_key, endpoint.method, endpoint.path)
        # Stripe's rate limiter: refused requests change nothing and are not saved.
        sandbox.limiter.check(sandbox.limiter_now())
        form = parse_form(req.raw_params)
        # Parameter names and enum values, against Stripe's and the sandbox's lists.
        schema.check(f"{endpoint.method} {endpoint.path}", form)
    except StripeError as err:
        return wire.error(err)
    # Stripe ignores Idempotency-Key on GET and DELETE.
    idem_key = req.idempotency_key if endpoint.method == "POST" else None
    try:
        # Lazy half of the sweeper: nothing read below may be past its expiry/settle time.
        sandbox.sweep()
    except Exception:  # the request itself may still be answerable
        log.exception("sandbox: lazy sweep failed")
    ctx = sandbox.ctx(req.base_url, request_id=request_id, idempotency_key=idem_key)

    def work(tx: Tx) -> JsonDict:
        return endpoint.handler(tx, ctx, ParamReader(form), req.path_params)

    if idem_key is not None:
        return idempotency.run(
            sandbox.store,
            api_key=api_key,
            idem_key=idem_key,
            method=req.method,
            path=req.path,
            params=form,
            request_id=request_id,
            now=ctx.now,
            work=work,
        )
    try:
        if endpoint.write:
            with sandbox.store.transaction() as tx:
                return wire.ok(work(tx))
        with sandbox.store.snapshot() as tx:
            return wire.ok(work(tx))
    except StripeError as err:
        return wire.error(err)
    except Exception:
        log.exception("sandbox: %s %s failed", req.method, req.path)
        return wire.error(api_error())


def _http(req_headers: Mapping[str, str], result: ApiResponse, write: bool) -> Response:
    headers = {
        "Stripe-Version": req_headers.get("stripe-version") or behaviour.DEFAULT_API_VERSION,
        "Cache-Control": "no-cache, no-store",
    }
    idem_key = req_headers.get("idempotency-key")
    if write and idem_key:
        headers["Idempotency-Key"] = idem_key
    headers.update(result.headers)
    return Response(
        result.text, status_code=result.status, media_type="application/json", headers=headers
    )


def _refused(request: Request, err: StripeError) -> Response:
    """An answer given before the body was read (no key, or a body over the cap)."""
    result = wire.error(err)
    result = replace(result, headers={"Request-Id": new_id("req"), **result.headers})
    return _http(request.headers, result, False)


def _route(sandbox: Sandbox, endpoint: Endpoint) -> Route:
    async def serve(request: Request) -> Response:
        if request.method == "POST":
            # The key first, then the body with a cap: an unauthenticated or huge POST is
            # answered without holding its body (the unread rest is never buffered).
            try:
                auth.authenticate(request.headers.get("authorization"))
            except StripeError as err:
                return _refused(request, err)
            body = await bounded_body.read_capped(request, bounded_body.API_MAX_BODY_BYTES)
            if body is None:
                return _refused(request, body_too_large(bounded_body.API_MAX_BODY_BYTES))
            raw = body.decode("utf-8", errors="replace")
        else:
            raw = request.url.query
        api_request = ApiRequest(
            method=request.method,
            path=request.url.path,
            raw_params=raw,
            authorization=request.headers.get("authorization"),
            idempotency_key=request.headers.get("idempotency-key"),
            base_url=str(request.base_url),
            path_params=dict(request.path_params),
        )
        result = await run_in_threadpool(handle, sandbox, endpoint, api_request)
        return _http(request.headers, result, endpoint.method == "POST")

    return Route(endpoint.path, serve, methods=[endpoint.method])


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    """Every ``/v1`` route, ending with Stripe's answer for unknown URLs."""

    async def unknown(request: Request) -> Response:
        request_id = new_id("req")
        result = wire.error(unrecognized_url(request.method, request.url.path))
        result = replace(result, headers={"Request-Id": request_id, **result.headers})
        return _http(request.headers, result, False)

    out: list[BaseRoute] = [_route(sandbox, ep) for ep in [*_endpoints(), *_webhook_endpoints()]]
    out.append(Route("/v1/{rest:path}", unknown, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]))
    return out
