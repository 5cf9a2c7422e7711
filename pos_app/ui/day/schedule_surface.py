"""The schedule's surface: where blocks go on the canvas and how the canvas is painted.

The base of :class:`~pos_app.ui.day.day_view.DayView`, which adds the day's state changes
and turns taps, drags and keys into signals. Here: the grid's geometry, the blocks' places,
painting the exposed rectangle (the blocks from the background image of ``schedule_render``
when it fits, else drawn here), and asking for that image again when it no longer fits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from PySide6.QtCore import QPointF, QRect, QRectF, QTimer, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QScrollArea, QWidget

from pos_app.ui.day.schedule_canvas import ScheduleCanvas, ScheduleHeader
from pos_app.ui.day.schedule_layout import Block, DayLayout, Grid
from pos_app.ui.day.schedule_paint import (
    Look,
    Metrics,
    TextFitter,
    paint_block,
    paint_ghost,
    paint_grid,
    paint_gutter,
    paint_header,
    paint_now,
    paint_selection,
)
from pos_app.ui.day.schedule_render import (
    MIN_COLUMN_WIDTH,
    PaintSetup,
    RenderedBlocks,
    block_rects,
    canvas_size,
    render_blocks,
)
from pos_app.ui.day.schedule_state import BlockLine, BlockText, full_lines
from pos_app.ui.kit import theme

_OUTLINE = 4  # px the selection outline reaches outside a block (pen and offset, rounded up)
#: Hidden behind the list, how long the schedule waits before asking for its blocks: past
#: the list's own repaint of the day that just landed (the drawing is ~25 ms of a worker's
#: Python for a busy day, which would make the GUI thread wait for the GIL in that repaint).
HIDDEN_RENDER_DELAY_MS = 100


class ScheduleSurface(QWidget):
    """Geometry and painting of the schedule (its state is set by DayView)."""

    render_wanted = Signal()  # the background image no longer fits: draw the blocks again

    # Set by DayView.__init__.
    _tz: tzinfo
    _layout: DayLayout
    _selected: str | None
    _rects: list[tuple[QRectF, Block]]
    _placed_of: list[tuple[QRectF, Block]] | None  # the _rects that _placed_by_id indexes
    _placed_by_id: dict[str, tuple[QRectF, Block]]
    _expanded: QRectF | None
    _drag: Block | None
    _drop: tuple[int, int] | None
    _now: datetime | None
    _texts: dict[str, BlockText]
    _rendered: RenderedBlocks | None
    _image: QImage | None
    _render_asked: bool
    _render_timer: QTimer  # emits render_wanted (see _want_render)
    _sized: bool  # the viewport had a real size once (shown, or laid out ahead: page_ahead)
    _fitter: TextFitter
    metrics: Metrics
    header: ScheduleHeader
    canvas: ScheduleCanvas
    scroll_area: QScrollArea

    def block_rect(self, booking_id: str | None) -> QRect:
        """Where a booking is drawn, in canvas coordinates (empty if not shown)."""
        placed = self._placed(booking_id)
        return placed[0].toAlignedRect() if placed is not None else QRect()

    def _placed(self, booking_id: str | None) -> tuple[QRectF, Block] | None:
        """The rectangle and block of ``booking_id`` as placed now, or None.

        Looked up by id in an index of ``_rects`` (made again when ``_rects`` is replaced): a
        select asked this four or five times, each a scan reading every booking's id, an ORM
        attribute, about 0.5 ms of each select for a busy day, even with the schedule hidden.
        """
        rects = self._rects
        if self._placed_of is not rects:
            # Reversed: where an id came twice, the first one wins, as in a scan.
            self._placed_by_id = {block.booking.id: (r, block) for r, block in reversed(rects)}
            self._placed_of = rects
        return self._placed_by_id.get(booking_id) if booking_id is not None else None

    def paint_setup(self) -> PaintSetup:
        """What a background job needs to draw this view's blocks (see schedule_render)."""
        return PaintSetup(
            self.scroll_area.viewport().width(),
            self.metrics,
            self.font(),
            self._look(),
            self.canvas.devicePixelRatioF(),
            self._tz,
        )

    def render_job(self) -> Callable[[], RenderedBlocks]:
        """A background job drawing the blocks of the day shown for the canvas as it is
        (in slices when the schedule is hidden: see schedule_render)."""
        layout, setup, sliced = self._layout, self.paint_setup(), not self.isVisible()
        return lambda: render_blocks(layout, setup, sliced=sliced)

    def take_rendered(self, rendered: RenderedBlocks, layout: DayLayout) -> None:
        """Use blocks drawn in the background for ``layout``, if it is still the one shown."""
        self._render_asked = False
        if layout is not self._layout or rendered.setup.tz != self._tz or self._image is not None:
            if self._image is None:
                self._want_render()  # drawn for a day no longer shown: this one's blocks
            return
        self._rendered = rendered
        self._relayout()  # asks again if the canvas changed size once more meanwhile

    def drawn_in_background(self) -> bool:
        """Whether the blocks shown now come from the background image, for tests."""
        return self._image is not None

    def grid(self) -> Grid:
        """The grid's geometry as laid out now."""
        m = self.metrics
        return Grid(
            m.gutter,
            self._column_width(),
            m.quarter,
            self._layout.first_hour,
            self._layout.last_hour,
            len(self._layout.columns),
        )

    def paint_canvas(self, p: QPainter, clip: QRect) -> None:
        """Grid, blocks, the now line and any drag preview, limited to the exposed rectangle."""
        look = self._look()
        grid = self.grid()
        width = self.canvas.width()
        now = self._now
        area = QRect(
            int(grid.gutter), 0, width - int(grid.gutter), self.scroll_area.viewport().height()
        )
        area.moveTop(self.scroll_area.verticalScrollBar().value())
        quarters = paint_grid(
            p,
            clip,
            look=look,
            grid=grid,
            width=width,
            layout=self._layout,
            now=now,
            empty_area=area,
        )
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        clip_f = QRectF(clip)
        line = self.metrics.line
        image = self._image_for(look)
        if image is not None:
            # The blocks as drawn in the background; only the selection is drawn here.
            dpr = image.devicePixelRatio()
            source = QRectF(clip.x() * dpr, clip.y() * dpr, clip.width() * dpr, clip.height() * dpr)
            p.drawImage(clip_f, image, source)
            selected_rect = self._rect_of(self._selected)
            if selected_rect is not None and selected_rect.intersects(clip_f):
                paint_selection(p, selected_rect, look=look)
        else:
            for rect, block in self._rects:
                if rect.intersects(clip_f):
                    paint_block(
                        p,
                        rect,
                        block,
                        look=look,
                        fonts=self._fitter.fonts,
                        line=line,
                        lines=self._lines_of(block, rect),
                        selected=block.booking.id == self._selected,
                    )
        expanded = self._block_of(self._selected) if self._expanded is not None else None
        if expanded is not None and self._expanded is not None:
            paint_block(
                p,
                self._expanded,
                expanded,
                look=look,
                fonts=self._fitter.fonts,
                line=line,
                lines=full_lines(expanded.booking, self._tz),
                selected=True,
                expanded=True,
            )
        if self._drag is not None and self._drop is not None:
            column, minute = self._drop
            length = self._drag.end_min - self._drag.start_min
            top, bottom = grid.y(minute), grid.y(minute + length)
            x = grid.gutter + column * grid.column_width
            ghost = QRectF(x + 3, top + 1.5, grid.column_width - 6, bottom - top - 3)
            label = f"{minute // 60:02d}:{minute % 60:02d} · {self._layout.columns[column].title}"
            paint_ghost(p, ghost, look=look, label=label, font=self.font())
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        x0 = self.scroll_area.horizontalScrollBar().value()
        paint_gutter(p, clip, look=look, grid=grid, line=line, x0=x0, quarters=quarters)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if now is not None and now.date() == self._layout.day:
            y = grid.y(now.hour * 60 + now.minute)
            if 0 <= y <= self.canvas.height():
                paint_now(p, now, look=look, grid=grid, width=width, x0=x0, font=self.font())

    def paint_header(self, p: QPainter, offset: int, width: int) -> None:
        """Column titles with a caption (Room, how many bookings), scrolled with the grid."""
        paint_header(
            p,
            look=self._look(),
            font=self.font(),
            layout=self._layout,
            grid=self.grid(),
            height=self.metrics.header,
            offset=offset,
            width=width,
        )

    def _look(self) -> Look:
        return Look.of(self.palette(), theme.semantic("danger", self), theme.is_dark(self))

    def _lines_of(self, block: Block, rect: QRectF) -> tuple[BlockLine, ...]:
        fit = self._texts.get(block.booking.id)
        if fit is None:
            fit = self._texts[block.booking.id] = self._fitter.fit(block.booking, rect)
        return fit.lines

    def _selection_area(self) -> list[QRect]:
        """Where the selection is drawn: the selected block with its outline, and the card
        it expands to (empty when nothing is selected)."""
        areas: list[QRect] = []
        rect = self.block_rect(self._selected) if self._selected is not None else QRect()
        if not rect.isEmpty():
            areas.append(rect.adjusted(-_OUTLINE, -_OUTLINE, _OUTLINE, _OUTLINE))
        if self._expanded is not None:
            card = self._expanded.toAlignedRect()
            areas.append(card.adjusted(-_OUTLINE, -_OUTLINE, _OUTLINE, _OUTLINE))
        return areas

    def _image_for(self, look: Look) -> QImage | None:
        """The background image of the blocks, unless the palette changed since it was drawn
        (light ↔ dark): then the blocks are painted here until the next load."""
        image = self._image
        if image is not None and self._rendered is not None and self._rendered.setup.look != look:
            self._image = self._rendered = None
            self._want_render()
            return None
        return image

    def _want_render(self) -> None:
        if self._layout.blocks and not self._render_asked:
            self._render_asked = True
            # After this event: the owner starts a job, which must not run inside a paint.
            # Hidden (behind the list), a moment later: a first show hurries it (showEvent).
            self._render_timer.start(0 if self.isVisible() else HIDDEN_RENDER_DELAY_MS)

    def _ask_render(self) -> None:
        """The render timer's end: ask for the blocks unless they came meanwhile."""
        if self._image is None and self._layout.blocks:
            self.render_wanted.emit()
        else:
            self._render_asked = False

    def _rect_of(self, booking_id: str | None) -> QRectF | None:
        placed = self._placed(booking_id)
        return placed[0] if placed is not None else None

    def _block_of(self, booking_id: str | None) -> Block | None:
        return self._layout.block(booking_id)

    def _expanded_rect(self) -> QRectF | None:
        """The selected block grown to show every line, when it is too small to."""
        if self._selected is None or self._drag is not None:
            return None
        placed = self._placed(self._selected)
        if placed is None:
            return None
        rect, block = placed
        corner = QPointF(self.canvas.width(), self.canvas.height())
        bounds = QRectF(QPointF(self.metrics.gutter + 3, 0), corner)
        return self._fitter.expanded_card(rect, block.booking, bounds)

    def _column_width(self) -> float:
        n = max(1, len(self._layout.columns))
        return max(float(MIN_COLUMN_WIDTH), (self.canvas.width() - self.metrics.gutter) / n)

    def _relayout(self) -> None:
        size = canvas_size(self._layout, self.metrics, self.scroll_area.viewport().width())
        self.canvas.resize(size)
        rendered = self._rendered
        if rendered is not None and (rendered.size, rendered.setup.metrics) == (size, self.metrics):
            # Placed, fitted and drawn in the background for this very canvas.
            self._rects = rendered.rects
            self._texts = dict(rendered.texts)
            self._image = rendered.image
            self._render_asked = False
            self._render_timer.stop()
        else:
            self._rects = block_rects(self._layout, self.grid())
            self._texts = {}  # filled as blocks are first painted: only what is seen is measured
            self._image = None
            # Hidden too, once sized: laid out ahead behind the list (kit/page_ahead.py), the
            # page keeps its real size, and its first show then finds the blocks drawn.
            if self.isVisible() or self._sized:
                self._want_render()
        self._expanded = self._expanded_rect()
        self.header.offset = self.scroll_area.horizontalScrollBar().value()
        self.header.update()
        self.canvas.update()
