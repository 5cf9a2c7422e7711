"""The services a booking can be for: a list, and a form to add or change one (managers only).

Anyone may look; only a manager may save. Everyone else sees the service's own sentence
("Only a manager can change the catalogue.") and a read-only form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from pos_app.domain.booking import Service
from pos_app.domain.errors import PermissionDeniedError
from pos_app.i18n import _, ngettext
from pos_app.services.catalog import (
    MANAGERS_ONLY,
    MAX_MINUTES,
    MIN_MINUTES,
    STEP_MINUTES,
    SUPPORTED_CURRENCIES,
    ServiceForm,
)
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import dialog_title, muted_label
from pos_app.ui.kit.tables import RIGHT, Column, RowsModel, rows_table, size_columns
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.kit.widest_button import WidestTextButton
from pos_app.ui.manage.edit_form import EditForm


class CatalogEditing(Protocol):
    """What the catalogue editor asks of the catalogue service."""

    def list_services(self, include_inactive: bool = False) -> list[Service]:
        """Services by name (every one with ``include_inactive``)."""
        ...

    def save_service(self, form: ServiceForm) -> Service:
        """Add or change a service (managers only), or raise FormErrors."""
        ...


def service_columns(inactive: Callable[[], QBrush]) -> list[Column[Service]]:
    """The list's columns; a service hidden from booking is greyed with ``inactive()``."""
    grey: dict[int, Callable[[Service], QBrush | None]] = {
        Qt.ItemDataRole.ForegroundRole: lambda s: None if s.active else inactive()
    }
    return [
        Column(_("Service"), lambda s: s.name, roles=grey),
        Column(
            _("Duration"),
            lambda s: _("{minutes} min").format(minutes=s.duration_minutes),
            sort_key=lambda s: s.duration_minutes,
            roles=grey,
        ),
        Column(
            _("Price"),
            lambda s: s.price.format(),
            align=RIGHT,
            sort_key=lambda s: (s.currency, s.price_amount),
            roles=grey,
        ),
        Column(_("Bookable"), lambda s: _("Yes") if s.active else _("No"), roles=grey),
    ]


