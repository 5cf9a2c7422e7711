"""What a schedule block says, as text: status marks (icon + word) and the lines that fit.

Qt-free: the painter passes a ``measure`` function (text → pixels) and paints what comes
back, so "nothing clipped" is decided here and tested without a window. Status is never
colour alone: every status has its own glyph and word, and deposit, partly refunded and
refunded are told apart by both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.booking_display import display_status, status_glyph, status_words
from pos_app.i18n import N_, _

Measure = Callable[[str], float]


@dataclass(frozen=True)
class StatusMark:
    """A status as a glyph and words: the full word for room, a short one for a small block."""

    status: BookingStatus
    glyph: str
    word: str
    short: str


_SHORT: dict[BookingStatus, str] = {
    BookingStatus.NEW: N_("Unpaid"),
    BookingStatus.AWAITING_PAYMENT: N_("Awaiting"),
    BookingStatus.PAYMENT_PROCESSING: N_("Processing"),
    BookingStatus.DEPOSIT_PAID: N_("Deposit"),
    BookingStatus.PAID: N_("Paid"),
    BookingStatus.OVERPAID: N_("Overpaid"),
    BookingStatus.PARTIALLY_REFUNDED: N_("Part refund"),
    BookingStatus.REFUNDED: N_("Refunded"),
    BookingStatus.CANCELLED: N_("Cancelled"),
    BookingStatus.NO_SHOW: N_("No-show"),
}


def status_mark(status: BookingStatus) -> StatusMark:
    """The glyph, word and short word of ``status``."""
    return StatusMark(status, status_glyph(status), status.label, _(_SHORT[status]))


def booking_mark(booking: Booking) -> StatusMark:
    """The mark a booking is shown with (cancelled wins, then no-show); its word is the
    full status sentence ("Cancelled · $10.00 kept")."""
    mark = status_mark(display_status(booking))
    return StatusMark(mark.status, mark.glyph, status_words(booking), mark.short)


def can_drag(booking: Booking) -> bool:
    """Whether a booking may be dragged to another time: as Move allows (not cancelled,
    not a no-show); the booking service decides the rest and says why in a sentence."""
    return not booking.cancelled and not booking.no_show


def legend() -> list[StatusMark]:
    """Every status the schedule can show, in the order a booking goes through them."""
    return [status_mark(s) for s in _SHORT]


@dataclass(frozen=True)
class BlockLine:
    """One line of a block: its text, and whether it is the strong (bold) line."""

    text: str
    strong: bool


@dataclass(frozen=True)
class BlockText:
    """What a block shows: the lines that fit, and whether anything was left out or
    shortened (then a tap expands the block to show everything)."""

    lines: tuple[BlockLine, ...]
    complete: bool


def short_name(name: str) -> str:
    """ "Ana Silva" → "Ana S."; one word stays as it is."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return f"{parts[0]} {parts[-1][0]}."


def full_lines(booking: Booking, tz: tzinfo) -> tuple[BlockLine, ...]:
    """Everything a block can say, for the expanded block: name, status, time and service."""
    mark = booking_mark(booking)
    start = booking.starts_at.astimezone(tz)
    end = booking.ends_at.astimezone(tz)
    return (
        BlockLine(booking.customer_name, True),
        BlockLine(f"{mark.glyph} {mark.word}", False),
        BlockLine(f"{lf.clock(start)}–{lf.clock(end)} · {booking.service_name}", False),
    )


def block_text(
    booking: Booking,
    tz: tzinfo,
    *,
    lines: int,
    width: float,
    measure: Measure,
    measure_strong: Measure,
) -> BlockText:
    """The lines for a block ``lines`` lines tall and ``width`` pixels wide.

    Each line is the longest of its variants that fits (full words, then short ones, then
    the glyph with a short word); a line never ends in a cut-off word. ``complete`` is False
    when a variant was shortened or a line left out.
    """
    mark = booking_mark(booking)
    name, initial = booking.customer_name, short_name(booking.customer_name)
    status_full = f"{mark.glyph} {mark.word}"
    status_short = f"{mark.glyph} {mark.short}"
    # The times only where a line shows them (most blocks of a busy day have one line).
    if lines >= 3:
        start = lf.clock(booking.starts_at.astimezone(tz))
        when = f"{start}–{lf.clock(booking.ends_at.astimezone(tz))}"
        variants = [
            ([name, initial, mark.glyph], True),
            ([status_full, status_short, mark.glyph], False),
            ([f"{when} · {booking.service_name}", when, start], False),
        ]
    elif lines == 2:
        start = lf.clock(booking.starts_at.astimezone(tz))
        variants = [
            ([f"{start} {name}", name, initial, mark.glyph], True),
            (
                [
                    f"{status_full} · {booking.service_name}",
                    status_full,
                    status_short,
                    mark.glyph,
                ],
                False,
            ),
        ]
    else:
        variants = [
            (
                [
                    f"{mark.glyph} {name} · {mark.word}",
                    f"{mark.glyph} {name} · {mark.short}",
                    f"{mark.glyph} {initial} · {mark.short}",
                    status_short,
                    mark.glyph,
                ],
                True,
            )
        ]
    out: list[BlockLine] = []
    complete = lines >= 3
    for options, strong in variants:
        fits = measure_strong if strong else measure
        chosen = next((text for text in options if fits(text) <= width), options[-1])
        if chosen != options[0]:
            complete = False
        out.append(BlockLine(chosen, strong))
    return BlockText(tuple(out), complete)


def tooltip_html(booking: Booking, tz: tzinfo) -> str:
    """Everything about a booking in a few lines of rich text, for the hover tooltip."""
    start = booking.starts_at.astimezone(tz)
    end = booking.ends_at.astimezone(tz)
    contact = " · ".join(c for c in (booking.customer_email, booking.customer_phone) if c)
    mark = booking_mark(booking)
    lines = [
        f"<b>{_html(booking.customer_name)}</b>",
        f"{_html(booking.service_name)} · {lf.clock(start)}–{lf.clock(end)}",
        f"{mark.glyph} {_html(mark.word)} · {booking.price.format()}",
    ]
    if contact:
        lines.insert(1, _html(contact))
    return "<br>".join(lines)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
