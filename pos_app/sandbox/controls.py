"""Test controls under ``/_sandbox`` (JSON in, JSON out), mounted only on request.

``create_app(enable_controls=True)`` / ``--enable-test-controls`` mounts them; otherwise
every ``/_sandbox`` path is a 404 and no fault can be injected. They need no API key: they
exist for test runs on a trusted machine. ``controls_client.ControlsClient`` calls them
from Python.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pos_app.sandbox import async_capture, behaviour, restricted_keys, sweeper
from pos_app.sandbox.clock import http_date
from pos_app.sandbox.core import Sandbox
from pos_app.sandbox.delivery import Dispatcher, deliveries_json
from pos_app.sandbox.faults import FaultConfigError, FaultInjector, parse_config, parse_json

JsonDict = dict[str, Any]

_DELIVERY_STATES = ("pending", "succeeded", "failed", "canceled")


def _error(message: str, status: int = 400, param: str | None = None) -> Response:
    err: JsonDict = {"message": message, "type": "invalid_request_error"}
    if param is not None:
        err["param"] = param
    return JSONResponse({"error": err}, status_code=status)


def _clock_json(sandbox: Sandbox) -> JsonDict:
    now = sandbox.now()
    return {"now": now, "offset": sandbox.clock.offset, "date": http_date(now)}


def advance_clock(sandbox: Sandbox, seconds: float, dispatcher: Dispatcher | None) -> JsonDict:
    """Move the sandbox clock forwards and do at once everything that became due."""
    sandbox.clock.advance_and_save(sandbox.store, seconds)
    handled = sweeper.sweep_all(sandbox.store, sandbox.ctx)
    if dispatcher is not None:
        dispatcher.wake()  # retries that became due
    return {**_clock_json(sandbox), "advanced": seconds, "handled": handled}


def routes(
    sandbox: Sandbox, injector: FaultInjector, dispatcher: Dispatcher | None
) -> list[BaseRoute]:
    """The control routes."""
    prefix = behaviour.CONTROLS_PREFIX

    async def index(request: Request) -> Response:
        return JSONResponse(
            {
                "controls": {
                    f"GET {prefix}/clock": "the sandbox clock",
                    f"POST {prefix}/clock/advance": '{"seconds": N}: move time forwards',
                    f"GET {prefix}/faults": "fault rules and counters",
                    f"POST {prefix}/faults": '{"rules": [...], "seed": n}: set fault rules',
                    f"DELETE {prefix}/faults": "clear fault rules (returns final counters)",
                    f"GET {prefix}/webhook_deliveries": "webhook delivery log",
                    f"POST {prefix}/restricted_keys": '{"permissions": ["rak_…", ...]}: '
                    "a rk_test_ key holding only these permissions",
                    f"GET {prefix}/balance_transaction_delay": "asynchronous capture delay",
                    f"POST {prefix}/balance_transaction_delay": '{"seconds": N}: a charge\'s '
                    "balance transaction appears N s later, with charge.updated",
                }
            }
        )

    async def clock(request: Request) -> Response:
        return JSONResponse(_clock_json(sandbox))

    async def advance(request: Request) -> Response:
        try:
            data = parse_json(await request.body())
        except FaultConfigError as err:
            return _error(str(err))
        seconds = data.get("seconds") if isinstance(data, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            return _error('expected {"seconds": N} with N ≥ 0', param="seconds")
        result = await run_in_threadpool(advance_clock, sandbox, float(seconds), dispatcher)
        return JSONResponse(result)

    async def faults_get(request: Request) -> Response:
        return JSONResponse(injector.state())

    async def faults_set(request: Request) -> Response:
        try:
            rules, seed = parse_config(parse_json(await request.body()))
        except FaultConfigError as err:
            return _error(str(err))
        return JSONResponse(injector.configure(rules, seed))

    async def faults_clear(request: Request) -> Response:
        return JSONResponse(injector.clear())

    async def deliveries(request: Request) -> Response:
        q = request.query_params
        state = q.get("status")
        if state is not None and state not in _DELIVERY_STATES:
            return _error(f"status must be one of {', '.join(_DELIVERY_STATES)}", param="status")
        try:
            limit = int(q.get("limit", "100"))
        except ValueError:
            limit = -1
        if not 1 <= limit <= 1000:
            return _error("limit must be a whole number from 1 to 1000", param="limit")
        data = await run_in_threadpool(
            deliveries_json,
            sandbox.store,
            event_id=q.get("event"),
            endpoint_id=q.get("endpoint"),
            state=state,
            limit=limit,
        )
        return JSONResponse({"object": "list", "data": data})

    async def capture_delay_get(request: Request) -> Response:
        seconds = await run_in_threadpool(async_capture.get_delay, sandbox.store)
        return JSONResponse({"seconds": seconds})

    async def capture_delay_set(request: Request) -> Response:
        try:
            data = parse_json(await request.body())
        except FaultConfigError as err:
            return _error(str(err))
        seconds = data.get("seconds") if isinstance(data, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            return _error('expected {"seconds": N} with N ≥ 0', param="seconds")
        saved = await run_in_threadpool(async_capture.set_delay, sandbox.store, float(seconds))
        return JSONResponse({"seconds": saved})

    return [
        *restricted_keys.routes(sandbox),
        Route(prefix, index, methods=["GET"]),
        Route(f"{prefix}/balance_transaction_delay", capture_delay_get, methods=["GET"]),
        Route(f"{prefix}/balance_transaction_delay", capture_delay_set, methods=["POST"]),
        Route(f"{prefix}/clock", clock, methods=["GET"]),
        Route(f"{prefix}/clock/advance", advance, methods=["POST"]),
        Route(f"{prefix}/faults", faults_get, methods=["GET"]),
        Route(f"{prefix}/faults", faults_set, methods=["POST"]),
        Route(f"{prefix}/faults", faults_clear, methods=["DELETE"]),
        Route(f"{prefix}/webhook_deliveries", deliveries, methods=["GET"]),
    ]
