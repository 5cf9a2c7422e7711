"""Manage ▸ Staff and rooms and Manage ▸ Audit log: managers use them, others are told why not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.people import Actor, ResourceKind, Role
from pos_app.services.people import UserForm
from pos_app.ui.kit import theme
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.people.audit_view import AuditDialog, amount_text, booking_text, short_id
from pos_app.ui.people.staff_editor import StaffEditor
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking

MANAGER = Actor(None, "Test manager", Role.MANAGER)
STAFF = Actor("usr_nobody", "Pat Staff", Role.STAFF)


@pytest.fixture
def editor(qtbot: QtBot, runner: TaskRunner, ui_app: AppContext) -> StaffEditor:
    ui_app.people.create_first_manager("Alex Morgan", "2580", "2580")
    dialog = StaffEditor(ui_app.people, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.members) == 1)
    return dialog


def test_a_manager_adds_a_person_who_takes_bookings(
    qtbot: QtBot, editor: StaffEditor, ui_app: AppContext
) -> None:
    qtbot.keyClick(editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert editor.save_person_button.text() == "Add person"
    qtbot.keyClicks(editor.name_edit, "Eve Park")
    editor.pin_edit.setText("9731")
    editor.pin_again_edit.setText("9731")
    editor.bookings_check.setChecked(True)
    qtbot.keyClick(editor.pin_again_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(editor.members) == 2, timeout=5000)
    eve = next(m for m in editor.members if m.name == "Eve Park")
    assert eve.role is Role.STAFF and eve.takes_bookings and eve.active
    assert editor.person_saved.text() == "✓ Saved Eve Park."  # icon and word, not colour alone
    assert editor.name_edit.text() == "Eve Park"  # the saved person stays in the form
    assert editor.pin_edit.placeholderText() == "Leave empty to keep the PIN"
    assert editor.people_list.item(1).text() == "Eve Park"
    columns = [r.name for r in ui_app.people.list_resources()]
    assert "Eve Park" in columns  # a column of her own in the day view


def test_account_form_errors_sit_under_their_fields(
    qtbot: QtBot, editor: StaffEditor, ui_app: AppContext
) -> None:
    editor.new_person()
    editor.name_edit.setText("Eve Park")
    editor.pin_edit.setText("9731")
    editor.pin_again_edit.setText("9713")
    editor.save_person()
    qtbot.waitUntil(lambda: editor.person_error_text("pin_again") != "")
    assert editor.person_error_text("pin_again") == (
        "The two PINs are not the same. Type the PIN again."
    )
    assert (
        editor.save_person_button.isEnabled() and editor.save_person_button.text() == "Add person"
    )
    # The last manager cannot stop being one.
    alex = editor.members[0]
    editor.select_person(alex.id)
    editor.role_combo.setCurrentIndex(editor.role_combo.findData(Role.STAFF))
    editor.save_person()
    qtbot.waitUntil(lambda: editor.person_error_text("role") != "")
    assert "There must always be an active manager" in editor.person_error_text("role")
    assert [u.name for u in ui_app.people.list_users()] == ["Alex Morgan"]
    assert ui_app.people.get_user(alex.id).is_manager


def test_rooms_are_added_and_placed(qtbot: QtBot, editor: StaffEditor, ui_app: AppContext) -> None:
    editor.tabs.setCurrentIndex(1)
    qtbot.keyClick(editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor.room_name_edit.setText("Quiet room")
    editor.room_place_spin.setValue(1)
    editor.save_room()
    qtbot.waitUntil(lambda: any(r.name == "Quiet room" for r in editor.resources), timeout=5000)
    first = ui_app.people.list_resources()[0]
    assert (first.name, first.kind) == ("Quiet room", ResourceKind.ROOM)
    editor.new_room()
    editor.room_name_edit.setText("quiet ROOM")
    editor.save_room()
    qtbot.waitUntil(lambda: editor.room_error_text("name") != "")
    assert editor.room_error_text("name") == "There is already a column called Quiet room."


def test_staff_are_told_the_staff_editor_and_the_log_are_for_managers(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    ui_app.deps.desk.sign_in(STAFF)
    assert window.access.open_staff_editor() is None
    assert window.notice.text() == "Only a manager can change staff and rooms."
    assert window.access.open_audit_log() is None
    assert window.notice.text() == "Only a manager can read the audit log."
    ui_app.deps.desk.sign_in(MANAGER)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window.table,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.access.audit_dialog
    assert isinstance(dialog, AuditDialog) and dialog.isVisible()
    dialog.reject()


def test_the_audit_log_lists_money_actions_newest_first_and_filters(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    sam = ui_app.people.create_user(UserForm("Sam Lee", Role.STAFF, "1357", "1357"))
    ui_app.deps.desk.sign_in(Actor(sam.id, sam.name, sam.role))
    first = make_booking(ui_app, "Grace Hopper")
    second = make_booking(ui_app, "Alan Turing", minutes=120)
    ui_app.cash.record(first.id, "10.00")
    ui_app.cash.record(second.id)
    ui_app.deps.desk.sign_in(MANAGER)
    dialog = AuditDialog(ui_app.audit, ui_app.people, ui_app.config.timezone, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loads >= 1 and dialog.model.rowCount() == 2)
    rows = dialog.rows()
    assert [(e.action, e.booking_id) for e in rows] == [
        (AuditAction.CASH_RECEIVED, second.id),
        (AuditAction.CASH_RECEIVED, first.id),
    ]
    index = dialog.model.index(1, 0)
    texts = [dialog.model.index(1, c).data() for c in range(dialog.model.columnCount())]
    # The booking by customer and service, not its id (which stays in the tooltip).
    assert texts[1:5] == ["Sam Lee", "Cash received", "Grace Hopper · Haircut", "$10.00"]
    booking_cell = dialog.model.index(1, 3)
    assert booking_cell.data(Qt.ItemDataRole.ToolTipRole) == f"Booking {first.id}"
    assert index.data(Qt.ItemDataRole.ToolTipRole)  # the full date and zone
    assert dialog.count_label.text() == "2 entries"

    loads = dialog.loads
    qtbot.keyClicks(dialog.text_edit, "alan turing")  # debounced: one query after typing
    qtbot.waitUntil(lambda: dialog.loads > loads and dialog.model.rowCount() == 1)
    assert dialog.rows()[0].booking_id == second.id
    dialog.text_edit.clear()
    dialog.show_booking(first.id)  # everything about one booking, not only money
    loads = dialog.loads
    qtbot.waitUntil(lambda: dialog.loads > loads and not dialog._debounce.isActive())
    qtbot.waitUntil(lambda: all(e.booking_id == first.id for e in dialog.rows()))
    actions = {e.action for e in dialog.rows()}
    assert AuditAction.CASH_RECEIVED in actions and len(actions) > 1  # booking.created too
    dialog.booking_edit.setText("bk_nothing")
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.empty_label)
    assert dialog.count_label.text() == "0 entries"


def test_the_audit_log_says_why_it_cannot_load(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    dialog = AuditDialog(ui_app.audit, ui_app.people, ui_app.config.timezone, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loads >= 1)
    ui_app.deps.desk.sign_in(STAFF)  # e.g. the desk changed hands under the open dialog
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.loads >= 2)
    assert dialog.error.text() == "Only a manager can read the audit log."


def test_amounts_going_out_read_negative() -> None:
    from datetime import UTC, datetime

    from pos_app.domain.audit import AuditEntry

    def entry(action: AuditAction) -> AuditEntry:
        return AuditEntry(datetime.now(UTC), None, "x", action, amount=1050, currency="usd")

    assert amount_text(entry(AuditAction.REFUND_SUCCEEDED)) == "−$10.50"
    assert amount_text(entry(AuditAction.CASH_RECEIVED)) == "$10.50"
    assert short_id("bk_0123456789abcdef") == "bk_0123…cdef"
    # A booking not found any more falls back to its short id.
    labels = {"bk_known": "Ana Silva · Cut & colour"}
    assert booking_text("bk_known", labels) == "Ana Silva · Cut & colour"
    assert booking_text("bk_0123456789abcdef", labels) == "bk_0123…cdef"
    assert booking_text(None, labels) == ""


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """The app-wide stylesheet on (bold primary buttons, 16 px padding), as in the app."""
    sheet, font, palette = qapp.styleSheet(), qapp.font(), qapp.palette()
    theme.apply_theme(qapp, dark=False)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setPalette(palette)


def test_the_save_buttons_fit_every_text_they_show(
    themed: QApplication, qtbot: QtBot, editor: StaffEditor
) -> None:
    from PySide6.QtWidgets import QPushButton

    def fits(button: QPushButton, text: str) -> bool:
        probe = QPushButton(text)
        probe.setObjectName(button.objectName())
        probe.setProperty("role", button.property("role"))
        probe.setFont(button.font())
        probe.ensurePolished()
        return probe.sizeHint().width() <= button.width()

    editor.new_person()
    editor.new_room()
    QApplication.processEvents()  # laid out for the short texts, "Add person" and "Add"
    assert (editor.save_person_button.text(), editor.save_room_button.text()) == (
        "Add person",
        "Add",
    )
    for button in (editor.save_person_button, editor.save_room_button):
        assert button.property("role") == "primary"
        width = button.width()
        for text in ("Save changes", "Saving…"):
            button.setText(text)
            # The same width, before any relayout: nothing clipped, nothing moved.
            assert button.width() == width and fits(button, text), text


def test_every_audited_action_has_the_desks_words() -> None:
    # A new action without words would show its code ("stock.adjusted") in the audit log.
    from pos_app.domain.audit import AuditAction
    from pos_app.ui.people.audit_view import ACTION_WORDS

    assert [a.value for a in AuditAction if a not in ACTION_WORDS] == []
