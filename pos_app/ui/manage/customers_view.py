"""Customers: find someone as you type, correct their details and notes, see every booking
they made, and book one of them again."""

from __future__ import annotations

from datetime import tzinfo
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking
from pos_app.domain.booking_display import display_status, status_words
from pos_app.domain.checkout_locale import customer_languages
from pos_app.domain.money import Money
from pos_app.domain.people import Customer
from pos_app.i18n import N_, _, ngettext
from pos_app.services.customers import CustomerDetail, CustomerService
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import dialog_title, muted_label
from pos_app.ui.kit.tables import STATUS_ROLE, StatusChipDelegate, style_table
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.manage.edit_form import EditForm

SEARCH_DELAY_MS = 150
LIST_LIMIT = 50
ID_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2
HISTORY_HEADERS = (
    N_("Date"),
    N_("Time"),
    N_("Service"),
    N_("Amount"),
    N_("Status"),
    N_("Net paid"),
)
NOTES_HINT = N_("Allergies, preferences — shown when they are booked")


class _HasTimezone(Protocol):
    @property
    def timezone(self) -> tzinfo:
        """The business's time zone."""
        ...


class CustomerDesk(Protocol):
    """What the Customers window needs: the customer service and the time zone."""

    @property
    def customers(self) -> CustomerService:
        """Search, detail and corrections (with notes)."""
        ...

    @property
    def config(self) -> _HasTimezone:
        """The business's time zone."""
        ...


