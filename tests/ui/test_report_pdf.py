"""The sales report PDF: selectable figures, the chart painted as vectors, pages and paper,
errors as sentences; written from the dashboard's Export PDF… and `pos-app export pdf`."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPageSize
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.errors import PosError
from pos_app.domain.reports import Conversion, SalesReport
from pos_app.printing.sales_report import report_document, write_report_pdf
from pos_app.reports.render.sales import period_title
from pos_app.ui.kit import theme
from pos_app.ui.kit.tasks import TaskRunner
from tests.ui.conftest import make_booking
from tests.ui.test_dashboard import (
    DAY,
    FakeReports,
    eur_totals,
    open_dashboard,
    same_figures,
    sample_report,
    usd_totals,
)
from tests.ui.test_receipt_view import media_box, pdf_pages, pdf_text

GENERATED = datetime(2026, 11, 20, 18, 5, tzinfo=UTC)
WAIT_MS = 10_000


def _contents(path: Path) -> list[bytes]:
    """Every decompressed stream of the file (page contents among them)."""
    out = []
    for found in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", path.read_bytes(), re.S):
        try:
            out.append(zlib.decompress(found.group(1)))
        except zlib.error:
            out.append(found.group(1))
    return out


def filled_rects(path: Path) -> Counter[str]:
    """How many rectangles were filled in each colour ('#0f766e': 6): the chart's bars."""
    counts: Counter[str] = Counter()
    for content in _contents(path):
        colour = ""
        for token in re.finditer(rb"([\d.]+) ([\d.]+) ([\d.]+) scn|\bre\s+f\b", content):
            if token.group(1):
                rgb = (round(float(token.group(i)) * 255) for i in (1, 2, 3))
                colour = QColor(*rgb).name()
            else:
                counts[colour] += 1
    return counts


def _write(report: SalesReport, path: Path, **kwargs: object) -> Path:
    return write_report_pdf(
        report,
        path,
        business_name="Salon Nova",
        generated_at=GENERATED,
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_pdf_has_the_figures_as_text_and_the_chart_as_vectors(
    qapp: object, tmp_path: Path
) -> None:
    pdf = _write(sample_report(), tmp_path / "day.pdf")
    text = pdf_text(pdf)

    for expected in (
        "Salon Nova",
        "Friday 20 November 2026",
        "Europe/London",
        "Generated 20 November 2026 at 18:05",
        "Gross sales",
        "$485.00",  # gross
        "$70.00",  # refunds
        "$415.00",  # net
        "$11.90",  # Stripe fees
        "$403.10",  # net after fees
        "$53.89",  # average order
        "14.4 %",  # refund rate
        "Colour & style",
        "Unassigned",
        "Card (Stripe)",
        "Cash",
        "Expired or cancelled",
        "(66.7 %)",
        # The chart's own words: its caption, legend and money axis.
        "Sales by hour (local time)",
        "Refunds",
        "$150",
    ):
        assert expected in text, expected
    assert pdf_pages(pdf) == 1
    bars = filled_rects(pdf)
    assert bars[theme.ACCENT.name()] == 6  # one gross bar per hour with sales
    assert bars[theme.DANGER.name()] == 2  # and one per hour with refunds


def test_each_currency_gets_its_own_figures_and_chart(qapp: object, tmp_path: Path) -> None:
    report = sample_report(currencies=(eur_totals(), usd_totals()))
    doc = report_document(report, business_name="Salon Nova", generated_at=GENERATED)
    pdf = _write(report, tmp_path / "two.pdf")
    text = pdf_text(pdf)

    assert pdf_pages(pdf) == 2  # the second currency starts a page
    assert "Figures in USD" in text and "Figures in EUR" in text
    assert text.index("Figures in USD") < text.index("Figures in EUR")  # busiest first
    assert "€90.00" in text and "$485.00" in text
    assert "$575.00" not in text and "575" not in text  # never $485 + €90
    bars = filled_rects(pdf)
    assert bars[theme.ACCENT.name()] == 6 + 2
    assert doc.toPlainText().count("\ufffc") == 2  # one chart object per currency


def test_paper_size_and_an_empty_period(qapp: object, tmp_path: Path) -> None:
    empty = SalesReport(date(2026, 11, 16), date(2026, 11, 22), "UTC", {}, Conversion())
    letter = _write(empty, tmp_path / "letter.pdf", page=QPageSize.PageSizeId.Letter)
    a4 = _write(empty, tmp_path / "a4.pdf", page=QPageSize.PageSizeId.A4)

    assert media_box(letter) == (612, 792)
    assert media_box(a4) == (595, 842)
    text = pdf_text(a4)
    assert "No sales from 16 to 22 November 2026." in text
    assert "16–22 November 2026" in text
    assert filled_rects(a4)[theme.ACCENT.name()] == 0


def test_period_titles() -> None:
    assert period_title(DAY, DAY) == "Friday 20 November 2026"
    assert period_title(date(2026, 11, 1), date(2026, 11, 30)) == "November 2026"
    assert period_title(date(2026, 10, 28), date(2026, 11, 3)) == "28 October – 3 November 2026"
    assert period_title(date(2025, 12, 29), date(2026, 1, 4)) == "29 December 2025 – 4 January 2026"


def test_an_unwritable_path_is_a_sentence(qapp: object, tmp_path: Path) -> None:
    with pytest.raises(PosError, match="could not be written to") as err:
        _write(sample_report(), tmp_path / "missing" / "folder" / "x.pdf")
    assert "Check that the folder exists" in err.value.message


def test_export_pdf_from_the_dashboard(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    target = tmp_path / "report.pdf"
    suggested: list[str] = []

    def chooser(_parent: QWidget, name: str) -> str:
        suggested.append(name)
        return str(target)

    fake = FakeReports(same_figures())
    dialog = open_dashboard(qtbot, ui_app, runner, fake, pdf_chooser=chooser)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.last_pdf is not None, timeout=WAIT_MS)

    assert dialog.status_text() == "Saved report.pdf."
    assert suggested[0].endswith(".pdf") and "sales-" in suggested[0]
    text = pdf_text(target)
    assert "$485.00" in text and ui_app.config.business_name in text
    assert filled_rects(target)[theme.ACCENT.name()] == 6


def test_cli_export_pdf(
    app: AppContext,
    app_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    qapp: object,
) -> None:
    from pos_app.cli import main

    booking = make_booking(app, "Ada Lovelace")
    app.cash.record(booking.id)
    today = datetime.now(app.config.timezone).date().isoformat()
    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("pos_app.cli.setup_logging", lambda *_a, **_k: None)
    pdf = tmp_path / "today.pdf"

    assert main(["export", "pdf", "--from", today, "--to", today, str(pdf)]) == 0
    assert f"Saved the sales report to {pdf}." in capsys.readouterr().out
    text = pdf_text(pdf)
    assert "$35.00" in text and "Cash" in text
    assert main(["export", "pdf", "--from", today, "--to", "2000-01-01", str(pdf)]) == 1
    assert "on or after the start date" in capsys.readouterr().err
