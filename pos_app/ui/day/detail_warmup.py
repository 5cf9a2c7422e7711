"""A stand-in booking for the detail panel's warm-up (no Qt here).

The detail panel's first booking shown cost a fresh window ~15 ms of GUI-thread CPU in one
event-loop pass (issue 12): the first show of its thirty widgets, their first text layouts
under the stylesheet and their first paint (font engines, glyphs). The panel does all of it
once, unseen, in quiet turns after the window's first paint, with the state made here: one
that uses every widget the panel has made ahead (every action slot, every fact row, a note,
two payment and two refund lines, the "why not" line and the customer link), in the UI
language's own words so the same scripts' fonts are the ones loaded.
"""

from __future__ import annotations

from pos_app.domain.booking_status import BookingStatus
from pos_app.i18n import _
from pos_app.ui.day.detail_presenter import ActionKey, ActionState, DetailState, Line


def warm_up_state(rows: int) -> DetailState:
    """A state that shows every prebuilt widget of the panel (``rows`` fact rows, as many as
    it made ahead, at most eight); never shown to anyone."""
    words = [_("Contact"), _("Service"), _("With"), _("Time"), _("Amount"), _("Paid")]
    words += [_("Refunded"), _("Balance due")]
    digits = "0123456789 $€£ .,:–—·…"
    facts = tuple((word, f"{word} {digits}") for word in words[:rows])
    keys = list(ActionKey)
    # The primary one disabled, so its "why not" line is laid out as well.
    primary = ActionState(keys[0], _("Charge"), False, _("Select a booking first."))
    actions = tuple(ActionState(key, _("Receipt…"), True) for key in keys[1:])
    line = Line(f"{_('Card')} · {digits} · {_('Paid')}")
    muted = Line(f"{_('Refunded')} · {digits}", muted=True)
    return DetailState(
        booking_id="",
        title=_("Anyone"),
        status=BookingStatus.NEW,
        notes=(muted,),
        rows=facts,
        customer_id="warm-up",
        customer_link=_("All bookings of {name}…").format(name=_("Anyone")),
        primary=primary,
        actions=actions,
        payments=(line, muted),
        refunds=(line, muted),
    )
