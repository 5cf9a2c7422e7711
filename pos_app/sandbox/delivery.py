"""Sending queued webhook deliveries from background threads, with retries.

The queue is the ``webhook_deliveries`` table (filled by :func:`webhooks.on_event` in the
transaction that records the event), so deliveries that were pending when the sandbox
stopped are sent after it starts again. One scheduler thread picks due deliveries; a few
worker threads POST them. API requests never wait for a receiver.

Each attempt re-reads the event (so ``pending_webhooks`` is current), signs it with a fresh
timestamp, and logs ``(attempt, url, time, status code, error, duration)``. A 2xx ends the
delivery; anything else schedules the next attempt after an exponential backoff on the
sandbox clock, until :attr:`DeliveryPolicy.max_attempts`.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from pos_app.sandbox import behaviour, webhooks, wire
from pos_app.sandbox.store import Attempt, Delivery, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retry schedule and limits (defaults in :mod:`behaviour`; tests shorten them)."""

    retry_base_seconds: float = behaviour.WEBHOOK_RETRY_BASE_SECONDS
    retry_max_seconds: float = behaviour.WEBHOOK_RETRY_MAX_SECONDS
    max_attempts: int = behaviour.WEBHOOK_MAX_ATTEMPTS
    timeout_seconds: float = behaviour.WEBHOOK_TIMEOUT_SECONDS
    concurrency: int = behaviour.WEBHOOK_CONCURRENCY
    poll_seconds: float = behaviour.WEBHOOK_POLL_SECONDS

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.concurrency < 1:
            raise ValueError("max_attempts and concurrency must be at least 1")
        if min(self.retry_base_seconds, self.retry_max_seconds, self.poll_seconds) < 0:
            raise ValueError("delays must not be negative")

    def delay(self, failed_attempts: int) -> float:
        """Seconds to wait after the ``failed_attempts``-th failure: 1, 2, 4, … capped."""
        exponent = max(0, failed_attempts - 1)
        return float(min(self.retry_base_seconds * 2.0**exponent, self.retry_max_seconds))


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Dispatcher:
    """Delivers queued events to webhook endpoints until :meth:`stop`."""

    def __init__(self, store: Store, clock: Callable[[], float], policy: DeliveryPolicy) -> None:
        self._store = store
        self._clock = clock
        self.policy = policy
        self._signal = store.deliveries_signal
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._inflight: set[int] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._http: httpx.Client | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the scheduler and worker threads."""
        if self._threads:
            return
        self._http = httpx.Client(
            timeout=self.policy.timeout_seconds,
            follow_redirects=False,
            # A receiver on 127.0.0.1 must never be reached through an HTTP(S)_PROXY.
            trust_env=False,
            limits=httpx.Limits(max_connections=self.policy.concurrency * 2),
        )
        self._threads.append(
            threading.Thread(target=self._schedule, name="sandbox-webhooks", daemon=True)
        )
        for i in range(self.policy.concurrency):
            self._threads.append(
                threading.Thread(target=self._work, name=f"sandbox-webhook-{i}", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    def wake(self) -> None:
        """Look for due deliveries now (after the clock moved, say)."""
        self._signal.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the threads; an attempt still running is abandoned (and redone later)."""
        self._stopping.set()
        self._signal.set()
        for _ in range(self.policy.concurrency):
            self._queue.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if self._http is not None:
            self._http.close()
        self._threads = []

    # -- scheduling --------------------------------------------------------------------

    def _schedule(self) -> None:
        while True:
            # Cleared before looking, so a commit that lands meanwhile wakes the wait below
            # (and checked after clearing, so a stop() cannot be missed).
            self._signal.clear()
            if self._stopping.is_set():
                return
            wait = self.policy.poll_seconds
            try:
                now = self._clock()
                with self._store.snapshot() as tx:
                    due = tx.deliveries_due(now, limit=self.policy.concurrency * 4)
                    upcoming = tx.next_delivery_time()
                for delivery in due:
                    with self._lock:
                        if delivery.id in self._inflight:
                            continue
                        self._inflight.add(delivery.id)
                    self._queue.put(delivery.id)
                if upcoming is not None and upcoming > now:
                    wait = min(wait, upcoming - now)
            except Exception:
                if self._stopping.is_set():
                    return
                log.exception("sandbox: webhook scheduling failed")
            self._signal.wait(wait)

    def _work(self) -> None:
        while True:
            delivery_id = self._queue.get()
            if delivery_id is None:
                return
            try:
                if not self._stopping.is_set():
                    self._attempt(delivery_id)
            except Exception:
                if not self._stopping.is_set():
                    log.exception("sandbox: webhook delivery %s failed", delivery_id)
            finally:
                with self._lock:
                    self._inflight.discard(delivery_id)
                self._signal.set()

    # -- one attempt -------------------------------------------------------------------

    def _attempt(self, delivery_id: int) -> None:
        started_at = self._clock()
        with self._store.snapshot() as tx:
            delivery = tx.delivery(delivery_id)
            if (
                delivery is None
                or delivery.state != "pending"
                or delivery.next_attempt is None
                or delivery.next_attempt > started_at
            ):
                return
            endpoint = tx.get(delivery.endpoint_id, webhooks.KIND)
            event_text = tx.event_text(delivery.event_id)
        if endpoint is None or endpoint.body.get("status") != "enabled" or event_text is None:
            self._cancel(delivery, started_at, event_known=event_text is not None)
            return
        url = str(endpoint.body["url"])
        secret = str(endpoint.internal["secret"])
        payload = wire.dumps(json.loads(event_text))
        outcome = self._post(url, payload, secret, int(started_at))
        self._record(delivery, url, started_at, outcome)

    def _post(self, url: str, payload: str, secret: str, timestamp: int) -> _Outcome:
        if self._http is None:
            raise RuntimeError("dispatcher not started")
        headers = {
            "Content-Type": behaviour.WEBHOOK_CONTENT_TYPE,
            "User-Agent": behaviour.WEBHOOK_USER_AGENT,
            "Accept": "*/*; q=0.5, application/json",
            "Cache-Control": "no-cache",
            "Stripe-Signature": webhooks.signature_header(payload, secret, timestamp),
        }
        t0 = time.perf_counter()
        try:
            response = self._http.post(url, content=payload.encode("utf-8"), headers=headers)
        except httpx.HTTPError as exc:
            duration = (time.perf_counter() - t0) * 1000
            return _Outcome(None, f"{type(exc).__name__}: {exc}".rstrip(": "), duration)
        duration = (time.perf_counter() - t0) * 1000
        error = None
        if not 200 <= response.status_code < 300:
            excerpt = response.text[: behaviour.WEBHOOK_ERROR_EXCERPT].strip()
            error = f"HTTP {response.status_code}" + (f": {excerpt}" if excerpt else "")
        return _Outcome(response.status_code, error, duration)

    def _record(self, delivery: Delivery, url: str, started_at: float, outcome: _Outcome) -> None:
        attempt_no = delivery.attempts + 1
        now = self._clock()
        next_attempt: float | None = None
        if outcome.ok:
            state = "succeeded"
        elif attempt_no >= self.policy.max_attempts:
            state = "failed"
        else:
            state = "pending"
            next_attempt = now + self.policy.delay(attempt_no)
        with self._store.transaction() as tx:
            tx.attempt_add(
                Attempt(
                    delivery_id=delivery.id,
                    attempt=attempt_no,
                    url=url,
                    at=started_at,
                    status_code=outcome.status_code,
                    error=outcome.error,
                    duration_ms=round(outcome.duration_ms, 2),
                )
            )
            tx.delivery_update(
                delivery.id, state=state, attempts=attempt_no, next_attempt=next_attempt, now=now
            )
            if outcome.ok:
                tx.event_pending_webhooks_done(delivery.event_id)

    def _cancel(self, delivery: Delivery, now: float, *, event_known: bool) -> None:
        """The endpoint was disabled or deleted: the delivery is dropped."""
        with self._store.transaction() as tx:
            tx.delivery_update(
                delivery.id,
                state="canceled",
                attempts=delivery.attempts,
                next_attempt=None,
                now=now,
            )
            if event_known:
                tx.event_pending_webhooks_done(delivery.event_id)


