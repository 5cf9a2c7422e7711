"""Which response fields the app reads, taken from the source of its Stripe adapter.

``pos_app/gateway/stripe_gateway.py`` and ``session_info.py`` (Checkout Sessions read as
JSON) are parsed (not imported for this): inside each function listed in :data:`READERS`,
every ``var.attr`` chain, ``getattr(var, "attr")``, ``var.get("key")`` and ``var["key"]`` on a
variable bound to a Stripe object counts as a read of that object's field. A new read in the
adapter is then checked against the sandbox without anyone remembering to list it; a renamed
function fails loudly instead of checking nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pos_app.gateway.session_info as session_info_module
import pos_app.gateway.stripe_gateway as gateway_module

#: Per adapter function: which local variable holds which Stripe object. ``event.data``
#: means the object inside an event (``ev.data.object.to_dict()``).
READERS: dict[str, dict[str, str]] = {
    "session_info": {"data": "checkout.session", "pi": "payment_intent"},
    "_line_item": {"obj": "item"},
    "_refund": {"obj": "refund"},
    "_charge_info": {"obj": "charge"},
    "_balance_transaction_info": {"bt": "balance_transaction"},
    "retrieve_payment_intent": {"pi": "payment_intent"},
    "_payment_intent_info": {"pi": "payment_intent"},
    "charge_details": {
        "pi": "payment_intent",
        "charge": "charge",
        "bt": "balance_transaction",
    },
    "event_info": {"ev": "event", "obj": "event.data"},
    "list_events": {"page": "list"},
}

#: Methods of StripeObject, not fields.
_METHODS = frozenset({"to_dict", "get", "last_response", "keys", "items", "values"})


def _chain(node: ast.expr) -> tuple[str, list[str]] | None:
    """``ev.data.object`` → ``("ev", ["data", "object"])``."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, list(reversed(attrs))
    return None


def app_reads() -> dict[str, set[str]]:
    """Object type → dotted field paths the adapter reads (``data.object`` for events)."""
    functions = {
        node.name: node
        for module in (gateway_module, session_info_module)
        for node in ast.walk(ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    reads: dict[str, set[str]] = {}
    for name, variables in READERS.items():
        func = functions.get(name)
        if func is None:
            raise AssertionError(f"{name} is gone from the adapter: update READERS")
        found = 0
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute):
                chain = _chain(node)
                if chain is None or chain[0] not in variables:
                    continue
                fields: list[str] = []
                for attr in chain[1]:
                    if attr in _METHODS:
                        break
                    fields.append(attr)
                if fields:
                    reads.setdefault(variables[chain[0]], set()).add(".".join(fields))
                    found += 1
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id in variables
                and isinstance(node.slice, ast.Constant)
            ):
                reads.setdefault(variables[node.value.id], set()).add(str(node.slice.value))
                found += 1
            elif isinstance(node, ast.Call):
                func_node = node.func
                args = node.args
                key: str | None = None
                var: str | None = None
                if (
                    isinstance(func_node, ast.Name)
                    and func_node.id == "getattr"
                    and len(args) >= 2
                    and isinstance(args[0], ast.Name)
                    and isinstance(args[1], ast.Constant)
                ):
                    var, key = args[0].id, str(args[1].value)
                elif (
                    isinstance(func_node, ast.Attribute)
                    and func_node.attr == "get"
                    and isinstance(func_node.value, ast.Name)
                    and args
                    and isinstance(args[0], ast.Constant)
                ):
                    var, key = func_node.value.id, str(args[0].value)
                if var in variables and key is not None and key not in _METHODS:
                    reads.setdefault(variables[var], set()).add(key)
                    found += 1
        if not found:
            raise AssertionError(f"no field reads found in the adapter's {name}")
    # Only full paths matter: ``data`` is implied by ``data.object``.
    return {
        kind: {p for p in paths if not any(q.startswith(p + ".") for q in paths)}
        for kind, paths in reads.items()
    }
