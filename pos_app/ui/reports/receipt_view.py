"""The receipt dialog: a paper preview, Print…, Save as PDF…, and Stripe's receipt email.

The receipt is loaded in the background twice: first from the database alone (shown at
once), then with the card's brand and last four digits read from Stripe. Printing and the
PDF use the same HTML through ``QTextDocument``, so what is previewed is what is printed;
the PDF keeps its text selectable. The printer and file choosers are injectable for tests.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPageSize,
    QPalette,
    QShortcut,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
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

from pos_app.domain.errors import ValidationError
from pos_app.i18n import _
from pos_app.printing.paging import paper_size, typesetting
from pos_app.printing.receipt import print_receipt, write_pdf
from pos_app.reports.render.receipt import render_html
from pos_app.services.receipt_model import Receipt
from pos_app.services.receipt_notes import email_note
from pos_app.services.receipts import ReceiptEmailResult
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import dialog_layout, dialog_title, loading_page, muted_label
from pos_app.ui.kit.forms import ErrorLabel, FieldWithError
from pos_app.ui.kit.tasks import TaskRunner, user_message

log = logging.getLogger(__name__)

PAPER_WIDTH = 520  # the preview's "paper", in pixels at 100 %
PAPER_MARGIN = 22  # the paper's white border around the text
PAPER_MIN_HEIGHT = 360
DESK_MARGIN = 16  # the grey desk the paper lies on
SIDE_WIDTH = 300  # the actions' column beside the paper
CHROME_HEIGHT = 150  # title, subtitle, margins and the desk's border around the paper

PrinterChooser = Callable[[QWidget], QPrinter | None]
PathChooser = Callable[[QWidget, str], str | None]


class Receipts(Protocol):
    """What the dialog asks of the receipt service (``ReceiptService``)."""

    def receipt(self, booking_id: str, *, card_details: bool = True) -> Receipt:
        """The booking's receipt; with ``card_details`` the card's brand and digits."""
        ...

    def email_receipt(self, booking_id: str, email: str | None = None) -> ReceiptEmailResult:
        """Ask Stripe to email its receipt of the booking's card payments."""
        ...


