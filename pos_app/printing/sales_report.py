"""The sales report as a PDF or on a printer: figures per currency, the chart, breakdowns.

The HTML is :mod:`pos_app.reports.render.sales`'; it is laid out like the receipt (a
``QTextDocument`` painted page by page, A4 or Letter by locale, text selectable). Each chart
sits in the text as a custom object whose handler paints it with the dashboard's own painter
(:func:`pos_app.printing.chart.paint_chart`), as vectors.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QRectF, QSizeF
from PySide6.QtGui import (
    QFont,
    QPagedPaintDevice,
    QPageSize,
    QPainter,
    QPyTextObject,
    QTextCharFormat,
    QTextDocument,
    QTextFormat,
)

from pos_app.domain.reports import SalesReport
from pos_app.i18n import gettext
from pos_app.printing.chart import ChartColors, paint_chart
from pos_app.printing.paging import (
    Typesetting,
    html_document,
    paint_pages,
    typesetting,
    write_pdf_file,
)
from pos_app.printing.qt_app import offscreen_application
from pos_app.reports.render.sales import MARKER, report_html, report_title

log = logging.getLogger(__name__)

CHART_OBJECT = int(QTextFormat.ObjectTypes.UserObject) + 61  # our own kind of inline object
CURRENCY_PROPERTY = int(QTextFormat.Property.UserProperty) + 61
CHART_HEIGHT = 190.0  # document units (screen pixels at the document's DPI)
CHART_POINT_SIZE = 8.0


# -- the chart as an inline object ---------------------------------------------------------


class ChartObject(QPyTextObject):
    """Paints a currency's by-hour chart where its placeholder was, the full text width."""

    def __init__(self, report: SalesReport, setting: Typesetting, parent: Any = None) -> None:
        super().__init__(parent)
        self._report = report
        self._setting = setting

    def intrinsicSize(self, doc: QTextDocument, pos: int, fmt: QTextFormat) -> QSizeF:
        width = doc.pageSize().width() if doc.pageSize().width() > 0 else doc.textWidth()
        return QSizeF(max(200.0, width - 2 * doc.documentMargin() - 4), CHART_HEIGHT)

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF | QRect,
        doc: QTextDocument,
        pos: int,
        fmt: QTextFormat,
    ) -> None:
        code = str(fmt.property(CURRENCY_PROPERTY))
        totals = self._report.currencies.get(code)
        if totals is None:
            return
        font = QFont(self._setting.font)
        font.setPointSizeF(CHART_POINT_SIZE)
        paint_chart(
            painter,
            QRectF(rect),
            totals,
            ChartColors.paper(),
            font,
            layout_dpi=self._setting.dpi,
            snap=False,
            title=gettext("Sales by hour (local time)"),
        )


def report_document(
    report: SalesReport,
    *,
    business_name: str,
    generated_at: datetime,
    setting: Typesetting | None = None,
) -> QTextDocument:
    """The report laid out for a PDF or a printer, the charts in place."""
    setting = setting or typesetting()
    doc = html_document("", title=report_title(report, business_name), setting=setting)
    handler = ChartObject(report, setting, doc)  # the document owns it (Qt parent)
    layout = doc.documentLayout()
    layout.registerHandler(CHART_OBJECT, handler)
    doc.setHtml(report_html(report, business_name=business_name, generated_at=generated_at))
    for code in report.currencies:
        cursor = doc.find(MARKER.format(code))
        if cursor.isNull():  # pragma: no cover - the HTML always has it
            continue
        fmt = QTextCharFormat()
        fmt.setObjectType(CHART_OBJECT)
        fmt.setProperty(CURRENCY_PROPERTY, code)
        cursor.insertText("\ufffc", fmt)
    return doc


def print_report(
    report: SalesReport,
    device: QPagedPaintDevice,
    *,
    business_name: str,
    generated_at: datetime,
    setting: Typesetting | None = None,
) -> int:
    """Paint the report on a paged device (a PDF writer or a printer); returns the pages."""
    setting = setting or typesetting()
    doc = report_document(
        report, business_name=business_name, generated_at=generated_at, setting=setting
    )
    return paint_pages(doc, device, setting.dpi)


def write_report_pdf(
    report: SalesReport,
    path: Path | str,
    *,
    business_name: str,
    generated_at: datetime,
    page: QPageSize.PageSizeId | None = None,
    setting: Typesetting | None = None,
) -> Path:
    """Write the report as a PDF with selectable text; A4 or Letter by locale by default.

    Off the GUI thread, pass the ``typesetting()`` read on it.
    """
    target, pages = write_pdf_file(
        path,
        title=report_title(report, business_name),
        creator=f"pos-app — {business_name}",
        paint=lambda writer: print_report(
            report, writer, business_name=business_name, generated_at=generated_at, setting=setting
        ),
        page=page,
    )
    log.info("report.pdf_written from=%s to=%s pages=%d", report.start, report.end, pages)
    return target


def write_report_pdf_offscreen(
    report: SalesReport, path: Path | str, *, business_name: str, generated_at: datetime
) -> Path:
    """:func:`write_report_pdf` from a program without windows (the CLI)."""
    offscreen_application()
    return write_report_pdf(report, path, business_name=business_name, generated_at=generated_at)
