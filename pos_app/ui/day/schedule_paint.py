"""Painting the schedule: the grid, the blocks, the "now" line with its time, the header.

Plain functions over a :class:`QPainter`, given everything they draw from, so the widget
(``day_view.py``) keeps the state and the input handling and this keeps the pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette, QPen

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.booking_display import display_status
from pos_app.ui.day.schedule_layout import Block, DayLayout, Grid
from pos_app.ui.day.schedule_state import (
    BlockLine,
    BlockText,
    block_text,
    full_lines,
)
from pos_app.ui.kit import theme

EMPTY_HINT = "No bookings on this day. Tap a time to book it."
BLOCK_PAD_X, BLOCK_PAD_Y = 10, 3  # text inset inside a block (after the status bar)


class Metrics:
    """Sizes derived from the font, so HiDPI and large system fonts stay legible."""

    def __init__(self, font: QFont) -> None:
        fm = QFontMetrics(font)
        self.line = fm.lineSpacing()
        # A quarter hour is at least 22 px; a one-hour block is then a 88 px touch target.
        self.quarter = max(22, fm.height() + 8)
        self.hour = self.quarter * 4
        self.gutter = fm.horizontalAdvance("00:00") + 26
        self.header = fm.height() * 2 + 16


@dataclass(frozen=True)
class Look:
    """The palette colours the schedule paints with, read once per paint."""

    base: QColor
    window: QColor
    text: QColor
    muted: QColor
    mid: QColor
    highlight: QColor
    danger: QColor
    dark: bool

    @classmethod
    def of(cls, palette: QPalette, danger: QColor, dark: bool) -> Look:
        """The look of a widget with ``palette``."""
        role = QPalette.ColorRole
        return cls(
            palette.color(role.Base),
            palette.color(role.Window),
            palette.color(role.Text),
            palette.color(role.PlaceholderText),
            palette.color(role.Mid),
            palette.color(role.Highlight),
            danger,
            dark,
        )


def now_minute(now: datetime) -> float:
    """Minutes since midnight, with seconds as a fraction (where the now line is drawn)."""
    return now.hour * 60 + now.minute + now.second / 60


def paint_grid(
    p: QPainter,
    clip: QRect,
    *,
    look: Look,
    grid: Grid,
    width: int,
    layout: DayLayout,
    now: datetime | None,
    empty_area: QRect,
) -> tuple[int, int]:
    """Background, past-time tint, quarter and hour lines, column lines and the empty-day
    hint; returns the first and last quarter painted (for the gutter)."""
    p.fillRect(clip, look.base)
    faint = QColor(look.mid)
    faint.setAlpha(110)
    if now is not None and now.date() == layout.day:
        # Past time on today's grid is tinted, so "now" reads at a glance.
        tint = QColor(look.window)
        tint.setAlpha(150)
        y_now = grid.y(now_minute(now))
        p.fillRect(QRectF(grid.gutter, 0, width - grid.gutter, max(0.0, y_now)), tint)
    quarter = int(grid.quarter)
    first_q = max(0, clip.top() // quarter - 1)
    last_q = min((layout.last_hour - layout.first_hour) * 4, clip.bottom() // quarter + 1)
    gutter = int(grid.gutter)
    for q in range(first_q, last_q + 1):
        y = q * quarter
        if q % 4 == 0:
            p.setPen(QPen(look.mid, 1))
            p.drawLine(gutter - 6, y, width, y)
        else:
            p.setPen(QPen(faint, 1, Qt.PenStyle.DotLine if q % 2 else Qt.PenStyle.SolidLine))
            p.drawLine(gutter, y, width, y)
    p.setPen(QPen(look.mid, 1))
    for i in range(len(layout.columns) + 1):
        x = int(grid.gutter + i * grid.column_width)
        p.drawLine(x, clip.top(), x, clip.bottom())
    if not layout.blocks:
        p.setPen(look.muted)
        p.drawText(empty_area, int(Qt.AlignmentFlag.AlignCenter), EMPTY_HINT)
    return first_q, last_q


def paint_gutter(
    p: QPainter,
    clip: QRect,
    *,
    look: Look,
    grid: Grid,
    line: int,
    x0: int,
    quarters: tuple[int, int],
) -> None:
    """The hour labels, pinned to the left edge (``x0``) when the columns scroll sideways."""
    gutter = int(grid.gutter)
    quarter = int(grid.quarter)
    if x0 > 0:
        p.fillRect(QRect(x0, clip.top(), gutter, clip.height()), look.base)
        p.setPen(QPen(look.mid, 1))
        p.drawLine(x0 + gutter, clip.top(), x0 + gutter, clip.bottom())
    p.setPen(QPen(look.muted))
    first_q, last_q = quarters
    for q in range(first_q - first_q % 4, last_q + 1, 4):
        hour = grid.first_hour + q // 4
        if q >= 0 and hour < 24:
            p.drawText(
                QRect(x0, q * quarter + 2, gutter - 10, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                f"{hour:02d}:00",
            )


def paint_now(
    p: QPainter, now: datetime, *, look: Look, grid: Grid, width: int, x0: int, font: QFont
) -> None:
    """The now line across the columns, with the time ("10:42") in a pill in the gutter."""
    y = grid.y(now_minute(now))
    p.setPen(QPen(look.danger, 2))
    p.drawLine(QPointF(grid.gutter, y), QPointF(width, y))
    bold = QFont(font)
    bold.setBold(True)
    fm = QFontMetrics(bold)
    text = f"{lf.clock(now)}"
    w = fm.horizontalAdvance(text) + 10
    h = fm.height() + 2
    pill = QRectF(x0 + grid.gutter - w - 2, y - h / 2, w, h)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(look.danger)
    p.drawRoundedRect(pill, h / 2, h / 2)
    # White on the light palette's red, near-black on the dark palette's light red: ≥ 4.5:1.
    p.setPen(QColor("#1f2124") if look.dark else QColor("#ffffff"))
    p.setFont(bold)
    p.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
    p.setFont(font)


def paint_block(
    p: QPainter,
    rect: QRectF,
    block: Block,
    *,
    look: Look,
    fonts: tuple[QFont, QFont],
    line: int,
    lines: Sequence[BlockLine],
    selected: bool,
    expanded: bool = False,
    cards: CardStamps | None = None,
) -> None:
    """One booking: a tinted card with a status bar and its ``lines`` (worked out once per
    layout by :func:`block_fit`; all of them when ``expanded``) in the plain and bold
    ``fonts``, its status always as glyph + word; the card copied from ``cards`` when given
    (see :class:`CardStamps`)."""
    b = block.booking
    freed = not b.holds_slot or b.cancelled or b.no_show
    status, faded = display_status(b), freed and not expanded
    fg = _block_colours(status, look.dark, freed)[0]
    p.save()
    if cards is not None:
        cards.stamp(p, rect, (status, look.dark, freed, faded))
    if faded:
        p.setOpacity(FADED)
    if cards is None:
        paint_card(p, rect, status, look.dark, freed)
    text_rect = text_area(rect)
    font, bold = fonts
    p.setPen(fg)
    left, y, width = text_rect.left(), text_rect.top(), text_rect.width()
    for item in lines:
        p.setFont(bold if item.strong else font)
        p.drawText(QRectF(left, y, width, line), _LINE_FLAGS, item.text)
        y += line
    if selected:
        paint_selection(p, rect, look=look)
    p.restore()


_LINE_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
FADED = 0.62  # the opacity of a freed slot's block (cancelled, no-show, not held)


def paint_card(p: QPainter, rect: QRectF, status: BookingStatus, dark: bool, freed: bool) -> None:
    """A block's card: tinted, outlined (dashed when its slot is freed), with a bar down the
    left edge in the status's strong colour."""
    fg, bg, border = _block_colours(status, dark, freed)
    p.setBrush(bg)
    p.setPen(border)
    p.drawRoundedRect(rect, 5, 5)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(fg)
    p.drawRoundedRect(QRectF(rect.left(), rect.top(), 4, rect.height()), 2, 2)


