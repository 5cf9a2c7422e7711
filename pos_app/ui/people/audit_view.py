"""Manage ▸ Audit log: every money action and account change, newest first, for managers.

Filters (dates in the business's time zone, person, kind, free text, booking) are applied by
the database in the background; the table only shows what comes back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain import locale_format as lf
from pos_app.domain.audit import SEARCH_TEXT_MAX, AuditAction, AuditEntry
from pos_app.domain.dates import FIRST_DAY, LAST_DAY
from pos_app.domain.money import Money
from pos_app.domain.ports import AuditQuery
from pos_app.i18n import N_, _, ngettext
from pos_app.services.people import StaffMember
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
from pos_app.ui.people.audit_rows import AuditRow, AuditRows, audit_rows
from pos_app.ui.people.ports import AuditReader, StaffLister

LIMIT = 1000
DEBOUNCE_MS = 250
DEFAULT_DAYS = 7

ACTION_WORDS: dict[AuditAction, str] = {
    AuditAction.BOOKING_CREATED: N_("Booking made"),
    AuditAction.BOOKING_MOVED: N_("Booking moved"),
    AuditAction.BOOKING_CANCELLED: N_("Booking cancelled"),
    AuditAction.BOOKING_NO_SHOW: N_("Marked no-show"),
    AuditAction.CHECKOUT_CREATED: N_("Payment link opened"),
    AuditAction.CHECKOUT_CANCELLED: N_("Payment link cancelled"),
    AuditAction.CHECKOUT_EXPIRED: N_("Payment link expired"),
    AuditAction.PAYMENT_SUCCEEDED: N_("Paid by card"),
    AuditAction.PAYMENT_FAILED: N_("Payment failed"),
    AuditAction.PAYMENT_PROCESSING: N_("Bank payment processing"),
    AuditAction.CASH_RECEIVED: N_("Cash received"),
    AuditAction.PAYMENT_OVERPAID: N_("Overpaid"),
    AuditAction.REFUND_REQUESTED: N_("Refund asked for"),
    AuditAction.REFUND_SUCCEEDED: N_("Refunded"),
    AuditAction.REFUND_FAILED: N_("Refund failed"),
    AuditAction.RECEIPT_SENT: N_("Receipt sent"),
    AuditAction.USER_SIGNED_IN: N_("Signed in"),
    AuditAction.USER_SIGN_IN_FAILED: N_("Wrong PIN"),
    AuditAction.USER_CHANGED: N_("Account changed"),
    AuditAction.CATALOG_CHANGED: N_("Catalogue changed"),
    AuditAction.STOCK_ADJUSTED: N_("Stock changed"),
    AuditAction.ORDER_CREATED: N_("Sale saved"),
    AuditAction.ORDER_CHANGED: N_("Items added to a booking"),
    AuditAction.ORDER_VOIDED: N_("Sale voided"),
    AuditAction.SETTINGS_CHANGED: N_("Settings changed"),
    AuditAction.DAY_CLOSED: N_("Day closed"),
    AuditAction.PAYMENT_CORRECTED: N_("Corrected from Stripe"),
}
MONEY = frozenset(a for a in AuditAction if a.is_money)
OUTGOING = frozenset({AuditAction.REFUND_REQUESTED, AuditAction.REFUND_SUCCEEDED})


def action_words(action: AuditAction) -> str:
    """The action as the desk says it, e.g. 'Paid by card'."""
    words = ACTION_WORDS.get(action)
    return _(words) if words is not None else action.value


def amount_text(entry: AuditEntry) -> str:
    """The entry's amount with its currency; money going back out shows a minus sign."""
    if entry.amount is None or not entry.currency:
        return ""
    sign = -1 if entry.action in OUTGOING else 1
    return Money(sign * entry.amount, entry.currency).format().replace("-", "−")


def short_id(value: str | None) -> str:
    """'bk_3f2a…9c1d' for a long id, so the column stays narrow (full id in the tooltip)."""
    if not value:
        return ""
    if len(value) <= 14:
        return value
    return f"{value[:7]}…{value[-4:]}"


def booking_text(booking_id: str | None, labels: Mapping[str, str]) -> str:
    """The booking as the desk names it ("Ana Silva · Cut & colour"); its short id only when
    the booking is not known any more."""
    if not booking_id:
        return ""
    return labels.get(booking_id) or short_id(booking_id)


def _when(at: datetime) -> str:
    return f"{lf.date_text(at, 'day_month_short')} {lf.clock(at, seconds=True)}"


def _when_in_full(at: datetime) -> str:
    return f"{lf.date_text(at, 'day')} {lf.clock(at, seconds=True)} {at:%Z}"


class Col(IntEnum):
    """The audit table's columns."""

    TIME = 0
    WHO = 1
    ACTION = 2
    BOOKING = 3
    AMOUNT = 4
    STRIPE = 5
    DETAIL = 6


