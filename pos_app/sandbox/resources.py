"""Read-only endpoints for objects the API never creates directly."""

from __future__ import annotations

from typing import Any

from pos_app.sandbox.errors import resource_missing
from pos_app.sandbox.expand import expand
from pos_app.sandbox.params import ParamReader
from pos_app.sandbox.store import Tx

JsonDict = dict[str, Any]

#: The ``param`` Stripe names in a 404 for each object type.
_PATH_PARAM = {"payment_intent": "intent", "charge": "charge", "balance_transaction": "id"}


def retrieve(tx: Tx, kind: str, obj_id: str, params: ParamReader) -> JsonDict:
    """``GET /v1/{payment_intents|charges|balance_transactions}/{id}``."""
    rec = tx.get(obj_id, kind)
    if rec is None:
        raise resource_missing(kind, obj_id, param=_PATH_PARAM.get(kind, "id"))
    return expand(tx, rec.body, params.expand())
