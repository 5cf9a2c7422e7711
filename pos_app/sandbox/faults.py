"""Fault injection for failure tests: latency, 500s, 429s and dropped connections.

Only installed when the sandbox runs with test controls (``enable_controls=True``). Rules
are set through ``POST /_sandbox/faults``; each says what to inject (``kind``), when
(``before`` the request is applied, or ``after`` it was applied so the change is kept but
the response is lost), how often (``rate`` with a seeded RNG, and/or the next ``count``
matching requests after ``skip`` of them) and for which requests (``method``,
``path_prefix``). See ``docs/sandbox-controls.md``.

Rules are looked at in order for each request: every firing ``latency`` rule adds its
delay; the first firing rule of another kind is the request's fault, and the rules after
it are not consulted (their counts and random draws are left untouched).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import struct
import threading
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pos_app.sandbox import auth, behaviour, idempotency, wire
from pos_app.sandbox.clock import http_date
from pos_app.sandbox.core import Sandbox
from pos_app.sandbox.errors import StripeError
from pos_app.sandbox.ids import new_id

JsonDict = dict[str, Any]

_RULE_KEYS = frozenset(
    {"kind", "when", "rate", "count", "skip", "method", "path_prefix", "latency_ms"}
)


class FaultConfigError(ValueError):
    """A rule set the sandbox cannot use; the message names the problem."""


@dataclass
class FaultRule:
    """One rule and its counters."""

    kind: str
    when: str = "before"
    rate: float | None = None
    count: int | None = None
    skip: int = 0
    method: str | None = None
    path_prefix: str = behaviour.FAULT_DEFAULT_PATH_PREFIX
    latency_ms: float = 0.0
    matched: int = 0
    injected: int = 0

    def applies_to(self, method: str, path: str) -> bool:
        """Whether the rule's filters select this request."""
        return (self.method is None or self.method == method) and path.startswith(self.path_prefix)

    def to_json(self) -> JsonDict:
        """The rule as set, with its counters."""
        out: JsonDict = {
            "kind": self.kind,
            "when": self.when,
            "rate": self.rate,
            "count": self.count,
            "skip": self.skip,
            "method": self.method,
            "path_prefix": self.path_prefix,
        }
        if self.kind == "latency":
            out["latency_ms"] = self.latency_ms
        out["matched"] = self.matched
        out["injected"] = self.injected
        out["remaining"] = None if self.count is None else max(0, self.count - self.injected)
        return out


def _number(rule: JsonDict, key: str, index: int) -> float | None:
    value = rule.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FaultConfigError(f"rules[{index}].{key} must be a number")
    return float(value)


def _whole(rule: JsonDict, key: str, index: int) -> int | None:
    value = rule.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FaultConfigError(f"rules[{index}].{key} must be a whole number ≥ 0")
    return value


def parse_rule(rule: Any, index: int = 0) -> FaultRule:
    """One rule from its JSON form."""
    if not isinstance(rule, dict):
        raise FaultConfigError(f"rules[{index}] must be an object")
    unknown = sorted(set(rule) - _RULE_KEYS)
    if unknown:
        raise FaultConfigError(f"rules[{index}] has unknown keys: {', '.join(unknown)}")
    kind = rule.get("kind")
    if kind not in behaviour.FAULT_KINDS:
        raise FaultConfigError(
            f"rules[{index}].kind must be one of {', '.join(behaviour.FAULT_KINDS)}"
        )
    when = rule.get("when", "before")
    if when not in behaviour.FAULT_PHASES:
        raise FaultConfigError(f"rules[{index}].when must be 'before' or 'after'")
    rate = _number(rule, "rate", index)
    if rate is not None and not 0.0 <= rate <= 1.0:
        raise FaultConfigError(f"rules[{index}].rate must be between 0 and 1")
    latency = _number(rule, "latency_ms", index)
    if kind == "latency":
        if latency is None or latency <= 0:
            raise FaultConfigError(f"rules[{index}].latency_ms must be a positive number")
    elif latency is not None:
        raise FaultConfigError(f"rules[{index}].latency_ms is only for kind 'latency'")
    method = rule.get("method")
    if method is not None and (not isinstance(method, str) or not method.strip()):
        raise FaultConfigError(f"rules[{index}].method must be an HTTP method")
    prefix = rule.get("path_prefix", behaviour.FAULT_DEFAULT_PATH_PREFIX)
    if not isinstance(prefix, str) or not prefix.startswith("/"):
        raise FaultConfigError(f"rules[{index}].path_prefix must start with '/'")
    return FaultRule(
        kind=str(kind),
        when=str(when),
        rate=rate,
        count=_whole(rule, "count", index),
        skip=_whole(rule, "skip", index) or 0,
        method=None if method is None else method.strip().upper(),
        path_prefix=prefix,
        latency_ms=latency or 0.0,
    )


