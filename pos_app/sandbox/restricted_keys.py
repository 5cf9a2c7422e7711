"""Restricted keys (``rk_test_…``) holding only some permissions, made by a test control.

``POST /_sandbox/restricted_keys`` with ``{"permissions": ["rak_charge_read", ...]}``
answers ``{"secret": "rk_test_…", "permissions": [...]}``. A request with that key to an
endpoint whose permission it lacks gets Stripe's 403 naming the permission. Only a hash
of each key is kept, in the ``meta`` table. Which endpoint needs what is in
``behaviour.ENDPOINT_PERMISSIONS``.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pos_app.sandbox import behaviour
from pos_app.sandbox.auth import mask_key
from pos_app.sandbox.core import Sandbox
from pos_app.sandbox.errors import StripeError
from pos_app.sandbox.ids import random_token
from pos_app.sandbox.store import Store

JsonDict = dict[str, Any]

_META_PREFIX = "restricted_key:"
_PERMISSION_RE = re.compile(r"^rak_[a-z][a-z0-9_]*_(read|write)$")
_KEY_LENGTH = 99  # Stripe's restricted keys are long; only the shape matters here


def _meta_key(api_key: str) -> str:
    return _META_PREFIX + hashlib.sha256(api_key.encode()).hexdigest()


def invalid_permissions(permissions: object) -> str | None:
    """Why a control's permission list cannot be used, or None."""
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        return 'expected {"permissions": ["rak_charge_read", ...]}'
    bad = [p for p in permissions if not _PERMISSION_RE.match(p)]
    if bad:
        return f"not a permission id (rak_<resource>_read|write): {', '.join(bad)}"
    return None


def create(store: Store, permissions: list[str]) -> JsonDict:
    """A new restricted test key with exactly these permissions."""
    secret = f"rk_test_{random_token(_KEY_LENGTH)}"
    granted = sorted(set(permissions))
    with store.transaction() as tx:
        tx.meta_set(_meta_key(secret), json.dumps(granted))
    return {"object": "restricted_key", "secret": secret, "permissions": granted}


def _holds(granted: set[str], needed: str) -> bool:
    if needed in granted:
        return True
    for have in granted:
        if have.endswith("_write") and needed == have.removesuffix("_write") + "_read":
            return True  # Write includes Read of the same resource
        implied = behaviour.PERMISSION_IMPLIES.get(have.replace("_write", "_read"), ())
        if needed in implied:
            return True
    return False


def authorize(store: Store, api_key: str, method: str, path: str) -> None:
    """Raise Stripe's 403 when ``api_key`` is a restricted key made by the control that
    lacks the permission of ``method path`` (the route's template, e.g. ``/v1/refunds``)."""
    if not api_key.startswith("rk_"):
        return
    with store.snapshot() as tx:
        stored = tx.meta_get(_meta_key(api_key))
    if stored is None:
        return  # a restricted key typed by hand: full access, as the sandbox always gave
    needed = behaviour.ENDPOINT_PERMISSIONS.get(f"{method} {path}")
    if needed is None or _holds(set(json.loads(stored)), needed):
        return
    raise StripeError(
        403,
        "invalid_request_error",
        behaviour.PERMISSION_DENIED_MESSAGE.format(
            key=mask_key(api_key), account=behaviour.SANDBOX_ACCOUNT_ID, permission=needed
        ),
        executed=False,
    )


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    """The control that makes restricted keys."""

    async def make(request: Request) -> Response:
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            data = None
        permissions = data.get("permissions") if isinstance(data, dict) else None
        problem = invalid_permissions(permissions)
        if problem is not None:
            err = {"message": problem, "type": "invalid_request_error", "param": "permissions"}
            return JSONResponse({"error": err}, status_code=400)
        assert isinstance(permissions, list)
        return JSONResponse(await run_in_threadpool(create, sandbox.store, permissions))

    return [Route(f"{behaviour.CONTROLS_PREFIX}/restricted_keys", make, methods=["POST"])]
