"""Promo codes: the list with what each one gives and whether it can be used today, a form to
add one, and switching one off or on again (managers).

Anyone may look; only a manager may add or switch codes. A code's uses are counted by the
database when an order using it is paid, so the list's "Used" figure is what has been taken.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.errors import FormErrors, PermissionDeniedError
from pos_app.domain.pricing import Discount
from pos_app.domain.promo import PromoCode, availability, day_words, state_words
from pos_app.i18n import _, ngettext
from pos_app.services.promo_codes import MANAGERS_ONLY, PromoForm
from pos_app.ui.kit import theme
from pos_app.ui.kit.date_fields import DateEdit
from pos_app.ui.kit.form_kit import dialog_title, muted_label
from pos_app.ui.kit.tables import RIGHT, Column, RowsModel, rows_table, size_columns
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.manage.edit_form import EditForm

#: The most uses a code can be limited to from this form (0 means no limit).
MAX_USES = 1_000_000
PERCENT, AMOUNT = "percent", "amount"
_FIELDS = {PERCENT: "discount", AMOUNT: "discount"}


class PromoEditing(Protocol):
    """What the promo codes editor asks of the promo code service."""

    def today(self) -> date:
        """The business's date now."""
        ...

    def list_codes(self) -> list[PromoCode]:
        """Every code, by code."""
        ...

    def add_code(self, form: PromoForm) -> PromoCode:
        """Add a code (managers only), or raise FormErrors."""
        ...

    def set_active(self, promo_id: str, active: bool) -> PromoCode:
        """Switch a code off or on again (managers only)."""
        ...


def gives(discount: Discount) -> str:
    """ "10% off" or "$5.00 off", in the current language (the domain's ``describe`` stays
    English: the audit log records it)."""
    return discount.label()


def promo_columns(today: Callable[[], date]) -> list[Column[PromoCode]]:
    """The list's columns, judged against the business's ``today()``."""

    def valid(p: PromoCode) -> str:
        if p.valid_from and p.valid_until:
            return _("{start} – {end}").format(
                start=day_words(p.valid_from), end=day_words(p.valid_until)
            )
        if p.valid_from:
            return _("From {day}").format(day=day_words(p.valid_from))
        if p.valid_until:
            return _("Until {day}").format(day=day_words(p.valid_until))
        return _("Always")

    return [
        Column(_("Code"), lambda p: p.code),
        Column(_("Gives"), lambda p: gives(p.discount)),
        Column(
            _("Used"),
            lambda p: (
                str(p.uses)
                if p.max_uses is None
                else _("{used} of {limit}").format(used=p.uses, limit=f"{p.max_uses:,}")
            ),
            align=RIGHT,
            sort_key=lambda p: p.uses,
        ),
        Column(_("Valid"), valid),
        Column(
            _("Min. order"), lambda p: "" if p.min_order is None else str(p.min_order), align=RIGHT
        ),
        Column(
            _("Today"),
            lambda p: state_words(p, today=today()),
            tooltip=lambda p: availability(p, today=today()).reason or None,
        ),
    ]


