"""The ASGI application: API routes, the hosted page, health check, background sweeper."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pos_app.sandbox import __version__, api, behaviour, page, sweeper
from pos_app.sandbox.context import Clock, Settings
from pos_app.sandbox.core import Sandbox
from pos_app.sandbox.store import Store

log = logging.getLogger(__name__)

#: How often (in sweeps) expired idempotency keys are pruned.
_PRUNE_EVERY = 240


async def _background(sandbox: Sandbox) -> None:
    """Expire sessions and settle refunds on time, even when nobody is asking."""
    count = 0
    while True:
        try:
            await run_in_threadpool(sandbox.sweep)
            count += 1
            if count % _PRUNE_EVERY == 0:
                await run_in_threadpool(sweeper.prune_idempotency, sandbox.store, sandbox.now())
        except Exception:  # keep sweeping: one bad row must not stop expiry for good
            log.exception("sandbox: background sweep failed")
        await asyncio.sleep(behaviour.SWEEP_INTERVAL_SECONDS)


def create_app(
    db_path: Path,
    *,
    public_base_url: str | None = None,
    business_name: str = behaviour.DEFAULT_BUSINESS_NAME,
    refund_settle_seconds: float = behaviour.REFUND_SETTLE_SECONDS,
    rate_limit_per_second: int | None = None,
    clock: Clock | None = None,
    background: bool = True,
) -> Starlette:
    """Build the sandbox application over the SQLite file at ``db_path``.

    ``public_base_url`` is the address put into session URLs; ``None`` derives it from each
    request. ``clock`` replaces ``time.time`` (tests); ``background=False`` disables the
    sweeper task (reads still expire and settle lazily).
    """
    settings = Settings(
        business_name=business_name,
        public_base_url=public_base_url,
        refund_settle_seconds=refund_settle_seconds,
        rate_limit_per_second=rate_limit_per_second,
        **({"clock": clock} if clock is not None else {}),
    )
    store = Store(Path(db_path))
    sandbox = Sandbox(store, settings)

    async def healthz(request: Request) -> Response:
        return JSONResponse(
            {"ok": True, "version": __version__, "service": "pos_app.sandbox",
             "pid": os.getpid()}
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_background(sandbox)) if background else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            store.close()

    app = Starlette(
        routes=[Route("/healthz", healthz, methods=["GET"]), *api.routes(sandbox),
                *page.routes(sandbox)],
        lifespan=lifespan,
    )
    app.state.sandbox = sandbox
    return app
