"""Manage ▸ Close the day…: the Z report of a business day, the opening float and the cash
counted against cash expected, and the close itself (after a question naming the day and
its totals); afterwards the day reads back frozen ("Closed at … by …").

The dialog takes the day close service as a narrow protocol (``DayCloseService``); the
figures and sentences come from the Qt-free ``day_close_presenter``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.errors import FormErrors
from pos_app.i18n import _, ngettext
from pos_app.printing.paging import typesetting
from pos_app.printing.z_report import write_z_pdf
from pos_app.services.day_close import ZReport, counted_field, float_field
from pos_app.ui.kit import theme
from pos_app.ui.kit.date_fields import DateEdit
from pos_app.ui.kit.forms import ErrorLabel
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.reports.day_close.currency_panel import CurrencyPanel
from pos_app.ui.reports.day_close.day_close_presenter import DayCloseService, confirmation

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
PANEL_WIDTH = 460  # one currency's Z report: the width of a printed one, easy to read
# A day of one currency (most days) has its drawer beside its figures: half as tall, so the
# report, the float and the buttons fit a 1366 × 768 laptop's screen without scrolling.
WIDE_PANEL_WIDTH = 2 * PANEL_WIDTH - 40
DIALOG_WIDTH = WIDE_PANEL_WIDTH + 80
# The window's title bar and frame, which the screen's room must also hold.
WINDOW_FRAME = 40
# However small the screen, this much of the report shows (the rest scrolls).
MIN_REPORT_HEIGHT = 120

Confirm = Callable[[QWidget, str, str], bool]
PathChooser = Callable[[QWidget, str], str | None]


def ask_confirm(parent: QWidget, title: str, text: str) -> bool:
    """The question before the close; yes only when "Close the day" is chosen (Escape and
    "Not yet" say no)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(_("Close the day"), QMessageBox.ButtonRole.AcceptRole)
    theme.make_primary(yes)
    box.addButton(_("Not yet"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def available_height(widget: QWidget) -> int:
    """The height of the screen ``widget`` is on, less the task bar or dock."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().height() if screen is not None else 768


def choose_pdf_path(parent: QWidget, suggested: str) -> str | None:
    """Qt's save dialog for a PDF; the path, or None if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save Z report as PDF"), suggested, _("PDF files (*.pdf)")
    )
    if not path:
        return None
    return path if path.lower().endswith(".pdf") else path + ".pdf"


# -- the dialog --------------------------------------------------------------------------------


class DayCloseDialog(QDialog):
    """Pick a day, see its Z report, count the drawer, close the day."""

    closed_day = Signal(object)  # the closed ZReport

    def __init__(
        self,
        service: DayCloseService,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        business: str,
        timezone: tzinfo,
        day: date | None = None,
        confirm: Confirm = ask_confirm,
        choose_path: PathChooser = choose_pdf_path,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._business = business
        self._runner = runner
        self._confirm = confirm
        self._choose_path = choose_path
        self._tz = timezone
        self.report: ZReport | None = None
        self.panels: dict[str, CurrencyPanel] = {}
        self.loads = 0  # finished loads, for tests and the screenshot
        self.setWindowTitle(_("Close the day"))
        self.setModal(True)
        self.resize(DIALOG_WIDTH, 560)  # until the report is in: then it fits it

        title = QLabel(_("Close the day"))
        title.setFont(theme.font(self, scale=1.35, bold=True))
        subtitle = QLabel(
            _(
                "The Z report: card takings as Stripe settled them, Stripe's fees, and the cash "
                "the drawer should hold. Enter the opening float, count the drawer, then close "
                "the day."
            )
        )
        subtitle.setWordWrap(True)
        theme.set_role(subtitle, muted=True)

        today = datetime.now(self._tz).date()
        chosen = day or today
        self.date_edit = DateEdit(QDate(chosen.year, chosen.month, chosen.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date_edit.setMinimumDate(QDate(2000, 1, 1))
        date_label = QLabel(_("&Day"))
        date_label.setBuddy(self.date_edit)
        self.state_label = QLabel("")
        self.state_label.setObjectName("dayState")
        self.state_label.setWordWrap(True)
        # The day beside the title: one line less, so the report fits a laptop screen.
        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(title, 1)
        head.addWidget(date_label)
        head.addWidget(self.date_edit)

        self.panels_box = QWidget()
        outer = QVBoxLayout(self.panels_box)
        outer.setContentsMargins(0, 0, 0, 0)
        self.panels_layout = QHBoxLayout()
        self.panels_layout.setContentsMargins(0, 0, 0, 0)
        self.panels_layout.setSpacing(14)
        outer.addLayout(self.panels_layout)
        outer.addStretch(1)
        self.report_area = QScrollArea()
        self.report_area.setWidget(self.panels_box)
        self.report_area.setWidgetResizable(True)
        self.report_area.setFrameShape(QFrame.Shape.NoFrame)

        self.warning_label = QLabel("")
        self.warning_label.setWordWrap(True)
        self.warning_label.hide()

        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(
            _("Optional: why the drawer is short or over, who counted")
        )
        self.note_edit.setMaxLength(1000)
        note_label = QLabel(_("&Note"))
        note_label.setBuddy(self.note_edit)
        self.note_error = ErrorLabel()
        note_row = QGridLayout()
        note_row.setHorizontalSpacing(10)
        note_row.addWidget(note_label, 0, 0)
        note_row.addWidget(self.note_edit, 0, 1)
        note_row.addWidget(self.note_error, 1, 1)

        self.spinner = Spinner(diameter=18)
        self.spinner.hide()
        self.status_label = QLabel(_("Loading…"))
        self.error = ErrorLabel()
        self.pdf_button = QPushButton(_("Save &PDF…"))
        self.pdf_button.setToolTip(_("The Z report as a PDF, to print or keep"))
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_day_button = QPushButton(_("Close &day"))
        theme.make_primary(self.close_day_button)
        self.close_day_button.setDefault(True)
        self.close_day_button.clicked.connect(self.close_day)
        self.done_button = QPushButton(_("Close"))
        self.done_button.setAutoDefault(False)
        self.done_button.clicked.connect(self.reject)
        foot = QHBoxLayout()
        foot.addWidget(self.spinner)
        foot.addWidget(self.status_label)
        foot.addWidget(self.error, 1)
        foot.addWidget(self.pdf_button)
        foot.addWidget(self.close_day_button)
        foot.addWidget(self.done_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)  # tight enough for a 768 px high laptop screen
        layout.addLayout(head)
        layout.addWidget(subtitle)
        layout.addWidget(self.state_label)
        layout.addWidget(self.report_area, 1)
        layout.addWidget(self.warning_label)
        layout.addLayout(note_row)
        layout.addLayout(foot)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.reload)
        self.date_edit.dateChanged.connect(lambda _d: self._debounce.start())
        self._set_actions(loaded=False)
        self.reload()

    # -- public ---------------------------------------------------------------------------

    def day(self) -> date:
        """The business day on screen."""
        value = self.date_edit.date().toPython()
        assert isinstance(value, date)
        return value

    def set_day(self, day: date) -> None:
        """Show ``day`` (loads it at once)."""
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.reload()

    def set_counted(self, currency: str, text: str) -> None:
        """Type ``text`` in the cash counted of ``currency`` (tests, the screenshot)."""
        self.panels[currency].counted_edit.setText(text)

    def set_float(self, currency: str, text: str) -> None:
        """Type ``text`` in the opening float of ``currency`` (tests, the screenshot)."""
        self.panels[currency].float_edit.setText(text)

    def state_text(self) -> str:
        """'Open …' or 'Closed at … by …'."""
        return self.state_label.text()

    def error_text(self) -> str:
        """The sentence under the report ('' when none)."""
        return self.error.text()

    def reload(self, *, keep_error: bool = False) -> None:
        """Read the day's Z report in the background; an older answer is dropped."""
        self._debounce.stop()
        day = self.day()
        service = self._service
        self._busy(_("Loading…"))
        if not keep_error:
            self.error.show_error(None)
        self._runner.run(
            lambda: service.preview(day),
            on_success=self._on_report,
            on_failure=self._on_failed,
            owner=self,
            latest=self,  # the day changed meanwhile: only the newest answer is shown
        )

    def close_day(self) -> None:
        """Ask to confirm (the day and its totals), then close the day with the opening
        floats and counts typed (in the background)."""
        z = self.report
        if z is None or z.is_closed or not self.close_day_button.isEnabled():
            return
        counted = {code: panel.counted_text() for code, panel in self.panels.items()}
        floats = {code: panel.float_text() for code, panel in self.panels.items()}
        question = confirmation(z, floats, counted)
        # Unreadable figures get no question: the service names the field that is wrong.
        if question is not None and not self._confirm(self, question.title, question.text):
            return
        note = self.note_edit.text()
        day = z.business_date
        service = self._service
        for panel in self.panels.values():
            panel.error.show_error(None)
            panel.set_enabled_for_input(False)
        self.note_error.show_error(None)
        self.error.show_error(None)
        self._busy(_("Closing the day…"))
        self.close_day_button.setEnabled(False)
        self._runner.run(
            lambda: service.close(day, counted, note, floats=floats),
            on_success=self._on_closed,
            on_failure=self._on_close_failed,
            owner=self,
        )

    def save_pdf(self) -> None:
        """Ask where, then write the Z report as a PDF in the background."""
        z = self.report
        if z is None:
            return
        suggested = str(Path.home() / f"z-report-{z.business_date.isoformat()}.pdf")
        path = self._choose_path(self, suggested)
        if not path:
            return
        business = self._business
        setting = typesetting()  # fonts and screens belong to the GUI thread
        self._busy(_("Saving the PDF…"))
        self._runner.run(
            lambda: write_z_pdf(z, path, business=business, setting=setting),
            on_success=lambda saved: self._idle(_("Saved {file}.").format(file=Path(saved).name)),
            on_failure=lambda err: self._show_failure(err),
            owner=self,
        )

    # -- results --------------------------------------------------------------------------

    def _on_report(self, z: ZReport) -> None:
        self._show(z)
        self._idle("")
        self.loads += 1

    def _on_failed(self, error: BaseException) -> None:
        self._show_failure(error)
        self.loads += 1

    def _on_closed(self, z: ZReport) -> None:
        self._show(z)
        self._idle(_("The day is closed."))
        self.closed_day.emit(z)

    def _on_close_failed(self, error: BaseException) -> None:
        for panel in self.panels.values():
            panel.set_enabled_for_input(True)
        self._set_actions(loaded=True)
        if isinstance(error, FormErrors):
            self._idle("")
            first: QWidget | None = None
            for field_name, sentence in error.errors.items():
                if field_name == "note":
                    self.note_error.show_error(sentence)
                    first = first or self.note_edit
                    continue
                counts = {counted_field(c): p for c, p in self.panels.items()}
                opening = {float_field(c): p for c, p in self.panels.items()}
                if field_name in counts:
                    counts[field_name].error.show_error(sentence)
                    first = first or counts[field_name].counted_edit
                elif field_name in opening:
                    opening[field_name].float_error.show_error(sentence)
                    first = first or opening[field_name].float_edit
                else:
                    self.error.show_error(sentence)
            if first is not None:
                first.setFocus()
            return
        self._show_failure(error)
        self.reload(keep_error=True)  # closed meanwhile by someone else: show what stands

    def _show_failure(self, error: BaseException) -> None:
        self._idle("")
        self.error.show_error(user_message(error))

    # -- drawing --------------------------------------------------------------------------

    def _show(self, z: ZReport) -> None:
        if self.report is not None and self.report.is_closed and not z.is_closed:
            self.note_edit.clear()  # the closed day's note is not this day's
        self.report = z
        while self.panels_layout.count():
            item = self.panels_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.panels = {}
        self.panels_layout.addStretch(1)
        columns = 2 if len(z.currencies) == 1 else 1
        for totals in z.currencies:
            panel = CurrencyPanel(totals, z.close_for(totals.currency), columns=columns)
            panel.setFixedWidth(WIDE_PANEL_WIDTH if columns == 2 else PANEL_WIDTH)
            self.panels[totals.currency] = panel
            self.panels_layout.addWidget(panel)
            panel.show()  # now, not after the next event: the dialog's size counts it
        self.panels_layout.addStretch(1)
        previous: QWidget = self.date_edit
        for panel in self.panels.values():
            QWidget.setTabOrder(previous, panel.float_edit)
            QWidget.setTabOrder(panel.float_edit, panel.counted_edit)
            previous = panel.counted_edit
        QWidget.setTabOrder(previous, self.note_edit)
        QWidget.setTabOrder(self.note_edit, self.close_day_button)

        if z.is_closed:
            first = z.closes[0]
            self.state_label.setText(z.closed_sentence.replace(" was closed", ": closed"))
            self._tone(self.state_label, "success")
            self.note_edit.setText(first.note)
            self.note_edit.setReadOnly(True)
            self.note_edit.setPlaceholderText(_("No note"))
        else:
            self.state_label.setText(_("Open: the figures as they stand now."))
            self._tone(self.state_label, None)
            self.note_edit.setReadOnly(False)
            self.note_edit.setPlaceholderText(
                _("Optional: why the drawer is short or over, who counted")
            )
        open_links = z.sales.conversion.open
        if not z.is_closed and open_links:
            self.warning_label.setText(
                ngettext(
                    "{count} payment link is still open. "
                    "A payment made after the close counts on the day it is recorded.",
                    "{count} payment links are still open. "
                    "A payment made after the close counts on the day it is recorded.",
                    open_links,
                ).format(count=open_links)
            )
            self._tone(self.warning_label, "warning")
            self.warning_label.show()
        else:
            self.warning_label.hide()
        self._set_actions(loaded=True)
        self._fit_report()
        if not z.is_closed and self.panels:
            next(iter(self.panels.values())).float_edit.setFocus()

    def _fit_report(self) -> None:
        """Make the report area as tall as the Z report, as far as the screen allows (on a
        smaller screen the report scrolls), and the dialog fit around it; a second currency
        stands beside the first."""
        layout = self.layout()
        box = self.panels_box.layout()
        if layout is None or box is None:
            return
        box.activate()  # the new panels count only once their layout has taken them in
        report = self.panels_box.sizeHint().height()
        panels = list(self.panels.values())
        wide = sum(p.width() + 14 for p in panels[:3]) + 66  # other currencies side by side
        width = max(self.width(), wide, self.sizeHint().width())
        # What the title, the sentences and the buttons take at this width (wrapped lines
        # included): lay the dialog out tall and measure what is not the report.
        self.report_area.setMinimumHeight(0)
        self.resize(width, max(self.height(), report + 600))
        layout.activate()
        around = self.height() - self.report_area.height()
        height = min(around + report, available_height(self) - WINDOW_FRAME)
        self.report_area.setMinimumHeight(max(MIN_REPORT_HEIGHT, height - around))
        self.resize(width, max(height, around + MIN_REPORT_HEIGHT))

    def _set_actions(self, *, loaded: bool) -> None:
        z = self.report
        open_day = loaded and z is not None and not z.is_closed
        self.close_day_button.setEnabled(open_day)
        self.close_day_button.setVisible(z is None or not z.is_closed)
        self.pdf_button.setEnabled(loaded and z is not None)

    def _busy(self, text: str) -> None:
        self.spinner.show()
        self.status_label.setText(text)
        self.pdf_button.setEnabled(False)
        self.close_day_button.setEnabled(False)

    def _idle(self, text: str) -> None:
        self.spinner.hide()
        self.status_label.setText(text)
        self._set_actions(loaded=self.report is not None)

    def _tone(self, label: QLabel, tone: str | None) -> None:
        theme.set_role(label, "heading" if tone else "", tone=tone or "")
