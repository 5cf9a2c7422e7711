"""Paper, fonts and pages: lay a ``QTextDocument`` out on a printer or a PDF, page by page.

Shared by the receipt, the Z report and the sales report, so all three come out of the
printer the way they are previewed. A PDF is written the safe way (``services.safe_file``):
a whole new file or none. Text stays selectable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QLocale, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from pos_app.domain.errors import PosError
from pos_app.i18n import gettext
from pos_app.services.safe_file import replacing

# Countries that print on US Letter; everyone else uses A4.
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PR", "PA", "DO", "SV", "NI", "BZ"}
)
PAGE_MARGIN_MM = 15.0
BODY_POINT_SIZE = 10.0
PDF_DPI = 300
T = TypeVar("T")


class OutputError(PosError):
    """The printer or the PDF file could not be painted on."""


def paper_size(locale: QLocale | None = None) -> QPageSize.PageSizeId:
    """US Letter where the locale's country prints on it, A4 everywhere else."""
    territory = (locale or QLocale()).territory()
    code = QLocale.territoryToCode(territory)
    return QPageSize.PageSizeId.Letter if code in LETTER_TERRITORIES else QPageSize.PageSizeId.A4


@dataclass(frozen=True)
class Typesetting:
    """The font and the document DPI, read on the GUI thread before printing elsewhere."""

    font: QFont
    dpi: float  # dots per inch of a QTextDocument without a paint device


def typesetting() -> Typesetting:
    """The app's font at the documents' size, and the screen's logical DPI (GUI thread)."""
    font = QFont(QApplication.font())
    font.setPointSizeF(BODY_POINT_SIZE)
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInchY() if screen is not None else 96.0
    return Typesetting(font, dpi if dpi > 0 else 96.0)


def html_document(html: str, *, title: str, setting: Typesetting | None = None) -> QTextDocument:
    """A document of ``html`` in the documents' font, as previewed, printed and saved."""
    doc = QTextDocument()
    doc.setDefaultFont((setting or typesetting()).font)
    doc.setDocumentMargin(4)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    doc.setHtml(html)
    return doc


def paint_pages(doc: QTextDocument, device: QPagedPaintDevice, document_dpi: float) -> int:
    """Paint ``doc`` onto the device's pages inside its margins; returns the page count.

    Laid out in the document's own units (as on screen) and scaled to the device, so the
    printout looks like the preview; unlike ``QTextDocument.print_`` it adds no margins or
    page numbers of its own.
    """
    resolution = device.logicalDpiY()  # a printer's or PDF writer's resolution
    area = device.pageLayout().paintRectPixels(resolution)
    scale = resolution / document_dpi
    width, height = area.width() / scale, area.height() / scale
    doc.setPageSize(QSizeF(width, height))
    painter = QPainter()
    if not painter.begin(device):
        raise OutputError(
            gettext("The printer could not be started. Check that it is on and try again.")
        )
    try:
        painter.scale(scale, scale)
        pages = max(doc.pageCount(), 1)
        for page in range(pages):
            if page and not device.newPage():
                raise OutputError(gettext("The printer stopped while printing. Try again."))
            painter.save()
            painter.translate(0, -page * height)
            doc.drawContents(painter, QRectF(0, page * height, width, height))
            painter.restore()
    finally:
        painter.end()
    return pages


def write_pdf_file(
    path: Path | str,
    *,
    title: str,
    creator: str,
    paint: Callable[[QPdfWriter], T],
    page: QPageSize.PageSizeId | None = None,
) -> tuple[Path, T]:
    """Paint a PDF (A4 or Letter by locale by default) and save it the safe way: a whole new
    file or none, never through a link or onto a device (``services.safe_file``). Returns
    the path and what ``paint`` returned."""
    target = Path(path)
    unwritable = PosError(
        gettext(
            "The PDF could not be written to {path}. "
            "Check that the folder exists and that you may save files there."
        ).format(path=target)
    )
    with replacing(target, "PDF") as part:
        writer = QPdfWriter(str(part))
        writer.setPageSize(QPageSize(page if page is not None else paper_size()))
        writer.setPageMargins(
            QMarginsF(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
        writer.setResolution(PDF_DPI)
        writer.setTitle(title)
        writer.setCreator(creator)
        try:
            painted = paint(writer)
        except OutputError:
            raise unwritable from None
        del writer  # the file is complete once the writer is gone
        if part.stat().st_size == 0:
            raise unwritable
    return target, painted
