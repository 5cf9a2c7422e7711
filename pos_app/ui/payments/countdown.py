"""A ring that empties as a payment link's time runs out, with mm:ss in the middle.

The deadline is Stripe's (server) time; the local clock is corrected by ``clock_offset``
(seconds to add to the local clock to get the server's), so a machine whose clock is off
still shows the right time left.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from pos_app.ui.kit import theme

AMBER_BELOW = 120.0  # seconds: the desk should start asking the customer to hurry
RED_BELOW = 30.0  # seconds: the link is about to stop working
TICK_MS = 250  # ~4 Hz: smooth enough for a ring, cheap enough to forget


def _utc_now() -> datetime:
    return datetime.now(UTC)


def format_remaining(seconds: float) -> str:
    """'mm:ss' for a number of seconds (never negative; rounds up so 0:00 means over)."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60:02d}:{whole % 60:02d}"


class CountdownRing(QWidget):
    """Time left until a deadline, as a shrinking arc coloured by urgency.

    Emits ``expired`` once when the time left reaches zero.
    """

    expired = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, now: Callable[[], datetime] = _utc_now
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._deadline: datetime | None = None
        self._offset = 0.0
        self._total = 1.0
        self._caption = "left to pay"
        self._fired = False
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(120, 120)

    def set_deadline(
        self,
        deadline_utc: datetime | None,
        clock_offset: float = 0.0,
        total_seconds: float | None = None,
    ) -> None:
        """Count down to ``deadline_utc``; the ring is full at ``total_seconds`` left.

        ``None`` stops the countdown and shows '--:--'.
        """
        self._deadline = deadline_utc
        self._offset = clock_offset
        remaining = self.remaining_seconds()
        self._total = max(1.0, total_seconds if total_seconds else (remaining or 1.0))
        self._fired = False
        if deadline_utc is None:
            self._timer.stop()
        else:
            self._timer.start()
        self._tick()

    def set_caption(self, text: str) -> None:
        """Small text under the time (e.g. 'left to pay')."""
        self._caption = text
        self.update()

    def stop(self) -> None:
        """Freeze the ring where it is (e.g. while hidden)."""
        self._timer.stop()

    def resume(self) -> None:
        """Start ticking again after :meth:`stop`, if there is a deadline still ahead."""
        if self._deadline is not None and not self._fired:
            self._timer.start()
            self._tick()

    def remaining_seconds(self) -> float | None:
        """Seconds left, never below 0; None without a deadline."""
        if self._deadline is None:
            return None
        server_now = self._now().timestamp() + self._offset
        return max(0.0, self._deadline.timestamp() - server_now)

    def text(self) -> str:
        """What the middle of the ring shows."""
        remaining = self.remaining_seconds()
        if remaining is None:
            return "--:--"
        # Never more than the full hold: clock-offset rounding must not show "10:01" of 10 min.
        return format_remaining(min(remaining, self._total))

    def color(self) -> QColor:
        """The arc's colour: accent, amber under 2 minutes, red under 30 seconds."""
        remaining = self.remaining_seconds()
        if remaining is None:
            return self.palette().color(QPalette.ColorRole.Mid)
        if remaining < RED_BELOW:
            return theme.semantic("danger", self)
        if remaining < AMBER_BELOW:
            return theme.semantic("warning", self)
        return theme.semantic("accent", self)

    def sizeHint(self) -> QSize:
        return QSize(170, 170)

    def _tick(self) -> None:
        remaining = self.remaining_seconds()
        if remaining is not None and remaining <= 0:
            self._timer.stop()
            if not self._fired:
                self._fired = True
                self.expired.emit()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        side = min(self.width(), self.height())
        thickness = max(6.0, side / 14)
        rect = QRectF(
            (self.width() - side) / 2 + thickness / 2,
            (self.height() - side) / 2 + thickness / 2,
            side - thickness,
            side - thickness,
        )
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            track = QPen(self.palette().color(QPalette.ColorRole.Midlight), thickness)
            painter.setPen(track)
            painter.drawEllipse(rect)
            remaining = self.remaining_seconds()
            color = self.color()
            if remaining:
                fraction = min(1.0, remaining / self._total)
                pen = QPen(color, thickness, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
                painter.setPen(pen)
                # Qt angles are 1/16 degree, counter-clockwise from 3 o'clock: start at 12 and
                # go clockwise, so the arc shrinks back towards 12 o'clock like a clock hand.
                painter.drawArc(rect, 90 * 16, -round(fraction * 360 * 16))
            time_font = theme.font(self, scale=max(1.4, side / 70), bold=True)
            painter.setFont(time_font)
            painter.setPen(
                color
                if remaining is not None and remaining < AMBER_BELOW
                else self.palette().color(QPalette.ColorRole.WindowText)
            )
            metrics = painter.fontMetrics()
            text_rect = QRectF(rect)
            text_rect.moveTop(rect.top() - metrics.height() * 0.2)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, self.text())
            if self._caption:
                painter.setFont(theme.font(self, scale=0.9))
                painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
                caption_rect = QRectF(rect)
                caption_rect.moveTop(rect.top() + metrics.height() * 0.75)
                painter.drawText(caption_rect, Qt.AlignmentFlag.AlignCenter, self._caption)
        finally:
            painter.end()
