"""``Idempotency-Key``: run a POST once, replay its saved result afterwards.

The key is claimed (``in_progress``) in its own short transaction so that a concurrent
request with the same key sees it and gets 409. The endpoint's work and the saved result
then commit together in one transaction: if the process dies half-way, neither exists,
and the in-progress marker is cleared at the next start (:func:`recover`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from pos_app.sandbox import behaviour, wire
from pos_app.sandbox.errors import StripeError, api_error, param_error
from pos_app.sandbox.params import FormDict
from pos_app.sandbox.store import Store, Tx
from pos_app.sandbox.wire import ApiResponse

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
Work = Callable[[Tx], JsonDict]


def key_hash(api_key: str) -> str:
    """Keys are scoped per API key; only a hash of the API key is stored."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def fingerprint(params: FormDict) -> str:
    """Parameters in a canonical form: order of form fields does not matter."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


def check_key(idem_key: str) -> None:
    """Reject keys Stripe would reject."""
    if len(idem_key) > behaviour.IDEMPOTENCY_KEY_MAX_LENGTH:
        raise param_error(
            "Invalid Idempotency-Key: keys must be at most "
            f"{behaviour.IDEMPOTENCY_KEY_MAX_LENGTH} characters long.",
            code=None,
            param=None,
        )


def claim(
    store: Store, owner: str, idem_key: str, method: str, path: str, fp: str, now: float
) -> ApiResponse | None:
    """``None`` when the caller should execute; otherwise the answer to send instead."""
    with store.transaction() as tx:
        row = tx.idem_get(owner, idem_key)
        if row is not None and row.created < now - behaviour.IDEMPOTENCY_TTL_SECONDS:
            row = None  # expired: the key is new again
        if row is None:
            tx.idem_claim(owner, idem_key, method, path, fp, now)
            return None
    if row.state == "in_progress":
        raise StripeError(
            409,
            "invalid_request_error",
            "There is currently another in-progress request using this Idempotent Key "
            "(that probably means you submitted twice, and the other request is still "
            f"going through): {idem_key}. Please try again later.",
            code="idempotency_key_in_use",
            executed=False,
        )
    if (row.method, row.path) != (method, path):
        raise StripeError(
            400,
            "idempotency_error",
            "Keys for idempotent requests can only be used for the same endpoint they were "
            f"first used for ('{path}' vs '{row.path}'). Try using a key other than "
            f"'{idem_key}' if you meant to execute a different request.",
            executed=False,
        )
    if row.fingerprint != fp:
        raise StripeError(
            400,
            "idempotency_error",
            "Keys for idempotent requests can only be used with the same parameters they "
            f"were first used with. Try using a key other than '{idem_key}' if you meant to "
            "execute a different request.",
            executed=False,
        )
    headers = {"Idempotent-Replayed": "true"}
    if row.request_id:
        headers["Original-Request"] = row.request_id
    return ApiResponse(int(row.status or 200), row.body or "{}", headers)


def run(
    store: Store,
    *,
    api_key: str,
    idem_key: str,
    method: str,
    path: str,
    params: FormDict,
    request_id: str,
    now: float,
    work: Work,
) -> ApiResponse:
    """Execute ``work`` at most once per key; replay or refuse as Stripe does."""
    owner = key_hash(api_key)
    try:
        check_key(idem_key)
        replay = claim(store, owner, idem_key, method, path, fingerprint(params), now)
    except StripeError as err:
        return wire.error(err)
    if replay is not None:
        return replay
    try:
        with store.transaction() as tx:
            response = wire.ok(work(tx))
            tx.idem_finish(owner, idem_key, response.status, response.text, request_id)
        return response
    except StripeError as err:
        response = wire.error(err)
        saved = err.executed and behaviour.STORE_BUSINESS_ERRORS
    except Exception:
        log.exception("sandbox: %s %s failed", method, path)
        # Stripe saves even a 500 against the key; the request will replay the same.
        response = wire.error(api_error())
        saved = True
    with store.transaction() as tx:
        if saved:
            tx.idem_finish(owner, idem_key, response.status, response.text, request_id)
        else:
            tx.idem_release(owner, idem_key)
    return response


def recover(store: Store) -> int:
    """Clear in-progress markers left by a previous process (its work rolled back)."""
    with store.transaction() as tx:
        return tx.idem_clear_in_progress()