class CatalogEditor(QDialog):
    """Services on the left, the chosen (or a new) service's form on the right."""

    def __init__(
        self,
        catalog: CatalogEditing,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        manager: bool,
    ) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._runner = runner
        self._editing: str | None = None  # service id, None for a new one
        self._select_after_load: str | None = None
        self.saved: Service | None = None
        self.setWindowTitle(_("Services"))
        self.resize(980, 560)
        self.setMinimumSize(860, 480)

        title = dialog_title(self, _("Services"))
        self.banner = QLabel(_(MANAGERS_ONLY) + " " + _("You can look, but not save."))
        self.banner.setObjectName("catalogBanner")
        self.banner.setWordWrap(True)
        theme.set_role(self.banner, "notice", tone="warning")
        self.banner.setVisible(not manager)

        self.model = RowsModel(service_columns(lambda: self.palette().placeholderText()), self)
        self.table = rows_table(self.model, "serviceTable")
        size_columns(self.table, stretch=0, fit=(1, 2, 3))
        self.add_button = QPushButton(_("New service"))
        self.add_button.setToolTip(_("Add a service (Ctrl+N)"))
        self.list_status = muted_label(_("Loading…"))
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.list_status, 1)
        row.addWidget(self.add_button)
        left_box.addLayout(row)

        self.form_title = QLabel(_("New service"))
        self.form_title.setFont(theme.font(self, scale=1.15, bold=True))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("e.g. Haircut"))
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(MIN_MINUTES, MAX_MINUTES)
        self.duration_spin.setSingleStep(STEP_MINUTES)
        self.duration_spin.setSuffix(_(" min"))
        self.duration_spin.setValue(30)
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText(_("e.g. 35.00"))
        self.price_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.currency_combo = QComboBox()
        for code in SUPPORTED_CURRENCIES:
            self.currency_combo.addItem(code.upper(), code)
        self.currency_combo.setCurrentIndex(max(0, self.currency_combo.findData("usd")))
        # The rate the sale's tax is worked out with (docs/tax-and-discounts.md); 0 for none.
        self.tax_edit = QLineEdit("0")
        self.tax_edit.setPlaceholderText(_("e.g. 8.875"))
        self.tax_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.tax_edit.setToolTip(_("Tax rate in percent, up to three decimals; 0 when none"))
        self.active_check = QCheckBox(_("Can be booked"))
        self.active_check.setChecked(True)
        self.save_button = WidestTextButton((_("Add service"), _("Save changes")))
        record = self._record = EditForm(
            self,
            [
                ("name", _("&Name"), self.name_edit),
                ("duration_minutes", _("&Duration"), self.duration_spin),
                ("price", _("&Price"), self.price_edit),
                ("currency", _("C&urrency"), self.currency_combo),
                ("tax_rate", _("&Tax rate %"), self.tax_edit),
            ],
            self.save_button,
        )
        form = record.layout
        form.addRow("", self.active_check)
        note = muted_label(_("Bookings already made keep their price and length."), wrap=True)
        self.general_error, self._feedback = record.general_error, record.feedback
        self.status_label, self._busy = record.status_label, record.busy
        self.close_button = QPushButton(_("Close"))
        buttons = record.button_row(self.close_button)
        right = QFrame()
        right.setObjectName("serviceForm")
        theme.set_role(right, "card")
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(18, 14, 18, 14)
        right_box.setSpacing(10)
        right_box.addWidget(self.form_title)
        right_box.addLayout(form)
        right_box.addWidget(note)
        right_box.addStretch(1)
        right_box.addWidget(self.general_error)
        right_box.addLayout(buttons)
        right.setMinimumWidth(400)

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
        # Default only once inside the dialog (Qt ignores it on a button outside one).
        self.save_button.setDefault(True)

        fields = (self.name_edit, self.duration_spin, self.price_edit, self.currency_combo)
        for widget in (*fields, self.tax_edit):
            widget.setEnabled(manager)
        self.active_check.setEnabled(manager)
        self.save_button.setEnabled(manager)
        self.add_button.setEnabled(manager)

        self.table.selectionModel().selectionChanged.connect(self._on_selected)
        self.add_button.clicked.connect(self.new_service)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        for edit in (self.name_edit, self.price_edit, self.tax_edit):
            edit.textEdited.connect(self._clear_error_of_sender)
            edit.returnPressed.connect(self.save)
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self).activated.connect(
            self.new_service
        )
        self.setTabOrder(self.table, self.add_button)
        self.setTabOrder(self.add_button, self.name_edit)
        self.setTabOrder(self.name_edit, self.duration_spin)
        self.setTabOrder(self.duration_spin, self.price_edit)
        self.setTabOrder(self.price_edit, self.currency_combo)
        self.setTabOrder(self.currency_combo, self.tax_edit)
        self.setTabOrder(self.tax_edit, self.active_check)
        self.setTabOrder(self.active_check, self.save_button)
        self.load()

    # -- public -------------------------------------------------------------------------

    def load(self) -> None:
        """Reload the list of services (active and not) in the background."""
        catalog = self._catalog
        self._runner.run(
            lambda: catalog.list_services(include_inactive=True),
            on_success=self._on_loaded,
            on_failure=lambda err: self.list_status.setText(user_message(err)),
            owner=self,
        )

    def service_names(self) -> list[str]:
        """The services listed, in order."""
        return [s.name for s in self.model.rows()]

    def error_text(self, field: str) -> str:
        """The sentence under a field ('' when none); 'general' for the one above the buttons."""
        return self._record.error_text(field)

    def edit_service(self, service_id: str) -> None:
        """Select a service in the list and load it into the form."""
        row = self.model.row_where(lambda r: r.id == service_id)
        if row >= 0:
            self.table.selectRow(row)

    def new_service(self) -> None:
        """Clear the form for a new service."""
        self.table.clearSelection()
        self._editing = None
        self.form_title.setText(_("New service"))
        self.save_button.setText(_("Add service"))
        self.name_edit.clear()
        self.duration_spin.setValue(30)
        self.price_edit.clear()
        self.tax_edit.setText("0")
        self.active_check.setChecked(True)
        self._feedback.clear()
        self.status_label.setText("")
        self.name_edit.setFocus()

    def save(self) -> None:
        """Send the form to ``CatalogService.save_service`` in the background."""
        if self._busy.busy:
            return
        self._feedback.clear()
        currency = self.currency_combo.currentData()
        form = ServiceForm(
            id=self._editing,
            name=self.name_edit.text(),
            duration_minutes=self.duration_spin.value(),
            price_text=self.price_edit.text(),
            currency=currency if isinstance(currency, str) else "",
            active=self.active_check.isChecked(),
            tax_rate_text=self.tax_edit.text(),
        )
        catalog = self._catalog
        self._busy.begin()
        self._runner.run(
            lambda: catalog.save_service(form),
            on_success=self._on_saved,
            on_failure=self._on_save_failed,
            owner=self,
        )

    # -- internals ----------------------------------------------------------------------

    def _on_loaded(self, services: list[Service]) -> None:
        self.model.set_rows(services)  # the selection is cleared: nothing selected meanwhile
        active = sum(1 for s in services if s.active)
        self.list_status.setText(
            _("{active} bookable, {hidden} hidden").format(
                active=active, hidden=len(services) - active
            )
            if active != len(services)
            else ngettext("{count} service", "{count} services", active).format(count=active)
        )
        wanted = self._select_after_load or self._editing
        self._select_after_load = None
        if wanted is not None:
            self.edit_service(wanted)
        elif services:
            self.table.selectRow(0)

    def _on_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        service = self.model.row_at(rows[0].row())
        # The list is reloaded after a save and the saved service selected again: its
        # "Saved." stays; choosing another service starts afresh.
        another = service.id != self._editing
        self._editing = service.id
        self.form_title.setText(_("Edit {name}").format(name=service.name))
        self.save_button.setText(_("Save changes"))
        self.name_edit.setText(service.name)
        self.duration_spin.setValue(service.duration_minutes)
        self.price_edit.setText(service.price.input_text())
        self.currency_combo.setCurrentIndex(max(0, self.currency_combo.findData(service.currency)))
        self.tax_edit.setText(service.tax_rate.input_text())
        self.active_check.setChecked(service.active)
        if another:
            self._feedback.clear()
            self.status_label.setText("")

    def _on_saved(self, service: Service) -> None:
        self._busy.end()
        self.saved = service
        self.status_label.setText(_("Saved."))
        self._select_after_load = service.id
        self._editing = service.id
        self.load()

    def _on_save_failed(self, error: BaseException) -> None:
        self._busy.end()
        self._feedback.show_error(error)
        if isinstance(error, PermissionDeniedError):
            self.save_button.setEnabled(False)

    def _clear_error_of_sender(self) -> None:
        self._feedback.clear_field_of(self.sender())