CardKey = tuple[BookingStatus, bool, bool, bool]  # status, dark, freed, faded


class CardStamps:
    """Each kind of card drawn once into a small image, then copied where a block goes.

    Two anti-aliased rounded rectangles a block were ~7 of the ~19 ms a busy day's blocks
    took to draw in the background; a day has few kinds of card (a status, a lane's size,
    where it falls between two pixels), and a copy is a blit. The copy is the drawing: the
    card is drawn at the same fraction of a pixel, and copied at whole pixels onto the
    transparent image where blocks never overlap (so the pixels are those drawn in place).
    """

    PAD = 2  # device pixels around a card: its outline and anti-aliasing reach out 1.5 px

    def __init__(self, dpr: float) -> None:
        self._dpr = dpr
        self._made: dict[tuple[object, ...], QImage] = {}

    def stamp(self, p: QPainter, rect: QRectF, key: CardKey) -> None:
        """Put the card of ``key`` at ``rect`` (the painter's opacity left at 1: a faded
        card is faded in its image, as drawn in place)."""
        dpr, pad = self._dpr, self.PAD
        x, y = rect.x() * dpr, rect.y() * dpr
        left, top = math.floor(x), math.floor(y)
        full = (*key, x - left, y - top, rect.width(), rect.height())
        image = self._made.get(full)
        if image is None:
            image = self._made[full] = self._draw(rect, key, x - left, y - top)
        p.drawImage(QPointF((left - pad) / dpr, (top - pad) / dpr), image)

    def _draw(self, rect: QRectF, key: CardKey, dx: float, dy: float) -> QImage:
        dpr, pad = self._dpr, self.PAD
        image = QImage(
            math.ceil(rect.width() * dpr + dx) + 2 * pad,
            math.ceil(rect.height() * dpr + dy) + 2 * pad,
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            status, dark, freed, faded = key
            if faded:
                painter.setOpacity(FADED)
            local = QRectF((pad + dx) / dpr, (pad + dy) / dpr, rect.width(), rect.height())
            paint_card(painter, local, status, dark, freed)
        finally:
            painter.end()
        return image


@cache
def _block_colours(status: BookingStatus, dark: bool, freed: bool) -> tuple[QColor, QColor, QPen]:
    """A block's strong colour, its card's and its outline (dashed when the slot is freed),
    made once per status: a busy day draws 166 blocks (QColor and QPen are values, copied
    where they are used, so one of each serves every painter, on any thread)."""
    chip = theme.status_chip(status, dark)
    fg, bg = QColor(chip.fg), QColor(chip.bg)
    border = QColor(fg)
    border.setAlpha(90)
    return fg, bg, QPen(border, 1, Qt.PenStyle.DashLine if freed else Qt.PenStyle.SolidLine)


def paint_selection(p: QPainter, rect: QRectF, *, look: Look) -> None:
    """The selected block's outline, drawn last (over a block drawn in the background too)."""
    p.save()
    p.setOpacity(1.0)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(look.highlight, 2.5))
    p.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), 6, 6)
    p.restore()


