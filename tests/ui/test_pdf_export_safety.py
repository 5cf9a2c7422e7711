"""Issue 11 item 10 for the PDFs (sales report, receipt, Z report): the same safe write as
the CSV, through the one ``write_pdf_file`` all three use."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.errors import PosError
from pos_app.printing.receipt import write_pdf
from pos_app.printing.sales_report import write_report_pdf
from pos_app.services.safe_file import PART_SUFFIX
from tests.ui.conftest import make_booking
from tests.ui.test_dashboard import sample_report

GENERATED = datetime(2026, 11, 20, 18, 5, tzinfo=UTC)


def _report_pdf(path: Path) -> Path:
    return write_report_pdf(
        sample_report(), path, business_name="Salon Nova", generated_at=GENERATED
    )


def test_a_report_pdf_refuses_links_and_pipes(qapp: object, tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "report.pdf"
    link.symlink_to(precious)
    with pytest.raises(PosError, match="is a link to another file, so the PDF was not saved"):
        _report_pdf(link)
    assert precious.read_text() == "keep me"
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(PosError, match="device, pipe or socket"):
        _report_pdf(fifo)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(PART_SUFFIX)]


def test_a_report_pdf_replaces_a_file_whole(qapp: object, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    out.write_bytes(b"old")
    other = tmp_path / "other-name.pdf"
    os.link(out, other)
    assert _report_pdf(out) == out
    assert out.read_bytes().startswith(b"%PDF") and other.read_bytes() == b"old"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(PART_SUFFIX)]


def test_a_receipt_pdf_refuses_a_link(qtbot: QtBot, ui_app: AppContext, tmp_path: Path) -> None:
    receipt = ui_app.receipts.receipt(make_booking(ui_app).id, card_details=False)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "receipt.pdf"
    link.symlink_to(precious)
    with pytest.raises(PosError, match="is a link"):
        write_pdf(receipt, link)
    assert precious.read_text() == "keep me"
    assert write_pdf(receipt, tmp_path / "fine.pdf").read_bytes().startswith(b"%PDF")
