"""What the ``stripe`` package (generated from Stripe's OpenAPI spec) says about the API.

Two views, both read from the SDK's type annotations at run time:

* request parameters, from the ``*Params`` TypedDicts (``stripe.params...``), as a tree of
  :class:`ParamType` values: which names exist at each level, which are nested hashes or
  lists of hashes, which are free-form hashes (``metadata``) and which ``Literal`` values a
  string enum takes;
* response fields, from the annotations of the resource classes (``stripe.checkout.Session``,
  ``stripe.Charge``, ...) and the ``StripeObject`` classes nested in them.

``typing.get_type_hints`` cannot be used: annotations name classes that are only imported
under ``TYPE_CHECKING`` (``"PaymentIntent"``, ``StripeContext``), so forward references are
resolved here against the defining module and then the ``stripe`` package itself.

Run ``python -m tests.contract.sdk_schema`` to print the parameter snapshot the sandbox keeps
in ``pos_app/sandbox/schema_stripe.py``.
"""

from __future__ import annotations

import builtins
import importlib
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import stripe
from stripe._request_options import RequestOptions
from stripe._stripe_object import StripeObject

# -- resolving annotations ---------------------------------------------------------------


class _Namespace(dict[str, Any]):
    """A module's globals that fall back to names exported by the ``stripe`` package."""

    def __missing__(self, key: str) -> Any:
        if hasattr(builtins, key):
            return getattr(builtins, key)
        for package in (stripe, stripe.checkout):
            value = getattr(package, key, None)
            if value is not None:
                return value
        # A class of another sub-package (``issuing.Authorization``): a placeholder that no
        # JSON value will ever match, which is all a response check needs.
        return _unresolved(key)


_UNRESOLVED: dict[str, type] = {}


def _unresolved(name: str) -> type:
    if name not in _UNRESOLVED:
        _UNRESOLVED[name] = type(name, (), {"__unresolved__": True})
    return _UNRESOLVED[name]


def _namespace(module: str, owner: type | None = None) -> _Namespace:
    ns = _Namespace(vars(sys.modules[module]))
    # Nested classes of ``owner`` (and its enclosing classes) are visible by bare name.
    if owner is not None:
        qual = owner.__qualname__.split(".")
        top: Any = sys.modules[module]
        chain = []
        for part in qual:
            top = getattr(top, part)
            chain.append(top)
        for cls in chain:
            for name, value in vars(cls).items():
                if isinstance(value, type):
                    ns[name] = value
    return ns


def resolve(tp: Any, module: str, owner: type | None = None) -> Any:
    """``tp`` with every forward reference (string or ``ForwardRef``) evaluated."""
    if isinstance(tp, str):
        tp = typing.ForwardRef(tp)
    if isinstance(tp, typing.ForwardRef):
        return resolve(eval(tp.__forward_arg__, _namespace(module, owner)), module, owner)
    origin = typing.get_origin(tp)
    if origin is None or origin is typing.Literal:
        return tp
    args = tuple(resolve(a, module, owner) for a in typing.get_args(tp))
    if origin in (typing.Union, types.UnionType):
        return typing.Union[args]  # noqa: UP007 - built from a runtime tuple
    if origin in (typing.NotRequired, typing.Required):
        return args[0]
    if origin is list:
        return list[args[0]]  # type: ignore[valid-type]
    if origin is dict:
        return dict[args[0], args[1]]  # type: ignore[valid-type]
    try:
        return origin[args]
    except TypeError:
        return tp[args]


def union_members(tp: Any) -> list[Any]:
    """The alternatives of a union (``[tp]`` for anything else)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(tp):
            out.extend(union_members(arg))
        return out
    return [tp]


def literal_values(tp: Any) -> tuple[str, ...] | None:
    """The ``Literal`` values among ``tp``'s alternatives, or ``None`` when it has none."""
    values: list[str] = []
    for member in union_members(tp):
        if typing.get_origin(member) is typing.Literal:
            values.extend(str(v) for v in typing.get_args(member))
    return tuple(values) if values else None


def is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__total__")


# -- request parameters --------------------------------------------------------------------


@dataclass
class ParamType:
    """One parameter's type, reduced to what an HTTP form can express."""

    name: str
    required: bool
    #: Alternatives: ``"str"``, ``"int"``, ``"bool"``, ``"hash"`` (nested, see ``children``),
    #: ``"list"`` (of ``item``), ``"map"`` (free-form string keys, like ``metadata``),
    #: ``"empty"`` (``Literal['']``, to unset), ``"other"``.
    kinds: set[str] = field(default_factory=set)
    #: ``Literal`` values of a string enum (the spec allows other strings too when
    #: ``open_enum``: the SDK writes ``Literal[...]|str`` so new values do not break it).
    enum: tuple[str, ...] | None = None
    open_enum: bool = False
    children: dict[str, ParamType] | None = None
    item: ParamType | None = None


