"""The events cursor: where the poller stopped reading Stripe's events feed, and its health.

Stripe keeps events for 30 days and only knows the events of its own account, so a cursor
from a station that was off for longer, or from before the key changed, is answered with
``resource_missing``. The poller then resets the cursor to "now" and re-reads every
unsettled row and recent succeeded refund instead (see ``SyncService.reconcile_all``);
this module stores that reset
durably so Settings and ``pos-app doctor`` can say what happened.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.errors import GatewayError, GatewayRejected
from pos_app.i18n import N_, gettext
from pos_app.services.context import Deps

log = logging.getLogger(__name__)

CURSOR_KEY = "stripe.events.cursor"
RESET_KEY = "stripe.events.cursor_reset"
UNKNOWN_CURSOR_CODE = "resource_missing"

UNKNOWN_REASON = N_(
    "Stripe no longer knows the last event this station read (events are kept 30 days, "
    "or the API key now belongs to another account)"
)


@dataclass(frozen=True)
class CursorReset:
    """The last time the cursor was reset: when, why, and the cursor given up."""

    at: datetime
    reason: str
    old_cursor: str
    new_cursor: str | None

    def to_json(self) -> str:
        """The record as stored in the settings table."""
        return json.dumps(
            {
                "at": self.at.isoformat(),
                "reason": self.reason,
                "old_cursor": self.old_cursor,
                "new_cursor": self.new_cursor,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> CursorReset | None:
        """The stored record, or None when it cannot be read."""
        try:
            data = json.loads(text)
            return cls(
                at=datetime.fromisoformat(str(data["at"])),
                reason=str(data["reason"]),
                old_cursor=str(data["old_cursor"]),
                new_cursor=None if data.get("new_cursor") is None else str(data["new_cursor"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class CursorHealth:
    """Whether the events feed can be read from where this station stopped, in a sentence."""

    ok: bool
    sentence: str
    cursor: str | None
    last_reset: CursorReset | None = None


def is_unknown_cursor(err: GatewayError, cursor: str | None) -> bool:
    """Stripe's answer to an ``ending_before`` it does not know (400 ``resource_missing``)."""
    return (
        cursor is not None and isinstance(err, GatewayRejected) and err.code == UNKNOWN_CURSOR_CODE
    )


def load(deps: Deps) -> str | None:
    """The stored cursor (the newest event applied), or None before the first pass."""
    with deps.uow() as uow:
        return uow.events.get_setting(CURSOR_KEY) or None


def save(deps: Deps, cursor: str) -> None:
    """Store the newest event applied."""
    with deps.uow(write=True) as uow:
        uow.events.set_setting(CURSOR_KEY, cursor)
        uow.commit()


def last_reset(deps: Deps) -> CursorReset | None:
    """The last reset recorded, if any."""
    with deps.uow() as uow:
        text = uow.events.get_setting(RESET_KEY)
    return CursorReset.from_json(text) if text else None


def reset(deps: Deps, *, old_cursor: str, types: Sequence[str]) -> CursorReset:
    """Move the cursor to the newest event Stripe has now (none: start afresh) and record it.

    The newest event is read *before* the caller re-reads every unsettled row, so an event
    that arrives during that re-read is still read by the next pass.
    """
    page = deps.gateway.list_events(types=types, ending_before=None, limit=1)
    newest = page.events[0].id if page.events else None
    record = CursorReset(
        at=deps.clock.now(), reason=UNKNOWN_REASON, old_cursor=old_cursor, new_cursor=newest
    )
    with deps.uow(write=True) as uow:
        uow.events.set_setting(CURSOR_KEY, newest or "")
        uow.events.set_setting(RESET_KEY, record.to_json())
        uow.commit()
    log.warning(
        "sync.cursor_reset old_cursor=%s new_cursor=%s reason=unknown_to_stripe",
        old_cursor,
        newest,
    )
    return record


def reset_sentence(record: CursorReset) -> str:
    """What the last reset did, for people."""
    when = record.at.strftime("%Y-%m-%d %H:%M UTC")
    # The stored reason is the English sentence of when it happened: the known one is said
    # in the UI language, anything else as it was stored.
    reason = gettext(record.reason)
    return gettext(
        "The events cursor was reset on {when} ({reason}); every unsettled payment and "
        "refund, and every refund of the last 30 days, was re-read from Stripe."
    ).format(when=when, reason=reason)


def health(deps: Deps, types: Sequence[str]) -> CursorHealth:
    """Ask Stripe whether it still knows the stored cursor (one small read).

    Raises GatewayError when Stripe cannot be asked (offline, key refused) — that is the
    connection's health, not the cursor's.
    """
    cursor = load(deps)
    record = last_reset(deps)
    if cursor is None:
        first = gettext("No events read yet: the first sync starts from the newest event.")
        return CursorHealth(True, first, None, record)
    try:
        deps.gateway.list_events(types=types, ending_before=cursor, limit=1)
    except GatewayError as err:
        if not is_unknown_cursor(err, cursor):
            raise
        return CursorHealth(
            False,
            gettext(
                "{reason}. The next sync resets it and re-reads every unsettled payment and "
                "refund from Stripe."
            ).format(reason=gettext(UNKNOWN_REASON)),
            cursor,
            record,
        )
    sentence = gettext(
        "The events cursor is healthy: Stripe knows the last event this station read."
    )
    if record is not None:
        sentence += " " + reset_sentence(record)
    return CursorHealth(True, sentence, cursor, record)
