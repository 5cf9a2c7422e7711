"""Manage ▸ Reconcile with Stripe…: local card payments and refunds of a range of days
against Stripe's charges, refunds and balance transactions; every difference listed with
"Settle from Stripe" (one row, or all of them), and the comparison run again afterwards.

Stripe is read in the background (it may take a few seconds for a month); the table only
shows what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain import locale_format as lf
from pos_app.domain.dates import FIRST_DAY, LAST_DAY
from pos_app.i18n import N_, _, ngettext
from pos_app.services.reconciliation import (
    Mismatch,
    MismatchKind,
    Reconciliation,
    SettleOutcome,
)
from pos_app.services.reconciliation_model import state_word
from pos_app.ui.kit import theme
from pos_app.ui.kit.date_fields import DateEdit
from pos_app.ui.kit.forms import ErrorLabel
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tables import (
    RIGHT,
    Column,
    RowsModel,
    rows_table,
    size_columns,
    table_or_empty,
)
from pos_app.ui.kit.tasks import TaskRunner, user_message

DEFAULT_DAYS = 7
NOT_HERE = N_("Not in this database")


class ReconcileService(Protocol):
    """What the screen asks of the reconciliation (``services.reconciliation``)."""

    def compare(self, start: date, end: date) -> Reconciliation:
        """Every card payment and refund of the days against Stripe's records."""
        ...

    def settle_from_stripe(self, mismatch: Mismatch) -> str:
        """Take Stripe's record for one difference; a sentence saying what changed."""
        ...

    def settle_all(self, mismatches: Sequence[Mismatch]) -> SettleOutcome:
        """Take Stripe's record for every difference that can be."""
        ...


def short_id(value: str | None) -> str:
    """A Stripe id shortened for a column ('ch_3Q…x9Zk'); the full id is in the tooltip."""
    if not value:
        return "—"
    return value if len(value) <= 14 else f"{value[:7]}…{value[-4:]}"


def booking_text(m: Mismatch) -> str:
    """Who and what the difference is about ("Ana Silva · Cut & colour"), never a bk_ id."""
    return m.booking_label or _(NOT_HERE)


class Col(IntEnum):
    """The differences table's columns."""

    KIND = 0
    OBJECT = 1
    BOOKING = 2
    HERE = 3
    STRIPE = 4
    IDS = 5
    WHAT = 6
    ACTION = 7


_TONES = {
    MismatchKind.MISSING_LOCALLY: "warning",
    MismatchKind.MISSING_AT_STRIPE: "danger",
    MismatchKind.AMOUNT_DIFFERS: "danger",
    MismatchKind.STATE_DIFFERS: "warning",
    MismatchKind.FEE_DIFFERS: "accent",
}


def side_text(m: Mismatch, *, here: bool) -> str:
    """What one side says: the amount and state (or fee, for a fee difference)."""
    if m.kind is MismatchKind.FEE_DIFFERS:
        fee = m.local_fee if here else m.stripe_fee
        return _("fee {amount}").format(amount=m.money(fee)) if fee is not None else _("no fee")
    amount = m.local_amount if here else m.stripe_amount
    state = m.local_state if here else m.stripe_state
    if amount is None and state is None:
        return "—"
    parts = [p for p in (m.money(amount), state_word(state)) if p]
    return " · ".join(parts)


def mismatch_tip(m: Mismatch) -> str:
    """Everything about one difference: who, the sentence, why it cannot be settled, the ids."""
    tip = m.words()
    if not m.settleable and m.why_not:
        tip += "\n\n" + m.why_not_words()
    if m.booking_label:
        tip = f"{m.booking_label}\n\n{tip}"
    ids = [i for i in (m.local_id, m.stripe_id, m.payment_intent_id, m.booking_id) if i]
    return tip + ("\n\n" + "  ".join(ids) if ids else "")


def _column(header: str, text: Callable[[Mismatch], str], **kw: Any) -> Column[Mismatch]:
    # Every cell of a row has the whole difference as its tooltip.
    return Column(header, text, tooltip=mismatch_tip, **kw)


