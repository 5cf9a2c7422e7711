"""A response on its way out: status, JSON text and extra headers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pos_app.sandbox.errors import StripeError


@dataclass(frozen=True)
class ApiResponse:
    """What an API endpoint answers, before it becomes an HTTP response."""

    status: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)


def dumps(body: dict[str, Any]) -> str:
    """JSON the way Stripe formats it (two-space indent)."""
    return json.dumps(body, indent=2, ensure_ascii=False)


def ok(body: dict[str, Any]) -> ApiResponse:
    """200 with ``body``."""
    return ApiResponse(200, dumps(body))


def error(err: StripeError) -> ApiResponse:
    """``err`` in Stripe's error shape, with its status."""
    headers: dict[str, str] = {}
    if err.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="Stripe"'
    if err.status == 409:
        # stripe-python retries 409 anyway; the header says so explicitly.
        headers["Stripe-Should-Retry"] = "true"
    return ApiResponse(err.status, dumps(err.body()), headers)
