"""The sales chart's painter: sales by local hour as bars, drawn with QPainter.

One painter function, :func:`paint_chart`, draws on the dashboard's widget and on a PDF page
alike, so the printed chart is the one on screen, as vectors. The geometry is a pure function
(:func:`chart_layout`) that tests check without looking at pixels. Amounts stay integers of
minor units; the axis is labelled with :class:`~pos_app.domain.money.Money`'s formatting.
This module knows no widget and no theme: colours come in as a :class:`ChartColors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from pos_app.domain import currency as cur
from pos_app.domain import locale_format as lf
from pos_app.domain.money import Money
from pos_app.domain.reports import Breakdown, CurrencyTotals
from pos_app.i18n import gettext

# Without sales, and around them, the chart shows a working day: 09:00 to 17:59.
DAY_FIRST_HOUR = 9
DAY_LAST_HOUR = 17
TARGET_TICKS = 4  # horizontal grid lines above zero, about
GROUP_SHARE = 0.72  # of an hour's slot taken by its bars; the rest is air between hours
MAX_BAR_WIDTH = 40.0  # a sparse day should not get fat slabs
MIN_BAR_HEIGHT = 2.0  # a tiny amount still shows as a sliver, not as nothing
LEGEND_GAP = 8.0
GROSS, REFUNDS = "gross", "refunds"
# Print ink: the light theme's accent and danger (pos_app.ui.kit.theme ACCENT and DANGER;
# a ui test keeps them equal). printing may not import the ui, so they are written out here.
PAPER_GROSS = "#0f766e"
PAPER_REFUNDS = "#b91c1c"


# -- geometry (pure) -----------------------------------------------------------------------


@dataclass(frozen=True)
class HourBar:
    """One drawn bar: an hour's gross or refunds, in chart coordinates."""

    hour: int
    kind: str  # GROSS or REFUNDS
    amount: int  # minor units
    rect: QRectF


