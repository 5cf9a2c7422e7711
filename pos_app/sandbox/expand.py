"""``expand[]``: replacing ids in a response with the objects they name."""

from __future__ import annotations

import copy
from typing import Any

from pos_app.sandbox.errors import param_error
from pos_app.sandbox.store import Tx

JsonDict = dict[str, Any]

#: Expandable id fields per object type. ``None`` marks the includable lists that Stripe
#: leaves out unless asked for (``line_items``, ``refunds``).
_EXPANDABLE: dict[str, dict[str, str | None]] = {
    "checkout.session": {"payment_intent": "payment_intent", "line_items": None},
    "payment_intent": {"latest_charge": "charge"},
    "charge": {
        "balance_transaction": "balance_transaction",
        "payment_intent": "payment_intent",
        "refunds": None,
    },
    "refund": {
        "balance_transaction": "balance_transaction",
        "charge": "charge",
        "payment_intent": "payment_intent",
    },
    "balance_transaction": {"source": "*"},
}

_MAX_DEPTH = 4


def expand(tx: Tx, obj: JsonDict, paths: list[str]) -> JsonDict:
    """A copy of ``obj`` with every dotted path in ``paths`` expanded."""
    out = copy.deepcopy(obj)
    for i, path in enumerate(paths):
        parts = path.split(".")
        if len(parts) > _MAX_DEPTH:
            raise param_error(
                f"You cannot expand more than {_MAX_DEPTH} levels of a property.",
                code=None,
                param=f"expand[{i}]",
            )
        _expand_path(tx, out, parts, f"expand[{i}]", path)
    return out


def _expand_path(tx: Tx, obj: JsonDict, parts: list[str], param: str, full: str) -> None:
    if obj.get("object") == "list":
        if parts[0] != "data":
            raise _cannot(full, param)
        if len(parts) > 1:
            for item in obj.get("data", []):
                _expand_path(tx, item, parts[1:], param, full)
        return
    head, rest = parts[0], parts[1:]
    fields = _EXPANDABLE.get(str(obj.get("object")), {})
    if head not in fields:
        raise _cannot(full, param)
    value = obj.get(head)
    if fields[head] is None:
        if value is None:
            obj[head] = _included_list(tx, obj, head)
            value = obj[head]
    elif isinstance(value, str):
        rec = tx.get(value)
        if rec is None:
            return
        obj[head] = copy.deepcopy(rec.body)
        value = obj[head]
    if rest and isinstance(value, dict):
        _expand_path(tx, value, rest, param, full)


def _included_list(tx: Tx, obj: JsonDict, field: str) -> JsonDict:
    if field == "line_items":
        rec = tx.get(str(obj["id"]))
        items = [] if rec is None else list(rec.internal.get("line_items", []))
        url = f"/v1/checkout/sessions/{obj['id']}/line_items"
    else:
        items = [r.body for r in reversed(tx.children("refund", str(obj["id"])))]
        url = f"/v1/charges/{obj['id']}/refunds"
    return {"object": "list", "data": items, "has_more": False, "url": url}


def _cannot(full: str, param: str) -> Exception:
    return param_error(f"This property cannot be expanded ({full}).", code=None, param=param)