class CustomersView(QDialog):
    """Search on the left; the chosen customer's details and booking history on the right.

    Signals:
        booking_requested(object): a history row was double-clicked (the Booking), so the
            main window can show that day with the booking selected.
        book_again_requested(object): "Book again" was pressed: the Booking (the selected
            history row, else the newest) whose service, staff and customer pre-fill a new one.
    """

    booking_requested = Signal(object)
    book_again_requested = Signal(object)

    def __init__(
        self,
        ctx: CustomerDesk,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        customer_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._tz: tzinfo = ctx.config.timezone
        self._detail: CustomerDetail | None = None
        self._history_bookings: list[Booking] = []
        self._want = customer_id
        self._saved_id: str | None = None  # the customer just saved, until shown again
        self.setWindowTitle(_("Customers"))
        self.resize(1080, 640)
        self.setMinimumSize(900, 520)

        # -- left: search and results
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Search by name, email or phone"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(_("Search customers"))
        self.results = QListWidget()
        self.results.setObjectName("customerResults")
        self.results.setAlternatingRowColors(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setUniformItemSizes(False)  # rows padded by theme.py's "manage" section
        self.results_label = muted_label(_("Searching…"), wrap=True)
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        box.addWidget(self.search_edit)
        box.addWidget(self.results, 1)
        box.addWidget(self.results_label)

        # -- right: details and history
        self.name_label = QLabel("")
        self.name_label.setFont(theme.font(self, scale=1.45, bold=True))
        self.name_label.setWordWrap(True)
        self.summary_label = muted_label()
        self.name_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(_("Optional — for receipts"))
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(_("Optional"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("customerNotes")
        self.notes_edit.setPlaceholderText(_(NOTES_HINT))
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setAccessibleName(_("Notes"))
        # Two lines (it scrolls for more): the history below keeps its room.
        self.notes_edit.setFixedHeight(
            max(48, self.notes_edit.fontMetrics().lineSpacing() * 2 + 14)
        )
        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(_("Language for the payment page"))
        self.language_combo.addItem(_("Not known (the phone's language)"), "")
        for tag in customer_languages():
            self.language_combo.addItem(lf.tag_name(tag), tag)
        self.save_button = QPushButton(_("Save changes"))
        record = EditForm(
            self,
            [
                ("name", _("&Name"), self.name_edit),
                ("email", _("&Email"), self.email_edit),
                ("phone", _("P&hone"), self.phone_edit),
                ("notes", _("N&otes"), self.notes_edit),
                ("language", _("Language"), self.language_combo),
            ],
            self.save_button,
        )
        form = record.layout
        record.labels["notes"].setContentsMargins(0, 10, 0, 0)  # by the tall field's first line
        self.save_button.setEnabled(False)
        self.save_status, self.general_error = record.status_label, record.general_error
        self._feedback, self._busy = record.feedback, record.busy
        save_row = record.button_row()

        history_title = QLabel(_("Bookings"))
        history_title.setFont(theme.font(self, scale=1.1, bold=True))
        self.book_again_button = QPushButton(_("Book again"))
        self.book_again_button.setToolTip(
            _(
                "A new booking with the same service, staff member and customer"
                " (the selected booking, or the latest)"
            )
        )
        self.book_again_button.setEnabled(False)
        history_row = QHBoxLayout()
        history_row.addWidget(history_title, 1)
        history_row.addWidget(self.book_again_button)
        self.history = QTableWidget(0, len(HISTORY_HEADERS))
        self.history.setObjectName("customerHistory")
        style_table(self.history)
        self.history.setHorizontalHeaderLabels([_(h) for h in HISTORY_HEADERS])
        self.history.verticalHeader().hide()
        self.history.setShowGrid(False)
        self.history.setAlternatingRowColors(True)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setItemDelegateForColumn(4, StatusChipDelegate(self.history))
        self.history.setToolTip(_("Double-click a booking to show it on its day"))
        header = self.history.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Fixed,
                QHeaderView.ResizeMode.ResizeToContents,
            )
        ):
            header.setSectionResizeMode(column, mode)
        header.resizeSection(4, 190)
        self.history_empty = muted_label(_("No bookings yet."))

        details = QWidget()
        right = QVBoxLayout(details)
        right.setContentsMargins(18, 4, 4, 4)
        right.setSpacing(10)
        right.addWidget(self.name_label)
        right.addWidget(self.summary_label)
        right.addLayout(form)
        right.addWidget(self.general_error)
        right.addLayout(save_row)
        right.addSpacing(6)
        right.addLayout(history_row)
        right.addWidget(self.history, 1)
        right.addWidget(self.history_empty)

        self.placeholder = muted_label(
            _("Choose a customer to see their details and bookings."), wrap=True
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setFont(theme.font(self, scale=1.15))
        self.right_stack = QStackedWidget()
        self.right_stack.addWidget(self.placeholder)
        self.right_stack.addWidget(details)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.right_stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 750])
        splitter.setChildrenCollapsible(False)
        title = dialog_title(self, _("Customers"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        line = QFrame()
        line.setObjectName("customersRule")
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)
        layout.addWidget(splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_now)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._focus_results)
        self.results.currentItemChanged.connect(self._on_current)
        self.save_button.clicked.connect(self.save)
        for edit in (self.name_edit, self.email_edit, self.phone_edit):
            edit.textEdited.connect(self._on_edited)
            edit.returnPressed.connect(self.save)
        self.notes_edit.textChanged.connect(self._on_edited)
        self.language_combo.currentIndexChanged.connect(self._on_edited)
        self.history.doubleClicked.connect(self._on_history_activated)
        self.book_again_button.clicked.connect(self.book_again)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self._focus_search)
        self.setTabOrder(self.search_edit, self.results)
        self.setTabOrder(self.results, self.name_edit)
        self.setTabOrder(self.name_edit, self.email_edit)
        self.setTabOrder(self.email_edit, self.phone_edit)
        self.setTabOrder(self.phone_edit, self.notes_edit)
        self.setTabOrder(self.notes_edit, self.language_combo)
        self.setTabOrder(self.language_combo, self.save_button)
        self.setTabOrder(self.save_button, self.book_again_button)
        self.setTabOrder(self.book_again_button, self.history)
        self.search_edit.setFocus()
        self.search_now()

    # -- public -------------------------------------------------------------------------

    def result_names(self) -> list[str]:
        """The names listed, in order."""
        return [
            str(self.results.item(i).data(Qt.ItemDataRole.UserRole + 2))
            for i in range(self.results.count())
        ]

    def shown_customer(self) -> Customer | None:
        """The customer whose details are shown, or None."""
        return self._detail.customer if self._detail is not None else None

    def history_rows(self) -> list[list[str]]:
        """The history table's text, row by row."""
        return [
            [
                (item.text() if (item := self.history.item(r, c)) is not None else "")
                for c in range(self.history.columnCount())
            ]
            for r in range(self.history.rowCount())
        ]

    def error_text(self, field: str) -> str:
        """The sentence under 'name', 'email', 'phone' or 'notes' ('' when none)."""
        return self._feedback.text(field)

    def book_again(self) -> None:
        """Ask for a new booking like the selected history row (else the newest one)."""
        bookings = self._history_bookings
        if not bookings:
            return
        row = self.history.currentRow()
        self.book_again_requested.emit(bookings[row] if 0 <= row < len(bookings) else bookings[0])

    def search_now(self) -> None:
        """Search for what is typed (debounced callers go through the timer)."""
        self._search_timer.stop()
        text = self.search_edit.text()
        customers = self._ctx.customers
        self._runner.run(
            lambda: customers.search(text, limit=LIST_LIMIT),
            on_success=lambda found: self._on_found(text, found),
            on_failure=lambda err: self.results_label.setText(user_message(err)),
            owner=self,
            latest=(self, "search"),  # typing on makes older searches stale
            quiet=True,
        )

    def save(self) -> None:
        """Save the corrected details in the background."""
        detail = self._detail
        if detail is None or not self.save_button.isEnabled():
            return
        self._feedback.clear()
        customer_id = detail.customer.id
        name, email, phone = self.name_edit.text(), self.email_edit.text(), self.phone_edit.text()
        notes = self.notes_edit.toPlainText()
        language = str(self.language_combo.currentData() or "")
        customers = self._ctx.customers
        self._busy.begin()
        self._runner.run(
            lambda: customers.update(customer_id, name, email, phone, notes, language),
            on_success=self._on_saved,
            on_failure=self._on_save_failed,
            owner=self,
        )

    # -- internals ----------------------------------------------------------------------

    def _on_found(self, text: str, found: list[Customer]) -> None:
        current = self._detail.customer.id if self._detail is not None else self._want
        self.results.blockSignals(True)
        self.results.clear()
        for customer in found:
            contact = " · ".join(c for c in (customer.email, customer.phone) if c)
            item = QListWidgetItem(f"{customer.name}\n{contact}" if contact else customer.name)
            item.setData(ID_ROLE, customer.id)
            item.setData(NAME_ROLE, customer.name)
            self.results.addItem(item)
            if customer.id == current:
                self.results.setCurrentItem(item)
        self.results.blockSignals(False)
        if not found:
            self.results_label.setText(
                _("No customers match “{text}”.").format(text=text.strip())
                if text.strip()
                else _("No customers yet. They are remembered when you book them.")
            )
        elif len(found) >= LIST_LIMIT:
            self.results_label.setText(
                _("The first {limit} shown; type to narrow it down.").format(limit=LIST_LIMIT)
            )
        else:
            self.results_label.setText(
                ngettext("{count} customer", "{count} customers", len(found)).format(
                    count=len(found)
                )
            )
        if self._want is not None:
            want, self._want = self._want, None
            self._load_detail(want)

    def _on_current(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None:
            return
        customer_id = item.data(ID_ROLE)
        if isinstance(customer_id, str):
            self._load_detail(customer_id)

    def _load_detail(self, customer_id: str) -> None:
        customers = self._ctx.customers
        self._runner.run(
            lambda: customers.detail(customer_id),
            on_success=self._on_detail,
            on_failure=self._on_detail_failed,
            owner=self,
            latest=(self, "detail"),  # another customer picked meanwhile: that one counts
            quiet=True,
        )

    def _on_detail(self, detail: CustomerDetail) -> None:
        self._detail = detail
        c = detail.customer
        self.right_stack.setCurrentIndex(1)
        self.name_label.setText(c.name)
        self.name_edit.setText(c.name)
        self.email_edit.setText(c.email or "")
        self.phone_edit.setText(c.phone or "")
        self.notes_edit.blockSignals(True)  # showing the stored notes is not an edit
        self.notes_edit.setPlainText(c.notes)
        self.notes_edit.blockSignals(False)
        self.language_combo.blockSignals(True)
        self.language_combo.setCurrentIndex(max(self.language_combo.findData(c.language or ""), 0))
        self.language_combo.blockSignals(False)
        self._feedback.clear()
        # Reloaded after a save: "Saved." stays until the next edit.
        self.save_status.setText("Saved." if c.id == self._saved_id else "")
        self._saved_id = None
        self.save_button.setEnabled(False)
        self.summary_label.setText(_summary(detail, self._tz))
        self._fill_history(detail.bookings)

    def _on_detail_failed(self, error: BaseException) -> None:
        self._detail = None
        self.placeholder.setText(user_message(error))
        self.right_stack.setCurrentIndex(0)

    def _fill_history(self, bookings: list[Booking]) -> None:
        self.history.setRowCount(len(bookings))
        for row, b in enumerate(bookings):
            start = b.starts_at.astimezone(self._tz)
            net = b.net_paid.amount
            cells = [
                lf.date_text(start, "short_date"),
                lf.clock(start),
                b.service_name,
                b.price.format(),
                status_words(b),
                Money(net, b.currency).format() if net > 0 else "—",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (3, 5):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 4:
                    item.setData(STATUS_ROLE, display_status(b).value)
                item.setData(ID_ROLE, b.id)
                self.history.setItem(row, column, item)
        self._history_bookings = bookings
        self.book_again_button.setEnabled(bool(bookings))
        self.history.setVisible(bool(bookings))
        self.history_empty.setVisible(not bookings)

    def _on_history_activated(self, _index: object) -> None:
        row = self.history.currentRow()
        bookings = self._history_bookings
        if 0 <= row < len(bookings):
            self.booking_requested.emit(bookings[row])

    def _on_edited(self) -> None:
        detail = self._detail
        if detail is None:
            return
        c = detail.customer
        typed = (
            self.name_edit.text(),
            self.email_edit.text(),
            self.phone_edit.text(),
            self.notes_edit.toPlainText().strip(),
            str(self.language_combo.currentData() or ""),
        )
        stored = (c.name, c.email or "", c.phone or "", c.notes.strip(), c.language or "")
        changed = typed != stored
        self.save_button.setEnabled(changed)
        self.save_status.setText("")
        self._feedback.clear_field_of(self.sender())

    def _on_saved(self, customer: Customer) -> None:
        self._busy.end()
        self.save_button.setEnabled(False)  # nothing left to save
        self.save_status.setText(_("Saved."))
        self._saved_id = customer.id
        self._want = customer.id
        self._detail = None
        self.search_now()

    def _on_save_failed(self, error: BaseException) -> None:
        self._busy.end()
        self._feedback.show_error(error)

    def _focus_results(self) -> None:
        if self.results.count():
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()


def _summary(detail: CustomerDetail, tz: tzinfo) -> str:
    """'Customer since Nov 2026 · 4 bookings · $140.00 paid'."""
    c = detail.customer
    n = len(detail.bookings)
    when = lf.date_text(c.created_at.astimezone(tz), "short_month_year")
    parts = [_("Customer since {month}").format(month=when)]
    parts.append(ngettext("{count} booking", "{count} bookings", n).format(count=n))
    paid: dict[str, int] = {}
    for b in detail.bookings:
        net = b.net_paid.amount
        if net > 0:
            paid[b.currency] = paid.get(b.currency, 0) + net
    parts.extend(
        _("{amount} paid").format(amount=Money(amount, cur)) for cur, amount in sorted(paid.items())
    )
    return " · ".join(parts)
