"""The schedule: one day as a grid of time (rows) by staff member or room (columns).

Painted by hand (one ``paintEvent`` over the exposed rectangle) rather than built from
widgets, so a day of 200 bookings paints in a few milliseconds and a reload never rebuilds
anything. The pure layout (which column, which lane, which minutes) is computed once per
reload by :func:`layout_day` and is testable without a window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from PySide6.QtCore import (
    QDate,
    QEvent,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.booking import Booking
from pos_app.domain.people import Resource, ResourceKind
from pos_app.ui.day.booking_table import display_status, status_words
from pos_app.ui.kit import theme

UNASSIGNED = ""  # the column key of bookings nobody in particular is booked for
UNASSIGNED_TITLE = "Unassigned"
DAY_START_HOUR, DAY_END_HOUR = 8, 20
MIN_COLUMN_WIDTH = 120
EMPTY_HINT = "No bookings on this day. Double-click a time to book it."


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the grid: a resource (or the unassigned bookings)."""

    key: str  # resource id, or UNASSIGNED
    title: str
    caption: str  # "Room", or "" for people


@dataclass(frozen=True)
class Block:
    """Where one booking goes: its column, its lane among overlapping ones, its minutes."""

    booking: Booking
    column: int
    lane: int
    lanes: int
    start_min: int  # minutes since the day's midnight, in the business's time zone
    end_min: int


@dataclass(frozen=True)
class DayLayout:
    """The whole grid for one day."""

    day: date
    columns: list[ColumnSpec]
    blocks: list[Block]
    first_hour: int
    last_hour: int  # exclusive


