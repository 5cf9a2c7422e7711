"""A small Python client for the sandbox's test controls (``/_sandbox``).

    from pos_app.sandbox.controls_client import ControlsClient, fault

    with ControlsClient(sandbox_url) as controls:
        controls.set_faults(fault("connection_reset", when="after", count=1,
                                  method="POST", path_prefix="/v1/refunds"))
        ...                                    # the app's refund call fails, the refund exists
        assert controls.fault_counters()["injected"]["connection_reset"] == 1
        controls.advance_clock(3600)           # sessions expire, refunds settle
        log = controls.deliveries()            # webhook delivery attempts

The sandbox must run with test controls (``enable_controls=True`` /
``--enable-test-controls``); otherwise every call raises :class:`ControlsError` (404).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

JsonDict = dict[str, Any]


class ControlsError(RuntimeError):
    """A control call failed; ``status`` is the HTTP status (404: controls not enabled)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def fault(
    kind: str,
    *,
    when: str = "before",
    rate: float | None = None,
    count: int | None = None,
    skip: int = 0,
    method: str | None = None,
    path_prefix: str | None = None,
    latency_ms: float | None = None,
) -> JsonDict:
    """One fault rule.

    ``kind``: ``latency`` (needs ``latency_ms``), ``api_error`` (500), ``rate_limit`` (429),
    ``lock_timeout`` (429) or ``connection_reset``. ``when``: ``before`` the request is
    applied or ``after`` (applied, response lost). Without ``rate`` and ``count`` every
    matching request is hit; ``count`` limits it to the next N (after ``skip``), ``rate``
    draws with the configuration's seed. ``method`` / ``path_prefix`` (default ``/v1/``)
    select requests.
    """
    rule: JsonDict = {"kind": kind, "when": when, "skip": skip}
    for key, value in (
        ("rate", rate),
        ("count", count),
        ("method", method),
        ("path_prefix", path_prefix),
        ("latency_ms", latency_ms),
    ):
        if value is not None:
            rule[key] = value
    return rule


class ControlsClient:
    """Calls the test controls of the sandbox at ``base_url`` (its API address)."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, trust_env=False)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ControlsClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
    ) -> JsonDict:
        response = self._http.request(method, f"/_sandbox{path}", json=json, params=params)
        if response.status_code != 200:
            try:
                message = str(response.json()["error"]["message"])
            except (ValueError, KeyError, TypeError):
                message = response.text or response.reason_phrase
            if response.status_code == 404:
                message = f"{message} (is the sandbox running with test controls enabled?)"
            raise ControlsError(message, response.status_code)
        data: JsonDict = response.json()
        return data

    # -- clock -------------------------------------------------------------------------

    def now(self) -> float:
        """The sandbox clock (unix seconds)."""
        return float(self._call("GET", "/clock")["now"])

    def advance_clock(self, seconds: float) -> JsonDict:
        """Move the sandbox clock forwards: sessions past ``expires_at`` expire, pending
        refunds settle, due webhook retries go out. Returns ``now``, ``offset``,
        ``handled`` (objects expired or settled)."""
        return self._call("POST", "/clock/advance", json={"seconds": seconds})

    def set_balance_transaction_delay(self, seconds: float) -> float:
        """Asynchronous capture: successful charges from now on get their balance
        transaction ``seconds`` later on the sandbox clock (``null`` until then), announced
        by ``charge.updated``; 0 books it at once (the default). Returns the delay."""
        return float(
            self._call("POST", "/balance_transaction_delay", json={"seconds": seconds})["seconds"]
        )

    def balance_transaction_delay(self) -> float:
        """The current asynchronous capture delay in seconds."""
        return float(self._call("GET", "/balance_transaction_delay")["seconds"])

    # -- faults ------------------------------------------------------------------------

    def set_faults(self, *rules: Mapping[str, Any], seed: int | None = None) -> JsonDict:
        """Replace the fault rules (see :func:`fault`); counters restart from zero."""
        body: JsonDict = {"rules": [dict(r) for r in rules]}
        if seed is not None:
            body["seed"] = seed
        return self._call("POST", "/faults", json=body)

    def clear_faults(self) -> JsonDict:
        """Remove every rule; returns the counters as they were."""
        return self._call("DELETE", "/faults")

    def fault_counters(self) -> JsonDict:
        """``{"injected": {kind: n}, "requests_seen": n, "rules": [...], "seed": ...}``."""
        return self._call("GET", "/faults")

    # -- webhooks ----------------------------------------------------------------------

    def deliveries(
        self,
        *,
        event: str | None = None,
        endpoint: str | None = None,
        status: str | None = None,
        limit: int = 100,
    ) -> list[JsonDict]:
        """Webhook deliveries, newest first, each with its ``attempts``."""
        params: dict[str, str | int] = {"limit": limit}
        for key, value in (("event", event), ("endpoint", endpoint), ("status", status)):
            if value is not None:
                params[key] = value
        data: list[JsonDict] = self._call("GET", "/webhook_deliveries", params=params)["data"]
        return data

    # -- restricted keys ---------------------------------------------------------------

    def create_restricted_key(self, permissions: list[str]) -> str:
        """A new ``rk_test_…`` key holding only ``permissions`` (Stripe's ids, such as
        ``rak_charge_read``; Write includes Read). Other endpoints answer it with 403."""
        data = self._call("POST", "/restricted_keys", json={"permissions": permissions})
        return str(data["secret"])