class PromoCodesEditor(QDialog):
    """Codes on the left, with Switch off/on; a form to add a code on the right."""

    def __init__(
        self,
        promos: PromoEditing,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        manager: bool,
        currency: str = "usd",
    ) -> None:
        super().__init__(parent)
        self._promos = promos
        self._runner = runner
        self._manager = manager
        self._currency = currency
        self._today = date.today()  # until the service says the business's date (load)
        self.added: PromoCode | None = None
        self.setWindowTitle(_("Promo codes"))
        self.resize(1320, 660)
        self.setMinimumSize(1000, 560)

        title = dialog_title(self, _("Promo codes"))
        self.banner = QLabel(
            _(MANAGERS_ONLY) + " " + _("You can look, but not add or switch codes.")
        )
        self.banner.setObjectName("promoBanner")
        self.banner.setWordWrap(True)
        theme.set_role(self.banner, "notice", tone="warning")
        self.banner.setVisible(not manager)

        self.model = RowsModel(promo_columns(lambda: self._today), self)
        self.table = rows_table(self.model, "promoTable")
        size_columns(self.table, stretch=5, fit=(0, 1, 2, 3, 4))
        self.switch_button = QPushButton(_("Switch off"))
        self.switch_button.setToolTip(_("Stop (or allow again) orders using the chosen code"))
        self.switch_button.setEnabled(False)
        self.list_status = muted_label(_("Loading…"))
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.list_status, 1)
        row.addWidget(self.switch_button)
        left_box.addLayout(row)

        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(_("e.g. SUMMER10"))
        self.code_edit.setMaxLength(40)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(_("Percent off"), PERCENT)
        self.kind_combo.addItem(
            _("Amount off ({currency})").format(currency=currency.upper()), AMOUNT
        )
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText(_("e.g. 10"))
        self.uses_spin = QSpinBox()
        self.uses_spin.setRange(0, MAX_USES)
        self.uses_spin.setSpecialValueText(_("No limit"))
        self.from_check, self.from_edit = self._optional_day(_("Starts on"))
        self.until_check, self.until_edit = self._optional_day(_("Ends after"))
        self.min_edit = QLineEdit()
        self.min_edit.setPlaceholderText(
            _("Optional, e.g. 20.00 ({currency})").format(currency=currency.upper())
        )
        self.add_button = QPushButton(_("Add code"))
        record = self._record = EditForm(
            self,
            [
                ("code", _("&Code"), self.code_edit),
                ("kind", _("&Gives"), self.kind_combo),
                ("discount", _("&How much"), self.value_edit),
                ("max_uses", _("&Uses"), self.uses_spin),
                ("valid_from", _("&From"), self._day_row(self.from_check, self.from_edit)),
                ("valid_until", _("U&ntil"), self._day_row(self.until_check, self.until_edit)),
                ("min_order", _("&Min. order"), self.min_edit),
            ],
            self.add_button,
        )
        self.general_error, self._feedback = record.general_error, record.feedback
        self.status_label, self._busy = record.status_label, record.busy
        self.close_button = QPushButton(_("Close"))
        note = muted_label(
            _(
                "Uses are counted by the database as orders take them: two stations can never "
                "both take the last one."
            ),
            wrap=True,
        )
        right = QFrame()
        right.setObjectName("promoForm")
        theme.set_role(right, "card")
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(18, 14, 18, 14)
        right_box.setSpacing(10)
        heading = QLabel(_("New promo code"))
        heading.setFont(theme.font(self, scale=1.15, bold=True))
        right_box.addWidget(heading)
        right_box.addLayout(record.layout)
        right_box.addWidget(note)
        right_box.addStretch(1)
        right_box.addWidget(self.general_error)
        right_box.addLayout(record.button_row(self.close_button))
        right.setMinimumWidth(460)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(left, 3)
        body.addWidget(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        self.add_button.setDefault(True)

        for widget in (
            self.code_edit,
            self.kind_combo,
            self.value_edit,
            self.uses_spin,
            self.from_check,
            self.until_check,
            self.min_edit,
            self.add_button,
        ):
            widget.setEnabled(manager)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.add_button.clicked.connect(self.add)
        self.close_button.clicked.connect(self.reject)
        self.switch_button.clicked.connect(self.switch_selected)
        self.table.selectionModel().selectionChanged.connect(self._on_selected)
        for edit in (self.code_edit, self.value_edit, self.min_edit):
            edit.textEdited.connect(self._clear_error_of_sender)
            edit.returnPressed.connect(self.add)
        self.load()

    def _optional_day(self, words: str) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox(words)
        edit = DateEdit(QDate(self._today.year, self._today.month, self._today.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        edit.setEnabled(False)
        check.toggled.connect(lambda on: edit.setEnabled(on and self._manager))
        return check, edit

    @staticmethod
    def _day_row(check: QCheckBox, edit: QDateEdit) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(check)
        box.addWidget(edit, 1)
        return row

    # -- public -------------------------------------------------------------------------

    def load(self) -> None:
        """Reload the codes (and the business's date they are judged on) in the background."""
        promos = self._promos
        self._runner.run(
            lambda: (promos.today(), promos.list_codes()),
            on_success=self._on_loaded,
            on_failure=lambda err: self.list_status.setText(user_message(err)),
            owner=self,
        )

    def codes(self) -> list[str]:
        """The codes listed, in order."""
        return [p.code for p in self.model.rows()]

    def error_text(self, field: str) -> str:
        """The sentence under a field ('' when none); 'general' for the one above the buttons."""
        return self._record.error_text(field)

    def add(self) -> None:
        """Send the form to ``PromoCodeService.add_code`` in the background."""
        if self._busy.busy:
            return
        self._feedback.clear()
        percent = self.kind_combo.currentData() == PERCENT
        value = self.value_edit.text()
        form = PromoForm(
            code=self.code_edit.text(),
            currency=self._currency,
            percent_text=value if percent else None,
            amount_text=None if percent else value,
            max_uses=self.uses_spin.value() or None,
            valid_from=_day(self.from_edit) if self.from_check.isChecked() else None,
            valid_until=_day(self.until_edit) if self.until_check.isChecked() else None,
            min_order_text=self.min_edit.text().strip() or None,
        )
        promos = self._promos
        self._busy.begin()
        self._runner.run(
            lambda: promos.add_code(form),
            on_success=self._on_added,
            on_failure=self._on_failed,
            owner=self,
        )

    def switch_selected(self) -> None:
        """Switch the chosen code off, or on again."""
        promo = self._selected()
        if promo is None or self._busy.busy:
            return
        promos, wanted = self._promos, not promo.active
        self._busy.begin()
        self._runner.run(
            lambda: promos.set_active(promo.id, wanted),
            on_success=self._on_switched,
            on_failure=self._on_failed,
            owner=self,
        )

    # -- internals ----------------------------------------------------------------------

    def _selected(self) -> PromoCode | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _on_loaded(self, loaded: tuple[date, list[PromoCode]]) -> None:
        self._today, codes = loaded
        today = QDate(self._today.year, self._today.month, self._today.day)
        for check, edit in ((self.from_check, self.from_edit), (self.until_check, self.until_edit)):
            if not check.isChecked():
                edit.setDate(today)
        chosen = self._selected()
        self.model.set_rows(codes)
        usable = sum(1 for p in codes if availability(p, today=self._today).allowed)
        self.list_status.setText(
            ngettext(
                "{count} code, {usable} usable today",
                "{count} codes, {usable} usable today",
                len(codes),
            ).format(count=len(codes), usable=usable)
        )
        if chosen is not None and (row := self.model.row_where(lambda p: p.id == chosen.id)) >= 0:
            self.table.selectRow(row)
        self._on_selected()

    def _on_selected(self) -> None:
        promo = self._selected()
        self.switch_button.setEnabled(promo is not None and self._manager)
        self.switch_button.setText(
            _("Switch on") if promo and not promo.active else _("Switch off")
        )

    def _on_added(self, promo: PromoCode) -> None:
        self._busy.end()
        self.added = promo
        self.status_label.setText(_("Added {code}.").format(code=promo.code))
        for edit in (self.code_edit, self.value_edit, self.min_edit):
            edit.clear()
        self.uses_spin.setValue(0)
        self.from_check.setChecked(False)
        self.until_check.setChecked(False)
        self.load()

    def _on_switched(self, promo: PromoCode) -> None:
        self._busy.end()
        sentence = _("{code} switched on.") if promo.active else _("{code} switched off.")
        self.status_label.setText(sentence.format(code=promo.code))
        self.load()

    def _on_failed(self, error: BaseException) -> None:
        self._busy.end()
        if isinstance(error, FormErrors):
            # The service names the value by its kind; here one field holds either.
            error = FormErrors({_FIELDS.get(k, k): v for k, v in error.errors.items()})
        self._feedback.show_error(error)
        if isinstance(error, PermissionDeniedError):
            self.add_button.setEnabled(False)
            self.switch_button.setEnabled(False)

    def _kind_changed(self) -> None:
        percent = self.kind_combo.currentData() == PERCENT
        self.value_edit.setPlaceholderText("e.g. 10" if percent else "e.g. 5.00")
        self._feedback.clear_field_of(self.value_edit)

    def _clear_error_of_sender(self) -> None:
        self._feedback.clear_field_of(self.sender())


def _day(edit: QDateEdit) -> date:
    picked = edit.date()
    return date(picked.year(), picked.month(), picked.day())
