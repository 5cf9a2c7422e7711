"""Read-only endpoints for objects the API never creates directly."""

from __future__ import annotations

from typing import Any

from pos_app.sandbox.errors import resource_missing
from pos_app.sandbox.expand import expand
from pos_app.sandbox.listing import created_filter, cursor_from, list_object
from pos_app.sandbox.params import ParamReader
from pos_app.sandbox.store import SqlArg, Tx

JsonDict = dict[str, Any]

#: The ``param`` Stripe names in a 404 for each object type.
_PATH_PARAM = {"payment_intent": "intent", "charge": "charge", "balance_transaction": "id"}


def retrieve(tx: Tx, kind: str, obj_id: str, params: ParamReader) -> JsonDict:
    """``GET /v1/{payment_intents|charges|balance_transactions}/{id}``."""
    rec = tx.get(obj_id, kind)
    if rec is None:
        raise resource_missing(kind, obj_id, param=_PATH_PARAM.get(kind, "id"))
    return expand(tx, rec.body, params.expand())


def list_charges(tx: Tx, params: ParamReader) -> JsonDict:
    """``GET /v1/charges``, newest first (failed charges too, as Stripe lists them),
    optionally for one PaymentIntent or a ``created`` range."""
    where: list[tuple[str, list[SqlArg]]] = [("kind = ?", ["charge"])]
    pi = params.string("payment_intent")
    if pi is not None:
        where.append(("parent = ?", [pi]))
    return _list(tx, params, "charge", where, "/v1/charges")


def list_balance_transactions(tx: Tx, params: ParamReader) -> JsonDict:
    """``GET /v1/balance_transactions``, newest first, filtered by ``created``, ``type``,
    ``source`` (a charge or refund id) and ``currency``."""
    where: list[tuple[str, list[SqlArg]]] = [("kind = ?", ["balance_transaction"])]
    source = params.string("source")
    if source is not None:
        where.append(("parent = ?", [source]))
    type_ = params.string("type")
    if type_ is not None:
        where.append(("json_extract(body, '$.type') = ?", [type_]))
    currency = params.string("currency")
    if currency is not None:
        where.append(("json_extract(body, '$.currency') = ?", [currency.lower()]))
    return _list(tx, params, "balance_transaction", where, "/v1/balance_transactions")


def _list(
    tx: Tx, params: ParamReader, kind: str, where: list[tuple[str, list[SqlArg]]], url: str
) -> JsonDict:
    where.extend(created_filter(params))
    cursor = cursor_from(tx, params, table="objects", object_name=kind, kind=kind)
    result = list_object(tx.page("objects", where, cursor), url)
    to_expand = params.expand()
    return expand(tx, result, to_expand) if to_expand else result
