"""`POST /stripe/webhook`: a small local HTTP receiver for Stripe's deliveries.

Works with ``stripe listen --forward-to localhost:PORT/stripe/webhook``. The body is read raw,
because the signature covers the exact bytes Stripe sent, and with a cap: a body announced
or found to be larger than ``MAX_BODY_BYTES`` is answered 413 without reading the rest.
A ticker runs the intake's periodic work (batched rejections, pruning) every ``TICK_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pos_app.services.rejected_deliveries import FLUSH_SECONDS
from pos_app.services.webhook_intake import WebhookIntake
from pos_app.sync.bounded_body import read_capped

log = logging.getLogger(__name__)

PATH = "/stripe/webhook"
#: Stripe's events are a few kB; the largest objects stay far below this.
MAX_BODY_BYTES = 1_000_000
TICK_SECONDS = FLUSH_SECONDS
TOO_LARGE = f"The body is larger than {MAX_BODY_BYTES:,} bytes."


def create_webhook_app(intake: WebhookIntake, *, tick_seconds: float = TICK_SECONDS) -> Starlette:
    """The ASGI app serving the receiver."""

    async def receive(request: Request) -> JSONResponse:
        body = await read_capped(request, MAX_BODY_BYTES)
        if body is None:
            # Counted like any delivery not provably from Stripe (batched, see the intake).
            await run_in_threadpool(intake.refuse, TOO_LARGE, 413)
            return JSONResponse({"outcome": "rejected", "error": TOO_LARGE}, status_code=413)
        header = request.headers.get("stripe-signature")
        # Database and Stripe calls block: keep them off the event loop.
        result = await run_in_threadpool(intake.handle, body, header)
        payload = {"outcome": result.outcome}
        if result.status >= 400:
            payload["error"] = result.detail
        return JSONResponse(payload, status_code=result.status)

    async def ticker() -> None:
        while True:
            await asyncio.sleep(tick_seconds)
            try:
                await run_in_threadpool(intake.tick)
            except Exception:  # keep ticking: the next one may find the database free
                log.exception("webhook.tick_failed")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(ticker())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await run_in_threadpool(intake.close)

    return Starlette(routes=[Route(PATH, receive, methods=["POST"])], lifespan=lifespan)