def _param_type(name: str, tp: Any, required: bool, module: str, depth: int) -> ParamType:
    pt = ParamType(name=name, required=required)
    for member in union_members(tp):
        origin = typing.get_origin(member)
        if member is str:
            pt.kinds.add("str")
            if pt.enum is not None:
                pt.open_enum = True
        elif member is int:
            pt.kinds.add("int")
        elif member is bool:
            pt.kinds.add("bool")
        elif origin is typing.Literal:
            values = tuple(str(v) for v in typing.get_args(member))
            if values == ("",):
                pt.kinds.add("empty")
            else:
                pt.kinds.add("str")
                pt.enum = (pt.enum or ()) + values
        elif origin is list or member is list:
            pt.kinds.add("list")
            (arg,) = typing.get_args(member) or (Any,)
            pt.item = _param_type(f"{name}[]", arg, True, module, depth + 1)
        elif (
            origin is dict
            or (isinstance(member, type) and issubclass(member, StripeObject))
            or (
                origin is not None and isinstance(origin, type) and issubclass(origin, StripeObject)
            )
        ):
            pt.kinds.add("map")
        elif is_typeddict(member):
            pt.kinds.add("hash")
            if depth < 12:
                pt.children = params_of(member, depth + 1)
        else:
            pt.kinds.add("other")
    # ``Literal[...]|str`` lists str after the Literal; normalise regardless of order.
    members = union_members(tp)
    if pt.enum is not None and str in members:
        pt.open_enum = True
    return pt


def params_of(td: type, depth: int = 0) -> dict[str, ParamType]:
    """Every parameter a ``*Params`` TypedDict declares (request options left out)."""
    options = set(RequestOptions.__annotations__)
    from_options = RequestOptions in getattr(td, "__orig_bases__", ())
    required = getattr(td, "__required_keys__", frozenset())
    out: dict[str, ParamType] = {}
    for key, raw in td.__annotations__.items():
        if from_options and key in options:
            continue
        is_required = key in required and typing.get_origin(raw) is not typing.NotRequired
        tp = resolve(raw, td.__module__)
        out[key] = _param_type(key, tp, is_required, td.__module__, depth)
    return out


#: The SDK's parameter class for each endpoint the sandbox serves.
ENDPOINT_PARAMS: dict[str, str] = {
    "POST /v1/checkout/sessions": "stripe.params.checkout.SessionCreateParams",
    "GET /v1/checkout/sessions": "stripe.params.checkout.SessionListParams",
    "GET /v1/checkout/sessions/{id}": "stripe.params.checkout.SessionRetrieveParams",
    "POST /v1/checkout/sessions/{id}/expire": "stripe.params.checkout.SessionExpireParams",
    "GET /v1/checkout/sessions/{id}/line_items": "stripe.params.checkout.SessionLineItemListParams",
    "POST /v1/customers": "stripe.params.CustomerCreateParams",
    "GET /v1/customers/{id}": "stripe.params.CustomerRetrieveParams",
    "POST /v1/customers/{id}": "stripe.params.CustomerUpdateParams",
    "GET /v1/payment_intents/{id}": "stripe.params.PaymentIntentRetrieveParams",
    "POST /v1/payment_intents/{id}": "stripe.params.PaymentIntentUpdateParams",
    "GET /v1/charges": "stripe.params.ChargeListParams",
    "GET /v1/charges/{id}": "stripe.params.ChargeRetrieveParams",
    "GET /v1/balance_transactions": "stripe.params.BalanceTransactionListParams",
    "GET /v1/balance_transactions/{id}": "stripe.params.BalanceTransactionRetrieveParams",
    "POST /v1/refunds": "stripe.params.RefundCreateParams",
    "GET /v1/refunds": "stripe.params.RefundListParams",
    "GET /v1/refunds/{id}": "stripe.params.RefundRetrieveParams",
    "GET /v1/events": "stripe.params.EventListParams",
    "GET /v1/events/{id}": "stripe.params.EventRetrieveParams",
    "POST /v1/webhook_endpoints": "stripe.params.WebhookEndpointCreateParams",
    "GET /v1/webhook_endpoints": "stripe.params.WebhookEndpointListParams",
    "GET /v1/webhook_endpoints/{id}": "stripe.params.WebhookEndpointRetrieveParams",
    "POST /v1/webhook_endpoints/{id}": "stripe.params.WebhookEndpointUpdateParams",
    "DELETE /v1/webhook_endpoints/{id}": "stripe.params.WebhookEndpointDeleteParams",
}