def layout_day(
    day: date,
    bookings: Sequence[Booking],
    resources: Sequence[Resource],
    tz: tzinfo,
    *,
    only: str | None = None,
) -> DayLayout:
    """Columns (resources in order, then Unassigned), each booking's lane, and the hours to
    show (08:00–20:00, widened to fit every booking). ``only`` keeps one resource's column."""
    columns = [
        ColumnSpec(r.id, r.name, "Room" if r.kind is ResourceKind.ROOM else "")
        for r in resources
        if only is None or r.id == only
    ]
    if only is None:
        columns.append(ColumnSpec(UNASSIGNED, UNASSIGNED_TITLE, ""))
    index = {c.key: i for i, c in enumerate(columns)}
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    per_column: dict[int, list[tuple[int, int, Booking]]] = {}
    for booking in bookings:
        key = booking.resource_id or UNASSIGNED
        if key not in index:
            if only is not None:
                continue
            key = UNASSIGNED  # a resource that is no longer listed
        start = int((booking.starts_at - midnight).total_seconds() // 60)
        end = math.ceil((booking.ends_at - midnight).total_seconds() / 60)
        start = max(0, min(start, 24 * 60 - 5))
        end = max(start + 5, min(end, 24 * 60))
        per_column.setdefault(index[key], []).append((start, end, booking))
    blocks: list[Block] = []
    for column, items in per_column.items():
        blocks.extend(_lanes(column, items))
    first, last = DAY_START_HOUR, DAY_END_HOUR
    if blocks:
        first = min(first, min(b.start_min for b in blocks) // 60)
        last = max(last, -(-max(b.end_min for b in blocks) // 60))
    blocks.sort(key=lambda b: (b.start_min, b.column, b.lane))
    return DayLayout(day, columns, blocks, first, min(last, 24))


def _lanes(column: int, items: list[tuple[int, int, Booking]]) -> list[Block]:
    """Side by side where bookings overlap (cancelled ones, or several unassigned): each
    cluster of overlapping bookings shares the column's width between its lanes."""
    items.sort(key=lambda t: (t[0], -t[1], t[2].id))
    out: list[Block] = []
    cluster: list[tuple[int, int, int, Booking]] = []  # (start, end, lane, booking)
    cluster_end = -1

    def flush() -> None:
        lanes = 1 + max((lane for _s, _e, lane, _b in cluster), default=0)
        out.extend(Block(b, column, lane, lanes, s, e) for s, e, lane, b in cluster)

    for start, end, booking in items:
        if cluster and start >= cluster_end:
            flush()
            cluster = []
        busy = {lane for s, e, lane, _b in cluster if e > start}
        lane = next(i for i in range(len(cluster) + 1) if i not in busy)
        cluster.append((start, end, lane, booking))
        cluster_end = max(cluster_end, end) if len(cluster) > 1 else end
    if cluster:
        flush()
    return out


class _Metrics:
    """Sizes derived from the font, so HiDPI and large system fonts stay legible."""

    def __init__(self, font: QFont) -> None:
        fm = QFontMetrics(font)
        self.line = fm.lineSpacing()
        self.quarter = max(22, fm.height() + 8)
        self.hour = self.quarter * 4
        self.gutter = fm.horizontalAdvance("00:00") + 26
        self.header = fm.height() * 2 + 16


class ScheduleCanvas(QWidget):
    """The painted grid inside the scroll area; the DayView owns its state."""

    def __init__(self, view: DayView) -> None:
        super().__init__(view)
        self._view = view
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Schedule")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._view.paint_canvas(painter, event.rect())
        finally:
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            hit = self._view.booking_at(event.position().toPoint())
            if hit is not None or event.button() == Qt.MouseButton.LeftButton:
                self._view.select(hit, emit=True)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position().toPoint()
        hit = self._view.booking_at(point)
        if hit is not None:
            self._view.booking_activated.emit(hit)
        else:
            slot = self._view.slot_at(point)
            if slot is not None:
                self._view.slot_activated.emit(slot[0], slot[1])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self._view.booking_at(event.position().toPoint())
        shape = Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor
        self.setCursor(shape)
        super().mouseMoveEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        hit = self._view.booking_at(event.pos())
        if hit is None and event.reason() == QContextMenuEvent.Reason.Keyboard:
            hit = self._view.selected_id()
        if hit is None:
            return
        self._view.select(hit, emit=True)
        self._view.show_menu(event.globalPos())

    def event(self, e: QEvent) -> bool:
        if isinstance(e, QHelpEvent) and e.type() == QEvent.Type.ToolTip:
            hit = self._view.booking_at(e.pos())
            if hit is not None:
                QToolTip.showText(e.globalPos(), self._view.tooltip_for(hit), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._view.handle_key(event):
            super().keyPressEvent(event)


class ScheduleHeader(QWidget):
    """The column titles, pinned above the scrolling grid."""

    def __init__(self, view: DayView) -> None:
        super().__init__(view)
        self._view = view
        self.offset = 0

    def sizeHint(self) -> QSize:
        return QSize(400, self._view.metrics.header)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._view.paint_header(painter, self.offset, self.width())
        finally:
            painter.end()


class DayView(QWidget):
    """The day's bookings on a grid of time by staff member and room.

    Signals:
        booking_selected(str): a booking was clicked ('' when the click cleared the selection).
        booking_activated(str): a booking was double-clicked or Enter was pressed on it.
        slot_activated(object, object): an empty slot was double-clicked: the resource id
            (None for Unassigned) and the slot's start (aware datetime).
    """

    booking_selected = Signal(str)
    booking_activated = Signal(str)
    slot_activated = Signal(object, object)

    def __init__(self, timezone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tz = timezone
        self._layout = DayLayout(
            date.today(),
            [ColumnSpec(UNASSIGNED, UNASSIGNED_TITLE, "")],
            [],
            DAY_START_HOUR,
            DAY_END_HOUR,
        )
        self._selected: str | None = None
        self._rects: list[tuple[QRectF, Block]] = []
        self._menu_actions: list[QAction] = []
        self._now: datetime | None = None
        self._shown: tuple[object, ...] | None = None  # what set_day last laid out
        self._scrolled_for: date | None = None
        self.setFont(theme.font(self, scale=0.98))
        self.metrics = _Metrics(self.font())
        self.setObjectName("dayView")

        self.header = ScheduleHeader(self)
        self.header.setFixedHeight(self.metrics.header)
        self.canvas = ScheduleCanvas(self)
        self.canvas.setFont(self.font())
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setWidgetResizable(False)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        # Always on: the columns' width never jumps when a long day needs scrolling.
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll_area.viewport().installEventFilter(self)
        self.scroll_area.setFocusProxy(self.canvas)
        self.scroll_area.horizontalScrollBar().valueChanged.connect(self._on_hscroll)
        self.setFocusProxy(self.canvas)

        frame = QFrame(self)
        frame.setObjectName("dayViewFrame")
        frame.setStyleSheet(
            "QFrame#dayViewFrame { border: 1px solid palette(mid); border-radius: 4px;"
            " background: palette(base); }"
        )
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(1, 1, 1, 1)
        inner.setSpacing(0)
        inner.addWidget(self.header)
        inner.addWidget(self.scroll_area, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

        # The "now" line creeps down; a repaint a minute is plenty.
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    # -- public -------------------------------------------------------------------------

    def set_timezone(self, timezone: tzinfo) -> None:
        """Show times in the business's time zone."""
        self._tz = timezone

    def set_day(
        self,
        day: date,
        bookings: Sequence[Booking],
        resources: Sequence[Resource],
        *,
        only: str | None = None,
    ) -> None:
        """Show ``day``'s bookings in columns of ``resources`` (just ``only``'s when given)."""
        # The periodic reload usually brings the same sheet: leave the painted grid alone.
        shown = (day, list(bookings), list(resources), only, self._tz)
        if shown == self._shown:
            return
        self._shown = shown
        self._layout = layout_day(day, bookings, resources, self._tz, only=only)
        if self._selected is not None and self._block(self._selected) is None:
            self._selected = None
        self._now = datetime.now(self._tz)
        self._relayout()
        if self._scrolled_for != day:
            self._scrolled_for = day
            QTimer.singleShot(0, self, self.scroll_to_start)

    def day_layout(self) -> DayLayout:
        """The grid as last laid out (columns and blocks), for tests and the bench."""
        return self._layout

    def column_titles(self) -> list[str]:
        """The columns' titles, left to right."""
        return [c.title for c in self._layout.columns]

    def selected_id(self) -> str | None:
        """The selected booking's id, or None."""
        return self._selected

    def select(self, booking_id: str | None, *, emit: bool = False) -> None:
        """Select a booking (None clears); ``emit`` tells listeners (a click, not a sync)."""
        if booking_id is not None and self._block(booking_id) is None:
            booking_id = None
        changed = booking_id != self._selected
        self._selected = booking_id
        if changed:
            self.canvas.update()
            if booking_id is not None:
                self.ensure_visible(booking_id)
        if emit and changed:
            self.booking_selected.emit(booking_id or "")

    def set_menu_actions(self, actions: Sequence[QAction]) -> None:
        """The actions of a booking's right-click menu (Charge, Move…, Cancel, No-show)."""
        self._menu_actions = list(actions)

    def block_rect(self, booking_id: str) -> QRect:
        """Where a booking is drawn, in canvas coordinates (empty if not shown)."""
        for rect, block in self._rects:
            if block.booking.id == booking_id:
                return rect.toAlignedRect()
        return QRect()

    def ensure_visible(self, booking_id: str) -> None:
        """Scroll so the booking is in view."""
        rect = self.block_rect(booking_id)
        if not rect.isEmpty():
            self.scroll_area.ensureVisible(
                rect.center().x(), rect.center().y(), rect.width() // 2 + 8, rect.height() // 2 + 8
            )

    def scroll_to_start(self) -> None:
        """Show the morning's first booking, or now on today, or the opening hour."""
        targets: list[int] = []
        if self._layout.day == datetime.now(self._tz).date():
            now = datetime.now(self._tz)
            targets.append(now.hour * 60 + now.minute - 45)
        elif self._layout.blocks:
            targets.append(self._layout.blocks[0].start_min - 30)
        minute = targets[0] if targets else self._layout.first_hour * 60
        self.scroll_area.verticalScrollBar().setValue(max(0, int(self._y(minute))))

    def scroll_to_minute(self, minute: int) -> None:
        """Scroll so ``minute`` (since the day's midnight) is at the top."""
        self.scroll_area.verticalScrollBar().setValue(max(0, int(self._y(minute))))

    def booking_at(self, point: QPoint) -> str | None:
        """The booking drawn at ``point`` (canvas coordinates), topmost first."""
        for rect, block in reversed(self._rects):
            if rect.contains(QPointF(point)):
                return block.booking.id
        return None

    def slot_at(self, point: QPoint) -> tuple[str | None, datetime] | None:
        """The resource and quarter hour under ``point``, or None outside the grid."""
        m = self.metrics
        col_w = self._column_width()
        if point.x() < m.gutter or not self._layout.columns:
            return None
        column = int((point.x() - m.gutter) // col_w)
        if column >= len(self._layout.columns):
            return None
        minute = self._layout.first_hour * 60 + int(point.y() / m.quarter) * 15
        if minute >= self._layout.last_hour * 60:
            return None
        key = self._layout.columns[column].key
        start = datetime.combine(self._layout.day, time(0), tzinfo=self._tz)
        return (key or None), start + timedelta(minutes=minute)

    def tooltip_for(self, booking_id: str) -> str:
        """Everything about a booking in a few lines, for the hover tooltip."""
        block = self._block(booking_id)
        if block is None:
            return ""
        b = block.booking
        start = b.starts_at.astimezone(self._tz)
        end = b.ends_at.astimezone(self._tz)
        contact = " · ".join(c for c in (b.customer_email, b.customer_phone) if c)
        lines = [
            f"<b>{_html(b.customer_name)}</b>",
            f"{_html(b.service_name)} · {start:%H:%M}–{end:%H:%M}",
            f"{_html(status_words(b))} · {b.price.format()}",
        ]
        if contact:
            lines.insert(1, _html(contact))
        return "<br>".join(lines)

    # -- painting -------------------------------------------------------------------------

    def paint_canvas(self, p: QPainter, clip: QRect) -> None:
        """Grid, blocks and the now line, limited to the exposed rectangle."""
        pal = self.palette()
        m = self.metrics
        width = self.canvas.width()
        p.fillRect(clip, pal.color(QPalette.ColorRole.Base))
        lay = self._layout
        col_w = self._column_width()
        mid = pal.color(QPalette.ColorRole.Mid)
        faint = QColor(mid)
        faint.setAlpha(110)
        # Past time on today's grid is tinted, so "now" reads at a glance.
        now = self._now
        if now is not None and now.date() == lay.day:
            y_now = self._y(now.hour * 60 + now.minute + now.second / 60)
            tint = QColor(pal.color(QPalette.ColorRole.Window))
            tint.setAlpha(150)
            p.fillRect(QRectF(m.gutter, 0, width - m.gutter, max(0.0, y_now)), tint)
        # Quarter and hour lines, hour labels.
        first_q = max(0, clip.top() // m.quarter - 1)
        last_q = min((lay.last_hour - lay.first_hour) * 4, clip.bottom() // m.quarter + 1)
        label_pen = QPen(pal.color(QPalette.ColorRole.PlaceholderText))
        for q in range(first_q, last_q + 1):
            y = q * m.quarter
            if q % 4 == 0:
                p.setPen(QPen(mid, 1))
                p.drawLine(m.gutter - 6, y, width, y)
            else:
                pen = QPen(faint, 1, Qt.PenStyle.DotLine if q % 2 else Qt.PenStyle.SolidLine)
                p.setPen(pen)
                p.drawLine(m.gutter, y, width, y)
        p.setPen(QPen(mid, 1))
        for i in range(len(lay.columns) + 1):
            x = int(m.gutter + i * col_w)
            p.drawLine(x, clip.top(), x, clip.bottom())
        if not lay.blocks:
            p.setPen(label_pen)
            area = QRect(m.gutter, 0, width - m.gutter, self.scroll_area.viewport().height())
            area.moveTop(self.scroll_area.verticalScrollBar().value())
            p.drawText(area, int(Qt.AlignmentFlag.AlignCenter), EMPTY_HINT)
        # Blocks.
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        dark = theme.is_dark(self)
        clip_f = QRectF(clip)
        for rect, block in self._rects:
            if rect.intersects(clip_f):
                self._paint_block(p, rect, block, dark)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._paint_gutter(p, clip, first_q, last_q)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        # Now line on top of everything.
        if now is not None and now.date() == lay.day:
            y_line = self._y(now.hour * 60 + now.minute + now.second / 60)
            if 0 <= y_line <= self.canvas.height():
                red = theme.semantic("danger", self)
                p.setPen(QPen(red, 2))
                p.drawLine(QPointF(m.gutter, y_line), QPointF(width, y_line))
                p.setBrush(red)
                p.setPen(Qt.PenStyle.NoPen)
                x0 = self.scroll_area.horizontalScrollBar().value()
                p.drawEllipse(QPointF(x0 + m.gutter, y_line), 5, 5)

    def _paint_gutter(self, p: QPainter, clip: QRect, first_q: int, last_q: int) -> None:
        """The hour labels, pinned to the left edge when the columns scroll sideways."""
        m = self.metrics
        pal = self.palette()
        x0 = self.scroll_area.horizontalScrollBar().value()
        if x0 > 0:
            p.fillRect(
                QRect(x0, clip.top(), m.gutter, clip.height()), pal.color(QPalette.ColorRole.Base)
            )
            p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
            p.drawLine(x0 + m.gutter, clip.top(), x0 + m.gutter, clip.bottom())
        p.setPen(QPen(pal.color(QPalette.ColorRole.PlaceholderText)))
        for q in range(first_q - first_q % 4, last_q + 1, 4):
            hour = self._layout.first_hour + q // 4
            if q >= 0 and hour < 24:
                p.drawText(
                    QRect(x0, q * m.quarter + 2, m.gutter - 10, m.line),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                    f"{hour:02d}:00",
                )

    def _paint_block(self, p: QPainter, rect: QRectF, block: Block, dark: bool) -> None:
        b = block.booking
        chip = theme.status_chip(display_status(b), dark)
        fg, bg = QColor(chip.fg), QColor(chip.bg)
        freed = not b.holds_slot or b.cancelled or b.no_show
        selected = b.id == self._selected
        p.save()
        if freed:
            p.setOpacity(0.62)
        border = QColor(fg)
        border.setAlpha(90)
        p.setBrush(bg)
        pen = QPen(border, 1, Qt.PenStyle.DashLine if freed else Qt.PenStyle.SolidLine)
        p.setPen(pen)
        p.drawRoundedRect(rect, 5, 5)
        # A bar down the left edge in the status's strong colour.
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fg)
        p.drawRoundedRect(QRectF(rect.left(), rect.top(), 4, rect.height()), 2, 2)
        if selected:
            p.setOpacity(1.0)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2.5))
            p.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), 6, 6)
        # Text: as many lines as fit, the customer and the status first.
        p.setPen(fg)
        text_rect = rect.adjusted(10, 3, -6, -2)
        start = b.starts_at.astimezone(self._tz)
        end = b.ends_at.astimezone(self._tz)
        bold = QFont(self.font())
        bold.setBold(True)
        fm_bold = QFontMetrics(bold)
        fm = QFontMetrics(self.font())
        lines_fit = max(1, int(text_rect.height()) // self.metrics.line)
        status = status_words(b)
        # The position already says when: the name and the status come first.
        if lines_fit == 1:
            lines = [(f"{b.customer_name} · {status}", True)]
        elif lines_fit == 2:
            lines = [
                (f"{start:%H:%M} {b.customer_name}", True),
                (f"{status} · {b.service_name}", False),
            ]
        else:
            lines = [
                (b.customer_name, True),
                (status, False),
                (f"{start:%H:%M}–{end:%H:%M} · {b.service_name}", False),
            ]
        y = text_rect.top()
        w = int(text_rect.width())
        for text, strong in lines[:lines_fit]:
            metrics = fm_bold if strong else fm
            p.setFont(bold if strong else self.font())
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, w)
            p.drawText(
                QRectF(text_rect.left(), y, w, self.metrics.line),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                elided,
            )
            y += self.metrics.line
        p.restore()

    def paint_header(self, p: QPainter, offset: int, width: int) -> None:
        """Column titles with a caption (Room, how many bookings), scrolled with the grid."""
        pal = self.palette()
        m = self.metrics
        p.fillRect(QRect(0, 0, width, m.header), pal.color(QPalette.ColorRole.Base))
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
        p.drawLine(0, m.header - 1, width, m.header - 1)
        col_w = self._column_width()
        counts: dict[int, int] = {}
        for block in self._layout.blocks:
            if not block.booking.cancelled and not block.booking.no_show:
                counts[block.column] = counts.get(block.column, 0) + 1
        bold = QFont(self.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.06)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        for i, column in enumerate(self._layout.columns):
            x = int(m.gutter + i * col_w) - offset
            if x + col_w < 0 or x > width:
                continue
            box = QRect(x + 6, 6, int(col_w) - 12, m.header - 12)
            p.setFont(bold)
            p.setPen(pal.color(QPalette.ColorRole.Text))
            title = QFontMetrics(bold).elidedText(
                column.title, Qt.TextElideMode.ElideRight, box.width()
            )
            p.drawText(box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), title)
            n = counts.get(i, 0)
            caption = ", ".join(
                part
                for part in (column.caption, f"{n} booking{'s' if n != 1 else ''}" if n else "free")
                if part
            )
            p.setFont(small)
            p.setPen(muted)
            p.drawText(
                box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), caption
            )
            p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
            p.drawLine(x + int(col_w), 8, x + int(col_w), m.header - 8)
        if offset > 0:  # the corner above the pinned hour labels stays empty
            p.fillRect(QRect(0, 0, m.gutter, m.header - 1), pal.color(QPalette.ColorRole.Base))

    # -- keyboard and menu --------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        """Arrows move between bookings, Enter charges, the menu key opens the menu."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            if self._selected is not None:
                self.booking_activated.emit(self._selected)
                return True
            return False
        if key == Qt.Key.Key_Menu and self._selected is not None:
            rect = self.block_rect(self._selected)
            self.show_menu(self.canvas.mapToGlobal(rect.center()))
            return True
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        moves = {
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
        }
        if key not in moves:
            return False
        step, side = moves[Qt.Key(key)]
        target = self._neighbour(step, side)
        if target is not None:
            self.select(target, emit=True)
        return True

    def show_menu(self, global_pos: QPoint) -> None:
        """The selected booking's actions, at ``global_pos``."""
        if not self._menu_actions:
            return
        menu = QMenu(self)
        for action in self._menu_actions:
            menu.addAction(action)
        menu.exec(global_pos)

    # -- internals ----------------------------------------------------------------------

    def _neighbour(self, step: int, side: int) -> str | None:
        blocks = self._layout.blocks
        if not blocks:
            return None
        current = self._block(self._selected) if self._selected else None
        if current is None:
            return blocks[0].booking.id
        if side == 0:
            same = [b for b in blocks if b.column == current.column]
            ordered = same if len(same) > 1 else blocks
            i = ordered.index(current) + step
            return ordered[i].booking.id if 0 <= i < len(ordered) else None
        column = current.column + side
        while 0 <= column < len(self._layout.columns):
            there = [b for b in blocks if b.column == column]
            if there:
                best = min(there, key=lambda b: abs(b.start_min - current.start_min))
                return best.booking.id
            column += side
        return None

    def _block(self, booking_id: str | None) -> Block | None:
        for block in self._layout.blocks:
            if block.booking.id == booking_id:
                return block
        return None

    def _y(self, minute: float) -> float:
        return (minute - self._layout.first_hour * 60) * self.metrics.quarter / 15

    def _column_width(self) -> float:
        m = self.metrics
        n = max(1, len(self._layout.columns))
        return max(float(MIN_COLUMN_WIDTH), (self.canvas.width() - m.gutter) / n)

    def _relayout(self) -> None:
        m = self.metrics
        n = max(1, len(self._layout.columns))
        viewport = self.scroll_area.viewport().width()
        width = max(viewport, m.gutter + n * MIN_COLUMN_WIDTH)
        height = (self._layout.last_hour - self._layout.first_hour) * m.hour + 1
        self.canvas.resize(width, height)
        col_w = self._column_width()
        rects: list[tuple[QRectF, Block]] = []
        for block in self._layout.blocks:
            lane_w = col_w / block.lanes
            x = m.gutter + block.column * col_w + block.lane * lane_w
            top = self._y(block.start_min)
            bottom = self._y(block.end_min)
            rects.append((QRectF(x + 3, top + 1.5, lane_w - 6, bottom - top - 3), block))
        self._rects = rects
        self.header.offset = self.scroll_area.horizontalScrollBar().value()
        self.header.update()
        self.canvas.update()

    def _on_hscroll(self, value: int) -> None:
        self.header.offset = value
        self.header.update()
        self.canvas.update()  # the pinned hour labels move with the viewport

    def _tick(self) -> None:
        self._now = datetime.now(self._tz)
        self.canvas.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.scroll_area.viewport():
            self._relayout()
        return super().eventFilter(watched, event)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DayBar(QWidget):
    """Which day, whose bookings, and list or schedule: the strip above the bookings.

    Signals:
        day_requested(object): a date was picked in the calendar.
        previous_requested / next_requested / today_requested: the arrow and Today buttons.
        filter_changed(object): the staff filter's resource id (None: everyone).
        mode_requested(str): "list" or "schedule".
    """

    day_requested = Signal(object)
    previous_requested = Signal()
    next_requested = Signal()
    today_requested = Signal()
    filter_changed = Signal(object)
    mode_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prev_button = QPushButton("‹")
        self.prev_button.setToolTip("Previous day (Alt+Left)")
        self.prev_button.setAccessibleName("Previous day")
        self.next_button = QPushButton("›")
        self.next_button.setToolTip("Next day (Alt+Right)")
        self.next_button.setAccessibleName("Next day")
        for button in (self.prev_button, self.next_button):
            button.setFont(theme.font(self, scale=1.3, bold=True))
            button.setFixedWidth(38)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setToolTip("Go to a date (Ctrl+G)")
        self.date_edit.setAccessibleName("Date")
        self.date_edit.setMinimumWidth(136)
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Back to today (Ctrl+T)")
        self.staff_label = QLabel("&Staff")
        self.staff_combo = QComboBox()
        self.staff_combo.setMinimumWidth(130)
        self.staff_combo.setToolTip("Whose bookings to show")
        self.staff_combo.setAccessibleName("Staff")
        self.staff_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.staff_combo.addItem("Everyone", None)
        self.staff_label.setBuddy(self.staff_combo)
        self.list_button = QPushButton("List")
        self.list_button.setToolTip("The day as a list (Ctrl+1)")
        self.schedule_button = QPushButton("Schedule")
        self.schedule_button.setToolTip("The day by staff and room (Ctrl+2)")
        self._modes = QButtonGroup(self)
        self._modes.setExclusive(True)
        bold = theme.font(self, bold=True)
        for button in (self.list_button, self.schedule_button):
            button.setCheckable(True)
            # Wide enough for the bold (checked) text plus the padding.
            button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(button.text()) + 28)
            self._modes.addButton(button)
        self.list_button.setChecked(True)
        self.list_button.setStyleSheet(_SEGMENT_STYLE.format(radius="5px 0 0 5px"))
        self.schedule_button.setStyleSheet(_SEGMENT_STYLE.format(radius="0 5px 5px 0"))

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 8)
        row.setSpacing(6)
        row.addWidget(self.prev_button)
        row.addWidget(self.date_edit)
        row.addWidget(self.next_button)
        row.addWidget(self.today_button)
        row.addStretch(1)
        row.addWidget(self.staff_label)
        row.addWidget(self.staff_combo)
        row.addSpacing(12)
        segment = QHBoxLayout()
        segment.setSpacing(0)
        segment.addWidget(self.list_button)
        segment.addWidget(self.schedule_button)
        row.addLayout(segment)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.prev_button.clicked.connect(self.previous_requested)
        self.next_button.clicked.connect(self.next_requested)
        self.today_button.clicked.connect(self.today_requested)
        self.date_edit.dateChanged.connect(self._on_date)
        self.staff_combo.currentIndexChanged.connect(self._on_staff)
        self.list_button.clicked.connect(lambda: self.mode_requested.emit("list"))
        self.schedule_button.clicked.connect(lambda: self.mode_requested.emit("schedule"))
        self._quiet = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # At the window's minimum width the combo ("Everyone", "Priya") speaks for itself.
        self.staff_label.setVisible(event.size().width() >= 700)

    def set_day(self, day: date, today: date) -> None:
        """Show ``day`` in the picker (without asking for it again); Today is off on today."""
        self._quiet = True
        try:
            self.date_edit.setDate(QDate(day.year, day.month, day.day))
        finally:
            self._quiet = False
        self.today_button.setEnabled(day != today)

    def set_mode(self, mode: str) -> None:
        """Check the List or Schedule button."""
        (self.schedule_button if mode == "schedule" else self.list_button).setChecked(True)

    def set_resources(self, resources: Sequence[Resource]) -> None:
        """Fill the staff filter: Everyone, then each resource; keeps the choice if it stays."""
        current = self.staff_combo.currentData()
        wanted = [(None, "Everyone")] + [(r.id, r.name) for r in resources]
        have = [
            (self.staff_combo.itemData(i), self.staff_combo.itemText(i))
            for i in range(self.staff_combo.count())
        ]
        if wanted == have:
            return
        self.staff_combo.blockSignals(True)
        self.staff_combo.clear()
        for rid, name in wanted:
            self.staff_combo.addItem(name, rid)
        index = self.staff_combo.findData(current) if current is not None else 0
        self.staff_combo.setCurrentIndex(max(0, index))
        self.staff_combo.blockSignals(False)
        if current is not None and index < 0:
            self.filter_changed.emit(None)

    def resource_filter(self) -> str | None:
        """The chosen resource id, or None for everyone."""
        value = self.staff_combo.currentData()
        return value if isinstance(value, str) else None

    def set_resource_filter(self, resource_id: str | None) -> None:
        """Choose a resource (None: everyone) as if picked in the combo."""
        index = self.staff_combo.findData(resource_id) if resource_id else 0
        self.staff_combo.setCurrentIndex(max(0, index))

    def _on_date(self, value: QDate) -> None:
        if not self._quiet:
            self.day_requested.emit(date(value.year(), value.month(), value.day()))

    def _on_staff(self, _index: int) -> None:
        self.filter_changed.emit(self.resource_filter())


_SEGMENT_STYLE = (
    "QPushButton {{ border: 1px solid palette(mid); padding: 5px 10px;"
    " background: palette(button); border-radius: {radius}; }}"
    "QPushButton:checked {{ background: palette(highlight); color: palette(highlighted-text);"
    " border-color: palette(highlight); font-weight: bold; }}"
)
