"""Manage ▸ Promo codes…: managers add codes and switch them off or on; staff look."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.errors import PermissionDeniedError, PosError
from pos_app.domain.money import Money
from pos_app.domain.people import Actor, Role
from pos_app.services.promo_codes import PromoForm
from pos_app.ui.manage.promo_editor import AMOUNT, PromoCodesEditor
from pos_app.ui.shell.main_window import MainWindow
from tests.conftest import TEST_MANAGER


def _promos(qtbot: QtBot, window: MainWindow) -> PromoCodesEditor:
    window.promo_codes_action.trigger()
    qtbot.waitUntil(lambda: window.promo_window is not None)
    editor = window.promo_window
    assert editor is not None
    qtbot.waitUntil(lambda: editor.list_status.text() != "Loading…")
    return editor


def test_a_manager_adds_a_code_refused_first_with_a_sentence(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    editor = _promos(qtbot, window)
    assert editor.list_status.text() == "0 codes, 0 usable today"
    qtbot.keyClicks(editor.code_edit, "WELCOME5")
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData(AMOUNT))
    qtbot.keyClicks(editor.value_edit, "five")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.error_text("discount") != "")  # under the field it names
    assert editor.codes() == []

    editor.value_edit.setText("5.00")
    editor.uses_spin.setValue(100)
    qtbot.keyClicks(editor.min_edit, "20.00")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.codes() == ["WELCOME5"])
    assert editor.status_label.text() == "Added WELCOME5."
    promo = ui_app.promo_codes.list_codes()[0]
    assert promo.discount.amount == Money(500, ui_app.config.currency)
    assert (promo.max_uses, promo.min_order) == (100, Money(2000, ui_app.config.currency))
    assert editor.model.index(0, 2).data() == "0 of 100"
    assert editor.model.index(0, 5).data() == "✓ Usable"
    assert editor.code_edit.text() == ""  # ready for the next one
    editor.reject()


def test_switching_a_code_off_stops_orders_using_it_and_on_again(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    currency = ui_app.config.currency
    ui_app.promo_codes.add_code(PromoForm("SUMMER10", currency, percent_text="10"))
    editor = _promos(qtbot, window)
    editor.table.selectRow(0)
    assert editor.switch_button.text() == "Switch off"
    qtbot.mouseClick(editor.switch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.model.index(0, 5).data() == "⊘ Switched off")
    assert editor.switch_button.text() == "Switch on"
    assert editor.list_status.text() == "1 code, 0 usable today"
    # What an order asking for the code now hears.
    with pytest.raises(PosError, match=r"^Promo code SUMMER10 is switched off\.$"):
        ui_app.promo_codes.check("summer10", Money(5000, currency))

    qtbot.mouseClick(editor.switch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.model.index(0, 5).data() == "✓ Usable")
    assert ui_app.promo_codes.check("SUMMER10", Money(5000, currency)).active
    editor.reject()


def test_staff_see_the_codes_but_cannot_add_or_switch(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    added = ui_app.promo_codes.add_code(
        PromoForm("VIP20", ui_app.config.currency, percent_text="20")
    )
    ui_app.deps.desk.sign_in(Actor("usr_riley", "Riley", Role.STAFF))
    try:
        editor = _promos(qtbot, window)
        assert editor.banner.isVisible() and not editor.add_button.isEnabled()
        editor.table.selectRow(0)
        assert not editor.switch_button.isEnabled()
        with pytest.raises(PermissionDeniedError, match="Only a manager can switch promo codes"):
            ui_app.promo_codes.set_active(added.id, False)
        assert ui_app.promo_codes.list_codes()[0].active
    finally:
        ui_app.deps.desk.sign_in(TEST_MANAGER)
