"""Checking JSON responses against the SDK's resource annotations.

:func:`check_json` walks a response body (parsed JSON, not an SDK object, so that ``1.0``
and ``1`` stay distinguishable) against the class the SDK would build from it and lists
every problem: a field the class does not declare, a value of the wrong JSON type (a float
where an int is declared, a string for a timestamp), ``null`` where the annotation is not
``Optional``, a string outside the ``Literal`` values the SDK lists.

Nested ``StripeObject`` classes (``Session.CustomerDetails``, ``Charge.Outcome``,
``Charge.PaymentMethodDetails.Card`` ...) are followed; so are expanded ids
(``ExpandableField[X]``), lists (``ListObject[X]``) and ``event.data.object``, whose class
comes from its ``object`` value.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from stripe._list_object import ListObject
from stripe._stripe_object import StripeObject, UntypedStripeObject

from tests.contract.sdk_schema import (
    literal_values,
    object_class,
    resource_fields,
    union_members,
)

NoneType = type(None)


def check_json(value: Any, cls: type, path: str = "$") -> list[str]:
    """Every way ``value`` departs from what ``cls`` (a StripeObject class) declares."""
    problems: list[str] = []
    _check_value(value, cls, path, problems)
    return problems


def _origin(tp: Any) -> Any:
    return typing.get_origin(tp)


def _is_stripe_class(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, StripeObject)


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_value(value: Any, tp: Any, path: str, problems: list[str]) -> None:
    members = union_members(tp)
    if value is None:
        if NoneType not in members and tp is not Any:
            problems.append(f"{path}: null, but the SDK declares it non-nullable ({tp})")
        return
    candidates = [m for m in members if m is not NoneType]
    if not candidates or Any in candidates:
        return
    literals = literal_values(tp)
    if literals is not None and isinstance(value, str):
        # The SDK writes ``Literal[...] | str`` so that new values do not break old code;
        # a sandbox speaking exactly this API version should send a listed value.
        if value not in literals:
            problems.append(f"{path}: {value!r} is not one of the SDK's values {sorted(literals)}")
        return
    # A dict is checked against the class its ``object`` value names, if that is among the
    # alternatives (expanded ``source``, ``ExpandableField[...]``), else the first class.
    if isinstance(value, dict):
        classes = [c for c in candidates if _is_stripe_class(c) or _origin(c) is not None]
        named = object_class(str(value.get("object"))) if "object" in value else None
        target = next((c for c in classes if named is not None and c is named), None)
        if (
            target is None
            and named is not None
            and any(_origin(c) is ListObject or c is ListObject for c in classes)
            and value.get("object") == "list"
        ):
            target = next(c for c in classes if _origin(c) is ListObject or c is ListObject)
        if target is None:
            target = classes[0] if classes else None
        if target is None:
            problems.append(f"{path}: a hash, but the SDK declares {tp}")
            return
        _check_hash(value, target, path, problems)
        return
    errors: list[list[str]] = []
    for cand in candidates:
        found: list[str] = []
        _check_scalar_or_list(value, cand, path, found)
        if not found:
            return
        errors.append(found)
    problems.extend(min(errors, key=len))


def _check_scalar_or_list(value: Any, tp: Any, path: str, problems: list[str]) -> None:
    origin = _origin(tp)
    if tp is str:
        if not isinstance(value, str):
            problems.append(f"{path}: {_describe(value)} is not a string")
    elif tp is bool:
        if not isinstance(value, bool):
            problems.append(f"{path}: {_describe(value)} is not a boolean")
    elif tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: {_describe(value)} is not an integer")
    elif tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{path}: {_describe(value)} is not a number")
    elif origin is list or tp is list:
        if not isinstance(value, list):
            problems.append(f"{path}: {_describe(value)} is not a list")
            return
        (item_tp,) = typing.get_args(tp) or (Any,)
        for i, item in enumerate(value):
            _check_value(item, item_tp, f"{path}[{i}]", problems)
    elif origin is typing.Literal:
        if value not in typing.get_args(tp):
            problems.append(f"{path}: {_describe(value)} is not one of {typing.get_args(tp)}")
    elif isinstance(tp, typing.TypeVar) or tp is Any:
        return
    elif getattr(tp, "__unresolved__", False) or _is_stripe_class(tp) or origin is not None:
        problems.append(f"{path}: {_describe(value)} where the SDK declares {tp}")
    else:
        # Decimal and other scalar classes: the JSON carries them as strings or numbers.
        if not isinstance(value, str | int | float):
            problems.append(f"{path}: {_describe(value)} where the SDK declares {tp}")


def _check_hash(value: dict[str, Any], tp: Any, path: str, problems: list[str]) -> None:
    origin = _origin(tp)
    args = typing.get_args(tp)
    if origin is dict:
        for key, item in value.items():
            _check_value(item, args[1] if len(args) > 1 else Any, f"{path}.{key}", problems)
        return
    if origin is UntypedStripeObject or tp is UntypedStripeObject:
        item_tp = args[0] if args else Any
        if item_tp is Any and isinstance(value.get("object"), str):
            cls = object_class(value["object"])
            if cls is not None:
                _check_fields(value, cls, path, problems)
                return
        for key, item in value.items():
            _check_value(item, item_tp, f"{path}.{key}", problems)
        return
    if origin is ListObject or tp is ListObject:
        item_tp = args[0] if args else Any
        if value.get("object") != "list":
            problems.append(f"{path}.object: {value.get('object')!r}, a list must say 'list'")
        for key in value:
            if key not in ("object", "data", "has_more", "url"):
                problems.append(f"{path}.{key}: not declared by ListObject")
        _check_value(value.get("data"), list[item_tp], f"{path}.data", problems)  # type: ignore[valid-type]
        _check_value(value.get("has_more"), bool, f"{path}.has_more", problems)
        _check_value(value.get("url"), str, f"{path}.url", problems)
        return
    if _is_stripe_class(tp):
        _check_fields(value, tp, path, problems)
        return
    problems.append(f"{path}: a hash, but the SDK declares {tp}")


def _check_fields(value: dict[str, Any], cls: type, path: str, problems: list[str]) -> None:
    fields = resource_fields(cls)
    object_name = getattr(cls, "OBJECT_NAME", None)
    for key, item in value.items():
        if key == "object" and "object" not in fields and object_name is not None:
            if item != object_name:
                problems.append(f"{path}.object: {item!r}, {cls.__qualname__} is {object_name!r}")
            continue
        declared = fields.get(key)
        if declared is None:
            problems.append(f"{path}.{key}: not declared by {cls.__module__}.{cls.__qualname__}")
            continue
        _check_value(item, declared.tp, f"{path}.{key}", problems)


def declared_but_absent(value: dict[str, Any], cls: type) -> set[str]:
    """Fields ``cls`` declares that ``value`` leaves out (top level only)."""
    return set(resource_fields(cls)) - set(value)


def walk_objects(value: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every hash with an ``object`` value inside ``value``, with its path."""
    if isinstance(value, dict):
        if isinstance(value.get("object"), str):
            yield path, value
        for key, item in value.items():
            yield from walk_objects(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_objects(item, f"{path}[{i}]")


__all__ = ["check_json", "declared_but_absent", "walk_objects"]