class AuditTableModel(RowsModel[AuditRow]):
    """Audit entries as rows, times in the business's time zone. Each row's detail comes in
    the reader's words already (``audit_rows``, in the background): painting and sorting
    by Detail compare strings and never format a stored detail on the GUI thread."""

    def __init__(self, timezone: tzinfo, parent: Any = None) -> None:
        self._tz = timezone
        self._labels: Mapping[str, str] = {}
        columns: dict[Col, Column[AuditRow]] = {
            Col.TIME: Column(
                _("Time"),
                lambda r: _when(r.entry.at.astimezone(self._tz)),
                tooltip=lambda r: _when_in_full(r.entry.at.astimezone(self._tz)),
                sort_key=lambda r: r.entry.at,
            ),
            Col.WHO: Column(_("Who"), lambda r: r.entry.actor_name),
            Col.ACTION: Column(_("Action"), lambda r: action_words(r.entry.action)),
            # The id stays findable in the tooltip: the Booking filter takes it.
            Col.BOOKING: Column(
                _("Booking"),
                lambda r: booking_text(r.entry.booking_id, self._labels),
                tooltip=lambda r: (
                    _("Booking {id}").format(id=r.entry.booking_id) if r.entry.booking_id else None
                ),
            ),
            Col.AMOUNT: Column(
                _("Amount"),
                lambda r: amount_text(r.entry),
                align=RIGHT,
                sort_key=lambda r: (r.entry.currency or "", _signed(r.entry)),
            ),
            # Long ids and details are cut in their cells: the tooltip has them whole.
            Col.STRIPE: Column(
                _("Stripe ids"),
                lambda r: r.entry.stripe_ids,
                tooltip=lambda r: r.entry.stripe_ids or None,
            ),
            Col.DETAIL: Column(_("Detail"), lambda r: r.detail, tooltip=lambda r: r.detail or None),
        }
        super().__init__([columns[c] for c in Col], parent)

    def set_rows(self, rows: Sequence[AuditRow], labels: Mapping[str, str] | None = None) -> None:
        """Replace every row; ``labels`` names bookings by id ("Ana Silva · Cut & colour")."""
        self._labels = dict(labels or {})
        super().set_rows(rows)

    def entry_at(self, row: int) -> AuditEntry:
        """The entry shown in ``row``."""
        return self.row_at(row).entry


def _signed(entry: AuditEntry) -> int:
    """The amount with money going back out negative (for sorting)."""
    amount = entry.amount or 0
    return -amount if entry.action in OUTGOING else amount


