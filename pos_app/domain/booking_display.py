"""How a booking's state is named on screen: one place for the words and the shown status.

Screens (the day table, the schedule, a customer's history) all call these, so a cancelled
booking with money kept reads the same everywhere.
"""

from __future__ import annotations

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.i18n import N_

# Said wherever paid money stays with a cancelled booking (cancelling never refunds).
NOT_REFUNDED = N_("Paid money is not refunded automatically; use Refund.")


def status_words(booking: Booking) -> str:
    """The words for a booking's state; a cancelled booking with money kept says so."""
    if booking.cancelled and booking.status is not BookingStatus.CANCELLED:
        net = booking.net_paid
        if net.amount > 0:
            return f"Cancelled · {net} kept"
        return f"Cancelled · {booking.status.label}"
    return booking.status.label


def display_status(booking: Booking) -> BookingStatus:
    """The status whose colours a booking is shown in: cancelled wins, then no-show."""
    if booking.cancelled:
        return BookingStatus.CANCELLED
    if booking.no_show and booking.status in (BookingStatus.NEW, BookingStatus.AWAITING_PAYMENT):
        return BookingStatus.NO_SHOW
    return booking.status


#: One glyph per status, shown before its word wherever a status is shown (list chips,
#: schedule blocks, the legend), so no status is told by colour alone.
STATUS_GLYPHS: dict[BookingStatus, str] = {
    BookingStatus.NEW: "○",
    BookingStatus.AWAITING_PAYMENT: "◷",
    BookingStatus.PAYMENT_PROCESSING: "⋯",
    BookingStatus.DEPOSIT_PAID: "◔",
    BookingStatus.PAID: "✓",
    BookingStatus.OVERPAID: "⊕",
    BookingStatus.PARTIALLY_REFUNDED: "↩",
    BookingStatus.REFUNDED: "↺",
    BookingStatus.CANCELLED: "✕",
    BookingStatus.NO_SHOW: "⊘",
}


def status_glyph(status: BookingStatus) -> str:
    """The glyph shown before ``status``'s word."""
    return STATUS_GLYPHS[status]
