"""`POST /stripe/webhook`: a small local HTTP receiver for Stripe's deliveries.

Works with ``stripe listen --forward-to localhost:PORT/stripe/webhook``. The body is read raw,
because the signature covers the exact bytes Stripe sent.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pos_app.services.webhook_intake import WebhookIntake

log = logging.getLogger(__name__)

PATH = "/stripe/webhook"
MAX_BODY_BYTES = 1_000_000


def create_webhook_app(intake: WebhookIntake) -> Starlette:
    """The ASGI app serving the receiver."""

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "body too large"}, status_code=413)
        header = request.headers.get("stripe-signature")
        # Database and Stripe calls block: keep them off the event loop.
        result = await run_in_threadpool(intake.handle, body, header)
        payload = {"outcome": result.outcome}
        if result.status >= 400:
            payload["error"] = result.detail
        return JSONResponse(payload, status_code=result.status)

    return Starlette(routes=[Route(PATH, receive, methods=["POST"])])
