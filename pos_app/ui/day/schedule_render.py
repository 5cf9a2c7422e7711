"""The schedule's bookings drawn once into an image, in the background.

Painting a busy day's blocks (a card, a status bar and up to three fitted lines each) took
10–17 ms of the GUI thread every time the schedule was shown or another day loaded: a visible
stall. The reload's background job now also places the blocks and draws them into one
transparent image (QPainter on a QImage is safe off the GUI thread); the canvas copies the
exposed part of it and draws only the grid, the selection and the now line itself. When the
image does not fit what is on screen (the window was resized, the palette changed) the canvas
paints the blocks itself, as before.

Drawn for a schedule hidden behind the list, no one waits for the image: the blocks are then
drawn in slices with a pause after each (``SLICE_S``). PySide6 holds the GIL through every Qt
call, so a worker drawing without a break made the GUI thread wait for it at each of its own
Python calls: the main window's longest stall in ``bench/gui_responsiveness.py`` was this
drawing (16.6 ms, of which the drawing's 15 ms of worker CPU).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from time import perf_counter, sleep

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QImage, QPainter

from pos_app.ui.day.schedule_layout import Block, DayLayout, Grid
from pos_app.ui.day.schedule_paint import CardStamps, Look, Metrics, TextFitter, paint_block
from pos_app.ui.day.schedule_state import BlockText

MIN_COLUMN_WIDTH = 120
#: A background drawing's slice of work, then its pause, in seconds (see the module's text).
SLICE_S = 0.002


@dataclass(frozen=True, eq=False)
class PaintSetup:
    """What the blocks are drawn with, read on the GUI thread when the load is asked for."""

    viewport_width: int
    metrics: Metrics
    font: QFont
    look: Look
    dpr: float
    tz: tzinfo


@dataclass(frozen=True, eq=False)
class RenderedBlocks:
    """A day's blocks placed and drawn for one canvas size and look."""

    setup: PaintSetup
    size: QSize
    rects: list[tuple[QRectF, Block]]
    texts: dict[str, BlockText]
    image: QImage


def canvas_size(layout: DayLayout, metrics: Metrics, viewport_width: int) -> QSize:
    """The canvas for ``layout``: as wide as the viewport (wider when the columns need it)
    and as tall as its hours."""
    n = max(1, len(layout.columns))
    width = max(viewport_width, metrics.gutter + n * MIN_COLUMN_WIDTH)
    height = (layout.last_hour - layout.first_hour) * metrics.hour + 1
    return QSize(width, height)


def grid_of(layout: DayLayout, metrics: Metrics, canvas_width: int) -> Grid:
    """The grid's geometry on a canvas ``canvas_width`` px wide."""
    n = max(1, len(layout.columns))
    column = max(float(MIN_COLUMN_WIDTH), (canvas_width - metrics.gutter) / n)
    return Grid(metrics.gutter, column, metrics.quarter, layout.first_hour, layout.last_hour, n)


def block_rects(layout: DayLayout, grid: Grid) -> list[tuple[QRectF, Block]]:
    """Where each block is drawn (its lane of its column, inset from the grid lines)."""
    rects: list[tuple[QRectF, Block]] = []
    for block in layout.blocks:
        lane_w = grid.column_width / block.lanes
        x = grid.gutter + block.column * grid.column_width + block.lane * lane_w
        top = grid.y(block.start_min)
        bottom = grid.y(block.end_min)
        rects.append((QRectF(x + 3, top + 1.5, lane_w - 6, bottom - top - 3), block))
    return rects


def render_blocks(layout: DayLayout, setup: PaintSetup, *, sliced: bool = False) -> RenderedBlocks:
    """Place every block of ``layout``, fit its lines and draw it (unselected) into an image
    the size of the canvas. Runs on a worker thread: it only touches its own objects.

    ``sliced``: pause ``SLICE_S`` after each ``SLICE_S`` of drawing (nobody waits for it).
    """
    size = canvas_size(layout, setup.metrics, setup.viewport_width)
    rects = block_rects(layout, grid_of(layout, setup.metrics, size.width()))
    fitter = TextFitter(QFont(setup.font), setup.metrics.line, setup.tz)
    image = QImage(
        max(1, round(size.width() * setup.dpr)),
        max(1, round(size.height() * setup.dpr)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.setDevicePixelRatio(setup.dpr)
    image.fill(Qt.GlobalColor.transparent)
    texts: dict[str, BlockText] = {}
    cards = CardStamps(setup.dpr)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(fitter.fonts[0])
        slice_end = perf_counter() + SLICE_S
        for i, (rect, block) in enumerate(rects):
            if sliced and i and perf_counter() >= slice_end:
                sleep(SLICE_S)  # the GIL and a core left to the GUI thread meanwhile
                slice_end = perf_counter() + SLICE_S
            fit = texts[block.booking.id] = fitter.fit(block.booking, rect)
            paint_block(
                painter,
                rect,
                block,
                look=setup.look,
                fonts=fitter.fonts,
                line=setup.metrics.line,
                lines=fit.lines,
                selected=False,
                cards=cards,
            )
    finally:
        painter.end()
    return RenderedBlocks(setup, size, rects, texts, image)


def renderer(setup: PaintSetup) -> Callable[[DayLayout], RenderedBlocks]:
    """A day's load's ``render`` (day_load_state): draws a layout's blocks with ``setup``."""
    return lambda layout: render_blocks(layout, setup)