def parse_config(data: Any) -> tuple[list[FaultRule], int | None]:
    """``{"rules": [...], "seed": n}``, or one rule object (optionally with ``seed``)."""
    if not isinstance(data, dict):
        raise FaultConfigError("expected a JSON object")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise FaultConfigError("seed must be an integer")
    if "rules" in data:
        extra = sorted(set(data) - {"rules", "seed"})
        if extra:
            raise FaultConfigError(f"unknown keys: {', '.join(extra)}")
        rules = data["rules"]
        if not isinstance(rules, list):
            raise FaultConfigError("rules must be a list")
        return [parse_rule(r, i) for i, r in enumerate(rules)], seed
    single = {k: v for k, v in data.items() if k != "seed"}
    return [parse_rule(single)], seed


@dataclass(frozen=True)
class Decision:
    """What to do with one request."""

    before_ms: float = 0.0
    after_ms: float = 0.0
    fault: FaultRule | None = None


class FaultInjector:
    """The current rules, their RNG and counters (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._seed: int | None = None
        self._rng = random.Random()
        self._injected = dict.fromkeys(behaviour.FAULT_KINDS, 0)
        self._seen = 0

    @property
    def active(self) -> bool:
        """Whether any rule is set (read without the lock: a stale answer is harmless)."""
        return bool(self._rules)

    def configure(self, rules: list[FaultRule], seed: int | None) -> JsonDict:
        """Replace the rules; counters start again from zero."""
        with self._lock:
            self._rules = rules
            self._seed = seed
            self._rng = random.Random(seed)
            self._injected = dict.fromkeys(behaviour.FAULT_KINDS, 0)
            self._seen = 0
            return self._state()

    def clear(self) -> JsonDict:
        """Remove every rule; returns the counters as they were."""
        with self._lock:
            state = self._state()
            self._rules = []
            self._seed = None
            self._injected = dict.fromkeys(behaviour.FAULT_KINDS, 0)
            self._seen = 0
            return state

    def state(self) -> JsonDict:
        """Rules and counters."""
        with self._lock:
            return self._state()

    def _state(self) -> JsonDict:
        return {
            "seed": self._seed,
            "requests_seen": self._seen,
            "injected": dict(self._injected),
            "rules": [r.to_json() for r in self._rules],
        }

    def decide(self, method: str, path: str) -> Decision | None:
        """The faults for one request (``None``: none)."""
        with self._lock:
            if not self._rules:
                return None
            self._seen += 1
            before = after = 0.0
            fault: FaultRule | None = None
            for rule in self._rules:
                if fault is not None and rule.kind != "latency":
                    continue
                if not rule.applies_to(method, path):
                    continue
                rule.matched += 1
                if rule.matched <= rule.skip:
                    continue
                if rule.count is not None and rule.injected >= rule.count:
                    continue
                if rule.rate is not None and self._rng.random() >= rule.rate:
                    continue
                rule.injected += 1
                self._injected[rule.kind] += 1
                if rule.kind == "latency":
                    if rule.when == "before":
                        before += rule.latency_ms
                    else:
                        after += rule.latency_ms
                else:
                    fault = rule
            if fault is None and not before and not after:
                return None
            return Decision(before, after, fault)


# -- the ASGI side ------------------------------------------------------------------------


def _error_for(kind: str) -> StripeError:
    if kind == "api_error":
        return StripeError(500, "api_error", behaviour.FAULT_API_ERROR_MESSAGE)
    if kind == "rate_limit":
        return StripeError(
            429, "invalid_request_error", behaviour.FAULT_RATE_LIMIT_MESSAGE, code="rate_limit"
        )
    if kind == "lock_timeout":
        return StripeError(
            429,
            "invalid_request_error",
            behaviour.FAULT_LOCK_TIMEOUT_MESSAGE,
            code="lock_timeout",
        )
    raise ValueError(kind)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _response_header(message: Message, name: bytes) -> str | None:
    for key, value in message.get("headers", []):
        if bytes(key).lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _drain(receive: Receive) -> None:
    """Read the request body so closing the connection is a clean FIN/RST, not a surprise."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


