"""The ASGI application: API routes, the hosted page, health check, background work
(sweeper, webhook deliveries) and, on request, the test controls."""

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
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pos_app.sandbox import __version__, api, behaviour, controls, delayed, page, sweeper, webhooks
from pos_app.sandbox.clock import http_date
from pos_app.sandbox.context import Clock, Settings
from pos_app.sandbox.core import Sandbox
from pos_app.sandbox.delivery import DeliveryPolicy, Dispatcher
from pos_app.sandbox.faults import FaultInjector, FaultMiddleware
from pos_app.sandbox.lan_guard import LanGuard
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


class _DateHeader:
    """Every response's ``Date`` comes from the sandbox clock (the app estimates its clock
    skew from it). The runner switches uvicorn's own ``Date`` header off."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", http_date(self.sandbox.now()).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_date)


class SandboxApp(Starlette):
    """Starlette with the sandbox's own layers outside its middleware stack.

    The fault layer must be outside Starlette's: a connection reset needs the server's
    ``send``. The LAN guard wraps it and hands that ``send`` through unchanged.
    """

    def __init__(self, sandbox: Sandbox, injector: FaultInjector | None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._sandbox = sandbox
        self._injector = injector

    def build_middleware_stack(self) -> ASGIApp:
        app: ASGIApp = _DateHeader(super().build_middleware_stack(), self._sandbox)
        if self._injector is not None:
            app = FaultMiddleware(app, self._injector, self._sandbox)
        # Outermost: another device on the LAN reaches the payment pages and nothing else
        # (it passes the server's own ``send`` on, as the fault layer needs).
        return LanGuard(app)


def create_app(
    db_path: Path,
    *,
    public_base_url: str | None = None,
    business_name: str = behaviour.DEFAULT_BUSINESS_NAME,
    refund_settle_seconds: float = behaviour.REFUND_SETTLE_SECONDS,
    rate_limit_per_second: int | None = behaviour.TEST_MODE_RATE_LIMIT,
    clock: Clock | None = None,
    background: bool = True,
    enable_controls: bool = False,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    webhook_policy: DeliveryPolicy | None = None,
    deliver_webhooks: bool = True,
) -> Starlette:
    """Build the sandbox application over the SQLite file at ``db_path``.

    ``public_base_url`` is the address put into session URLs; ``None`` derives it from each
    request. ``clock`` replaces ``time.time`` as the base of the sandbox clock (tests);
    ``background=False`` disables the sweeper task (reads still expire and settle lazily).
    ``rate_limit_per_second`` is Stripe's test-mode limit by default; ``None`` switches it off.

    ``enable_controls`` mounts the test controls under ``/_sandbox`` and the fault layer;
    without it they do not exist (404). ``webhook_url`` registers (or reuses) an endpoint
    receiving every event, signed with ``webhook_secret`` (when ``None``, generated and
    written to a private ``webhook-secret`` file beside the database, never logged).
    ``webhook_policy`` sets retry delays and limits; ``deliver_webhooks=False`` leaves
    deliveries queued (visible in the controls) without sending them.

    Serve it with uvicorn's ``date_header=False`` (the runner does): the sandbox sets
    ``Date`` itself from its clock.
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
    if webhook_url is not None:
        endpoint_id, secret = webhooks.register_startup_endpoint(
            store, webhook_url, webhook_secret, sandbox.now()
        )
        if webhook_secret is None:
            # Secrets never go to a log: the generated one is left in a private file instead.
            secret_file = Path(db_path).with_name("webhook-secret")
            _write_private(secret_file, secret + "\n")
            log.warning(
                "sandbox: webhook endpoint %s sends every event to %s; its signing secret is in %s",
                endpoint_id,
                webhook_url,
                secret_file,
            )
    dispatcher = (
        Dispatcher(store, sandbox.now, webhook_policy or DeliveryPolicy())
        if deliver_webhooks
        else None
    )
    injector = FaultInjector() if enable_controls else None

    async def healthz(request: Request) -> Response:
        return JSONResponse(
            {"ok": True, "version": __version__, "service": "pos_app.sandbox", "pid": os.getpid()}
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_background(sandbox)) if background else None
        if dispatcher is not None:
            dispatcher.start()
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if dispatcher is not None:
                await run_in_threadpool(dispatcher.stop)
            store.close()

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    if injector is not None:
        routes += controls.routes(sandbox, injector, dispatcher)
        routes += delayed.routes(sandbox)  # a bank debit paying a session (tests only)
    routes += [*api.routes(sandbox), *page.routes(sandbox)]
    app = SandboxApp(sandbox, injector, routes=routes, lifespan=lifespan)
    app.state.sandbox = sandbox
    app.state.dispatcher = dispatcher
    app.state.faults = injector
    return app


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file that is 0600 from its first byte (never readable by others,
    not even for a moment before a chmod), replacing an older one."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
