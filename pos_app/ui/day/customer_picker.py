"""The booking form's "who": customer suggestions as you type (with "+ New customer"),
contact fields, and the customer's notes (allergies, preferences), shown and editable.

Suggestions come from the database in the background; the completer only shows them
(unfiltered) and fills the form when one is chosen.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QPlainTextEdit, QWidget

from pos_app.domain.booking import Booking
from pos_app.domain.people import Customer
from pos_app.i18n import N_, _
from pos_app.services.customers import CustomerDetail
from pos_app.ui.day.desk_ports import CustomerFinder
from pos_app.ui.kit.form_kit import muted_label
from pos_app.ui.kit.tasks import TaskRunner

SEARCH_DELAY_MS = 150  # wait for a pause in typing before searching
CUSTOMER_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2
RECORD_ROLE = Qt.ItemDataRole.UserRole + 3
NEW_ROLE = Qt.ItemDataRole.UserRole + 4  # True on the "+ New customer" row
RETURNING = N_("Returning customer: this booking joins their history.")
NEW_CUSTOMER = N_("New customer: remembered when you save.")
NOTES_HINT = N_("Allergies, preferences — kept with the customer for next time")


def new_customer_text(typed: str) -> str:
    """The suggestion that books someone new under the name typed."""
    return _("+ New customer “{name}”").format(name=typed.strip())


class CustomerPicker(QObject):
    """Owns the name, email, phone and notes fields and the suggestions under the name.

    Signals:
        linked(): a customer was chosen (or Book again filled one in), or "+ New customer".
    """

    linked = Signal()

    def __init__(self, customers: CustomerFinder, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._customers = customers
        self._runner = runner
        self.customer_id: str | None = None
        self._linked_name = ""
        self._loaded_notes = ""

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("Type a name, email or phone to find a customer"))
        self.suggestions = QStandardItemModel(self)
        self.completer = QCompleter(self.suggestions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(NAME_ROLE)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(9)
        popup = self.completer.popup()
        if popup is not None:
            popup.setObjectName("customerSuggestions")  # theme.py's "Day" section
        self.name_edit.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(self._on_suggestion)  # type: ignore[index]
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.hint = muted_label()
        self.hint.hide()
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(_("Optional — for the receipt"))
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(_("Optional"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("customerNotes")
        self.notes_edit.setPlaceholderText(_(NOTES_HINT))
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setAccessibleName(_("Customer notes"))
        lines = QFontMetrics(self.notes_edit.font()).lineSpacing()
        self.notes_edit.setFixedHeight(max(64, lines * 3 + 16))
        self.name_edit.textEdited.connect(self._on_name_edited)

    # -- public -------------------------------------------------------------------------

    def suggestion_names(self) -> list[str]:
        """The customers suggested (without the "+ New customer" row)."""
        return [
            str(item.data(NAME_ROLE))
            for i in range(self.suggestions.rowCount())
            if not (item := self.suggestions.item(i)).data(NEW_ROLE)
        ]

    def suggestion_texts(self) -> list[str]:
        """Every suggestion row as shown, "+ New customer" included."""
        return [self.suggestions.item(i).text() for i in range(self.suggestions.rowCount())]

    def choose(self, row: int) -> None:
        """Choose suggestion ``row`` as if clicked in the list."""
        self._on_suggestion(self.suggestions.index(row, 0))

    def link_booking_customer(self, booking: Booking) -> None:
        """Book again: the customer of ``booking``, with their notes read in the background."""
        self.name_edit.setText(booking.customer_name)
        self.email_edit.setText(booking.customer_email or "")
        self.phone_edit.setText(booking.customer_phone or "")
        if booking.customer_id is None:
            return
        self.customer_id = booking.customer_id
        self._linked_name = booking.customer_name
        self.hint.setText(_(RETURNING))
        self.hint.show()
        customers, customer_id = self._customers, booking.customer_id
        self._runner.run(
            lambda: customers.detail(customer_id),
            on_success=self._on_detail,
            on_failure=lambda _err: None,  # the booking still saves; only the notes are missing
            owner=self,
            quiet=True,
        )

    def changed_notes(self) -> str | None:
        """The notes typed, when they differ from the customer's stored ones; else None."""
        text = self.notes_edit.toPlainText()
        return None if text.strip() == self._loaded_notes.strip() else text

    # -- internals ----------------------------------------------------------------------

    def _on_detail(self, detail: CustomerDetail) -> None:
        if detail.customer.id == self.customer_id:
            self._show_customer(detail.customer)

    def _show_customer(self, customer: Customer) -> None:
        self.customer_id = customer.id
        self._linked_name = customer.name
        self.name_edit.setText(customer.name)
        self.email_edit.setText(customer.email or "")
        self.phone_edit.setText(customer.phone or "")
        self._loaded_notes = customer.notes
        self.notes_edit.setPlainText(customer.notes)
        self.hint.setText(_(RETURNING))
        self.hint.show()

    def _on_name_edited(self, text: str) -> None:
        if self.customer_id is not None and text != self._linked_name:
            self._unlink()
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.suggestions.clear()

    def _search(self) -> None:
        text = self.name_edit.text().strip()
        if not text or self.customer_id is not None:
            return
        # Only the newest answer counts: typing on makes older searches stale.
        customers = self._customers
        self._runner.run(
            lambda: customers.search(text, limit=8),
            on_success=lambda found: self._on_found(text, found),
            on_failure=lambda _err: None,  # suggestions are a convenience; typing goes on
            owner=self,
            latest=self,
            quiet=True,
        )

    def _on_found(self, typed: str, found: list[Customer]) -> None:
        if self.customer_id is not None:
            return
        self.suggestions.clear()
        for customer in found:
            contact = " · ".join(c for c in (customer.email, customer.phone) if c)
            item = QStandardItem(f"{customer.name}  —  {contact}" if contact else customer.name)
            item.setData(customer.id, CUSTOMER_ROLE)
            item.setData(customer.name, NAME_ROLE)
            item.setData(customer, RECORD_ROLE)
            item.setEditable(False)
            self.suggestions.appendRow(item)
        if found:
            # Someone else of the same name: the desk says so, rather than linking by mistake.
            new = QStandardItem(new_customer_text(typed))
            new.setData(typed, NAME_ROLE)
            new.setData(True, NEW_ROLE)
            new.setEditable(False)
            self.suggestions.appendRow(new)
        if found and self.name_edit.hasFocus():
            self.completer.complete()
        elif not found:
            self._hide_popup()

    def _on_suggestion(self, index: QModelIndex) -> None:
        if index.data(NEW_ROLE):
            self._unlink()
            self.name_edit.setText(str(index.data(NAME_ROLE)))
            self.hint.setText(_(NEW_CUSTOMER))
            self.hint.show()
            self._hide_popup()
            self.suggestions.clear()
            self.email_edit.setFocus()
            self.linked.emit()
            return
        customer = index.data(RECORD_ROLE)
        if not isinstance(customer, Customer):
            return
        self._show_customer(customer)
        self._hide_popup()
        self.linked.emit()

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def _unlink(self) -> None:
        # The notes shown were the linked customer's: they do not follow a different person.
        if self.notes_edit.toPlainText().strip() == self._loaded_notes.strip():
            self.notes_edit.clear()
        self.customer_id = None
        self._linked_name = ""
        self._loaded_notes = ""
        self.hint.hide()