def deliveries_json(
    store: Store,
    *,
    event_id: str | None = None,
    endpoint_id: str | None = None,
    state: str | None = None,
    limit: int = 100,
) -> list[dict[str, object]]:
    """The delivery log for ``GET /_sandbox/webhook_deliveries``, newest first."""
    with store.snapshot() as tx:
        rows = tx.deliveries(event_id=event_id, endpoint_id=endpoint_id, state=state, limit=limit)
        types: dict[str, str | None] = {}
        for delivery, _ in rows:
            if delivery.event_id not in types:
                event = tx.get_event(delivery.event_id)
                types[delivery.event_id] = None if event is None else str(event["type"])
    return [
        {
            "id": delivery.id,
            "event": delivery.event_id,
            "event_type": types.get(delivery.event_id),
            "endpoint": delivery.endpoint_id,
            "status": delivery.state,
            "attempt_count": delivery.attempts,
            "next_attempt_at": delivery.next_attempt,
            "created": delivery.created,
            "updated": delivery.updated,
            "attempts": [
                {
                    "attempt": a.attempt,
                    "url": a.url,
                    "at": a.at,
                    "status_code": a.status_code,
                    "error": a.error,
                    "duration_ms": a.duration_ms,
                }
                for a in attempts
            ],
        }
        for delivery, attempts in rows
    ]
