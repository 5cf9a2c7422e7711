"""Recording events and listing them the way ``GET /v1/events`` does."""

from __future__ import annotations

import copy
import re
from typing import Any

from pos_app.sandbox import behaviour, webhooks
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.errors import param_error, resource_missing
from pos_app.sandbox.ids import new_id
from pos_app.sandbox.listing import created_filter, cursor_from, list_object
from pos_app.sandbox.params import ParamReader
from pos_app.sandbox.store import SqlArg, Tx

JsonDict = dict[str, Any]

_TYPE_RE = re.compile(r"^[a-z0-9_.*]+$")


def emit(
    tx: Tx,
    ctx: Ctx,
    type_: str,
    obj: JsonDict,
    previous_attributes: JsonDict | None = None,
) -> JsonDict:
    """Append an event carrying a snapshot of ``obj`` as it is now."""
    data: JsonDict = {"object": copy.deepcopy(obj)}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    event: JsonDict = {
        "id": new_id("evt"),
        "object": "event",
        # Events are rendered at the account's version, not the caller's.
        "api_version": behaviour.DEFAULT_API_VERSION,
        "created": ctx.ts,
        "data": data,
        "livemode": False,
        "pending_webhooks": 0,
        "request": {"id": ctx.request_id, "idempotency_key": ctx.idempotency_key},
        "type": type_,
    }
    # Queues it for matching webhook endpoints and sets pending_webhooks.
    webhooks.on_event(tx, ctx.now, event)
    tx.add_event(event["id"], type_, ctx.ts, event)
    return event


def retrieve(tx: Tx, event_id: str) -> JsonDict:
    """``GET /v1/events/{id}``."""
    event = tx.get_event(event_id)
    if event is None:
        raise resource_missing("event", event_id)
    return event


def _type_pattern(name: str, value: str) -> tuple[str, list[SqlArg]]:
    if not _TYPE_RE.match(value):
        raise param_error(f"Invalid {name}: {value}", code=None, param=name)
    if "*" in value:
        # Event types hold only [a-z0-9_.], so GLOB needs no escaping beyond this check.
        return "type GLOB ?", [value]
    return "type = ?", [value]


def list_events(tx: Tx, params: ParamReader) -> JsonDict:
    """``GET /v1/events``: newest first, filtered by type(s) and creation time."""
    where: list[tuple[str, list[SqlArg]]] = []
    type_ = params.string("type")
    types = params.string_array("types")
    if type_ is not None and types is not None:
        raise param_error(
            "You may only specify one of these parameters: type, types.",
            code="parameters_exclusive",
            param="type",
        )
    if type_ is not None:
        where.append(_type_pattern("type", type_))
    if types is not None:
        if len(types) > behaviour.EVENT_TYPES_MAX:
            raise param_error(
                f"You may only specify up to {behaviour.EVENT_TYPES_MAX} types.",
                code=None,
                param="types",
            )
        if not types:
            raise param_error("Invalid types: must not be empty", code=None, param="types")
        parts = [_type_pattern(f"types[{i}]", t) for i, t in enumerate(types)]
        where.append(
            (
                "(" + " OR ".join(sql for sql, _ in parts) + ")",
                [a for _, args in parts for a in args],
            )
        )
    where.extend(created_filter(params))
    cursor = cursor_from(tx, params, table="events", object_name="event")
    page = tx.page("events", where, cursor)
    return list_object(page, "/v1/events")