class AuditDialog(QDialog):
    """The audit log with its filters; double-click a row to see only its booking."""

    def __init__(
        self,
        audit: AuditReader,
        people: StaffLister,
        timezone: tzinfo,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._audit = audit
        self._people = people
        self._runner = runner
        self._tz = timezone
        self.loads = 0  # finished loads, for tests and the screenshot
        self.setWindowTitle(_("Audit log"))
        self.setModal(True)
        self.resize(1240, 680)

        title = QLabel(_("Audit log"))
        title.setFont(theme.font(self, scale=1.35, bold=True))
        subtitle = QLabel(_("Every payment, refund and account change: who, what and when."))
        theme.set_role(subtitle, muted=True)

        today = datetime.now(self._tz).date()
        self.from_edit = self._date_edit(today - timedelta(days=DEFAULT_DAYS - 1))
        self.to_edit = self._date_edit(today)
        self.person_combo = QComboBox()
        self.person_combo.addItem(_("Everyone"), None)
        self.person_combo.setMinimumContentsLength(14)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(_("Money actions"), MONEY)
        self.kind_combo.addItem(_("Everything"), None)
        self.kind_combo.insertSeparator(2)
        for action in AuditAction:
            self.kind_combo.addItem(action_words(action), frozenset({action}))
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(_("Customer or staff name, Stripe id (pi_…) or detail"))
        self.text_edit.setMaxLength(SEARCH_TEXT_MAX)
        self.text_edit.setClearButtonEnabled(True)
        self.booking_edit = QLineEdit()
        self.booking_edit.setPlaceholderText("bk_…")
        self.booking_edit.setClearButtonEnabled(True)

        filters = QGridLayout()
        filters.setHorizontalSpacing(10)
        filters.setVerticalSpacing(4)
        fields: list[tuple[str, QWidget, int]] = [
            (_("&From"), self.from_edit, 0),
            (_("&To"), self.to_edit, 0),
            (_("&Person"), self.person_combo, 1),
            (_("&Kind"), self.kind_combo, 1),
            (_("&Search"), self.text_edit, 3),
            (_("&Booking"), self.booking_edit, 1),
        ]
        for column, (label_text, widget, stretch) in enumerate(fields):
            label = QLabel(label_text)
            label.setBuddy(widget)
            filters.addWidget(label, 0, column)
            filters.addWidget(widget, 1, column)
            filters.setColumnStretch(column, stretch)

        self.model = AuditTableModel(self._tz, self)
        self.table = rows_table(self.model, "auditTable")
        # The time column fits a whole time (cell padding included), never "10:01:…".
        time_width = self.table.fontMetrics().horizontalAdvance("00 Dec 00:00:00") + 40
        widths: dict[int, int] = {
            Col.TIME: max(130, time_width),
            Col.WHO: 150,
            Col.ACTION: 170,
            Col.BOOKING: 230,
            Col.AMOUNT: 100,
            Col.STRIPE: 230,
        }
        size_columns(self.table, widths=widths, stretch=Col.DETAIL)
        self.table.doubleClicked.connect(self._show_booking_of)

        self.stack, self.empty_label = table_or_empty(
            self.table, _("No entries match these filters.")
        )

        self.spinner = Spinner(diameter=18)
        self.spinner.hide()
        self.count_label = QLabel(_("Loading…"))
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.buttons.rejected.connect(self.reject)
        foot = QHBoxLayout()
        foot.addWidget(self.spinner)
        foot.addWidget(self.count_label)
        foot.addWidget(self.error, 1)
        foot.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addLayout(foot)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.reload)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(lambda _d: self._debounce.start())
        for combo in (self.person_combo, self.kind_combo):
            combo.currentIndexChanged.connect(lambda _i: self._debounce.start())
        for line in (self.text_edit, self.booking_edit):
            line.textChanged.connect(lambda _t: self._debounce.start())
            line.returnPressed.connect(self.reload)
        self.text_edit.setFocus()
        self._load_people()
        self.reload()

    # -- public -------------------------------------------------------------------------

    def query(self) -> AuditQuery:
        """The filters as they stand, as a query (dates are whole business days)."""
        start_day = self.from_edit.date().toPython()
        end_day = self.to_edit.date().toPython()
        assert isinstance(start_day, date) and isinstance(end_day, date)
        if end_day < start_day:
            start_day, end_day = end_day, start_day
        return AuditQuery(
            start=datetime.combine(start_day, time.min, self._tz),
            end=datetime.combine(end_day + timedelta(days=1), time.min, self._tz),
            actor_id=self.person_combo.currentData(),
            actions=self.kind_combo.currentData(),
            booking_id=self.booking_edit.text().strip() or None,
            text=self.text_edit.text().strip() or None,
            limit=LIMIT,
        )

    def reload(self) -> None:
        """Run the query in the background; an answer to an older query is dropped."""
        self._debounce.stop()
        query = self.query()
        audit = self._audit
        self.spinner.show()
        self.count_label.setText(_("Loading…"))
        self.error.show_error(None)
        self._runner.run(
            lambda: audit_rows(audit.page(query)),  # the details said here, not on paint
            on_success=self._on_rows,
            on_failure=self._on_failed,
            owner=self,
            latest=self,  # the filters changed meanwhile: only the newest answer is shown
        )

    def rows(self) -> list[AuditEntry]:
        """The entries shown, top to bottom."""
        return [self.model.entry_at(r) for r in range(self.model.rowCount())]

    def show_booking(self, booking_id: str) -> None:
        """Everything about one booking, whenever it happened."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findText(_("Everything")))
        self.from_edit.setDate(self.from_edit.minimumDate())
        self.booking_edit.setText(booking_id)
        self.reload()

    # -- internals ----------------------------------------------------------------------

    def _date_edit(self, day: date) -> QDateEdit:
        edit = DateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        # The app's calendar: the day after 9999-12-31 would overflow the query.
        edit.setMinimumDate(QDate(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day))
        edit.setMaximumDate(QDate(LAST_DAY.year, LAST_DAY.month, LAST_DAY.day))
        return edit

    def _load_people(self) -> None:
        people = self._people
        self._runner.run(
            lambda: people.list_users(include_inactive=True),
            on_success=self._on_people,
            on_failure=lambda _e: None,  # the filter still offers "Everyone"
            owner=self,
            quiet=True,
        )

    def _on_people(self, members: list[StaffMember]) -> None:
        for member in members:
            shown = (
                member.name if member.active else _("{name} (inactive)").format(name=member.name)
            )
            self.person_combo.addItem(shown, member.id)

    def _on_rows(self, page: AuditRows) -> None:
        self.spinner.hide()
        rows = page.rows
        self.model.set_rows(rows, page.booking_labels)
        self.stack.setCurrentIndex(0 if rows else 1)
        count = len(rows)
        if count >= LIMIT:
            self.count_label.setText(
                _("The newest {limit} entries; narrow the filters for more.").format(limit=LIMIT)
            )
        else:
            self.count_label.setText(
                ngettext("{count} entry", "{count} entries", count).format(count=count)
            )
        self.loads += 1

    def _on_failed(self, error: BaseException) -> None:
        self.spinner.hide()
        self.count_label.setText("")
        self.error.show_error(user_message(error))
        self.loads += 1

    def _show_booking_of(self, index: QModelIndex) -> None:
        entry = self.model.entry_at(index.row())
        if entry.booking_id:
            self.show_booking(entry.booking_id)