class TextFitter:
    """Works out what each block says (:class:`BlockText`) with one pair of font metrics,
    once per layout: a paint then only draws the lines it was given."""

    def __init__(self, font: QFont, line: int, tz: tzinfo) -> None:
        bold = QFont(font)
        bold.setBold(True)
        self.fonts = (font, bold)
        self._fm, self._fm_bold = QFontMetrics(font), QFontMetrics(bold)
        self.line = line
        self.tz = tz

    def fit(self, booking: Booking, rect: QRectF) -> BlockText:
        """The lines of a block drawn in ``rect`` (its text area is inset by the padding)."""
        text_rect = text_area(rect)
        return block_text(
            booking,
            self.tz,
            lines=max(1, int(text_rect.height()) // self.line),
            width=text_rect.width(),
            measure=self._fm.horizontalAdvance,
            measure_strong=self._fm_bold.horizontalAdvance,
        )

    def full_size(self, booking: Booking) -> tuple[float, float]:
        """Width and height a block needs to show every line (the tap-to-expand card)."""
        lines = full_lines(booking, self.tz)
        widest = max(
            (self._fm_bold if x.strong else self._fm).horizontalAdvance(x.text) for x in lines
        )
        return widest + BLOCK_PAD_X + 8, len(lines) * self.line + BLOCK_PAD_Y + 6

    def expanded_card(self, rect: QRectF, booking: Booking, bounds: QRectF) -> QRectF | None:
        """The tapped block grown to show every line, kept inside ``bounds`` (the columns);
        None when the block already shows everything."""
        if self.fit(booking, rect).complete:
            return None
        want_w, want_h = self.full_size(booking)
        width = max(rect.width(), min(want_w, bounds.width() - 3))
        height = max(rect.height(), want_h)
        left = max(bounds.left(), min(rect.left(), bounds.right() - width - 3))
        top = max(bounds.top(), min(rect.top(), bounds.bottom() - height - 1))
        return QRectF(left, top, width, height)


def text_area(rect: QRectF) -> QRectF:
    """Where a block's text goes inside its card."""
    return rect.adjusted(BLOCK_PAD_X, BLOCK_PAD_Y, -6, -2)


def paint_header(
    p: QPainter,
    *,
    look: Look,
    font: QFont,
    layout: DayLayout,
    grid: Grid,
    height: int,
    offset: int,
    width: int,
) -> None:
    """Column titles with a caption (Room, how many bookings), scrolled with the grid."""
    p.fillRect(QRect(0, 0, width, height), look.base)
    p.setPen(QPen(look.mid, 1))
    p.drawLine(0, height - 1, width, height - 1)
    col_w = grid.column_width
    counts: dict[int, int] = {}
    for block in layout.blocks:
        if not block.booking.cancelled and not block.booking.no_show:
            counts[block.column] = counts.get(block.column, 0) + 1
    bold = QFont(font)
    bold.setBold(True)
    bold.setPointSizeF(bold.pointSizeF() * 1.06)
    for i, column in enumerate(layout.columns):
        x = int(grid.gutter + i * col_w) - offset
        if x + col_w < 0 or x > width:
            continue
        box = QRect(x + 6, 6, int(col_w) - 12, height - 12)
        p.setFont(bold)
        p.setPen(look.text)
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
        p.setFont(font)
        p.setPen(look.muted)
        p.drawText(box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), caption)
        p.setPen(QPen(look.mid, 1))
        p.drawLine(x + int(col_w), 8, x + int(col_w), height - 8)
    if offset > 0:  # the corner above the pinned hour labels stays empty
        p.fillRect(QRect(0, 0, int(grid.gutter), height - 1), look.base)


def paint_ghost(p: QPainter, rect: QRectF, *, look: Look, label: str, font: QFont) -> None:
    """Where a dragged block would land: a dashed outline with the new time."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    fill = QColor(look.highlight)
    fill.setAlpha(40)
    p.setBrush(fill)
    p.setPen(QPen(look.highlight, 2, Qt.PenStyle.DashLine))
    p.drawRoundedRect(rect, 5, 5)
    bold = QFont(font)
    bold.setBold(True)
    p.setFont(bold)
    p.setPen(look.text)
    p.drawText(
        rect.adjusted(BLOCK_PAD_X, BLOCK_PAD_Y, -4, -2),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
        label,
    )
    p.restore()
