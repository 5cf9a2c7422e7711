"""Manage ▸ Close the day…: the Z report of a business day, cash counted against cash
expected, and the close itself; afterwards the day reads back frozen ("Closed at … by …").

Also home of :class:`ClosingActions`, the Manage menu's "Close the day…" and "Reconcile with
Stripe…" entries (managers only; anyone else gets the sentence instead of the dialog).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QDateEdit,
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
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.errors import FormErrors, ValidationError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.reports import DayClose
from pos_app.services.day_close import (
    NOT_MANAGER,
    ZReport,
    ZTotals,
    counted_field,
    day_words,
)
from pos_app.ui.kit import theme
from pos_app.ui.kit.forms import ErrorLabel
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.reports.receipt_view import (
    Typesetting,
    paint_pages,
    typesetting,
    write_pdf_file,
)

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
PANEL_WIDTH = 460  # one currency's Z report: the width of a printed one, easy to read
MINUS = "−"  # a real minus sign: lines up with digits, unlike a hyphen

Confirm = Callable[[QWidget, str, str], bool]
PathChooser = Callable[[QWidget, str], str | None]


def ask_confirm(parent: QWidget, title: str, text: str) -> bool:
    """A Yes/No question; Yes only when chosen (Escape and No say no)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton("Close the day", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Not yet", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def choose_pdf_path(parent: QWidget, suggested: str) -> str | None:
    """Qt's save dialog for a PDF; the path, or None if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Save Z report as PDF", suggested, "PDF files (*.pdf)"
    )
    if not path:
        return None
    return path if path.lower().endswith(".pdf") else path + ".pdf"


def signed(money: Money) -> str:
    """'−$4.95' with a real minus sign."""
    return money.format().replace("-", MINUS)


def difference_text(difference: Money) -> tuple[str, str]:
    """What the drawer's difference says, and its tone: short (danger), over (warning) or
    exact (success)."""
    if difference.amount < 0:
        return f"{signed(difference)} short", "danger"
    if difference.amount > 0:
        return f"+{difference.format()} over", "warning"
    return "Exact", "success"


# -- one currency ----------------------------------------------------------------------------


class CurrencyPanel(QFrame):
    """The Z report of one currency: cards, fees, cash expected, counted and the difference."""

    edited = Signal()

    def __init__(self, totals: ZTotals, close: DayClose | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.totals = totals
        self.record = close  # the day's close in this currency, once closed
        self.setObjectName("zPanel")
        self.setStyleSheet(
            "QFrame#zPanel { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 6px; }"
            "QFrame#zPanel QLabel { background: transparent; }"
        )
        grid = QGridLayout(self)
        grid.setContentsMargins(18, 14, 18, 16)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(7)
        grid.setColumnStretch(0, 1)
        self._grid = grid
        self._row = 0
        t = totals
        code = t.currency.upper()
        head = QLabel(code)
        head.setFont(theme.font(self, scale=1.25, bold=True))
        grid.addWidget(head, self._next(), 0, 1, 2)

        self._section("Card (Stripe)")
        self._line(f"Card payments ({t.card_count})", t.money(t.card_gross))
        self._line("Card refunds", t.money(-t.card_refunds))
        self._line("Card net", t.money(t.card_net), bold=True)
        for caption, figure in t.fee_lines():  # "Fees pending" until Stripe reports each
            self._line(caption, figure)

        self._section("Cash")
        self._line(f"Cash payments ({t.cash_count})", t.money(t.cash_received))
        if t.cash_refunds:
            self._line("Cash given back", t.money(-t.cash_refunds))
        self._line("Cash expected in the drawer", t.money(t.cash_expected), bold=True)

        self.counted_edit = QLineEdit()
        self.counted_edit.setObjectName(counted_field(t.currency))
        self.counted_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.counted_edit.setPlaceholderText(t.money(t.cash_expected).plain())
        self.counted_edit.setMaximumWidth(150)
        self.counted_edit.setAccessibleName(f"Cash counted, {code}")
        self.counted_label = QLabel("Cash &counted")
        self.counted_label.setBuddy(self.counted_edit)
        row = self._next()
        grid.addWidget(self.counted_label, row, 0)
        grid.addWidget(self.counted_edit, row, 1, Qt.AlignmentFlag.AlignRight)
        self.counted_value = QLabel("")
        self.counted_value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.counted_value, row, 1)
        self.error = ErrorLabel()
        grid.addWidget(self.error, self._next(), 0, 1, 2)
        self.difference_caption = QLabel("Difference")
        self.difference_label = QLabel("")
        self.difference_label.setObjectName("difference")
        self.difference_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self.difference_label.setFont(theme.font(self, bold=True))
        row = self._next()
        grid.addWidget(self.difference_caption, row, 0)
        grid.addWidget(self.difference_label, row, 1)

        if t.adjustments:
            note = QLabel(
                f"Includes {t.adjustments} adjustment{'s' if t.adjustments != 1 else ''} "
                f"to days already closed (net {signed(t.money(t.adjustments_net))}), "
                "counted today because they were recorded today."
            )
            note.setWordWrap(True)
            note.setStyleSheet("color: palette(placeholder-text);")
            grid.addWidget(note, self._next(), 0, 1, 2)
        grid.setRowStretch(self._next(), 1)

        self.counted_edit.textChanged.connect(self._on_counted)
        if close is not None:
            self.counted_edit.hide()
            self.counted_value.setText(t.money(close.cash_counted).format())
            self.counted_label.setText("Cash counted")
            self._show_difference(Money(close.cash_difference, t.currency))
        else:
            self.counted_value.hide()
            self._on_counted("")

    # -- public ---------------------------------------------------------------------------

    def counted_text(self) -> str:
        """What was typed in "Cash counted"."""
        return self.counted_edit.text()

    def difference_text(self) -> str:
        """The difference as shown ('' while nothing valid is typed)."""
        return self.difference_label.text()

    def difference_tone(self) -> str:
        """'danger', 'warning', 'success' or '' (for tests and the PDF)."""
        return str(self.difference_label.property("tone") or "")

    def set_enabled_for_input(self, enabled: bool) -> None:
        """Typing is allowed (not while the close is being saved)."""
        self.counted_edit.setEnabled(enabled)

    # -- internals ------------------------------------------------------------------------

    def _next(self) -> int:
        self._row += 1
        return self._row

    def _section(self, text: str) -> None:
        label = QLabel(text)
        label.setFont(theme.font(self, scale=0.9, bold=True))
        label.setStyleSheet("color: palette(placeholder-text);")
        self._grid.addItem(QSpacerItem(0, 6), self._next(), 0)
        self._grid.addWidget(label, self._next(), 0, 1, 2)

    def _line(self, text: str, amount: Money | str, *, bold: bool = False) -> None:
        row = self._next()
        caption = QLabel(text)
        value = QLabel(amount if isinstance(amount, str) else signed(amount))
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if bold:
            caption.setFont(theme.font(self, bold=True))
            value.setFont(theme.font(self, bold=True))
        self._grid.addWidget(caption, row, 0)
        self._grid.addWidget(value, row, 1)

    def _on_counted(self, text: str) -> None:
        self.error.show_error(None)
        t = self.totals
        if not text.strip():
            self._show_difference(None)
            return
        try:
            counted = parse_money(text, t.currency, field="counted")
        except ValidationError:
            self._show_difference(None, "—")
        else:
            self._show_difference(counted - t.money(t.cash_expected))
        self.edited.emit()

    def _show_difference(self, difference: Money | None, placeholder: str = "") -> None:
        if difference is None:
            self.difference_label.setText(placeholder)
            self.difference_label.setProperty("tone", "")
            self.difference_label.setStyleSheet("")
            return
        text, tone = difference_text(difference)
        color = theme.semantic(tone, self).name()
        self.difference_label.setText(text)
        self.difference_label.setProperty("tone", tone)
        self.difference_label.setStyleSheet(f"QLabel#difference {{ color: {color}; }}")


# -- the dialog --------------------------------------------------------------------------------


class DayCloseDialog(QDialog):
    """Pick a day, see its Z report, count the drawer, close the day."""

    closed_day = Signal(object)  # the closed ZReport

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        day: date | None = None,
        confirm: Confirm = ask_confirm,
        choose_path: PathChooser = choose_pdf_path,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._confirm = confirm
        self._choose_path = choose_path
        self._tz = ctx.config.timezone
        self._generation = 0
        self.report: ZReport | None = None
        self.panels: dict[str, CurrencyPanel] = {}
        self.loads = 0  # finished loads, for tests and the screenshot
        self.setWindowTitle("Close the day")
        self.setModal(True)
        self.resize(PANEL_WIDTH + 80, 560)

        title = QLabel("Close the day")
        title.setFont(theme.font(self, scale=1.35, bold=True))
        subtitle = QLabel(
            "The Z report: card takings as Stripe settled them, Stripe's fees, and the cash "
            "the drawer should hold. Count the drawer, then close the day."
        )
        subtitle.setWordWrap(True)
        subtitle.setStyleSheet("color: palette(placeholder-text);")

        today = datetime.now(self._tz).date()
        chosen = day or today
        self.date_edit = QDateEdit(QDate(chosen.year, chosen.month, chosen.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date_edit.setMinimumDate(QDate(2000, 1, 1))
        date_label = QLabel("&Day")
        date_label.setBuddy(self.date_edit)
        self.state_label = QLabel("")
        self.state_label.setObjectName("dayState")
        self.state_label.setWordWrap(True)
        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(date_label)
        head.addWidget(self.date_edit)
        head.addSpacing(12)
        head.addWidget(self.state_label, 1)

        self.panels_box = QWidget()
        outer = QVBoxLayout(self.panels_box)
        outer.setContentsMargins(0, 4, 0, 0)
        self.panels_layout = QHBoxLayout()
        self.panels_layout.setContentsMargins(0, 0, 0, 0)
        self.panels_layout.setSpacing(14)
        outer.addLayout(self.panels_layout)
        outer.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(self.panels_box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.warning_label = QLabel("")
        self.warning_label.setWordWrap(True)
        self.warning_label.hide()

        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Optional: why the drawer is short or over, who counted")
        self.note_edit.setMaxLength(1000)
        note_label = QLabel("&Note")
        note_label.setBuddy(self.note_edit)
        self.note_error = ErrorLabel()
        note_row = QGridLayout()
        note_row.setHorizontalSpacing(10)
        note_row.addWidget(note_label, 0, 0)
        note_row.addWidget(self.note_edit, 0, 1)
        note_row.addWidget(self.note_error, 1, 1)

        self.spinner = Spinner(diameter=18)
        self.spinner.hide()
        self.status_label = QLabel("Loading…")
        self.error = ErrorLabel()
        self.pdf_button = QPushButton("Save &PDF…")
        self.pdf_button.setToolTip("The Z report as a PDF, to print or keep")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_day_button = QPushButton("Close &day")
        theme.make_primary(self.close_day_button)
        self.close_day_button.setDefault(True)
        self.close_day_button.clicked.connect(self.close_day)
        self.done_button = QPushButton("Close")
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
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addLayout(head)
        layout.addWidget(scroll, 1)
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

    def state_text(self) -> str:
        """'Open …' or 'Closed at … by …'."""
        return self.state_label.text()

    def error_text(self) -> str:
        """The sentence under the report ('' when none)."""
        return self.error.text()

    def reload(self, *, keep_error: bool = False) -> None:
        """Read the day's Z report in the background; an older answer is dropped."""
        self._debounce.stop()
        self._generation += 1
        generation = self._generation
        day = self.day()
        service = self._ctx.day_close
        self._busy("Loading…")
        if not keep_error:
            self.error.show_error(None)
        self._runner.run(
            lambda: service.preview(day),
            on_success=lambda z: self._on_report(generation, z),
            on_failure=lambda err: self._on_failed(generation, err),
            owner=self,
        )

    def close_day(self) -> None:
        """Ask to confirm, then close the day with the counts typed (in the background)."""
        z = self.report
        if z is None or z.is_closed or not self.close_day_button.isEnabled():
            return
        counted = {code: panel.counted_text() for code, panel in self.panels.items()}
        lines: list[str] = []
        for code, panel in self.panels.items():
            t = panel.totals
            typed = counted[code].strip() or "0"
            try:
                amount = parse_money(typed, code, field="counted")
            except ValidationError:
                lines = []  # the service explains which field is wrong
                break
            diff_text, _tone = difference_text(amount - t.money(t.cash_expected))
            lines.append(
                f"{code.upper()}: counted {amount}, expected {t.money(t.cash_expected)}"
                f" ({diff_text.lower()})"
            )
        if lines:
            question = (
                f"Close {day_words(z.business_date)}?\n\n" + "\n".join(lines) + "\n\nA closed "
                "day cannot be changed: anything recorded later counts on the day it is "
                "recorded."
            )
            if not self._confirm(self, "Close the day", question):
                return
        note = self.note_edit.text()
        day = z.business_date
        service = self._ctx.day_close
        for panel in self.panels.values():
            panel.error.show_error(None)
            panel.set_enabled_for_input(False)
        self.note_error.show_error(None)
        self.error.show_error(None)
        self._busy("Closing the day…")
        self.close_day_button.setEnabled(False)
        self._runner.run(
            lambda: service.close(day, counted, note),
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
        business = self._ctx.config.business_name
        setting = typesetting()  # fonts and screens belong to the GUI thread
        self._busy("Saving the PDF…")
        self._runner.run(
            lambda: write_z_pdf(z, path, business=business, setting=setting),
            on_success=lambda saved: self._idle(f"Saved {Path(saved).name}."),
            on_failure=lambda err: self._show_failure(err),
            owner=self,
        )

    # -- results --------------------------------------------------------------------------

    def _on_report(self, generation: int, z: ZReport) -> None:
        if generation != self._generation:
            return
        self._show(z)
        self._idle("")
        self.loads += 1

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._show_failure(error)
        self.loads += 1

    def _on_closed(self, z: ZReport) -> None:
        self._show(z)
        self._idle("The day is closed.")
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
                owner = next(
                    (p for c, p in self.panels.items() if counted_field(c) == field_name), None
                )
                if owner is not None:
                    owner.error.show_error(sentence)
                    first = first or owner.counted_edit
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
        for totals in z.currencies:
            panel = CurrencyPanel(totals, z.close_for(totals.currency))
            panel.setFixedWidth(PANEL_WIDTH)
            self.panels[totals.currency] = panel
            self.panels_layout.addWidget(panel)
        self.panels_layout.addStretch(1)
        wanted = min(len(self.panels), 3) * (PANEL_WIDTH + 14) + 66
        if self.width() < wanted:
            self.resize(wanted, self.height())  # a second currency side by side
        previous: QWidget = self.date_edit
        for panel in self.panels.values():
            QWidget.setTabOrder(previous, panel.counted_edit)
            previous = panel.counted_edit
        QWidget.setTabOrder(previous, self.note_edit)
        QWidget.setTabOrder(self.note_edit, self.close_day_button)

        if z.is_closed:
            first = z.closes[0]
            self.state_label.setText(z.closed_sentence.replace(" was closed", ": closed"))
            self._tone(self.state_label, "success")
            self.note_edit.setText(first.note)
            self.note_edit.setReadOnly(True)
            self.note_edit.setPlaceholderText("No note")
        else:
            self.state_label.setText("Open: the figures as they stand now.")
            self._tone(self.state_label, None)
            self.note_edit.setReadOnly(False)
            self.note_edit.setPlaceholderText(
                "Optional: why the drawer is short or over, who counted"
            )
        open_links = z.sales.conversion.open
        if not z.is_closed and open_links:
            self.warning_label.setText(
                f"{open_links} payment link{'s are' if open_links != 1 else ' is'} still open. "
                "A payment made after the close counts on the day it is recorded."
            )
            self._tone(self.warning_label, "warning")
            self.warning_label.show()
        else:
            self.warning_label.hide()
        self._set_actions(loaded=True)
        if not z.is_closed and self.panels:
            next(iter(self.panels.values())).counted_edit.setFocus()

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
        if tone is None:
            label.setStyleSheet("")
            return
        color = theme.semantic(tone, self).name()
        label.setStyleSheet(f"QLabel {{ color: {color}; font-weight: bold; }}")


# -- the Z report on paper ---------------------------------------------------------------------


def z_report_html(z: ZReport, *, business: str) -> str:
    """The Z report as simple HTML for a QTextDocument (printing, PDF)."""
    e = html.escape

    def row(caption: str, amount: Money | str, *, bold: bool = False) -> str:
        value = amount if isinstance(amount, str) else signed(amount)
        style = " style='font-weight:bold'" if bold else ""
        return f"<tr{style}><td>{e(caption)}</td><td align='right'>{e(value)}</td></tr>"

    parts = [
        f"<h2>{e(business)}</h2>",
        f"<h3>Z report — {e(day_words(z.business_date))} {z.business_date.year}</h3>",
    ]
    if z.is_closed:
        parts.append(f"<p>{e(z.closed_sentence)}</p>")
    else:
        parts.append("<p>Not closed yet: the figures as they stood when printed.</p>")
    for t in z.currencies:
        close = z.close_for(t.currency)
        rows = [
            row(f"Card payments ({t.card_count})", t.money(t.card_gross)),
            row("Card refunds", t.money(-t.card_refunds)),
            row("Card net", t.money(t.card_net), bold=True),
            *[row(caption, figure) for caption, figure in t.fee_lines()],
            row(f"Cash payments ({t.cash_count})", t.money(t.cash_received)),
            row("Cash expected in the drawer", t.money(t.cash_expected), bold=True),
        ]
        if close is not None:
            diff, _tone = difference_text(Money(close.cash_difference, t.currency))
            rows.append(row("Cash counted", t.money(close.cash_counted)))
            rows.append(row("Difference", diff, bold=True))
        if t.adjustments:
            rows.append(
                row(f"Adjustments to closed days ({t.adjustments})", t.money(t.adjustments_net))
            )
        parts.append(f"<h4>{e(t.currency.upper())}</h4>")
        parts.append(
            "<table width='100%' cellspacing='0' cellpadding='3'>" + "".join(rows) + "</table>"
        )
    note = z.closes[0].note if z.closes else ""
    if note:
        parts.append(f"<p><b>Note:</b> {e(note)}</p>")
    parts.append(f"<p style='color:#666'>Times in {e(z.timezone)}.</p>")
    return "".join(parts)


def write_z_pdf(
    z: ZReport,
    path: Path | str,
    *,
    business: str,
    setting: Typesetting | None = None,
) -> Path:
    """Write the Z report as a PDF (A4 or Letter by locale), text selectable."""
    setting = setting or typesetting()
    doc = QTextDocument()
    doc.setDefaultFont(setting.font)
    doc.setHtml(z_report_html(z, business=business))
    return write_pdf_file(
        path,
        title=f"Z report {z.business_date.isoformat()} — {business}",
        creator=f"pos-app — {business}",
        paint=lambda writer: paint_pages(doc, writer, setting.dpi),
    )[0]


# -- the Manage menu's entries ---------------------------------------------------------------


class ClosingActions:
    """Manage ▸ Close the day… (Ctrl+Shift+Z) and Manage ▸ Reconcile with Stripe…
    (Ctrl+Shift+K), for managers; anyone else is told so in the window's notice line."""

    def __init__(self, window: MainWindow, runner: TaskRunner) -> None:
        self._window = window
        self._runner = runner
        self._ctx: AppContext | None = None
        self.day_close_dialog: QDialog | None = None
        self.reconcile_dialog: QDialog | None = None

        def action(text: str, tip: str, keys: str, slot: Callable[[], object]) -> QAction:
            act = QAction(text, window)  # the window's: the lock screen holds its shortcut
            act.setToolTip(tip)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            act.setEnabled(False)
            window.addAction(act)
            return act

        self.close_day_action = action(
            "Close the day…",
            "The Z report: card totals, fees, cash counted; then close the day (managers)",
            "Ctrl+Shift+Z",
            self.open_day_close,
        )
        self.reconcile_action = action(
            "Reconcile with Stripe…",
            "Compare payments and refunds with Stripe and settle differences (managers)",
            "Ctrl+Shift+K",
            self.open_reconcile,
        )
        window.manage_menu.addSeparator()
        window.manage_menu.addAction(self.close_day_action)
        window.manage_menu.addAction(self.reconcile_action)

    def attach(self, ctx: AppContext) -> None:
        """The app is ready: the entries work (the lock screen still holds them back)."""
        self._ctx = ctx
        self.close_day_action.setEnabled(True)
        self.reconcile_action.setEnabled(True)

    def close_dialogs(self) -> None:
        """At quit: close what is open."""
        for dialog in (self.day_close_dialog, self.reconcile_dialog):
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.reject()

    def open_day_close(self) -> DayCloseDialog | None:
        """Manage ▸ Close the day… (managers)."""
        ctx = self._allowed(NOT_MANAGER)
        if ctx is None:
            return None
        dialog = DayCloseDialog(ctx, self._runner, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.closed_day.connect(lambda _z: self._window.reload())
        self.day_close_dialog = dialog
        dialog.open()
        return dialog

    def open_reconcile(self) -> QDialog | None:
        """Manage ▸ Reconcile with Stripe… (managers)."""
        from pos_app.services.reconciliation import NOT_MANAGER as NOT_MANAGER_RECONCILE
        from pos_app.ui.reports.reconcile.reconciliation_view import ReconcileDialog

        ctx = self._allowed(NOT_MANAGER_RECONCILE)
        if ctx is None:
            return None
        dialog = ReconcileDialog(ctx, self._runner, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.settled.connect(lambda: self._window.reload())
        self.reconcile_dialog = dialog
        dialog.open()
        return dialog

    def _allowed(self, sentence: str) -> AppContext | None:
        ctx = self._ctx
        if ctx is None or getattr(self._window.access, "locked", False):
            return None
        if not ctx.deps.desk.actor.is_manager:
            self._window.show_notice(sentence)
            return None
        return ctx
