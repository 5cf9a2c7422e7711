"""A receipt on paper or in a PDF: the customer's copy, laid out as in the preview."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPagedPaintDevice, QPageSize, QTextDocument

from pos_app.printing.paging import (
    Typesetting,
    html_document,
    paint_pages,
    typesetting,
    write_pdf_file,
)
from pos_app.printing.qt_app import offscreen_application
from pos_app.reports.render.receipt import CUSTOMER, ReceiptCopy, receipt_title, render_html
from pos_app.services.receipt_model import Receipt


def receipt_document(
    receipt: Receipt, setting: Typesetting | None = None, copy: ReceiptCopy = CUSTOMER
) -> QTextDocument:
    """The receipt laid out for the screen, a printer or a PDF (the same HTML for all)."""
    return html_document(render_html(receipt, copy), title=receipt_title(receipt), setting=setting)


def print_receipt(
    receipt: Receipt, device: QPagedPaintDevice, setting: Typesetting | None = None
) -> int:
    """Print ``receipt`` on a printer (or any paged device) with the page set up there;
    returns the pages. Off the GUI thread, pass the ``typesetting()`` read on it."""
    setting = setting or typesetting()
    return paint_pages(receipt_document(receipt, setting), device, setting.dpi)


def write_pdf(
    receipt: Receipt,
    path: Path | str,
    *,
    page: QPageSize.PageSizeId | None = None,
    setting: Typesetting | None = None,
) -> Path:
    """Write the receipt as a PDF with selectable text; A4 or Letter by locale by default.

    Off the GUI thread, pass the ``typesetting()`` read on it.
    """
    return write_pdf_file(
        path,
        title=receipt_title(receipt),
        creator=f"pos-app — {receipt.business_name}",
        paint=lambda writer: print_receipt(receipt, writer, setting),
        page=page,
    )[0]


def write_pdf_offscreen(receipt: Receipt, path: Path | str) -> Path:
    """:func:`write_pdf` from a program without windows (the CLI): no display is needed."""
    offscreen_application()
    return write_pdf(receipt, path)