def load(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def endpoint_params(endpoint: str) -> dict[str, ParamType]:
    """The parameter tree of one endpoint (key as in :data:`ENDPOINT_PARAMS`)."""
    return params_of(load(ENDPOINT_PARAMS[endpoint]))


def walk_params(tree: dict[str, ParamType], prefix: str = "") -> Iterator[tuple[str, ParamType]]:
    """``(path, type)`` for every parameter, depth first; list items are written ``[]``."""
    for name, pt in tree.items():
        path = f"{prefix}.{name}" if prefix else name
        yield path, pt
        if pt.children:
            yield from walk_params(pt.children, path)
        item = pt.item
        if item is not None and item.children:
            yield from walk_params(item.children, path + "[]")


def lookup(tree: dict[str, ParamType], path: str) -> ParamType | None:
    """The parameter at a dotted path like ``line_items[].price_data.currency``."""
    node: ParamType | None = None
    level: dict[str, ParamType] | None = tree
    for part in path.split("."):
        in_list = part.endswith("[]")
        key = part[:-2] if in_list else part
        if level is None or key not in level:
            return None
        node = level[key]
        if in_list:
            if node.item is None:
                return None
            node = node.item
        level = node.children
    return node


def children_at(tree: dict[str, ParamType], path: str) -> dict[str, ParamType] | None:
    """The names one level below ``path`` (``""`` is the top level)."""
    if path == "":
        return tree
    node = lookup(tree, path)
    return None if node is None else node.children


# -- response fields -----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldType:
    """A resource attribute's resolved annotation."""

    name: str
    tp: Any

    @property
    def nullable(self) -> bool:
        return type(None) in union_members(self.tp)


def resource_fields(cls: type) -> dict[str, FieldType]:
    """Every attribute a StripeObject class declares (its own and its bases')."""
    out: dict[str, FieldType] = {}
    for klass in reversed(cls.__mro__):
        if klass in (object, StripeObject) or not issubclass(klass, StripeObject):
            continue
        for name, raw in vars(klass).get("__annotations__", {}).items():
            if name.startswith("_"):
                continue
            if typing.get_origin(raw) is typing.ClassVar or raw is typing.ClassVar:
                continue
            if isinstance(raw, str) and raw.startswith("ClassVar"):
                continue
            out[name] = FieldType(name, resolve(raw, klass.__module__, klass))
    return out


def object_class(object_name: str) -> type | None:
    """The SDK class for a JSON object's ``object`` value (``"checkout.session"`` → Session)."""
    from stripe._object_classes import OBJECT_CLASSES

    entry = OBJECT_CLASSES.get(object_name)
    if entry is None:
        return None
    module, name = entry
    cls = getattr(importlib.import_module(module), name)
    return cls if isinstance(cls, type) else None


def _snapshot() -> str:
    """``STRIPE_PARAMS`` and ``STRIPE_ENUMS`` for ``sandbox/schema_stripe.py``, from the SDK.

    Covers the levels and enums ``schema.SANDBOX_*`` reads, so adding a level there and
    running this prints what to paste.
    """
    from pos_app.sandbox import schema

    lines = ["STRIPE_PARAMS = {"]
    enum_lines = ["STRIPE_ENUMS = {"]
    for endpoint in ENDPOINT_PARAMS:
        tree = endpoint_params(endpoint)
        lines.append(f"    {endpoint!r}: {{")
        paths = {"", *schema.SANDBOX_PARAMS.get(endpoint, {})}
        for path in sorted(paths):
            level = children_at(tree, path)
            if level is None:
                raise SystemExit(f"{endpoint}: the SDK has no nested hash at {path!r}")
            lines.append(f"        {path!r}: frozenset({sorted(level)!r}),")
        lines.append("    },")
        enums = []
        for path, names in schema.SANDBOX_PARAMS.get(endpoint, {}).items():
            level = children_at(tree, path) or {}
            for name in sorted(names):
                dotted = f"{path}.{name}" if path else name
                if level[name].enum is not None:
                    enums.append(f"        {dotted!r}: {level[name].enum!r},")
                item = level[name].item
                if item is not None and item.enum is not None:  # a list of enum strings
                    enums.append(f"        {dotted + '[]'!r}: {item.enum!r},")
        if enums:
            enum_lines += [f"    {endpoint!r}: {{", *enums, "    },"]
    lines.append("}")
    enum_lines.append("}")
    return "\n".join(lines + enum_lines)


if __name__ == "__main__":
    print(_snapshot())
