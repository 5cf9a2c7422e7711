"""Manage ▸ Staff and rooms: accounts (name, role, PIN, takes bookings, active) and the rooms,
chairs and staff columns of the day view. Managers only; every save goes through the
people service in the background and is audited there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.people import Resource, ResourceKind, Role
from pos_app.i18n import N_, _
from pos_app.services.people import ResourceForm, StaffMember, UserForm
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import (
    BusyState,
    FormFeedback,
    dialog_layout,
    dialog_title,
    form_layout,
    muted_label,
)
from pos_app.ui.kit.forms import ErrorLabel, FieldWithError, form_label
from pos_app.ui.kit.pin import pin_edit
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.kit.widest_button import WidestTextButton
from pos_app.ui.people.ports import StaffDirectory

KIND_WORDS = {ResourceKind.ROOM: N_("Room or chair"), ResourceKind.STAFF: N_("Staff column")}


SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 1


class TwoLineDelegate(QStyledItemDelegate):
    """A list row with the name in bold and a muted second line (role, kind, state)."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        height = option.fontMetrics.lineSpacing() * 2 + 18
        return QSize(option.rect.width(), height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title, opt.text = opt.text, ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        main = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = main if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        if index.data(Qt.ItemDataRole.ForegroundRole) is not None and not selected:
            main = muted  # inactive: all of it greyed
        rect = opt.rect.adjusted(12, 8, -12, -8)
        line = opt.fontMetrics.lineSpacing()
        painter.save()
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(main)
        painter.drawText(rect.adjusted(0, 0, 0, -line), Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(opt.font)
        painter.setPen(muted)
        subtitle = str(index.data(SUBTITLE_ROLE) or "")
        painter.drawText(rect.adjusted(0, line + 2, 0, 0), Qt.AlignmentFlag.AlignLeft, subtitle)
        painter.restore()


def _list(min_width: int = 250) -> QListWidget:
    widget = QListWidget()
    widget.setMinimumWidth(min_width)
    widget.setFont(theme.font(widget, scale=1.05))
    widget.setItemDelegate(TwoLineDelegate(widget))
    widget.setObjectName("editorList")  # framed like every list by the app-wide stylesheet
    return widget


def _item(title: str, subtitle: str, *, muted: QBrush | None) -> QListWidgetItem:
    item = QListWidgetItem(title)
    item.setData(SUBTITLE_ROLE, subtitle)
    item.setToolTip(f"{title} — {subtitle}")
    if muted is not None:
        item.setForeground(muted)
    return item


def _primary(text: str, on_click: Callable[[], None]) -> QPushButton:
    # As wide as its widest text from the start: "Save changes" and "Saving…" never clip.
    button = WidestTextButton((text, _("Save changes"), _("Saving…")))
    theme.make_primary(button)
    button.clicked.connect(on_click)
    return button


def _tab(
    left: QVBoxLayout,
    title: QLabel,
    form: QFormLayout,
    error: ErrorLabel,
    saved: QLabel,
    save: QPushButton,
) -> QWidget:
    """A tab: the list on the left; on the right the form, its sentence, and below them
    "Saved …" beside the save button."""
    actions = QHBoxLayout()
    actions.addWidget(saved, 1)
    actions.addWidget(save)
    right = QVBoxLayout()
    right.addWidget(title)
    right.addLayout(form)
    right.addWidget(error)
    right.addStretch(1)
    right.addLayout(actions)
    tab = QWidget()
    row = QHBoxLayout(tab)
    row.setContentsMargins(12, 12, 12, 12)
    row.setSpacing(18)
    row.addLayout(left, 2)
    row.addLayout(right, 3)
    return tab


class StaffEditor(QDialog):
    """People and rooms, each a list on the left and its form on the right."""

    changed = Signal()  # something was saved

    def __init__(
        self, people: StaffDirectory, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._people = people
        self._runner = runner
        self.members: list[StaffMember] = []
        self.resources: list[Resource] = []
        self._person: StaffMember | None = None  # None: adding someone new
        self._room: Resource | None = None
        self._select_after: str | None = None
        self._notes = ("", "")  # "Saved …" for the people and rooms forms, after the reload
        self.setWindowTitle(_("Staff and rooms"))
        self.setModal(True)
        self.resize(880, 560)

        title = dialog_title(self, _("Staff and rooms"))
        self.status_label = muted_label(_("Loading…"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_people_tab(), _("&People"))
        self.tabs.addTab(self._build_rooms_tab(), _("&Rooms and columns"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.buttons.rejected.connect(self.reject)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.status_label)
        layout = dialog_layout(self)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+N"), self, self._add_in_current_tab)
        self.load()

    # -- construction -------------------------------------------------------------------

    def _build_people_tab(self) -> QWidget:
        self.people_list = _list()
        self.people_list.currentRowChanged.connect(self._on_person_row)
        self.add_person_button = QPushButton(_("Add person"))
        self.add_person_button.setToolTip(_("Add someone who signs in at the desk (Ctrl+N)"))
        self.add_person_button.clicked.connect(self.new_person)
        left = QVBoxLayout()
        left.addWidget(self.people_list, 1)
        left.addWidget(self.add_person_button)

        self.person_title = QLabel(_("New person"))
        self.person_title.setFont(theme.font(self, scale=1.15, bold=True))
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(120)
        self.name_edit.setPlaceholderText(_("e.g. Sam Lee"))
        self.role_combo = QComboBox()
        for role in (Role.STAFF, Role.MANAGER):
            self.role_combo.addItem(role.label, role)
        self.role_hint = muted_label(
            _("Managers add staff, approve refunds and read the audit log."), wrap=True
        )
        self.pin_edit = pin_edit(_("4 to 8 digits"))
        self.pin_again_edit = pin_edit(_("The same PIN again"))
        self.bookings_check = QCheckBox(_("Takes bookings (has a column in the day view)"))
        self.active_check = QCheckBox(_("Active (can sign in)"))
        self.active_check.setChecked(True)
        self.person_rows = {
            "name": FieldWithError(self.name_edit),
            "role": FieldWithError(self.role_combo),
            "pin": FieldWithError(self.pin_edit),
            "pin_again": FieldWithError(self.pin_again_edit),
            "active": FieldWithError(self.active_check),
        }
        form = form_layout()
        form.addRow(form_label(_("&Name"), self.name_edit), self.person_rows["name"])
        form.addRow(form_label(_("R&ole"), self.role_combo), self.person_rows["role"])
        form.addRow("", self.role_hint)
        self.pin_label = form_label(_("New &PIN"), self.pin_edit)
        form.addRow(self.pin_label, self.person_rows["pin"])
        form.addRow(form_label(_("PIN a&gain"), self.pin_again_edit), self.person_rows["pin_again"])
        form.addRow("", self.bookings_check)
        form.addRow("", self.person_rows["active"])
        self.person_error = ErrorLabel()
        self._person_feedback = FormFeedback(self.person_rows, self.person_error)
        self.person_saved = self._saved_label()
        self.save_person_button = _primary(_("Add person"), self.save_person)
        self.save_person_button.setDefault(True)
        self._person_busy = BusyState(self, self.save_person_button, label=self.save_person_button)
        for edit in (self.name_edit, self.pin_edit, self.pin_again_edit):
            edit.returnPressed.connect(self.save_person)
        return _tab(
            left,
            self.person_title,
            form,
            self.person_error,
            self.person_saved,
            self.save_person_button,
        )

    def _build_rooms_tab(self) -> QWidget:
        self.rooms_list = _list()
        self.rooms_list.currentRowChanged.connect(self._on_room_row)
        self.add_room_button = QPushButton(_("Add room or chair"))
        self.add_room_button.setToolTip(_("Add a room or chair that bookings can hold (Ctrl+N)"))
        self.add_room_button.clicked.connect(self.new_room)
        left = QVBoxLayout()
        left.addWidget(self.rooms_list, 1)
        left.addWidget(self.add_room_button)

        self.room_title = QLabel(_("New room or chair"))
        self.room_title.setFont(theme.font(self, scale=1.15, bold=True))
        self.room_name_edit = QLineEdit()
        self.room_name_edit.setMaxLength(120)
        self.room_name_edit.setPlaceholderText(_("e.g. Treatment room 2"))
        self.room_kind_combo = QComboBox()
        for kind in (ResourceKind.ROOM, ResourceKind.STAFF):
            self.room_kind_combo.addItem(_(KIND_WORDS[kind]), kind)
        self.room_place_spin = QSpinBox()
        self.room_place_spin.setRange(1, 999)
        self.room_place_spin.setToolTip(_("1 is the first column of the day view"))
        self.room_active_check = QCheckBox(_("Active (shown in the day view, can be booked)"))
        self.room_active_check.setChecked(True)
        self.room_owner_label = muted_label(wrap=True)
        self.room_rows = {
            "name": FieldWithError(self.room_name_edit),
            "position": FieldWithError(self.room_place_spin),
        }
        form = form_layout()
        form.addRow(form_label(_("&Name"), self.room_name_edit), self.room_rows["name"])
        form.addRow(form_label(_("&Kind"), self.room_kind_combo), self.room_kind_combo)
        form.addRow(form_label(_("&Place"), self.room_place_spin), self.room_rows["position"])
        form.addRow("", self.room_active_check)
        form.addRow("", self.room_owner_label)
        self.room_error = ErrorLabel()
        self._room_feedback = FormFeedback(self.room_rows, self.room_error)
        self.room_saved = self._saved_label()
        self.save_room_button = _primary(_("Add"), self.save_room)
        self._room_busy = BusyState(self, self.save_room_button, label=self.save_room_button)
        self.room_name_edit.returnPressed.connect(self.save_room)
        return _tab(
            left, self.room_title, form, self.room_error, self.room_saved, self.save_room_button
        )

    def _saved_label(self) -> QLabel:
        label = QLabel("")
        theme.set_role(label, tone="success")
        return label

    # -- public -------------------------------------------------------------------------

    def load(self) -> None:
        """Read everyone and every column in the background."""
        people = self._people

        def work() -> tuple[list[StaffMember], list[Resource]]:
            return (
                people.list_users(include_inactive=True),
                people.list_resources(include_inactive=True),
            )

        self.status_label.setText(_("Loading…"))
        self._runner.run(
            work, on_success=self._on_loaded, on_failure=self._on_load_failed, owner=self
        )

    def select_person(self, user_id: str) -> bool:
        """Show ``user_id`` in the form; False if not listed."""
        for row, member in enumerate(self.members):
            if member.id == user_id:
                self.people_list.setCurrentRow(row)
                return True
        return False

    def select_room(self, resource_id: str) -> bool:
        """Show ``resource_id`` in the rooms form; False if not listed."""
        for row, resource in enumerate(self.resources):
            if resource.id == resource_id:
                self.tabs.setCurrentIndex(1)
                self.rooms_list.setCurrentRow(row)
                return True
        return False

    def person_error_text(self, field: str | None = None) -> str:
        """The sentence under ``field`` (or the form's general one)."""
        if field:
            return self._person_feedback.text(field)
        return "" if self.person_error.isHidden() else self.person_error.text()

    def room_error_text(self, field: str | None = None) -> str:
        """The sentence under a rooms ``field`` (or the general one)."""
        if field:
            return self._room_feedback.text(field)
        return "" if self.room_error.isHidden() else self.room_error.text()

    def new_person(self) -> None:
        """Empty the form to add someone."""
        self.people_list.blockSignals(True)
        self.people_list.setCurrentRow(-1)
        self.people_list.blockSignals(False)
        self._show_person(None)
        self.name_edit.setFocus()

    def new_room(self) -> None:
        """Empty the rooms form to add one."""
        self.rooms_list.blockSignals(True)
        self.rooms_list.setCurrentRow(-1)
        self.rooms_list.blockSignals(False)
        self._show_room(None)
        self.room_name_edit.setFocus()

    def save_person(self) -> None:
        """Add or change the person in the form."""
        if not self.save_person_button.isEnabled():
            return
        form = UserForm(
            name=self.name_edit.text(),
            role=Role(self.role_combo.currentData()),
            pin=self.pin_edit.text(),
            pin_again=self.pin_again_edit.text(),
            active=self.active_check.isChecked(),
            takes_bookings=self.bookings_check.isChecked(),
        )
        people = self._people
        person = self._person
        self._person_feedback.clear()
        self._person_busy.begin()

        def work() -> StaffMember:
            if person is None:
                return people.create_user(form)
            return people.update_user(person.id, form)

        self._runner.run(
            work, on_success=self._on_person_saved, on_failure=self._on_person_failed, owner=self
        )

    def save_room(self) -> None:
        """Add or change the room or column in the form."""
        if not self.save_room_button.isEnabled():
            return
        room = self._room
        form = ResourceForm(
            id=room.id if room else None,
            name=self.room_name_edit.text(),
            kind=ResourceKind(self.room_kind_combo.currentData()),
            active=self.room_active_check.isChecked(),
            position=self.room_place_spin.value() - 1,
        )
        people = self._people
        self._room_feedback.clear()
        self.room_saved.setText("")
        self._room_busy.begin()
        self._runner.run(
            lambda: people.save_resource(form),
            on_success=self._on_room_saved,
            on_failure=self._on_room_failed,
            owner=self,
        )

    # -- loading ------------------------------------------------------------------------

    def _on_loaded(self, result: tuple[list[StaffMember], list[Resource]]) -> None:
        members, resources = result
        self.status_label.setText("")
        # Active people first, by name; the inactive ones after, greyed.
        self.members = sorted(members, key=lambda m: (not m.active, m.name.casefold()))
        self.resources = sorted(resources, key=lambda r: (not r.active, r.position))
        owners = {m.resource_id: m.name for m in self.members if m.resource_id}
        muted = QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))

        self.people_list.blockSignals(True)
        self.people_list.clear()
        for member in self.members:
            extra = [member.role.label]
            if member.takes_bookings:
                extra.append(_("takes bookings"))
            if not member.active:
                extra.append(_("inactive"))
            self.people_list.addItem(
                _item(member.name, ", ".join(extra), muted=None if member.active else muted)
            )
        self.people_list.blockSignals(False)

        self.rooms_list.blockSignals(True)
        self.rooms_list.clear()
        for resource in self.resources:
            extra = [_(KIND_WORDS[resource.kind])]
            if resource.id in owners:
                extra.append(_("{name}'s column").format(name=owners[resource.id]))
            if not resource.active:
                extra.append(_("inactive"))
            self.rooms_list.addItem(
                _item(resource.name, ", ".join(extra), muted=None if resource.active else muted)
            )
        self.rooms_list.blockSignals(False)

        target = self._select_after
        self._select_after = None
        keep_person = target or (self._person.id if self._person else None)
        if not (keep_person and self.select_person(keep_person)):
            if self.members:
                self.people_list.setCurrentRow(0)
            else:
                self._show_person(None)
        keep_room = self._room.id if self._room else None
        if not (keep_room and self._select_room_row(keep_room)):
            if self.resources:
                self.rooms_list.setCurrentRow(0)
            else:
                self._show_room(None)
        self.person_saved.setText(self._notes[0])
        self.room_saved.setText(self._notes[1])
        self._notes = ("", "")

    def _select_room_row(self, resource_id: str) -> bool:
        for row, resource in enumerate(self.resources):
            if resource.id == resource_id:
                self.rooms_list.setCurrentRow(row)
                return True
        return False

    def _on_load_failed(self, error: BaseException) -> None:
        self.status_label.setText("")
        self.person_error.show_error(user_message(error))

    # -- people form --------------------------------------------------------------------

    def _on_person_row(self, row: int) -> None:
        self._show_person(self.members[row] if 0 <= row < len(self.members) else None)

    def _show_person(self, member: StaffMember | None) -> None:
        self._person = member
        self._person_feedback.clear()
        self.person_saved.setText("")
        self.pin_edit.clear()
        self.pin_again_edit.clear()
        if member is None:
            self.person_title.setText(_("New person"))
            self.name_edit.clear()
            self.role_combo.setCurrentIndex(0)
            self.bookings_check.setChecked(False)
            self.active_check.setChecked(True)
            self.pin_label.setText(_("&PIN"))
            self.pin_edit.setPlaceholderText(_("4 to 8 digits"))
            self.save_person_button.setText(_("Add person"))
            return
        self.person_title.setText(member.name)
        self.name_edit.setText(member.name)
        self.role_combo.setCurrentIndex(self.role_combo.findData(member.role))
        self.bookings_check.setChecked(member.takes_bookings)
        self.active_check.setChecked(member.active)
        self.pin_label.setText(_("New &PIN"))
        self.pin_edit.setPlaceholderText(_("Leave empty to keep the PIN"))
        self.save_person_button.setText(_("Save changes"))

    def _on_person_saved(self, member: StaffMember) -> None:
        self._person_busy.end()
        self._person = member
        self._select_after = member.id
        self._notes = (_("✓ Saved {name}.").format(name=member.name), "")
        self.changed.emit()
        self.load()

    def _on_person_failed(self, error: BaseException) -> None:
        self._person_busy.end()
        self._person_feedback.show_error(error)

    # -- rooms form ---------------------------------------------------------------------

    def _on_room_row(self, row: int) -> None:
        self._show_room(self.resources[row] if 0 <= row < len(self.resources) else None)

    def _show_room(self, resource: Resource | None) -> None:
        self._room = resource
        self._room_feedback.clear()
        self.room_saved.setText("")
        owner = next((m for m in self.members if resource and m.resource_id == resource.id), None)
        if resource is None:
            self.room_title.setText(_("New room or chair"))
            self.room_name_edit.clear()
            self.room_kind_combo.setCurrentIndex(0)
            self.room_active_check.setChecked(True)
            self.room_place_spin.setValue(len([r for r in self.resources if r.active]) + 1)
            self.room_owner_label.setText("")
            self.save_room_button.setText(_("Add"))
        else:
            self.room_title.setText(resource.name)
            self.room_name_edit.setText(resource.name)
            self.room_kind_combo.setCurrentIndex(self.room_kind_combo.findData(resource.kind))
            self.room_active_check.setChecked(resource.active)
            self.room_place_spin.setValue(resource.position + 1)
            self.save_room_button.setText(_("Save changes"))
            self.room_owner_label.setText(
                _("{name}'s column: its name follows the person's, set on the People tab.").format(
                    name=owner.name
                )
                if owner
                else ""
            )
        # A person's own column is renamed with the person, not here.
        self.room_name_edit.setEnabled(owner is None)
        self.room_kind_combo.setEnabled(owner is None)

    def _on_room_saved(self, resource: Resource) -> None:
        self._room_busy.end()
        self._room = resource
        self._notes = ("", _("✓ Saved {name}.").format(name=resource.name))
        self.changed.emit()
        self.load()

    def _on_room_failed(self, error: BaseException) -> None:
        self._room_busy.end()
        self._room_feedback.show_error(error)

    # -- helpers ------------------------------------------------------------------------

    def _add_in_current_tab(self) -> None:
        if self.tabs.currentIndex() == 0:
            self.new_person()
        else:
            self.new_room()
