"""The schedule: one day as a grid of time (rows) by staff member or room (columns).

Painted by hand (one ``paintEvent`` over the exposed rectangle) rather than built from
widgets, so a day of 200 bookings paints in a few milliseconds and a reload never rebuilds
anything. The layout maths live in ``schedule_layout.py`` and what a block says in
``schedule_state.py`` (both Qt-free); the pixels in ``schedule_paint.py``; this module keeps
the state and turns taps, drags and keys into signals:

- a tap on a booking selects it (a short block then expands to show everything);
- a tap on an empty slot from now on books it (``slot_activated``), as does a double-click;
- dragging a booking to another time or column asks to move it (``booking_dropped``); the
  controller moves it through the booking service, which still refuses a clash.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QImage,
    QKeyEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QMenu,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking
from pos_app.domain.people import Resource
from pos_app.ui.day.schedule_canvas import ScheduleCanvas, ScheduleHeader
from pos_app.ui.day.schedule_layout import (
    SLOT_MINUTES,
    Block,
    DayLayout,
    drop_target,
    empty_layout,
    layout_day,
    slot_start,
)
from pos_app.ui.day.schedule_legend import ScheduleLegend
from pos_app.ui.day.schedule_paint import (
    Metrics,
    TextFitter,
)
from pos_app.ui.day.schedule_render import (
    MIN_COLUMN_WIDTH,
    RenderedBlocks,
)
from pos_app.ui.day.schedule_state import BlockText, can_drag, full_lines, tooltip_html
from pos_app.ui.day.schedule_surface import ScheduleSurface
from pos_app.ui.kit import theme

__all__ = ["MIN_COLUMN_WIDTH", "DayView"]
_SLOT = timedelta(minutes=SLOT_MINUTES)


class DayView(ScheduleSurface):
    """The day's bookings on a grid of time by staff member and room, with a legend.

    Signals:
        booking_selected(str): a booking was clicked ('' when the click cleared the selection).
        booking_activated(str): a booking was double-clicked or Enter was pressed on it.
        slot_activated(object, object): an empty slot was tapped (from now on) or
            double-clicked: the resource id (None for Unassigned) and the slot's start.
        booking_dropped(str, object, object): a booking was dragged to a new slot: its id,
            the new resource id (None for Unassigned) and the new start (aware datetime).
        render_wanted(): the blocks drawn in the background no longer fit the canvas (it was
            resized, or the palette changed): the owner may draw them again off the GUI
            thread (``render_job``) and hand them back with ``take_rendered``.
    """

    booking_selected = Signal(str)
    booking_activated = Signal(str)
    slot_activated = Signal(object, object)
    booking_dropped = Signal(str, object, object)

    def __init__(self, timezone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tz = timezone
        self._layout: DayLayout = empty_layout(date.today())
        self._selected: str | None = None
        self._rects: list[tuple[QRectF, Block]] = []
        self._placed_of: list[tuple[QRectF, Block]] | None = None  # see _placed
        self._placed_by_id: dict[str, tuple[QRectF, Block]] = {}
        self._expanded: QRectF | None = None  # the selected short block, shown in full
        self._drag: Block | None = None
        self._drop: tuple[int, int] | None = None  # (column, start minute) while dragging
        self._menu_actions: list[QAction] = []
        self._now: datetime | None = None
        self._shown: object = None  # what set_day last laid out (or the key it was given)
        self._scrolled_for: date | None = None
        self._last_tap: tuple[str | None, datetime] | None = None
        self._last_tap_at = 0.0
        self.setFont(theme.font(self, scale=0.98))
        self.metrics = Metrics(self.font())
        self._fitter = TextFitter(self.font(), self.metrics.line, timezone)
        self._texts: dict[str, BlockText] = {}  # each block's lines, once per layout
        self._rendered: RenderedBlocks | None = None  # the blocks drawn in the background
        self._image: QImage | None = None  # its image, while it fits the canvas
        self._render_asked = False  # render_wanted was emitted and nothing came back yet
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._ask_render)
        self._sized = False  # the viewport had its first (real) size: see eventFilter
        self.setObjectName("dayView")

        self.header = ScheduleHeader(self, self)
        self.header.setFixedHeight(self.metrics.header)
        self.canvas = ScheduleCanvas(self, self)
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
        self.legend = ScheduleLegend(self)

        frame = QFrame(self)
        frame.setObjectName("dayViewFrame")  # framed by theme.py's "Day" section
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(1, 1, 1, 1)
        inner.setSpacing(0)
        inner.addWidget(self.header)
        inner.addWidget(self.scroll_area, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        outer.addWidget(frame, 1)
        outer.addWidget(self.legend)

        # The "now" line creeps down; a repaint a minute is plenty.
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    # -- public -------------------------------------------------------------------------

    def set_timezone(self, timezone: tzinfo) -> None:
        """Show times in the business's time zone."""
        self._tz = timezone
        self._fitter = TextFitter(self.font(), self.metrics.line, timezone)

    def set_day(
        self,
        day: date,
        bookings: Sequence[Booking],
        resources: Sequence[Resource],
        *,
        only: str | None = None,
        layout: DayLayout | None = None,
        key: object = None,
        rendered: RenderedBlocks | None = None,
    ) -> None:
        """Show ``day``'s bookings in columns of ``resources`` (just ``only``'s when given).

        ``layout`` is the grid already laid out in the background (for this time zone), and
        ``key`` a signature of everything shown: then the bookings are not compared again.
        ``rendered`` is that layout's blocks drawn in the background (see schedule_render)."""
        # The periodic reload usually brings the same sheet: leave the painted grid alone.
        shown = (day, list(bookings), list(resources), only, self._tz) if key is None else key
        if shown == self._shown:
            return
        self._shown = shown
        if layout is None:
            layout = layout_day(day, bookings, resources, self._tz, only=only)
        self._layout = layout
        fits = rendered is not None and rendered.setup.tz == self._tz
        self._rendered = rendered if fits else None
        if self._selected is not None and self._layout.block(self._selected) is None:
            self._selected = None
        self.cancel_drag()
        self._now = datetime.now(self._tz)
        self._relayout()
        if self._scrolled_for != day:
            self._scrolled_for = day
            QTimer.singleShot(0, self, self.scroll_to_start)

    def set_now(self, now: datetime) -> None:
        """Draw the now line at ``now`` (the clock does this every minute)."""
        self._now = now.astimezone(self._tz)
        self.canvas.update()

    def now(self) -> datetime | None:
        """Where the now line is drawn (None before the first day is shown)."""
        return self._now

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
        if booking_id is not None and self._layout.block(booking_id) is None:
            booking_id = None
        changed = booking_id != self._selected
        if changed:
            # Repaint only where the selection was and is (a whole-grid repaint of a busy
            # day took 10–20 ms, a visible stall on every tap).
            dirty = self._selection_area()
            self._selected = booking_id
            self._expanded = self._expanded_rect()
            for rect in (*dirty, *self._selection_area()):
                self.canvas.update(rect)
            if booking_id is not None:
                self.ensure_visible(booking_id)
        if emit and changed:
            self.booking_selected.emit(booking_id or "")

    def set_menu_actions(self, actions: Sequence[QAction]) -> None:
        """The actions of a booking's right-click menu (Charge, Move…, Cancel, No-show)."""
        self._menu_actions = list(actions)

    def expanded_rect(self) -> QRect:
        """The card of the selected short block, shown in full (empty when none)."""
        return self._expanded.toAlignedRect() if self._expanded is not None else QRect()

    def block_lines(self, booking_id: str) -> tuple[list[str], bool]:
        """The lines a block shows as painted (in full when it is the expanded one), and
        whether that is everything there is to say about it."""
        placed = self._placed(booking_id)
        if placed is None:
            return [], False
        rect, block = placed
        if booking_id == self._selected and self._expanded is not None:
            return [x.text for x in full_lines(block.booking, self._tz)], True
        fit = self._texts.get(booking_id) or self._fitter.fit(block.booking, rect)
        return [x.text for x in fit.lines], fit.complete

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
        now = datetime.now(self._tz)
        if self._layout.day == now.date():
            targets.append(now.hour * 60 + now.minute - 45)
        elif self._layout.blocks:
            targets.append(self._layout.blocks[0].start_min - 30)
        minute = targets[0] if targets else self._layout.first_hour * 60
        self.scroll_area.verticalScrollBar().setValue(max(0, int(self.grid().y(minute))))

    def scroll_to_minute(self, minute: int) -> None:
        """Scroll so ``minute`` (since the day's midnight) is at the top."""
        self.scroll_area.verticalScrollBar().setValue(max(0, int(self.grid().y(minute))))

    def booking_at(self, point: QPoint) -> str | None:
        """The booking drawn at ``point`` (canvas coordinates), topmost first; the expanded
        card of the selected booking covers what is under it."""
        if self._expanded is not None and self._expanded.contains(QPointF(point)):
            return self._selected
        for rect, block in reversed(self._rects):
            if rect.contains(QPointF(point)):
                return block.booking.id
        return None

    def slot_at(self, point: QPoint) -> tuple[str | None, datetime] | None:
        """The resource and quarter hour under ``point``, or None outside the grid."""
        grid = self.grid()
        column = grid.column_at(point.x())
        minute = grid.minute_at(point.y())
        if column is None or minute is None:
            return None
        key = self._layout.columns[column].key
        return (key or None), slot_start(self._layout.day, minute, self._tz)

    def slot_point(self, resource_id: str | None, when: datetime) -> QPoint:
        """A point inside the slot of ``resource_id`` (None: Unassigned) at ``when`` (for
        tests and the keyboard); the null point when that column is not shown."""
        keys = [c.key or None for c in self._layout.columns]
        if resource_id not in keys:
            return QPoint()
        local = when.astimezone(self._tz)
        grid = self.grid()
        x = grid.gutter + (keys.index(resource_id) + 0.5) * grid.column_width
        return QPoint(int(x), int(grid.y(local.hour * 60 + local.minute) + 3))

    def now_text(self) -> str:
        """The time the now line carries ("10:42"), or '' when the day shown is not today."""
        now = self._now
        return f"{lf.clock(now)}" if now is not None and now.date() == self._layout.day else ""

    def tap_slot(self, point: QPoint) -> None:
        """A tap on empty space books that slot, when it has not passed (in the past a tap
        only clears the selection)."""
        slot = self.slot_at(point)
        if slot is None or slot[1] + _SLOT <= datetime.now(self._tz):
            return
        # The second tap of a double-click on the same slot asks nothing more.
        if self._last_tap == slot and time.monotonic() - self._last_tap_at < _double_click_s():
            return
        self._last_tap, self._last_tap_at = slot, time.monotonic()
        self.slot_activated.emit(slot[0], slot[1])

    def double_click_slot(self, point: QPoint) -> None:
        """A double-click on empty space asks to book it; a past slot too, so the desk is
        told why not (a slot from now on was booked by the double-click's first tap)."""
        slot = self.slot_at(point)
        if slot is None or slot == self._last_tap:
            return
        self.slot_activated.emit(slot[0], slot[1])

    def tooltip_for(self, booking_id: str) -> str:
        """Everything about a booking in a few lines, for the hover tooltip."""
        block = self._layout.block(booking_id)
        return tooltip_html(block.booking, self._tz) if block is not None else ""

    # -- dragging -----------------------------------------------------------------------

    def start_drag(self, booking_id: str) -> bool:
        """Pick up a booking to move it; False for one that cannot move."""
        block = self._layout.block(booking_id)
        if block is None or not can_drag(block.booking):
            return False
        self._drag = block
        self._drop = None
        self._expanded = None
        return True

    def drag_to(self, top_left: QPointF, x: int) -> None:
        """The dragged block's top-left is at ``top_left``, the pointer over ``x``."""
        if self._drag is None:
            return
        self._drop = drop_target(self.grid(), self._layout, self._drag, x, top_left.y())
        self.canvas.update()

    def drop_preview(self) -> tuple[str | None, datetime] | None:
        """Where the dragged booking would land (resource, start), or None."""
        if self._drop is None:
            return None
        column, minute = self._drop
        key = self._layout.columns[column].key
        return (key or None), slot_start(self._layout.day, minute, self._tz)

    def finish_drag(self) -> None:
        """Drop: ask to move the booking to the previewed slot (nothing if it did not move)."""
        block, target = self._drag, self.drop_preview()
        self.cancel_drag()
        if block is not None and target is not None:
            self.booking_dropped.emit(block.booking.id, target[0], target[1])

    def cancel_drag(self) -> None:
        """Put the dragged booking down where it was."""
        self._drag = None
        self._drop = None
        self._expanded = self._expanded_rect()
        self.canvas.update()

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
        current = self._layout.block(self._selected) if self._selected else None
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

    def _on_hscroll(self, value: int) -> None:
        self.header.offset = value
        self.header.update()
        self.canvas.update()  # the pinned hour labels move with the viewport

    def _tick(self) -> None:
        self._now = datetime.now(self._tz)
        self.canvas.update()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._render_timer.isActive():
            self._render_timer.start(0)  # asked for while hidden: shown now, at once

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.scroll_area.viewport():
            # (Qt sends a hidden widget's resizes at its first show: a real size, not a guess.)
            self._sized = True
            self._relayout()
        return super().eventFilter(watched, event)


def _double_click_s() -> float:
    return QApplication.doubleClickInterval() / 1000
