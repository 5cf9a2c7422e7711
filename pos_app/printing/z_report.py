"""The Z report on paper or in a PDF (A4 or Letter by locale), text selectable."""

from __future__ import annotations

from pathlib import Path

from pos_app.printing.paging import (
    Typesetting,
    html_document,
    paint_pages,
    typesetting,
    write_pdf_file,
)
from pos_app.reports.render.z_report import z_report_html, z_report_title
from pos_app.services.day_close import ZReport


def write_z_pdf(
    z: ZReport,
    path: Path | str,
    *,
    business: str,
    setting: Typesetting | None = None,
) -> Path:
    """Write the Z report as a PDF; off the GUI thread, pass the ``typesetting()`` read on it."""
    setting = setting or typesetting()
    title = z_report_title(z, business)
    doc = html_document(z_report_html(z, business=business), title=title, setting=setting)
    return write_pdf_file(
        path,
        title=title,
        creator=f"pos-app — {business}",
        paint=lambda writer: paint_pages(doc, writer, setting.dpi),
    )[0]
