"""Raw HTTP for tests that talk to a sandbox directly and may burst past Stripe's limit.

The sandbox answers more than 25 API requests a second with 429 ``rate_limit``, as Stripe's
test mode does; the app's gateway waits those out (``pos_app.gateway.backoff``). A test that
drives the API with plain ``httpx`` does the same through :class:`PatientTransport`.
Injected faults (``Sandbox-Fault`` header) are passed through untouched.
"""

from __future__ import annotations

import ssl
import time
from typing import Any

import httpx

from pos_app.gateway.backoff import BackoffPolicy
from pos_app.sandbox import behaviour

#: One TLS context for every test client: each new one loads the CA bundle (about 35 ms of
#: CPU, paid for the sandbox's plain-HTTP pages too), and tests make thousands of clients.
TLS = ssl.create_default_context()


class PatientTransport(httpx.HTTPTransport):
    """Waits out a real 429 and resends the request, as the gateway does."""

    def __init__(self, policy: BackoffPolicy | None = None) -> None:
        super().__init__(verify=TLS)
        self.policy = policy or BackoffPolicy(retries=8)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            response = super().handle_request(request)
            if (
                response.status_code != 429
                or behaviour.FAULT_MARKER_HEADER in response.headers
                or attempt >= self.policy.retries
            ):
                return response
            response.read()
            response.close()
            time.sleep(self.policy.delay(attempt))
            attempt += 1


def patient_http(base_url: str = "", **kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` on :class:`PatientTransport`."""
    return httpx.Client(base_url=base_url, transport=PatientTransport(), **kwargs)


def get(url: str, **kwargs: Any) -> httpx.Response:
    """``httpx.get`` that waits out Stripe's rate limit."""
    timeout = kwargs.pop("timeout", 10)
    with patient_http(timeout=timeout) as client:
        return client.get(url, **kwargs)


def post(url: str, **kwargs: Any) -> httpx.Response:
    """``httpx.post`` that waits out Stripe's rate limit."""
    timeout = kwargs.pop("timeout", 10)
    with patient_http(timeout=timeout) as client:
        return client.post(url, **kwargs)