class FaultMiddleware:
    """The outermost ASGI layer: applies :class:`FaultInjector` decisions.

    It must receive the server's own ``send`` (it is installed outside Starlette's error
    middleware) so that a connection reset can reach uvicorn's transport.
    """

    def __init__(self, app: ASGIApp, injector: FaultInjector, sandbox: Sandbox) -> None:
        self.app = app
        self.injector = injector
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.injector.active:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(behaviour.CONTROLS_PREFIX) or path == "/healthz":
            await self.app(scope, receive, send)
            return
        decision = self.injector.decide(scope["method"], path)
        if decision is None:
            await self.app(scope, receive, send)
            return
        if decision.before_ms:
            await asyncio.sleep(decision.before_ms / 1000)
        fault = decision.fault
        if fault is not None and fault.when == "before":
            await _drain(receive)
            await self._inject(fault, scope, send, request_id=new_id("req"))
            return
        if fault is None and not decision.after_ms:
            await self.app(scope, receive, send)
            return
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)

        await self.app(scope, receive, capture)
        if decision.after_ms:
            await asyncio.sleep(decision.after_ms / 1000)
        if fault is None:
            for message in captured:
                await send(message)
            return
        start = next((m for m in captured if m["type"] == "http.response.start"), None)
        request_id = (start and _response_header(start, b"request-id")) or new_id("req")
        if fault.kind == "api_error" and start is not None:
            await self._replace_saved_result(scope, start, request_id)
        await self._inject(fault, scope, send, request_id=request_id)

    async def _inject(self, fault: FaultRule, scope: Scope, send: Send, *, request_id: str) -> None:
        if fault.kind == "connection_reset":
            await _reset(send)
            return
        err = _error_for(fault.kind)
        body = wire.dumps(err.body()).encode("utf-8")
        headers: list[tuple[bytes, bytes]] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"date", http_date(self.sandbox.now()).encode()),
            (b"cache-control", b"no-cache, no-store"),
            (b"request-id", request_id.encode()),
            (
                b"stripe-version",
                (_header(scope, b"stripe-version") or behaviour.DEFAULT_API_VERSION).encode(),
            ),
            (
                behaviour.FAULT_MARKER_HEADER.lower().encode(),
                f"{fault.kind}; when={fault.when}".encode(),
            ),
        ]
        idem_key = _header(scope, b"idempotency-key")
        if idem_key and scope["method"] == "POST":
            headers.append((b"idempotency-key", idem_key.encode("latin-1")))
        should_retry = behaviour.FAULT_SHOULD_RETRY.get((fault.kind, fault.when))
        if should_retry is not None:
            headers.append((b"stripe-should-retry", should_retry.encode()))
        await send({"type": "http.response.start", "status": err.status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _replace_saved_result(self, scope: Scope, start: Message, request_id: str) -> None:
        """An injected 500 after the work was done is what the key replays from now on."""
        if not behaviour.FAULT_AFTER_500_REPLACES_SAVED_RESULT or scope["method"] != "POST":
            return
        idem_key = _header(scope, b"idempotency-key")
        if not idem_key or _response_header(start, b"idempotent-replayed") == "true":
            return
        try:
            api_key = auth.authenticate(_header(scope, b"authorization"))
        except StripeError:
            return
        body = wire.dumps(_error_for("api_error").body())

        def save() -> None:
            with self.sandbox.store.transaction() as tx:
                tx.idem_replace_result(
                    idempotency.key_hash(api_key), idem_key, request_id, 500, body
                )

        await run_in_threadpool(save)


async def _reset(send: Send) -> None:
    """Drop the connection without a byte of response.

    uvicorn's ``send`` is a bound method of its request cycle, which holds the transport;
    closing that is the only way to vanish mid-request (an exception would make uvicorn
    answer 500). Under another server, a response is started and broken off instead.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [(b"content-length", b"1000")],
            }
        )
        raise ConnectionResetError("sandbox: injected connection reset")
    if behaviour.FAULT_RESET_WITH_RST:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    # Tell the cycle the peer is gone, or it would log "returned without starting
    # response" and try to write a 500 into the closed transport.
    if cycle is not None and hasattr(cycle, "disconnected"):
        cycle.disconnected = True


def parse_json(raw: bytes) -> Any:
    """A request body as JSON (empty → ``{}``)."""
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError as err:
        raise FaultConfigError(f"invalid JSON: {err}") from None
