"""The receipt dialog: preview, Print (to a PDF printer, no dialog), Save as PDF, and Stripe's
receipt email, from the main window and the detail panel; and their error sentences."""

from __future__ import annotations

import dataclasses
import logging
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import Booking
from pos_app.domain.payment import PaymentStatus
from pos_app.printing.paging import paper_size
from pos_app.printing.receipt import write_pdf
from pos_app.services.receipt_notes import SANDBOX_NOTE
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.reports.receipt_view import ReceiptDialog
from pos_app.ui.shell.main_window import MainWindow
from tests.payments import pay
from tests.ui.conftest import make_booking

WAIT_MS = 15_000


# -- reading a PDF back (no PDF library needed) ---------------------------------------------


def _stream(body: bytes) -> bytes | None:
    # Up to "endstream" with the end-of-line before it: compressed data may itself end in a
    # CR or LF byte, so the line end is left for the decompressor to ignore as trailing data.
    found = re.search(rb"stream\r?\n(.*?)endstream", body, re.S)
    if found is None:
        return None
    raw = found.group(1)
    if b"/FlateDecode" in body.split(b"stream")[0]:
        return zlib.decompressobj().decompress(raw)
    return raw


def _utf16(hexes: bytes) -> str:
    return bytes.fromhex(hexes.decode()).decode("utf-16-be")


def _cmap(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap's glyph → text table (bfrange and bfchar entries)."""
    table: dict[int, str] = {}
    for first, _last, targets in re.findall(rb"<(\w+)> <(\w+)> \[([^\]]*)\]", data):
        for i, target in enumerate(re.findall(rb"<(\w+)>", targets)):
            table[int(first, 16) + i] = _utf16(target)
    for first, last, target in re.findall(rb"^<(\w+)> <(\w+)> <(\w+)>\s*$", data, re.M):
        for offset in range(int(last, 16) - int(first, 16) + 1):
            table[int(first, 16) + offset] = chr(int(target, 16) + offset)
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for glyph, target in re.findall(rb"<(\w+)>\s+<(\w+)>", section):
            table[int(glyph, 16)] = _utf16(target)
    return table


def pdf_text(path: Path) -> str:
    """The text a PDF reader would copy out of the file: proof the text is selectable."""
    data = path.read_bytes()
    objects = {
        int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)
    }
    unicode_of: dict[int, dict[int, str]] = {}
    for number, body in objects.items():
        ref = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if ref is not None:
            unicode_of[number] = _cmap(_stream(objects[int(ref.group(1))]) or b"")
    font_names: dict[bytes, int] = {}
    for body in objects.values():
        for fonts in re.finditer(rb"/Font\s*<<(.*?)>>", body, re.S):
            for name, number in re.findall(rb"/(\w+) (\d+) 0 R", fonts.group(1)):
                font_names[name] = int(number)
    out: list[str] = []
    for body in objects.values():
        content = _stream(body)
        if content is None or b"BT" not in content or b"Tj" not in content:
            continue
        table: dict[int, str] = {}
        for token in re.finditer(rb"/(\w+) [\d.]+ Tf|<([0-9A-Fa-f]+)> Tj|\bBT\b", content):
            if token.group(1):
                table = unicode_of.get(font_names.get(token.group(1), -1), {})
            elif token.group(2):
                hexes = token.group(2).decode()
                for i in range(0, len(hexes), 4):
                    out.append(table.get(int(hexes[i : i + 4], 16), "?"))
            else:
                out.append("\n")
    return re.sub(r"[ \t]+", " ", "".join(out).replace("\t", " "))


def media_box(path: Path) -> tuple[int, int]:
    """The first page's size in points."""
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", path.read_bytes())
    assert box is not None
    return round(float(box.group(1))), round(float(box.group(2)))


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


# -- fixtures ------------------------------------------------------------------------------


def _paid_booking(ctx: AppContext, name: str = "Ada Lovelace") -> Booking:
    booking = make_booking(ctx, name)
    view = ctx.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    assert ctx.checkout.refresh(view.payment_id).status is PaymentStatus.SUCCEEDED
    return booking


