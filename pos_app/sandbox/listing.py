"""Pagination and filters shared by the list endpoints."""

from __future__ import annotations

from typing import Any

from pos_app.sandbox import behaviour
from pos_app.sandbox.errors import StripeError, param_error, resource_missing
from pos_app.sandbox.params import ParamReader
from pos_app.sandbox.store import Cursor, Page, SqlArg, Tx

JsonDict = dict[str, Any]

_CREATED_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def created_filter(params: ParamReader) -> list[tuple[str, list[SqlArg]]]:
    """``created=<int>`` or ``created[gt|gte|lt|lte]=<int>`` as SQL clauses."""
    if not params.has("created"):
        return []
    nested = params.obj("created") if isinstance(params.raw("created"), dict) else None
    if nested is None:
        value = params.integer("created")
        return [] if value is None else [("created = ?", [value])]
    clauses: list[tuple[str, list[SqlArg]]] = []
    for op, sql_op in _CREATED_OPS.items():
        bound = nested.integer(op)
        if bound is not None:
            clauses.append((f"created {sql_op} ?", [bound]))
    return clauses


def cursor_from(
    tx: Tx, params: ParamReader, *, table: str, object_name: str, kind: str | None = None
) -> Cursor:
    """``limit``, ``starting_after`` and ``ending_before`` resolved to a :class:`Cursor`."""
    limit = params.integer("limit", minimum=1, maximum=behaviour.LIST_MAX_LIMIT)
    if limit is None:
        limit = behaviour.LIST_DEFAULT_LIMIT
    after = params.string("starting_after")
    before = params.string("ending_before")
    if after is not None and before is not None:
        raise exclusive_cursors()
    older = newer = None
    if after is not None:
        older = tx.seq_of(table, after, kind)
        if older is None:
            raise resource_missing(object_name, after, param="starting_after", status=400)
    if before is not None:
        newer = tx.seq_of(table, before, kind)
        if newer is None:
            raise resource_missing(object_name, before, param="ending_before", status=400)
    return Cursor(limit=limit, older_than=older, newer_than=newer)


def exclusive_cursors() -> StripeError:
    """Stripe's answer to ``starting_after`` and ``ending_before`` together."""
    return param_error(
        "You may only specify one of these parameters: ending_before, starting_after.",
        code="parameters_exclusive",
        param="starting_after",
    )


def list_object(page: Page, url: str) -> JsonDict:
    """Stripe's list envelope."""
    return {"object": "list", "data": page.items, "has_more": page.has_more, "url": url}
