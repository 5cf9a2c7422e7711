"""The dashboard's sales-by-hour chart widget; the painting is :mod:`pos_app.printing.chart`'s.

The widget only supplies its palette's colours and font, the tooltip and the accessible
description; the same painter draws the printed report's chart.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize
from PySide6.QtGui import QFont, QFontMetricsF, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from pos_app.domain.money import Money
from pos_app.domain.reports import Breakdown, CurrencyTotals
from pos_app.i18n import _, ngettext
from pos_app.printing.chart import (
    ChartColors,
    ChartLayout,
    chart_layout,
    hour_of,
    paint_chart,
    plot_area,
)
from pos_app.ui.kit import theme


def chart_colors(widget: QWidget) -> ChartColors:
    """Colours for the widget's palette (light or dark), via the app's theme."""
    palette = widget.palette()
    return ChartColors(
        gross=theme.semantic("accent", widget),
        refunds=theme.semantic("danger", widget),
        grid=palette.color(QPalette.ColorRole.Midlight),
        axis=palette.color(QPalette.ColorRole.Mid),
        text=palette.color(QPalette.ColorRole.WindowText),
        muted=palette.color(QPalette.ColorRole.PlaceholderText),
    )


def hour_summary(row: Breakdown | None, hour: int, currency: str) -> str:
    """What one hour's column says in words (the tooltip)."""
    span = f"{hour:02d}:00–{hour:02d}:59"
    if row is None or not (row.gross or row.refunds):
        return _("{span}: no sales").format(span=span)
    return _summary(span, row, currency)


def _summary(name: str, row: Breakdown, currency: str) -> str:
    payments = ngettext("{count} payment", "{count} payments", row.count).format(count=row.count)
    text = _("{name}: {gross} gross ({payments})").format(
        name=name, gross=Money(row.gross, currency), payments=payments
    )
    if row.refunds:
        text += _(", {amount} refunded").format(amount=Money(row.refunds, currency))
    return text


def day_summary(row: Breakdown, currency: str) -> str:
    """What one day's column says in words (the tooltip); the row's label names the day."""
    if not (row.gross or row.refunds):
        return _("{span}: no sales").format(span=row.label)
    return _summary(row.label, row, currency)


# -- the widget ----------------------------------------------------------------------------


class SalesChart(QWidget):
    """The dashboard's chart for one currency, by hour for a day or by day for a range;
    hover a column for its figures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._totals: CurrencyTotals | None = None
        self._days: tuple[Breakdown, ...] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 150)
        self.setAccessibleName(_("Sales by hour"))
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(640, 240)

    def totals(self) -> CurrencyTotals | None:
        """The figures shown, or None."""
        return self._totals

    def days(self) -> tuple[Breakdown, ...] | None:
        """The days charted (a range), or None when charted by hour."""
        return self._days

    def set_totals(
        self, totals: CurrencyTotals | None, days: tuple[Breakdown, ...] | None = None
    ) -> None:
        """Show ``totals``' by-hour rows, or a range's ``days`` (None: an empty chart)."""
        self._totals = totals
        self._days = days
        self.setAccessibleName(_("Sales by day") if days is not None else _("Sales by hour"))
        self.setAccessibleDescription(self._description())
        self.update()

    def chart_font(self) -> QFont:
        """The axis labels' font: a little smaller than the app's."""
        return theme.font(self, scale=0.85)

    def current_layout(self) -> ChartLayout | None:
        """Where the bars are at the widget's current size (None without figures)."""
        if self._totals is None:
            return None
        metrics = QFontMetricsF(self.chart_font(), self)
        plot, label_width = plot_area(QRectF(self.rect()), self._totals, metrics, self._days)
        rows = self._totals.by_hour if self._days is None else self._days
        return chart_layout(
            rows,
            self._totals.currency,
            plot,
            label_width=label_width,
            by_day=self._days is not None,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        totals = self._totals
        painter = QPainter(self)
        try:
            if totals is None:
                return
            paint_chart(
                painter,
                QRectF(self.rect()),
                totals,
                chart_colors(self),
                self.chart_font(),
                days=self._days,
            )
        finally:
            painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            layout = self.current_layout()
            hour = layout.hour_at(event.pos().x()) if layout is not None else None
            if hour is None or self._totals is None:
                QToolTip.hideText()
                event.ignore()
                return True
            currency = self._totals.currency
            if self._days is not None:
                text = day_summary(self._days[hour], currency)
            else:
                row = next((r for r in self._totals.by_hour if hour_of(r) == hour), None)
                text = hour_summary(row, hour, currency)
            QToolTip.showText(event.globalPos(), text, self)
            return True
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.update()
        return super().event(event)

    def _description(self) -> str:
        totals = self._totals
        if totals is None:
            return ""
        if self._days is not None:
            best = max(self._days, key=lambda r: r.gross, default=None)
            if best is None or best.gross == 0:
                return _("No sales on these days.")
            return _("Busiest day {day} with {amount}.").format(
                day=best.label, amount=Money(best.gross, totals.currency)
            )
        busiest = max(totals.by_hour, key=lambda r: r.gross, default=None)
        if busiest is None or busiest.gross == 0:
            return _("No sales in these hours.")
        return _("Busiest hour {hour} with {amount}.").format(
            hour=f"{hour_of(busiest):02d}:00", amount=Money(busiest.gross, totals.currency)
        )