class FakeChoosers:
    """What the print and save dialogs would answer, without showing them."""

    def __init__(self, tmp: Path) -> None:
        self.pdf_path: str | None = str(tmp / "receipt.pdf")
        self.printer_file = tmp / "printed.pdf"
        self.asked: list[str] = []

    def printer(self, parent: QWidget) -> QPrinter | None:
        self.asked.append("printer")
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.printer_file))
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
        return printer

    def path(self, parent: QWidget, suggested: str) -> str | None:
        self.asked.append(f"path:{Path(suggested).name}")
        return self.pdf_path


@pytest.fixture
def choosers(tmp_path: Path) -> FakeChoosers:
    return FakeChoosers(tmp_path)


def _dialog(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, booking_id: str, choosers: FakeChoosers
) -> ReceiptDialog:
    dialog = ReceiptDialog(
        ctx.receipts,
        runner,
        booking_id,
        mode=ctx.mode,
        printer_chooser=choosers.printer,
        path_chooser=choosers.path,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def would_send() -> Iterator[list[str]]:
    """The sandbox's "would send" lines (it runs in this process and sends no mail)."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "would_send" in record.getMessage():
                lines.append(record.getMessage())

    logger = logging.getLogger("pos_app.sandbox.payment_intents")
    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


# -- tests ---------------------------------------------------------------------------------


def test_ctrl_p_opens_the_receipt_of_the_selected_booking(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    booking = _paid_booking(ui_app)
    unpaid = make_booking(ui_app, "Grace Hopper", minutes=120)
    window.reload()
    qtbot.waitUntil(lambda: window.select_booking(unpaid.id), timeout=WAIT_MS)
    assert not window.receipt_action.isEnabled()  # nothing paid: nothing to receipt
    qtbot.waitUntil(lambda: window.select_booking(booking.id), timeout=WAIT_MS)
    qtbot.waitUntil(window.receipt_action.isEnabled, timeout=WAIT_MS)
    assert window.receipt_action.shortcut().toString() == "Ctrl+P"
    assert window.receipt_action in window.booking_menu.actions()

    qtbot.keyClick(window.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.receipt_dialog is not None, timeout=WAIT_MS)
    dialog = window.receipt_dialog
    assert dialog is not None and dialog.booking_id() == booking.id
    # First from the database ("Card"), then with the card Stripe charged.
    qtbot.waitUntil(lambda: "Visa •••• 4242" in dialog.preview_text(), timeout=WAIT_MS)
    text = dialog.preview_text()
    assert "Ada Lovelace" in text and "Haircut" in text and "$35.00" in text
    assert dialog.windowTitle().startswith("Receipt R-")
    assert dialog.email_edit.text() == "ada@example.com"
    assert dialog.email_button.isEnabled() and dialog.print_button.isEnabled()
    assert dialog.test_note.isVisible() and dialog.test_note.text() == SANDBOX_NOTE
    dialog.reject()

    # The detail panel's Receipt… button opens it too.
    qtbot.waitUntil(lambda: window.detail.receipt_button is not None, timeout=WAIT_MS)
    button = window.detail.receipt_button
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            window.receipt_dialog is not None
            and window.receipt_dialog is not dialog
            and "Ada Lovelace" in window.receipt_dialog.preview_text()
        ),
        timeout=WAIT_MS,
    )
    window.receipt_dialog.reject()


def test_save_as_pdf_and_print_write_selectable_text(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, choosers: FakeChoosers
) -> None:
    booking = _paid_booking(ui_app, "Ada <b>Lovelace</b> & Co")
    dialog = _dialog(qtbot, ui_app, runner, booking.id, choosers)
    qtbot.waitUntil(lambda: "Visa •••• 4242" in dialog.preview_text(), timeout=WAIT_MS)
    receipt = dialog.receipt
    assert receipt is not None

    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.last_pdf is not None, timeout=WAIT_MS)
    assert choosers.asked == [f"path:receipt-{receipt.number}.pdf"]
    pdf = Path(choosers.pdf_path or "")
    assert dialog.last_pdf == pdf and dialog.status_label.text() == "Saved receipt.pdf."
    text = pdf_text(pdf)
    assert pdf_pages(pdf) == 1
    for expected in (
        receipt.number,
        "Ada <b>Lovelace</b> & Co",  # the name as typed: escaped in HTML, plain in the PDF
        "Visa •••• 4242",
        "$35.00",
        "Balance due",
    ):
        assert expected in text, expected
    # A4 or Letter, by the locale's country.
    page = QPageSize(paper_size()).size(QPageSize.Unit.Point)
    assert media_box(pdf) == (round(page.width()), round(page.height()))

    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.status_label.text() == "Sent to the printer.", timeout=WAIT_MS)
    assert "Visa •••• 4242" in pdf_text(choosers.printer_file)
    assert dialog.print_button.isEnabled()


def test_the_preview_fits_and_the_customers_copy_names_the_business_without_stripe_ids(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, choosers: FakeChoosers
) -> None:
    ui_app.install_config(
        dataclasses.replace(
            ui_app.config, business_address="1 Quay Road\nLeith EH6 7AA", business_tax_id="GB999"
        )
    )
    booking = _paid_booking(ui_app)
    dialog = _dialog(qtbot, ui_app, runner, booking.id, choosers)
    qtbot.waitUntil(lambda: "Visa •••• 4242" in dialog.preview_text(), timeout=WAIT_MS)
    receipt = dialog.receipt
    assert receipt is not None and receipt.payments[0].stripe_ids
    payment = ui_app.bookings.detail(booking.id).payments[0]
    stripe_ids = [payment.stripe_session_id, *receipt.payments[0].stripe_ids]

    text = dialog.preview_text()
    for expected in ("1 Quay Road", "Leith EH6 7AA", "Tax ID GB999"):
        assert expected in text, expected
    assert not [i for i in stripe_ids if i and i in text]
    assert booking.id not in text

    # The whole receipt shows on the paper: nothing to scroll, down or sideways.
    qtbot.waitUntil(lambda: dialog.preview.verticalScrollBar().maximum() == 0, timeout=WAIT_MS)
    assert dialog.preview.horizontalScrollBar().maximum() == 0
    assert dialog.preview.height() > 360  # grew to the receipt, not the empty paper's height
    # No button or heading is cut short.
    for widget in (
        dialog.print_button,
        dialog.pdf_button,
        dialog.email_button,
        dialog.close_button,
        dialog.title_label,
        dialog.subtitle_label,
    ):
        assert widget.width() >= widget.sizeHint().width(), widget
        assert widget.height() >= min(44, widget.sizeHint().height()), widget

    # What is saved is what was previewed: the customer's copy.
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: dialog.last_pdf is not None, timeout=WAIT_MS)
    saved = pdf_text(Path(choosers.pdf_path or ""))
    assert "Tax ID GB999" in saved and "1 Quay Road" in saved
    assert not [i for i in stripe_ids if i and i in saved]


def test_cancelled_choosers_do_nothing_and_write_errors_are_sentences(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, choosers: FakeChoosers, tmp_path: Path
) -> None:
    booking = _paid_booking(ui_app)
    dialog = _dialog(qtbot, ui_app, runner, booking.id, choosers)
    qtbot.waitUntil(dialog.pdf_button.isEnabled, timeout=WAIT_MS)
    choosers.pdf_path = None
    dialog.pdf_button.click()
    assert dialog.last_pdf is None and dialog.status_label.text() == ""

    choosers.pdf_path = str(tmp_path / "no-such-folder" / "r.pdf")
    dialog.pdf_button.click()
    qtbot.waitUntil(dialog.general_error.isVisible, timeout=WAIT_MS)
    assert dialog.general_error.text().startswith("The PDF could not be written to ")
    assert "Traceback" not in dialog.general_error.text()
    assert dialog.pdf_button.isEnabled()


def test_email_receipt_asks_stripe_once_even_when_clicked_twice(
    qtbot: QtBot,
    ui_app: AppContext,
    runner: TaskRunner,
    choosers: FakeChoosers,
    would_send: list[str],
) -> None:
    booking = _paid_booking(ui_app)
    dialog = _dialog(qtbot, ui_app, runner, booking.id, choosers)
    qtbot.waitUntil(dialog.email_button.isEnabled, timeout=WAIT_MS)
    would_send.clear()

    dialog.email_edit.setText("olga@example.net")
    dialog.email_button.click()
    dialog.send_email()  # a second click while the first is on its way: ignored
    assert dialog.email_button.text() == "Sending…" and not dialog.email_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.last_email is not None, timeout=WAIT_MS)
    assert dialog.email_status_text() == (
        f"Stripe has the receipt for olga@example.net. {SANDBOX_NOTE}"
    )
    assert dialog.email_button.isEnabled()

    # Asked again later: Stripe is not asked to send it twice.
    with qtbot.waitSignal(dialog.emailed, timeout=WAIT_MS) as again:
        qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Return)
    assert "not sent twice" in again.args[0].message
    assert choosers.asked == []  # Enter in the field sent the email; it did not print
    assert len(would_send) == 1 and "o***@example.net" in would_send[0]


def test_email_errors_show_under_the_field(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, choosers: FakeChoosers
) -> None:
    booking = _paid_booking(ui_app)
    dialog = _dialog(qtbot, ui_app, runner, booking.id, choosers)
    qtbot.waitUntil(dialog.email_button.isEnabled, timeout=WAIT_MS)
    dialog.email_edit.setText("ada at example")
    dialog.email_button.click()
    qtbot.waitUntil(lambda: dialog.email_error() != "", timeout=WAIT_MS)
    assert dialog.email_error() == "Enter an email address like name@example.com."
    assert dialog.last_email is None

    dialog.email_edit.clear()
    assert not dialog.email_button.isEnabled()  # nothing to send to


def test_cash_only_booking_offers_no_stripe_email(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, choosers: FakeChoosers
) -> None:
    booking = make_booking(ui_app, "Grace Hopper")
    ui_app.cash.record(booking.id, "10.00")
    dialog = _dialog(qtbot, ui_app, runner, booking.id, choosers)
    qtbot.waitUntil(lambda: "Cash · deposit" in dialog.preview_text(), timeout=WAIT_MS)
    assert "Balance due" in dialog.preview_text() and "$25.00" in dialog.preview_text()
    assert not dialog.email_button.isEnabled() and not dialog.email_edit.isEnabled()
    assert "this booking has none" in dialog.test_note.text()
    dialog.send_email()  # e.g. Enter in the field: nothing happens
    assert dialog.last_email is None


def test_a_missing_booking_says_so(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, choosers: FakeChoosers
) -> None:
    dialog = _dialog(qtbot, ui_app, runner, "bk_gone", choosers)
    qtbot.waitUntil(dialog.general_error.isVisible, timeout=WAIT_MS)
    assert dialog.general_error.text() == "There is no booking bk_gone."
    assert not dialog.print_button.isEnabled() and not dialog.pdf_button.isEnabled()
    dialog.print_receipt()  # Ctrl+P before anything loaded: nothing to print
    assert choosers.asked == []


def test_paper_is_letter_in_the_us_and_a4_elsewhere(
    qtbot: QtBot, ui_app: AppContext, tmp_path: Path
) -> None:
    us = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    germany = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert paper_size(us) == QPageSize.PageSizeId.Letter
    assert paper_size(germany) == QPageSize.PageSizeId.A4
    booking = make_booking(ui_app)
    receipt = ui_app.receipts.receipt(booking.id, card_details=False)
    letter = write_pdf(receipt, tmp_path / "letter.pdf", page=QPageSize.PageSizeId.Letter)
    assert media_box(letter) == (612, 792)
    assert "No payment received yet." in pdf_text(letter)