def choose_printer(parent: QWidget) -> QPrinter | None:
    """Qt's print dialog; the chosen printer, or None if cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(paper_size()))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print receipt"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def choose_pdf_path(parent: QWidget, suggested: str) -> str | None:
    """Qt's save dialog for a PDF; the path, or None if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save receipt as PDF"), suggested, _("PDF files (*.pdf)")
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
        receipts: Receipts,
        runner: TaskRunner,
        booking_id: str,
        parent: QWidget | None = None,
        *,
        mode: str,
        printer_chooser: PrinterChooser = choose_printer,
        path_chooser: PathChooser = choose_pdf_path,
    ) -> None:
        """``mode`` ('sandbox', 'test', 'live') says whether Stripe really emails anyone."""
        super().__init__(parent)
        self._receipts = receipts
        self._runner = runner
        self._booking_id = booking_id
        self._choose_printer = printer_chooser
        self._choose_path = path_chooser
        self.receipt: Receipt | None = None
        self.last_email: ReceiptEmailResult | None = None
        self.last_pdf: Path | None = None
        self.setWindowTitle(_("Receipt"))
        self.setModal(True)

        self.title_label = dialog_title(self, _("Receipt"))
        self.subtitle_label = muted_label()

        # The preview: white "paper" whatever the theme, as it will come out of the printer.
        self.preview = QTextBrowser()
        self.preview.setObjectName("receiptPaper")
        self.preview.setOpenLinks(False)
        self.preview.setFrameShape(QFrame.Shape.NoFrame)
        paper = self.preview.palette()
        paper.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        paper.setColor(QPalette.ColorRole.Text, QColor("#111111"))
        # Qt draws the rules (<hr/>) in WindowText: grey on the white paper in either theme.
        paper.setColor(QPalette.ColorRole.WindowText, QColor("#9aa0a8"))
        self.preview.setPalette(paper)
        self.preview.setFixedWidth(PAPER_WIDTH)
        self.preview.setFixedHeight(PAPER_MIN_HEIGHT)  # until the receipt is in: see _fit_paper
        # The paper is as wide as the printout's text: it wraps, it never scrolls sideways.
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview.setAccessibleName(_("Receipt preview"))
        self.preview.document().setDefaultFont(typesetting().font)
        self.preview.document().setDocumentMargin(PAPER_MARGIN)

        loading, self.loading_label = loading_page(_("Loading the receipt…"))
        self.stack = QStackedWidget()
        self.stack.addWidget(loading)
        self.stack.addWidget(self.preview)
        self.stack.setFixedWidth(PAPER_WIDTH)
        desk = QFrame()
        desk.setObjectName("receiptDesk")  # theme.py, section "reports: receipt"
        desk_row = QHBoxLayout(desk)
        desk_row.setContentsMargins(DESK_MARGIN, DESK_MARGIN, DESK_MARGIN, DESK_MARGIN)
        desk_row.addWidget(self.stack, 0, Qt.AlignmentFlag.AlignTop)

        # Print or save: the receipt's own actions, beside the paper.
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setToolTip(_("Print the receipt (Ctrl+P)"))
        self.pdf_button = QPushButton(_("Save as PDF…"))
        self.pdf_button.setToolTip(_("Save the receipt as a PDF file (Ctrl+S)"))
        theme.make_primary(self.print_button)
        self.print_button.setDefault(True)
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(False)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.general_error = ErrorLabel()

        # Stripe's receipt email.
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(_("Customer's email address"))
        self.email_edit.setAccessibleName(_("Email address for Stripe's receipt"))
        self.email_row = FieldWithError(self.email_edit)
        self.email_button = QPushButton(_("Email receipt (Stripe)"))
        self.email_button.setToolTip(_("Stripe emails its own receipt of the card payment"))
        self.email_button.setEnabled(False)
        self.email_button.setAutoDefault(False)
        self.email_status = QLabel("")
        self.email_status.setObjectName("emailStatus")
        self.email_status.setWordWrap(True)
        self.email_status.hide()
        self.test_note = muted_label(_(email_note(mode) or ""), wrap=True)
        self.test_note.setVisible(email_note(mode) is not None)
        email_title = QLabel(_("Email Stripe's receipt"))
        theme.set_role(email_title, "heading")

        self.close_button = QPushButton(_("Close"))
        self.close_button.setAutoDefault(False)

        side = QWidget()
        side.setFixedWidth(SIDE_WIDTH)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.print_button)
        column.addWidget(self.pdf_button)
        column.addWidget(self.status_label)
        column.addWidget(self.general_error)
        column.addSpacing(16)
        column.addWidget(email_title)
        column.addWidget(self.email_row)
        column.addWidget(self.email_button)
        column.addWidget(self.email_status)
        column.addWidget(self.test_note)
        column.addStretch(1)
        column.addWidget(self.close_button)

        body = QHBoxLayout()
        body.setSpacing(20)
        body.addWidget(desk, 0, Qt.AlignmentFlag.AlignTop)
        body.addWidget(side)

        layout = dialog_layout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addLayout(body, 1)

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
        # In reading order down the side column, then the paper.
        self.setTabOrder(self.print_button, self.pdf_button)
        self.setTabOrder(self.pdf_button, self.email_edit)
        self.setTabOrder(self.email_edit, self.email_button)
        self.setTabOrder(self.email_button, self.close_button)
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
        self._set_busy(_("Printing…"))
        setting = typesetting()  # read here: fonts and screens belong to the GUI thread
        self._runner.run(
            lambda: print_receipt(receipt, printer, setting),
            on_success=lambda _r: self._done(_("Sent to the printer.")),
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
        self._set_busy(_("Saving the PDF…"))
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
        receipts = self._receipts
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
            self.email_button.setText(_("Sending…"))

    # -- loading ------------------------------------------------------------------------

    def _load(self) -> None:
        receipts = self._receipts
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
        receipts = self._receipts
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
        title = _("Receipt {number}").format(number=receipt.number)
        self.setWindowTitle(title)
        self.title_label.setText(title)
        self.subtitle_label.setText(
            f"{receipt.customer_name} · {receipt.service_name} · {receipt.status_label}"
        )
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(render_html(receipt))
        self._fit_paper()
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
                _("Stripe's receipt is for card payments; this booking has none.")
            )
            self.test_note.setText(
                _(
                    "Stripe's receipt is for card payments; this booking has none. "
                    "Print the receipt or save it as a PDF instead."
                )
            )
            self.test_note.show()
        self._on_email_edited()

    def _fit_paper(self) -> None:
        """Make the paper as tall as the receipt, as far as the screen allows (a longer one
        scrolls down; nothing ever scrolls sideways), and the dialog fit around it."""
        measure = self.preview.document().clone()
        measure.setTextWidth(PAPER_WIDTH)
        wanted = math.ceil(measure.size().height()) + 2
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() - CHROME_HEIGHT if screen else wanted
        self.preview.setFixedHeight(max(PAPER_MIN_HEIGHT, min(wanted, room)))
        self.adjustSize()

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
        self._done(_("Saved {file}.").format(file=path.name))
        self.status_label.setToolTip(str(path))

    def _on_output_failed(self, error: BaseException) -> None:
        self._done("")
        message = user_message(error)
        if isinstance(error, OSError):
            message = _("The receipt could not be written: {reason}.").format(
                reason=error.strerror or error
            )
        self.general_error.show_error(message)

    # -- email --------------------------------------------------------------------------

    def _on_email_edited(self) -> None:
        receipt = self.receipt
        ready = receipt is not None and receipt.can_email and bool(self.email_edit.text().strip())
        if not self._runner.is_running(f"receipt-email:{self._booking_id}"):
            self.email_button.setEnabled(ready)

    def _email_done(self) -> None:
        self.email_button.setText(_("Email receipt (Stripe)"))
        self.email_edit.setEnabled(True)
        self._on_email_edited()

    def _on_emailed(self, result: ReceiptEmailResult) -> None:
        self.last_email = result
        self._email_done()
        theme.set_role(self.email_status, tone="success")
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
