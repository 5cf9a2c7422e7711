"""The receipt dialog: a paper preview, Print…, Save as PDF…, and Stripe's receipt email.

The receipt is loaded in the background twice: first from the database alone (shown at
once), then with the card's brand and last four digits read from Stripe. Printing and the
PDF use the same HTML through ``QTextDocument``, so what is previewed is what is printed;
the PDF keeps its text selectable. The printer and file choosers are injectable for tests.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QLocale, QMarginsF, QObject, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QShortcut,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.errors import PosError, ValidationError
from pos_app.services.receipt_notes import email_note
from pos_app.services.receipts import (
    Receipt,
    ReceiptEmailResult,
    render_html,
)
from pos_app.services.safe_file import replacing
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import dialog_layout, dialog_title, loading_page, muted_label
from pos_app.ui.kit.forms import ErrorLabel, FieldWithError
from pos_app.ui.kit.tasks import TaskRunner, user_message

if TYPE_CHECKING:
    from pos_app.app import AppContext

log = logging.getLogger(__name__)

# Countries that print on US Letter; everyone else uses A4.
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PR", "PA", "DO", "SV", "NI", "BZ"}
)
PAGE_MARGIN_MM = 15.0
T = TypeVar("T")
PAPER_WIDTH = 520  # the preview's "paper", in pixels at 100 %
BODY_POINT_SIZE = 10.0


class OutputError(PosError):
    """The printer or the PDF file could not be painted on."""


PrinterChooser = Callable[[QWidget], QPrinter | None]
PathChooser = Callable[[QWidget, str], str | None]


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
    """The app's font at the receipt's size, and the screen's logical DPI (GUI thread)."""
    font = QFont(QApplication.font())
    font.setPointSizeF(BODY_POINT_SIZE)
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInchY() if screen is not None else 96.0
    return Typesetting(font, dpi if dpi > 0 else 96.0)


def receipt_document(receipt: Receipt, setting: Typesetting | None = None) -> QTextDocument:
    """The receipt laid out for the screen, a printer or a PDF (the same HTML for all)."""
    doc = QTextDocument()
    doc.setDefaultFont((setting or typesetting()).font)
    doc.setDocumentMargin(4)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, _title(receipt))
    doc.setHtml(render_html(receipt))
    return doc