COLUMNS: dict[Col, Column[Mismatch]] = {
    Col.KIND: _column(
        N_("Difference"),
        lambda m: m.kind.label,
        roles={Qt.ItemDataRole.ForegroundRole: lambda m: theme.semantic(_TONES[m.kind])},
    ),
    Col.OBJECT: _column(N_("What"), lambda m: m.object_word()),
    Col.BOOKING: _column(N_("Customer · service"), booking_text),
    Col.HERE: _column(N_("Here"), lambda m: side_text(m, here=True), align=RIGHT),
    Col.STRIPE: _column(N_("At Stripe"), lambda m: side_text(m, here=False), align=RIGHT),
    Col.IDS: _column(N_("Stripe id"), lambda m: short_id(m.stripe_id or m.payment_intent_id)),
    Col.WHAT: _column(N_("In words"), lambda m: m.words()),
    Col.ACTION: _column("", lambda _m: ""),  # "Settle from Stripe", a widget in the cell
}


class MismatchModel(RowsModel[Mismatch]):
    """Differences as rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([COLUMNS[c] for c in Col], parent)

    def mismatch_at(self, row: int) -> Mismatch:
        """The difference shown in ``row``."""
        return self.row_at(row)


class ReconcileDialog(QDialog):
    """Pick days, compare with Stripe, settle the differences from Stripe."""

    settled = Signal()  # something was settled: the day view may show new figures

    def __init__(
        self,
        service: ReconcileService,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        timezone: tzinfo,
        start: date | None = None,
        end: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._tz = timezone
        self._runner = runner
        self.outcome: Reconciliation | None = None
        self._last_action = ""  # what the last settle did, shown with the next comparison
        self.compares = 0  # finished comparisons, for tests and the screenshot
        self.setWindowTitle(_("Reconcile with Stripe"))
        self.setModal(True)
        self.resize(1240, 660)

        title = QLabel(_("Reconcile with Stripe"))
        title.setFont(theme.font(self, scale=1.35, bold=True))
        subtitle = QLabel(
            _(
                "Card payments and refunds recorded here, against Stripe's charges, refunds and "
                "fees for the same days. Stripe is the source of truth: settle a difference to "
                "take Stripe's record. Cash never goes through Stripe and is not compared."
            )
        )
        subtitle.setWordWrap(True)
        theme.set_role(subtitle, muted=True)

        today = datetime.now(timezone).date()
        self.from_edit = self._date_edit(start or today - timedelta(days=DEFAULT_DAYS - 1))
        self.to_edit = self._date_edit(end or today)
        self.compare_button = QPushButton(_("&Compare"))
        theme.make_primary(self.compare_button)
        self.compare_button.setDefault(True)
        self.compare_button.clicked.connect(self.compare)
        head = QHBoxLayout()
        head.setSpacing(10)
        for text, edit in ((_("&From"), self.from_edit), (_("&To"), self.to_edit)):
            label = QLabel(text)
            label.setBuddy(edit)
            label.setMinimumWidth(label.sizeHint().width() + 4)
            head.addWidget(label)
            head.addWidget(edit)
            head.addSpacing(6)
        head.addWidget(self.compare_button)
        head.addSpacing(12)
        self.spinner = Spinner(diameter=18)
        self.spinner.hide()
        head.addWidget(self.spinner)
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("reconcileSummary")
        self.summary_label.setFont(theme.font(self, scale=1.1, bold=True))
        head.addWidget(self.summary_label, 1)

        self.model = MismatchModel(self)
        # Rows tall enough for the 44 px "Settle" button and its margins; the sentence may
        # take two lines.
        self.table = rows_table(self.model, "mismatchTable", rows=56, wrap=True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        widths: dict[int, int] = {
            Col.KIND: 140,
            Col.OBJECT: 100,
            Col.BOOKING: 190,
            Col.HERE: 145,
            Col.STRIPE: 150,
            Col.IDS: 135,
            Col.ACTION: 200,
        }
        size_columns(self.table, widths=widths, stretch=Col.WHAT)
        self.table.activated.connect(self._settle_index)

        self.stack, self.empty_label = table_or_empty(
            self.table, _("Press Compare to read Stripe's records for these days.")
        )
        self.stack.setCurrentWidget(self.empty_label)

        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.error = ErrorLabel()
        self.settle_all_button = QPushButton(_("Settle &all from Stripe"))
        self.settle_all_button.setToolTip(
            _("Take Stripe's record for every difference that can be")
        )
        self.settle_all_button.setEnabled(False)
        self.settle_all_button.clicked.connect(self.settle_all)
        self.close_button = QPushButton(_("Close"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        foot = QHBoxLayout()
        foot.addWidget(self.status_label, 1)
        foot.addWidget(self.error, 1)
        foot.addWidget(self.settle_all_button)
        foot.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)
        layout.addLayout(foot)
        self.setTabOrder(self.from_edit, self.to_edit)
        self.setTabOrder(self.to_edit, self.compare_button)
        self.setTabOrder(self.compare_button, self.table)
        self.setTabOrder(self.table, self.settle_all_button)
        self.compare_button.setFocus()

    # -- public ---------------------------------------------------------------------------

    def range(self) -> tuple[date, date]:
        """The days picked (in order)."""
        start = self.from_edit.date().toPython()
        end = self.to_edit.date().toPython()
        assert isinstance(start, date) and isinstance(end, date)
        return (start, end) if start <= end else (end, start)

    def set_range(self, start: date, end: date) -> None:
        """Pick ``start``..``end`` (does not compare)."""
        self.from_edit.setDate(QDate(start.year, start.month, start.day))
        self.to_edit.setDate(QDate(end.year, end.month, end.day))

    def mismatches(self) -> list[Mismatch]:
        """The differences listed, top to bottom."""
        return [self.model.mismatch_at(r) for r in range(self.model.rowCount())]

    def summary_text(self) -> str:
        """The line above the table."""
        return self.summary_label.text()

    def settle_button(self, row: int) -> QPushButton:
        """The "Settle from Stripe" button of ``row``."""
        cell = self.table.indexWidget(self.model.index(row, Col.ACTION))
        button = cell.findChild(QPushButton) if cell is not None else None
        assert isinstance(button, QPushButton)
        return button

    def compare(self) -> None:
        """Read Stripe and the database for the days picked, in the background."""
        start, end = self.range()
        service = self._service
        self._busy(_("Comparing with Stripe…"))
        self._runner.run(
            lambda: service.compare(start, end),
            on_success=self._on_result,
            on_failure=self._on_failed,
            owner=self,
            latest=self,  # the days changed meanwhile: only the newest answer is shown
        )

    def settle(self, mismatch: Mismatch) -> None:
        """Take Stripe's record for one difference, then compare again."""
        service = self._service
        self._busy(_("Settling from Stripe…"))
        self._runner.run(
            lambda: service.settle_from_stripe(mismatch),
            on_success=self._on_settled,
            on_failure=self._on_settle_failed,
            owner=self,
        )

    def settle_all(self) -> None:
        """Take Stripe's record for every difference that can be, then compare again."""
        rows = [m for m in self.mismatches() if m.settleable]
        if not rows:
            return
        service = self._service
        self._busy(
            ngettext(
                "Settling {count} difference…", "Settling {count} differences…", len(rows)
            ).format(count=len(rows))
        )
        self._runner.run(
            lambda: service.settle_all(rows),
            on_success=self._on_settled_all,
            on_failure=self._on_settle_failed,
            owner=self,
        )

    # -- results --------------------------------------------------------------------------

    def _on_result(self, result: Reconciliation) -> None:
        self.outcome = result
        self.spinner.hide()
        self.compare_button.setEnabled(True)
        rows = list(result.mismatches)
        self.model.set_rows(rows)
        for row, m in enumerate(rows):
            self.table.setIndexWidget(self.model.index(row, Col.ACTION), self._row_cell(m))
        n = len(rows)
        if n:
            self.summary_label.setText(
                ngettext(
                    "⚠ {matched} match · {count} difference",
                    "⚠ {matched} match · {count} differences",
                    n,
                ).format(matched=result.matched, count=n)
            )
            self._tone(self.summary_label, "danger")
            self.stack.setCurrentWidget(self.table)
        else:
            self.summary_label.setText(
                _("✓ {matched} match · no differences").format(matched=result.matched)
            )
            self._tone(self.summary_label, "success")
            self.empty_label.setText(
                _("Everything matches Stripe for these days: {payments} and {refunds}.").format(
                    payments=ngettext(
                        "{count} card payment", "{count} card payments", result.matched_payments
                    ).format(count=result.matched_payments),
                    refunds=ngettext(
                        "{count} refund", "{count} refunds", result.matched_refunds
                    ).format(count=result.matched_refunds),
                )
            )
            self.stack.setCurrentWidget(self.empty_label)
        self.settle_all_button.setEnabled(any(m.settleable for m in rows))
        others = (
            " "
            + ngettext(
                "{count} charge or refund of other stations or apps on the account were left "
                "alone.",
                "{count} charges or refunds of other stations or apps on the account were left "
                "alone.",
                result.others,
            ).format(count=result.others)
            if result.others
            else ""
        )
        checked = result.checked_at.astimezone(self._tz)
        done, self._last_action = self._last_action, ""
        compared = _("Compared at {time}.").format(time=lf.clock(checked, seconds=True))
        self.status_label.setText(f"{done} {compared}{others}" if done else f"{compared}{others}")
        self.compares += 1

    def _on_failed(self, error: BaseException) -> None:
        self._idle("")
        self.error.show_error(user_message(error))
        self.compares += 1

    def _on_settled(self, sentence: str) -> None:
        self.settled.emit()
        self._last_action = sentence
        self.compare()

    def _on_settled_all(self, outcome: SettleOutcome) -> None:
        if outcome.settled:
            self.settled.emit()
        self._last_action = outcome.summary()
        self.compare()

    def _on_settle_failed(self, error: BaseException) -> None:
        self.compare()  # show what stands now, with the reason it could not be settled
        self.error.show_error(user_message(error))

    # -- internals ------------------------------------------------------------------------

    def _row_cell(self, m: Mismatch) -> QWidget:
        cell = QWidget()
        box = QHBoxLayout(cell)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self._row_button(m))
        return cell

    def _row_button(self, m: Mismatch) -> QPushButton:
        button = QPushButton(_("Settle from Stripe") if m.settleable else _("Check in Stripe"))
        button.setEnabled(m.settleable)
        # Fill the cell: the button's own size hint is taken before the stylesheet's padding.
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setToolTip(
            _("Read this from Stripe again and record what Stripe says")
            if m.settleable
            else m.why_not_words()
        )
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False, m=m: self.settle(m))
        return button

    def _settle_index(self, index: QModelIndex) -> None:
        m = self.model.mismatch_at(index.row())
        if m.settleable and self.compare_button.isEnabled():
            self.settle(m)

    def _busy(self, text: str) -> None:
        self.spinner.show()
        self.status_label.setText(text)
        self.error.show_error(None)
        self.compare_button.setEnabled(False)
        self.settle_all_button.setEnabled(False)
        for row in range(self.model.rowCount()):
            cell = self.table.indexWidget(self.model.index(row, Col.ACTION))
            if cell is not None:
                cell.setEnabled(False)

    def _idle(self, text: str) -> None:
        self.spinner.hide()
        self.status_label.setText(text)
        self.compare_button.setEnabled(True)

    def _tone(self, label: QLabel, tone: str) -> None:
        theme.set_role(label, tone=tone)

    def _date_edit(self, day: date) -> QDateEdit:
        edit = DateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        # The app's calendar: the day after 9999-12-31 would overflow the query.
        edit.setMinimumDate(QDate(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day))
        edit.setMaximumDate(QDate(LAST_DAY.year, LAST_DAY.month, LAST_DAY.day))
        return edit
