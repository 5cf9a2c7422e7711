"""A ring that empties as a payment link's time runs out: "Link expires in" over m:ss.

The deadline is Stripe's (server) time; the local clock is corrected by ``clock_offset``
(seconds to add to the local clock to get the server's), so a machine whose clock is off
still shows the right time left.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from pos_app.i18n import _
from pos_app.ui.kit import theme
from pos_app.ui.payments.charge_presenter import EXPIRES_IN, expiry_text, format_remaining

AMBER_BELOW = 120.0  # seconds: the desk should start asking the customer to hurry
RED_BELOW = 30.0  # seconds: the link is about to stop working
TICK_MS = 250  # ~4 Hz: smooth enough for a ring, cheap enough to forget


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RingLayout:
    """Where the ring, its caption and its time are drawn, and with which fonts."""

    ring: QRectF  # the stroke's centre line
    thickness: float
    caption_font: QFont
    caption: QRectF
    time_font: QFont
    time: QRectF

    def inner_width_at(self, row: QRectF) -> float:
        """How wide the inside of the ring is across the whole of ``row`` (its narrowest)."""
        radius = (self.ring.width() - self.thickness) / 2
        reach = max(
            abs(row.top() - self.ring.center().y()), abs(row.bottom() - self.ring.center().y())
        )
        return 2 * math.sqrt(max(0.0, radius * radius - reach * reach))


def _height(font: QFont) -> float:
    return QFontMetricsF(font).height()


class CountdownRing(QWidget):
    """Time left until a deadline, as a shrinking arc coloured by urgency.

    Emits ``expired`` once when the time left reaches zero. A ``calm`` ring (the customer
    display) stays neutral until the last two minutes, so only then does it draw the eye.
    """

    expired = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = _utc_now,
        calm: bool = False,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._deadline: datetime | None = None
        self._offset = 0.0
        self._total = 1.0
        self._caption = _(EXPIRES_IN)
        self._calm = calm
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
        """Small text over the time (e.g. 'Link expires in')."""
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

    def sentence(self) -> str:
        """The caption and the time as one line, "Link expires in 9:41" (for screen readers)."""
        remaining = self.remaining_seconds()
        return expiry_text(None if remaining is None else min(remaining, self._total))

    def urgent(self) -> bool:
        """True in the last two minutes, when the ring asks the customer to hurry."""
        remaining = self.remaining_seconds()
        return remaining is not None and remaining < AMBER_BELOW

    def color(self) -> QColor:
        """The arc's colour: accent (a calm ring: quiet grey), amber under 2 minutes,
        red under 30 seconds."""
        remaining = self.remaining_seconds()
        if remaining is None:
            return self.palette().color(QPalette.ColorRole.Mid)
        if remaining < RED_BELOW:
            return theme.semantic("danger", self)
        if remaining < AMBER_BELOW:
            return theme.semantic("warning", self)
        if self._calm:
            # Quiet grey: the time still reads, but nothing urges the customer yet.
            return self.palette().color(QPalette.ColorRole.PlaceholderText)
        return theme.semantic("accent", self)

    def sizeHint(self) -> QSize:
        return QSize(170, 170)

    def _tick(self) -> None:
        remaining = self.remaining_seconds()
        self.setAccessibleName(self.sentence())
        if remaining is not None and remaining <= 0:
            self._timer.stop()
            if not self._fired:
                self._fired = True
                self.expired.emit()
        self.update()

    def ring_layout(self) -> RingLayout:
        """The ring's geometry at its current size. A caption too wide for the inside of the
        ring (German, Bangla) is set smaller until it fits between the strokes: the words are
        never cut and never drawn over the ring."""
        side = min(self.width(), self.height())
        thickness = max(6.0, side / 14)
        ring = QRectF(
            (self.width() - side) / 2 + thickness / 2,
            (self.height() - side) / 2 + thickness / 2,
            side - thickness,
            side - thickness,
        )
        urgent = self.urgent()
        time_font = theme.font(self, scale=max(1.4, side / 70), bold=urgent or not self._calm)
        caption_font = theme.font(self, scale=max(1.0, side / 190))
        for _attempt in range(4):  # each pass shrinks the caption, which moves it: settle
            caption_height = _height(caption_font) if self._caption else 0.0
            top = ring.center().y() - (caption_height + _height(time_font)) / 2
            caption = QRectF(ring.left(), top, ring.width(), caption_height)
            found = RingLayout(
                ring,
                thickness,
                caption_font,
                caption,
                time_font,
                QRectF(ring.left(), top + caption_height, ring.width(), _height(time_font)),
            )
            if not self._caption:
                return found
            room = found.inner_width_at(caption) - thickness / 2  # a little air either side
            wide = QFontMetricsF(caption_font).horizontalAdvance(self._caption)
            if wide <= room or caption_font.pointSizeF() <= 6:
                return found
            caption_font = QFont(caption_font)
            caption_font.setPointSizeF(max(6.0, caption_font.pointSizeF() * room / wide * 0.98))
        return found

    def paintEvent(self, event: QPaintEvent) -> None:
        layout = self.ring_layout()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            track = QPen(self.palette().color(QPalette.ColorRole.Midlight), layout.thickness)
            painter.setPen(track)
            painter.drawEllipse(layout.ring)
            remaining = self.remaining_seconds()
            color = self.color()
            if remaining:
                fraction = min(1.0, remaining / self._total)
                pen = QPen(color, layout.thickness, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
                painter.setPen(pen)
                # Qt angles are 1/16 degree, counter-clockwise from 3 o'clock: start at 12 and
                # go clockwise, so the arc shrinks back towards 12 o'clock like a clock hand.
                painter.drawArc(layout.ring, 90 * 16, -round(fraction * 360 * 16))
            urgent = remaining is not None and remaining < AMBER_BELOW
            text_color = self.palette().color(QPalette.ColorRole.WindowText)
            # The caption sits over the time, so the two read as one line: "Link expires in 9:41".
            if self._caption:
                painter.setFont(layout.caption_font)
                painter.setPen(text_color)
                painter.drawText(layout.caption, Qt.AlignmentFlag.AlignCenter, self._caption)
            painter.setFont(layout.time_font)
            painter.setPen(color if urgent else text_color)
            painter.drawText(layout.time, Qt.AlignmentFlag.AlignCenter, self.text())
        finally:
            painter.end()