def print_receipt(
    receipt: Receipt, device: QPagedPaintDevice, setting: Typesetting | None = None
) -> None:
    """Print ``receipt`` on a printer (or any paged device) with the page set up there.

    Off the GUI thread, pass the ``typesetting()`` read on it.
    """
    setting = setting or typesetting()
    paint_pages(receipt_document(receipt, setting), device, setting.dpi)


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
        raise OutputError("The printer could not be started. Check that it is on and try again.")
    try:
        painter.scale(scale, scale)
        pages = max(doc.pageCount(), 1)
        for page in range(pages):
            if page and not device.newPage():
                raise OutputError("The printer stopped while printing. Try again.")
            painter.save()
            painter.translate(0, -page * height)
            doc.drawContents(painter, QRectF(0, page * height, width, height))
            painter.restore()
    finally:
        painter.end()
    return pages


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
        title=_title(receipt),
        creator=f"pos-app — {receipt.business_name}",
        paint=lambda writer: print_receipt(receipt, writer, setting),
        page=page,
    )[0]


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
        f"The PDF could not be written to {target}. "
        "Check that the folder exists and that you may save files there."
    )
    with replacing(target, "PDF") as part:
        writer = QPdfWriter(str(part))
        writer.setPageSize(QPageSize(page if page is not None else paper_size()))
        writer.setPageMargins(
            QMarginsF(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
        writer.setResolution(300)
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


def write_pdf_offscreen(receipt: Receipt, path: Path | str) -> Path:
    """:func:`write_pdf` from a program without windows (the CLI): no display is needed."""
    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from pos_app.ui.shell.gui import ensure_application

    ensure_application()
    return write_pdf(receipt, path)


def _title(receipt: Receipt) -> str:
    return f"Receipt {receipt.number} — {receipt.business_name}"


def choose_printer(parent: QWidget) -> QPrinter | None:
    """Qt's print dialog; the chosen printer, or None if cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(paper_size()))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print receipt")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def choose_pdf_path(parent: QWidget, suggested: str) -> str | None:
    """Qt's save dialog for a PDF; the path, or None if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Save receipt as PDF", suggested, "PDF files (*.pdf)"
    )
    if not path:
        return None
    return path if path.lower().endswith(".pdf") else path + ".pdf"


class _EnterKey(QObject):
    """Turns Enter in a line edit into one call, consuming the key."""

    def __init__(self, callback: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        pressed = isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
        if pressed and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # type: ignore[attr-defined]
            self._callback()
            return True
        return super().eventFilter(watched, event)


class ReceiptDialog(QDialog):
    """Preview a booking's receipt; print it, save it as PDF, or have Stripe email it."""

    emailed = Signal(object)  # ReceiptEmailResult

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        booking_id: str,
        parent: QWidget | None = None,
        *,
        printer_chooser: PrinterChooser = choose_printer,
        path_chooser: PathChooser = choose_pdf_path,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._booking_id = booking_id
        self._choose_printer = printer_chooser
        self._choose_path = path_chooser
        self.receipt: Receipt | None = None
        self.last_email: ReceiptEmailResult | None = None
        self.last_pdf: Path | None = None
        self.setWindowTitle("Receipt")
        self.setModal(True)

        self.title_label = dialog_title(self, "Receipt")
        self.subtitle_label = muted_label()

        # The preview: white "paper" whatever the theme, as it will come out of the printer.
        self.preview = QTextBrowser()
        self.preview.setObjectName("receiptPaper")
        self.preview.setOpenLinks(False)
        self.preview.setFrameShape(QFrame.Shape.NoFrame)
        paper = self.preview.palette()
        paper.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        paper.setColor(QPalette.ColorRole.Text, QColor("#111111"))
        self.preview.setPalette(paper)
        self.preview.setFixedWidth(PAPER_WIDTH)
        self.preview.setMinimumHeight(480)
        self.preview.setAccessibleName("Receipt preview")
        self.preview.document().setDefaultFont(typesetting().font)
        self.preview.document().setDocumentMargin(22)

        loading, self.loading_label = loading_page("Loading the receipt…")
        self.stack = QStackedWidget()
        self.stack.addWidget(loading)
        self.stack.addWidget(self.preview)
        self.stack.setFixedWidth(PAPER_WIDTH)
        desk = QFrame()
        desk.setObjectName("receiptDesk")
        desk.setStyleSheet("QFrame#receiptDesk { background: palette(mid); border-radius: 6px; }")
        desk_row = QHBoxLayout(desk)
        desk_row.setContentsMargins(24, 16, 24, 16)
        desk_row.addStretch(1)
        desk_row.addWidget(self.stack)
        desk_row.addStretch(1)

        # Stripe's receipt email.
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("Customer's email address")
        self.email_edit.setAccessibleName("Email address for Stripe's receipt")
        self.email_row = FieldWithError(self.email_edit)
        self.email_button = QPushButton("Email receipt (Stripe)")
        self.email_button.setToolTip("Stripe emails its own receipt of the card payment")
        self.email_button.setEnabled(False)
        self.email_button.setAutoDefault(False)
        self.email_status = QLabel("")
        self.email_status.setObjectName("emailStatus")
        self.email_status.setWordWrap(True)
        self.email_status.hide()
        self.test_note = muted_label(email_note(ctx.mode) or "", wrap=True)
        self.test_note.setVisible(email_note(ctx.mode) is not None)
        email_title = QLabel("Email Stripe's receipt")
        email_title.setFont(theme.font(self, scale=1.05, bold=True))
        email_line = QHBoxLayout()
        email_line.setSpacing(8)
        email_line.addWidget(self.email_row, 1)
        email_line.addWidget(self.email_button, 0, Qt.AlignmentFlag.AlignTop)
        email_box = QVBoxLayout()
        email_box.setSpacing(6)
        email_box.addWidget(email_title)
        email_box.addLayout(email_line)
        email_box.addWidget(self.email_status)
        email_box.addWidget(self.test_note)

        self.general_error = ErrorLabel()
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.print_button = QPushButton("Print…")
        self.print_button.setToolTip("Print the receipt (Ctrl+P)")
        self.pdf_button = QPushButton("Save as PDF…")
        self.pdf_button.setToolTip("Save the receipt as a PDF file (Ctrl+S)")
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        theme.make_primary(self.print_button)
        self.print_button.setDefault(True)
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(False)
            button.setMinimumWidth(120)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.close_button)

        layout = dialog_layout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(desk, 1)
        layout.addLayout(email_box)
        layout.addWidget(self.general_error)
        layout.addLayout(buttons)

        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self.email_button.clicked.connect(self.send_email)
        # Enter in the address field sends it (and must not also press the default Print…).
        self._enter_sends = _EnterKey(self.send_email, self)
        self.email_edit.installEventFilter(self._enter_sends)
        self.email_edit.textChanged.connect(self._on_email_edited)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_receipt)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_pdf)
        self.setTabOrder(self.email_edit, self.email_button)
        self.setTabOrder(self.email_button, self.print_button)
        self.setTabOrder(self.print_button, self.pdf_button)
        self.setTabOrder(self.pdf_button, self.close_button)
        self.setTabOrder(self.close_button, self.preview)
        self._load()

    # -- public -------------------------------------------------------------------------

    def booking_id(self) -> str:
        """The booking whose receipt this is."""
        return self._booking_id

    def preview_text(self) -> str:
        """The preview as plain text, for tests and screen readers."""
        return self.preview.toPlainText()

    def email_error(self) -> str:
        """The sentence under the email field ('' when none)."""
        return self.email_row.error.text()

    def email_status_text(self) -> str:
        """What the last email request came to ('' before one)."""
        return self.email_status.text()

    def print_receipt(self) -> None:
        """Ask for a printer (Qt's print dialog) and print the receipt on it."""
        receipt = self.receipt
        if receipt is None or not self.print_button.isEnabled():
            return
        printer = self._choose_printer(self)
        if printer is None:
            return
        self._set_busy("Printing…")
        setting = typesetting()  # read here: fonts and screens belong to the GUI thread
        self._runner.run(
            lambda: print_receipt(receipt, printer, setting),
            on_success=lambda _r: self._done("Sent to the printer."),
            on_failure=self._on_output_failed,
            owner=self,
        )

    def save_pdf(self) -> None:
        """Ask where to save, then write the PDF in the background."""
        receipt = self.receipt
        if receipt is None or not self.pdf_button.isEnabled():
            return
        suggested = str(Path.home() / f"receipt-{receipt.number}.pdf")
        path = self._choose_path(self, suggested)
        if not path:
            return
        self._set_busy("Saving the PDF…")
        setting = typesetting()  # read here: fonts and screens belong to the GUI thread
        self._runner.run(
            lambda: write_pdf(receipt, path, setting=setting),
            on_success=self._on_pdf_saved,
            on_failure=self._on_output_failed,
            owner=self,
        )

    def send_email(self) -> None:
        """Ask Stripe (in the background) to email its receipt to the address typed."""
        if self.receipt is None or not self.receipt.can_email:
            return
        if not self.email_button.isEnabled():
            return
        address = self.email_edit.text().strip()
        receipts = self._ctx.receipts
        booking_id = self._booking_id
        self.email_row.error.show_error(None)
        self.email_status.hide()
        started = self._runner.run(
            lambda: receipts.email_receipt(booking_id, address),
            on_success=self._on_emailed,
            on_failure=self._on_email_failed,
            key=f"receipt-email:{booking_id}",
            owner=self,
        )
        if started:
            self.email_button.setEnabled(False)
            self.email_edit.setEnabled(False)
            self.email_button.setText("Sending…")

    # -- loading ------------------------------------------------------------------------

    def _load(self) -> None:
        receipts = self._ctx.receipts
        booking_id = self._booking_id
        # From the database first (at once), then with the card's details from Stripe.
        self._runner.run(
            lambda: receipts.receipt(booking_id, card_details=False),
            on_success=self._on_local_receipt,
            on_failure=self._on_load_failed,
            owner=self,
        )

    def _on_local_receipt(self, receipt: Receipt) -> None:
        self._show(receipt)
        if not receipt.card_payments:
            return
        receipts = self._ctx.receipts
        booking_id = self._booking_id
        self._runner.run(
            lambda: receipts.receipt(booking_id),
            on_success=self._show,
            # The local receipt stays: it says "Card" instead of the last four digits.
            on_failure=lambda err: log.warning("receipt.card_details_failed %s", err),
            owner=self,
            quiet=True,
        )

    def _show(self, receipt: Receipt) -> None:
        first = self.receipt is None
        self.receipt = receipt
        self.setWindowTitle(f"Receipt {receipt.number}")
        self.title_label.setText(f"Receipt {receipt.number}")
        self.subtitle_label.setText(
            f"{receipt.customer_name} · {receipt.service_name} · {receipt.status_label}"
        )
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(render_html(receipt))
        self.preview.verticalScrollBar().setValue(scroll)
        self.stack.setCurrentWidget(self.preview)
        self.print_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        if first:
            self.email_edit.setText(receipt.customer_email or "")
            self.print_button.setFocus()
        if not receipt.can_email:
            self.email_edit.setEnabled(False)
            self.email_edit.setPlaceholderText("")
            self.email_button.setToolTip(
                "Stripe's receipt is for card payments; this booking has none."
            )
            self.test_note.setText(
                "Stripe's receipt is for card payments; this booking has none. "
                "Print the receipt or save it as a PDF instead."
            )
            self.test_note.show()
        self._on_email_edited()

    def _on_load_failed(self, error: BaseException) -> None:
        self.loading_label.setText(user_message(error))
        self.general_error.show_error(user_message(error))

    # -- outputs ------------------------------------------------------------------------

    def _set_busy(self, text: str) -> None:
        self.print_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        self.general_error.show_error(None)
        self.status_label.setText(text)

    def _done(self, text: str) -> None:
        self.print_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        self.status_label.setText(text)

    def _on_pdf_saved(self, path: Path) -> None:
        self.last_pdf = path
        self._done(f"Saved {path.name}.")
        self.status_label.setToolTip(str(path))

    def _on_output_failed(self, error: BaseException) -> None:
        self._done("")
        message = user_message(error)
        if isinstance(error, OSError):
            message = f"The receipt could not be written: {error.strerror or error}."
        self.general_error.show_error(message)

    # -- email --------------------------------------------------------------------------

    def _on_email_edited(self) -> None:
        receipt = self.receipt
        ready = receipt is not None and receipt.can_email and bool(self.email_edit.text().strip())
        if not self._runner.is_running(f"receipt-email:{self._booking_id}"):
            self.email_button.setEnabled(ready)

    def _email_done(self) -> None:
        self.email_button.setText("Email receipt (Stripe)")
        self.email_edit.setEnabled(True)
        self._on_email_edited()

    def _on_emailed(self, result: ReceiptEmailResult) -> None:
        self.last_email = result
        self._email_done()
        color = theme.semantic("success", self).name()
        self.email_status.setStyleSheet(f"QLabel#emailStatus {{ color: {color}; }}")
        self.email_status.setText(result.message)
        self.email_status.show()
        # The note is in the message now; one sentence, once.
        self.test_note.hide()
        self.emailed.emit(result)

    def _on_email_failed(self, error: BaseException) -> None:
        self._email_done()
        if isinstance(error, ValidationError) and error.field != "email":
            self.general_error.show_error(error.message)
        else:
            self.email_row.error.show_error(user_message(error))
        self.email_edit.setFocus()