@dataclass(frozen=True)
class ChartLayout:
    """Where everything goes for a given area: the plot, the axis ticks and the bars."""

    plot: QRectF  # the bars' area; zero is its bottom edge
    hours: tuple[int, ...]  # the hours along the axis, left to right
    slot_width: float
    scale_max: int  # the amount at the plot's top edge (minor units)
    ticks: tuple[tuple[int, float], ...]  # (amount, y) of each grid line, zero first
    bars: tuple[HourBar, ...]
    label_stride: int  # label every n-th hour so labels never overlap
    # By day: each slot's label ("Sat 5"); the slots are then 0..n-1. Empty: by hour ("09").
    labels: tuple[str, ...] = ()

    def label(self, index: int) -> str:
        """The axis label of the ``index``-th slot."""
        return self.labels[index] if self.labels else f"{self.hours[index]:02d}"

    def slot(self, hour: int) -> QRectF:
        """The column of the plot that belongs to ``hour``."""
        index = self.hours.index(hour)
        return QRectF(
            self.plot.left() + index * self.slot_width,
            self.plot.top(),
            self.slot_width,
            self.plot.height(),
        )

    def hour_at(self, x: float) -> int | None:
        """The hour whose column holds ``x``, or None outside the plot."""
        if not self.hours or x < self.plot.left() or x >= self.plot.right():
            return None
        index = int((x - self.plot.left()) // self.slot_width)
        return self.hours[min(index, len(self.hours) - 1)]


def hour_of(row: Breakdown) -> int:
    """The local hour (0..23) of a by-hour row ("00".."23")."""
    return int(row.key)


def visible_hours(by_hour: Sequence[Breakdown]) -> tuple[int, ...]:
    """A working day (09–17), widened to every hour that had a sale or a refund."""
    active = [hour_of(r) for r in by_hour if r.gross or r.refunds]
    first = min([DAY_FIRST_HOUR, *active])
    last = max([DAY_LAST_HOUR, *active])
    return tuple(range(first, last + 1))


def nice_step(maximum: int, currency: str, ticks: int = TARGET_TICKS) -> int:
    """A round grid step (1, 2, 2.5 or 5 × a power of ten, in minor units) giving about
    ``ticks`` lines up to ``maximum``; at least one whole major unit."""
    unit: int = 10 ** cur.exponent(currency)
    magnitude = unit
    while True:
        candidates = [magnitude, 2 * magnitude, 5 * magnitude]
        if magnitude % 2 == 0:
            candidates.insert(2, 5 * magnitude // 2)  # 2.5 × only where it stays whole
        for candidate in candidates:
            if candidate * ticks >= maximum:
                return candidate
        magnitude *= 10


def axis_money(amount: int, currency: str) -> str:
    """An axis label: '$1,250' for whole amounts (no '.00'), the full format otherwise,
    in the UI language ('1.250 €' in German)."""
    money = Money(amount, currency)
    exp = cur.exponent(currency)
    if exp and amount % (10**exp) == 0:
        return lf.money(money.as_decimal(), currency, 0)
    return money.format()


def chart_layout(
    by_hour: Sequence[Breakdown],
    currency: str,
    plot: QRectF,
    *,
    label_width: float = 18.0,
    by_day: bool = False,
) -> ChartLayout:
    """Place the bars of ``by_hour`` in ``plot``: heights are proportional to the amounts
    (zero at the plot's bottom, ``scale_max`` at its top), gross left of refunds in each
    hour's slot. ``label_width`` is the widest hour label, to space the labels out.

    ``by_day``: the rows are a range's days in order (one slot each, labelled with the
    row's label) instead of hours."""
    if by_day:
        hours: tuple[int, ...] = tuple(range(len(by_hour))) or (0,)
        rows = dict(enumerate(by_hour))
    else:
        hours = visible_hours(by_hour)
        rows = {hour_of(r): r for r in by_hour}
    maximum = max([0, *(max(r.gross, r.refunds) for r in by_hour)])
    step = nice_step(maximum, currency)
    scale_max = max(step, -(-maximum // step) * step)
    ticks = tuple(
        (amount, plot.bottom() - plot.height() * amount / scale_max)
        for amount in range(0, scale_max + 1, step)
    )
    slot_width = plot.width() / len(hours)
    with_refunds = any(r.refunds for r in by_hour)
    kinds = (GROSS, REFUNDS) if with_refunds else (GROSS,)
    group = slot_width * GROUP_SHARE
    gap = 1.0 if with_refunds else 0.0
    bar_width = min(MAX_BAR_WIDTH, (group - gap * (len(kinds) - 1)) / len(kinds))
    used = bar_width * len(kinds) + gap * (len(kinds) - 1)
    bars: list[HourBar] = []
    for index, hour in enumerate(hours):
        row = rows.get(hour)
        if row is None:
            continue
        left = plot.left() + index * slot_width + (slot_width - used) / 2
        for position, kind in enumerate(kinds):
            amount = row.gross if kind == GROSS else row.refunds
            if amount <= 0:
                continue
            height = max(MIN_BAR_HEIGHT, plot.height() * amount / scale_max)
            x = left + position * (bar_width + gap)
            bars.append(
                HourBar(hour, kind, amount, QRectF(x, plot.bottom() - height, bar_width, height))
            )
    stride = 1
    while stride < len(hours) and slot_width * stride < label_width + 6:
        stride += 1
    labels = tuple(r.label for r in by_hour) if by_day else ()
    return ChartLayout(plot, hours, slot_width, scale_max, ticks, tuple(bars), stride, labels)


# -- colours and painting ------------------------------------------------------------------


@dataclass(frozen=True)
class ChartColors:
    """What the chart paints with: the widget's palette (built in the ui), or ink on white paper."""

    gross: QColor
    refunds: QColor
    grid: QColor
    axis: QColor
    text: QColor
    muted: QColor

    @classmethod
    def paper(cls) -> ChartColors:
        """Colours for print: the light theme's accent and danger, in ink on white."""
        return cls(
            gross=QColor(PAPER_GROSS),
            refunds=QColor(PAPER_REFUNDS),
            grid=QColor("#e3e6ea"),
            axis=QColor("#9aa0a8"),
            text=QColor("#1f2328"),
            muted=QColor("#6b7078"),
        )


def _sized(font: QFont, painter: QPainter, layout_dpi: float | None) -> QFont:
    """``font`` for this painter: on a scaled PDF page (``layout_dpi`` = the DPI the page is
    laid out in) point sizes would otherwise be applied twice."""
    sized = QFont(font)
    device = painter.device()
    device_dpi = device.logicalDpiY() if device is not None else 0
    if layout_dpi and device_dpi and abs(device_dpi - layout_dpi) > 0.5:
        size = sized.pointSizeF() if sized.pointSizeF() > 0 else 9.0
        sized.setPointSizeF(size * layout_dpi / device_dpi)
    return sized


def _metrics(font: QFont, painter: QPainter) -> QFontMetricsF:
    device = painter.device()
    return QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)


def plot_area(
    area: QRectF,
    totals: CurrencyTotals,
    metrics: QFontMetricsF,
    days: Sequence[Breakdown] | None = None,
) -> tuple[QRectF, float]:
    """The plot inside ``area`` once the axis labels and legend have their room; and the
    widest slot label (an hour's, or a day's when ``days`` are charted)."""
    line = metrics.height()
    rows = totals.by_hour if days is None else days
    biggest = max([0, *(max(r.gross, r.refunds) for r in rows)])
    scale_max = max(nice_step(biggest, totals.currency), biggest)
    widest = max(
        metrics.horizontalAdvance(axis_money(a, totals.currency)) for a in (0, scale_max * 2)
    )
    label_width = metrics.horizontalAdvance("00")
    if days:
        label_width = max(metrics.horizontalAdvance(r.label) for r in days)
    left = area.left() + widest + 10
    top = area.top() + line + LEGEND_GAP + line / 2  # the legend's row, and half a label
    bottom = area.bottom() - line - 6  # the hour labels
    right = area.right() - 4
    return QRectF(left, top, max(10.0, right - left), max(10.0, bottom - top)), label_width


def paint_chart(
    painter: QPainter,
    area: QRectF,
    totals: CurrencyTotals,
    colors: ChartColors,
    font: QFont,
    *,
    layout_dpi: float | None = None,
    snap: bool = True,
    title: str = "",
    days: Sequence[Breakdown] | None = None,
) -> ChartLayout:
    """Draw the by-hour chart of ``totals`` in ``area`` (by day when a range's ``days`` are
    given: one bar group per day); returns where everything went.

    ``snap`` aligns lines and bar edges to whole pixels (crisp on screens, any scale); a PDF
    is vector and passes False. ``layout_dpi``: see :func:`_sized`. ``title`` is drawn at the
    top left, on the legend's row (the PDF's caption, so it never parts from its chart).
    """
    painter.save()
    try:
        text_font = _sized(font, painter, layout_dpi)
        painter.setFont(text_font)
        metrics = _metrics(text_font, painter)
        plot, label_width = plot_area(area, totals, metrics, days)
        rows = totals.by_hour if days is None else days
        layout = chart_layout(
            rows, totals.currency, plot, label_width=label_width, by_day=days is not None
        )
        _paint_grid(painter, layout, totals.currency, colors, metrics, snap)
        _paint_bars(painter, layout, colors, snap)
        _paint_hours(painter, layout, colors, metrics)
        _paint_legend(painter, area, colors, metrics, any(r.refunds for r in rows))
        if title:
            bold = QFont(text_font)
            bold.setWeight(QFont.Weight.Bold)
            painter.setFont(bold)
            painter.setPen(colors.text)
            painter.drawText(
                QRectF(area.left(), area.top(), area.width() / 2, metrics.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                title,
            )
        return layout
    finally:
        painter.restore()


def _line_y(y: float, snap: bool) -> float:
    # A 1-px line centred on a half pixel covers exactly one row of pixels.
    return round(y) + 0.5 if snap else y


def _paint_grid(
    painter: QPainter,
    layout: ChartLayout,
    currency: str,
    colors: ChartColors,
    metrics: QFontMetricsF,
    snap: bool,
) -> None:
    plot = layout.plot
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, not snap)
    for amount, y in layout.ticks:
        line_y = _line_y(y, snap)
        painter.setPen(QPen(colors.axis if amount == 0 else colors.grid, 1.0))
        painter.drawLine(QPointF(plot.left(), line_y), QPointF(plot.right(), line_y))
        label = axis_money(amount, currency)
        box = QRectF(plot.left() - 200 - 8, y - metrics.height() / 2, 200, metrics.height())
        painter.setPen(colors.muted)
        painter.drawText(
            box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label
        )


def _paint_bars(painter: QPainter, layout: ChartLayout, colors: ChartColors, snap: bool) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, not snap)
    painter.setPen(Qt.PenStyle.NoPen)
    for bar in layout.bars:
        rect = bar.rect
        if snap:
            left, right = round(rect.left()), round(rect.right())
            top = round(rect.top())
            bottom = round(layout.plot.bottom())
            rect = QRectF(left, top, max(1, right - left), max(1, bottom - top))
        painter.setBrush(colors.gross if bar.kind == GROSS else colors.refunds)
        painter.drawRect(rect)


def _paint_hours(
    painter: QPainter, layout: ChartLayout, colors: ChartColors, metrics: QFontMetricsF
) -> None:
    painter.setPen(colors.muted)
    for index, hour in enumerate(layout.hours):
        if index % layout.label_stride:
            continue
        slot = layout.slot(hour)
        box = QRectF(
            slot.left() - 20, layout.plot.bottom() + 4, slot.width() + 40, metrics.height()
        )
        painter.drawText(
            box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), layout.label(index)
        )


def _paint_legend(
    painter: QPainter,
    area: QRectF,
    colors: ChartColors,
    metrics: QFontMetricsF,
    with_refunds: bool,
) -> None:
    entries = [(gettext("Gross sales"), colors.gross)]
    if with_refunds:
        entries.append((gettext("Refunds"), colors.refunds))
    swatch = metrics.height() * 0.7
    x = area.right() - 4
    y = area.top()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for text, color in reversed(entries):
        width = metrics.horizontalAdvance(text)
        x -= width
        painter.setPen(colors.text)
        painter.drawText(
            QRectF(x, y, width + 2, metrics.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
        x -= swatch + 6
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(
            QRectF(x, y + (metrics.height() - swatch) / 2, swatch, swatch), 2, 2
        )
        x -= 18
