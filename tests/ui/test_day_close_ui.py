"""Manage ▸ Close the day…: the Z report with a live difference, the close, and what a
non-manager or a bad count is told."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.people import Actor, Role
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.reports.day_close.day_close_view import DayCloseDialog
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking

STAFF = Actor("usr_pat", "Pat Staff", Role.STAFF)


def open_dialog(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, **kw: object
) -> DayCloseDialog:
    dialog = DayCloseDialog(
        ui_app.day_close,
        runner,
        business=ui_app.config.business_name,
        timezone=ui_app.config.timezone,
        **kw,  # type: ignore[arg-type]
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loads >= 1 and bool(dialog.panels), timeout=5000)
    return dialog


def test_a_manager_counts_the_drawer_and_closes_the_day(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, tmp_path: Path
) -> None:
    ui_app.cash.record(make_booking(ui_app, "Grace Hopper").id)  # $35.00
    ui_app.cash.record(make_booking(ui_app, "Alan Turing", minutes=120).id, "10.00")
    questions: list[str] = []

    def confirm(_parent: object, _title: str, text: str) -> bool:
        questions.append(text)
        return True

    dialog = open_dialog(qtbot, ui_app, runner, confirm=confirm)
    assert list(dialog.panels) == ["usd"]
    panel = dialog.panels["usd"]
    assert panel.totals.cash_expected == 4500 and panel.totals.cash_count == 2
    assert dialog.state_text() == "Open: the figures as they stand now."

    qtbot.keyClicks(panel.counted_edit, "40")  # typed: the difference follows each key
    assert (panel.difference_text(), panel.difference_tone()) == ("−$5.00 short", "danger")
    panel.counted_edit.setText("46.50")
    assert (panel.difference_text(), panel.difference_tone()) == ("+$1.50 over", "warning")
    panel.counted_edit.setText("45")
    assert (panel.difference_text(), panel.difference_tone()) == ("Exact", "success")
    panel.counted_edit.setText("44.00")
    dialog.note_edit.setText("A dollar short")
    qtbot.keyClick(panel.counted_edit, Qt.Key.Key_Return)  # Enter closes (after the question)

    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.is_closed, timeout=5000)
    assert "USD: counted $44.00, expected $45.00 — $1.00 short." in questions[0].replace("−", "")
    today = datetime.now(ui_app.config.timezone).date()
    z = ui_app.day_close.preview(today)
    assert z.is_closed and z.closes[0].cash_counted == 4400 and z.closes[0].note == "A dollar short"
    assert ": closed at " in dialog.state_text() and "by Test manager" in dialog.state_text()
    closed_panel = dialog.panels["usd"]
    assert closed_panel.counted_edit.isHidden() and closed_panel.counted_value.text() == "$44.00"
    assert closed_panel.difference_text() == "−$1.00 short"
    assert not dialog.close_day_button.isVisible() and dialog.note_edit.isReadOnly()

    target = tmp_path / "z.pdf"
    dialog._choose_path = lambda _parent, _suggested: str(target)
    dialog.save_pdf()
    qtbot.waitUntil(lambda: dialog.status_label.text() == "Saved z.pdf.", timeout=5000)
    assert target.read_bytes().startswith(b"%PDF")


def test_a_bad_count_is_explained_under_its_field_and_nothing_closes(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    ui_app.cash.record(make_booking(ui_app).id)
    asked: list[str] = []
    dialog = open_dialog(qtbot, ui_app, runner, confirm=lambda *a: asked.append("?") or True)
    panel = dialog.panels["usd"]
    panel.counted_edit.setText("12.345")
    assert panel.difference_text() == "—"
    dialog.close_day_button.click()
    qtbot.waitUntil(lambda: panel.error.text() != "", timeout=5000)
    assert panel.error.text() == "USD amounts have at most 2 decimal places."
    assert asked == []  # no question for a count that cannot be read
    assert panel.counted_edit.isEnabled() and dialog.close_day_button.isEnabled()
    today = datetime.now(ui_app.config.timezone).date()
    assert not ui_app.day_close.preview(today).is_closed

    # Closed meanwhile at another station: the sentence says by whom, and the day reloads.
    ui_app.day_close.close(today, {"usd": "35"}, actor=Actor("usr_b", "Bo Manager", Role.MANAGER))
    panel.counted_edit.setText("35.00")
    dialog.close_day_button.click()
    qtbot.waitUntil(lambda: "was closed at" in dialog.error_text(), timeout=5000)
    assert dialog.error_text().endswith("by Bo Manager.")
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.is_closed, timeout=5000)


def test_only_managers_open_the_z_report(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    ui_app.deps.desk.sign_in(STAFF)
    assert window.closing.open_day_close() is None
    assert window.notice.text() == "Only a manager can close the day."
    assert window.closing.open_reconcile() is None
    assert window.notice.text() == "Only a manager can reconcile with Stripe."
    ui_app.deps.desk.sign_in(Actor(None, "Test manager", Role.MANAGER))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window.table,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.closing.day_close_dialog
    assert isinstance(dialog, DayCloseDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.loads >= 1, timeout=5000)
    assert "Close the day…" in [a.text() for a in window.manage_menu.actions()]
    dialog.reject()


def test_the_opening_float_is_in_cash_expected_and_the_question_names_the_totals(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    ui_app.cash.record(make_booking(ui_app, "Grace Hopper").id)  # $35.00
    questions: list[tuple[str, str]] = []

    def confirm(_parent: object, title: str, text: str) -> bool:
        questions.append((title, text))
        return len(questions) > 1  # "Not yet" the first time

    dialog = open_dialog(qtbot, ui_app, runner, confirm=confirm)
    panel = dialog.panels["usd"]
    assert panel.expected_text() == "$35.00"
    qtbot.keyClicks(panel.float_edit, "150")
    assert panel.expected_text() == "$185.00"  # float 150 + cash 35
    assert panel.expected_detail.text() == "float $150.00 + cash $35.00"
    panel.counted_edit.setText("180")
    assert (panel.difference_text(), panel.difference_tone()) == ("−$5.00 short", "danger")
    panel.float_edit.setText("-3")
    assert panel.float_error.text() == "The amount must be more than zero."
    assert panel.difference_text() == "—"
    dialog.close_day_button.click()  # an unreadable float: no question, the service says why
    qtbot.waitUntil(lambda: dialog.close_day_button.isEnabled(), timeout=5000)
    assert panel.float_error.text() == "The amount must be more than zero."
    assert questions == []
    panel.float_edit.setText("150")
    panel.counted_edit.setText("185")
    dialog.close_day_button.click()  # "Not yet": nothing closes
    today = datetime.now(ui_app.config.timezone).date()
    title, text = questions[0]
    assert title.startswith("Close ") and title.endswith("?")
    assert "card net $0.00" in text and "cash payments $35.00" in text
    assert "expected $185.00 (float $150.00 + cash $35.00) — exact." in text
    assert not ui_app.day_close.preview(today).is_closed
    dialog.close_day_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.is_closed, timeout=5000)
    close = ui_app.day_close.preview(today).closes[0]
    assert (close.opening_float, close.cash_expected, close.cash_counted) == (15000, 18500, 18500)
    closed = dialog.panels["usd"]
    assert closed.float_edit.isHidden() and closed.float_value.text() == "$150.00"
    assert closed.expected_text() == "$185.00" and closed.difference_text() == "Exact"


def test_the_opening_floats_hint_is_typed_as_the_desk_types_money(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner
) -> None:
    from tests.language import language

    ui_app.cash.record(make_booking(ui_app, "Grace Hopper").id)
    with language("de"):
        dialog = open_dialog(qtbot, ui_app, runner)
        assert dialog.panels["usd"].float_edit.placeholderText() == "0,00"  # a comma in German
