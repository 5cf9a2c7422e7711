"""The right-hand panel: everything about the selected booking, its payments and refunds."""

from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.booking import BookingStatus
from pos_app.domain.payment import REFUND_REASONS, PaymentMethod, PaymentStatus, RefundStatus
from pos_app.services.bookings import NOT_REFUNDED, BookingDetail
from pos_app.ui.kit import theme

PAYMENT_WORDS = {
    PaymentStatus.CREATING: "Creating link",
    PaymentStatus.OPEN: "Link open",
    PaymentStatus.PROCESSING: "Bank payment processing",
    PaymentStatus.SUCCEEDED: "Paid",
    PaymentStatus.EXPIRED: "Expired",
    PaymentStatus.FAILED: "Failed",
}
REFUND_WORDS = {
    RefundStatus.CREATING: "Sending",
    RefundStatus.PENDING: "Pending",
    RefundStatus.REQUIRES_ACTION: "Needs action",
    RefundStatus.SUCCEEDED: "Refunded",
    RefundStatus.FAILED: "Failed",
    RefundStatus.CANCELED: "Canceled",
}


class StatusChip(QLabel):
    """A booking status as a small coloured pill."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusChip")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFont(theme.font(self, scale=0.95, bold=True))

    def set_status(self, status: BookingStatus) -> None:
        """Show ``status`` in its colours."""
        chip = theme.status_chip(status, theme.is_dark(self))
        self.setText(status.label)
        # A pill: the radius is half the label's height (Qt ignores radii larger than that).
        radius = (self.fontMetrics().height() + 8) // 2 - 1
        self.setStyleSheet(
            f"QLabel#statusChip {{ color: {chip.fg}; background: {chip.bg};"
            f" border-radius: {radius}px; padding: 4px 12px; }}"
        )


class DetailPanel(QScrollArea):
    """Shows one :class:`BookingDetail` (or a hint when nothing is selected)."""

    receipt_requested = Signal(str)  # booking id: the "Receipt…" button
    customer_requested = Signal(str)  # customer id: the "All bookings of …" link
    shown = Signal(object)  # the BookingDetail now shown, or None (a hint)

    def __init__(self, timezone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tz = timezone
        self._booking_id: str | None = None
        self._shown: BookingDetail | None = None
        self.receipt_button: QPushButton | None = None  # shown once money was received
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(330)
        self._body = QWidget()
        self._body.setFont(theme.font(self, scale=1.05))
        # One sheet for the panel: a style sheet per label is parsed and polished per label,
        # every time a booking is selected.
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(18, 16, 18, 16)
        self._layout.setSpacing(10)
        self.setWidget(self._body)
        self.show_hint("Select a booking to see its details.")

    def set_timezone(self, timezone: tzinfo) -> None:
        """Show times in the business's time zone."""
        self._tz = timezone

    def booking_id(self) -> str | None:
        """The booking shown, or None."""
        return self._booking_id

    def show_hint(self, text: str) -> None:
        """Replace the contents with a centred hint."""
        self._booking_id = None
        self._shown = None
        self._clear()
        hint = QLabel(text)
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._layout.addStretch(1)
        self._layout.addWidget(hint)
        self._layout.addStretch(2)
        self.shown.emit(None)

    def show_detail(self, detail: BookingDetail) -> None:
        """Show a booking with its money and its payment history."""
        if detail == self._shown:
            return  # the periodic reload brought nothing new: keep the panel as it is
        self._shown = detail
        booking = detail.booking
        self._booking_id = booking.id
        self._clear()
        name = QLabel(booking.customer_name)
        name.setObjectName("detailName")
        name.setFont(theme.font(self, scale=1.45, bold=True))
        name.setWordWrap(True)
        name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout.addWidget(name)
        chip = StatusChip()
        chip.set_status(booking.status)
        self._layout.addWidget(chip)
        if booking.cancelled and booking.status is not BookingStatus.CANCELLED:
            self._line(f"Cancelled. {NOT_REFUNDED}", muted=True)
        elif booking.no_show and booking.status is not BookingStatus.NO_SHOW:
            self._line("Marked as a no-show.", muted=True)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        contact = "\n".join(c for c in (booking.customer_email, booking.customer_phone) if c)
        start = booking.starts_at.astimezone(self._tz)
        end = booking.ends_at.astimezone(self._tz)
        rows = [
            ("Contact", contact or "—"),
            ("Service", booking.service_name),
            ("With", detail.resource.name if detail.resource is not None else "Anyone"),
            ("Time", f"{start:%a %d %b}, {start:%H:%M}–{end:%H:%M}"),
            ("Amount", booking.price.format()),
            ("Paid", booking.paid.format()),
            ("Refunded", booking.refunded.format()),
            ("Balance due", booking.balance_due.format()),
        ]
        for i, (label, value) in enumerate(rows):
            key = QLabel(label)
            key.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            val = QLabel(value)
            val.setWordWrap(True)
            val.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(key, i, 0)
            grid.addWidget(val, i, 1)
        grid.setColumnStretch(1, 1)
        self._layout.addSpacing(4)
        self._layout.addLayout(grid)
        if booking.customer_id:
            customer_id = booking.customer_id
            link = QLabel(f'<a href="#">All bookings of {escape(booking.customer_name)}…</a>')
            link.setObjectName("customerLink")
            link.setToolTip("Open the customer's details and booking history (Ctrl+Shift+F)")
            link.linkActivated.connect(lambda _href: self.customer_requested.emit(customer_id))
            self._layout.addWidget(link)

        self._section("Payments")
        if not detail.payments:
            self._line("No payments yet.", muted=True)
        for p in detail.payments:
            method = "Card" if p.method is PaymentMethod.CARD else "Cash"
            when = self._time(p.paid_at or p.created_at)
            self._line(f"{method} · {p.money.format()} · {PAYMENT_WORDS[p.status]} · {when}")
            if p.failure_message:
                self._line(p.failure_message, muted=True)
        self._section("Refunds")
        if not detail.refunds:
            self._line("No refunds.", muted=True)
        for r in detail.refunds:
            reason = REFUND_REASONS.get(r.reason or "", "")
            parts = [r.money.format(), REFUND_WORDS[r.status], self._time(r.created_at)]
            self._line(" · ".join(parts))
            extra = " — ".join(x for x in (reason, r.note, r.failure_reason or "") if x)
            if extra:
                self._line(extra, muted=True)
        if booking.paid_amount > 0:
            self._layout.addSpacing(8)
            self.receipt_button = QPushButton("Receipt…")
            self.receipt_button.setToolTip("Print, save as PDF or email the receipt (Ctrl+P)")
            self.receipt_button.clicked.connect(lambda: self.receipt_requested.emit(booking.id))
            self._layout.addWidget(self.receipt_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._layout.addStretch(1)
        self.shown.emit(detail)

    def text(self) -> str:
        """All text shown, for tests and screen readers."""
        return "\n".join(label.text() for label in self._body.findChildren(QLabel))

    # -- internals ----------------------------------------------------------------------

    def _time(self, value: datetime) -> str:
        return value.astimezone(self._tz).strftime("%H:%M")

    def _section(self, title: str) -> None:
        self._layout.addSpacing(8)
        label = QLabel(title)
        label.setFont(theme.font(self, scale=1.1, bold=True))
        self._layout.addWidget(label)

    def _line(self, text: str, *, muted: bool = False) -> None:
        label = QLabel(text)
        label.setWordWrap(True)
        if muted:
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._layout.addWidget(label)

    def _clear(self) -> None:
        self.receipt_button = None
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item is None:
                break
            widget = item.widget()
            sub = item.layout()
            if widget is not None:
                _drop(widget)
            elif sub is not None:
                _delete_layout(sub)


def _delete_layout(layout: QLayout) -> None:
    """Delete a nested layout's widgets (grid of labels) before dropping it."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            _drop(widget)
    layout.deleteLater()


def _drop(widget: QWidget) -> None:
    # Unparent at once so findChildren() no longer sees it, then let Qt delete it.
    widget.hide()
    widget.setParent(None)
    widget.deleteLater()
