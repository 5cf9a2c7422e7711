"""Manage ▸ Products…: managers add products and change their stock with a reason; staff look."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.people import Actor, Role
from pos_app.domain.products import StockReason
from pos_app.services.products import ProductForm
from pos_app.ui.manage.products_editor import ProductsEditor
from pos_app.ui.shell.main_window import MainWindow
from tests.conftest import TEST_MANAGER
from tests.language import language


def _products(qtbot: QtBot, window: MainWindow, count: int) -> ProductsEditor:
    window.products_action.trigger()
    qtbot.waitUntil(lambda: window.products_window is not None)
    editor = window.products_window
    assert editor is not None
    qtbot.waitUntil(lambda: len(editor.product_names()) == count)
    return editor


def _shampoo(ctx: AppContext, stock: int = 10) -> str:
    form = ProductForm(
        id=None, name="Shampoo", price_text="12.00", currency="usd", stock=stock, sku="SHA-1"
    )
    return ctx.products.save_product(form).id


def _stock_of(ctx: AppContext, product_id: str) -> int:
    return ctx.products.find(product_id).stock


def test_a_manager_adds_a_product_with_its_opening_stock(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    editor = _products(qtbot, window, 0)
    qtbot.waitUntil(lambda: editor.list_status.text() == "0 on sale")
    assert not editor.tabs.isTabEnabled(1)  # a new product: its stock is the opening stock
    qtbot.keyClicks(editor.name_edit, "Argan oil")
    qtbot.keyClicks(editor.price_edit, "18,5O")
    editor.opening_spin.setValue(6)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.error_text("price") != "")
    assert editor.product_names() == []  # refused: nothing stored

    editor.price_edit.setText("18.50")
    editor.tax_edit.setText("8.875")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.product_names() == ["Argan oil"])
    added = ui_app.products.find("Argan oil")
    assert (added.price.amount, added.stock, added.tax_rate.thousandths) == (1850, 6, 8875)
    # Saved and selected: the stock now changes only through the stock tab.
    qtbot.waitUntil(lambda: editor.form_title.text() == "Edit Argan oil")
    assert editor.tabs.isTabEnabled(1) and editor.opening_spin.isHidden()
    assert editor.stock_label.text() == "In stock: 6"
    editor.reject()


def test_stock_is_received_removed_and_counted_with_its_history(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    product = _shampoo(ui_app, stock=10)
    editor = _products(qtbot, window, 1)
    editor.edit_product(product)
    qtbot.waitUntil(lambda: editor.stock_label.text() == "In stock: 10")
    editor.tabs.setCurrentIndex(1)

    editor.quantity_spin.setValue(5)
    qtbot.keyClicks(editor.note_edit, "Delivery 4471")
    qtbot.mouseClick(editor.receive_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.stock_label.text() == "In stock: 15")
    assert editor.stock_status.text() == "Received +5: 15 in stock."
    assert _stock_of(ui_app, product) == 15

    editor.quantity_spin.setValue(2)
    qtbot.mouseClick(editor.damage_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.stock_label.text() == "In stock: 13")

    editor.quantity_spin.setValue(11)
    qtbot.mouseClick(editor.count_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.stock_label.text() == "In stock: 11")
    qtbot.waitUntil(lambda: editor.history_model.rowCount() >= 3)
    reasons = [a.reason for a in editor.history_model.rows()][:3]
    assert reasons == [StockReason.COUNT, StockReason.DAMAGE, StockReason.RECEIVE]
    assert editor.history_model.rows()[2].note == "Delivery 4471"

    # A count that matches changes nothing, and says so.
    qtbot.mouseClick(editor.count_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "nothing changed" in editor.stock_status.text())
    assert _stock_of(ui_app, product) == 11

    # More removed than there is: the database's rule, in a sentence; nothing changes.
    editor.quantity_spin.setValue(50)
    qtbot.mouseClick(editor.damage_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Shampoo" in editor.stock_status.text())
    assert editor.stock_status.text() == "Only 11 × Shampoo left in stock."
    assert _stock_of(ui_app, product) == 11
    editor.reject()


def test_low_stock_is_said_in_words_in_the_list_and_on_the_stock_tab(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    product = _shampoo(ui_app, stock=2)
    editor = _products(qtbot, window, 1)
    editor.edit_product(product)
    qtbot.waitUntil(lambda: editor.stock_label.text() == "In stock: 2")
    assert editor.model.index(0, 3).data() == "2 · low"
    assert editor.list_status.text() == "1 on sale, 1 running low"
    assert editor.stock_warning.text() == "⚠ Only 2 × Shampoo left: time to order more."
    editor.reject()


def test_staff_look_at_products_but_change_nothing(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    product = _shampoo(ui_app, stock=4)
    ui_app.deps.desk.sign_in(Actor("usr_riley", "Riley", Role.STAFF))
    try:
        editor = _products(qtbot, window, 1)
        assert editor.banner.isVisible()
        for widget in (editor.save_button, editor.receive_button, editor.name_edit):
            assert not widget.isEnabled()
        editor.save()  # even if asked: the service refuses and says why
        qtbot.waitUntil(lambda: editor.error_text("general") != "")
        assert editor.error_text("general") == "Only a manager can change the catalogue."
        editor.edit_product(product)
        qtbot.waitUntil(lambda: editor.stock_label.text() == "In stock: 4")
        editor._change_stock(StockReason.RECEIVE)
        qtbot.waitUntil(lambda: "manager" in editor.stock_status.text())
        assert editor.stock_status.text() == "Only a manager can change stock by hand."
        assert _stock_of(ui_app, product) == 4
    finally:
        ui_app.deps.desk.sign_in(TEST_MANAGER)


def test_in_german_prices_and_rates_are_shown_and_typed_with_a_comma(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    product = _shampoo(ui_app)
    ui_app.products.save_product(
        ProductForm(
            id=product,
            name="Shampoo",
            price_text="1234.50",
            currency="usd",
            stock=10,
            sku="SHA-1",
            tax_rate_text="8.875",
        )
    )
    with language("de"):
        editor = _products(qtbot, window, 1)
        editor.edit_product(product)
        qtbot.waitUntil(lambda: editor.price_edit.text() == "1234,50")
        assert editor.tax_edit.text() == "8,875"
        editor.price_edit.setText("1.299,90")  # the German grouping mark is typed too
        editor.tax_edit.setText("7,5")
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: ui_app.products.find(product).price.amount == 129990)
        assert ui_app.products.find(product).tax_rate.thousandths == 7500
        # The saved product comes back into the form (the list reloads after a save): only
        # then is the form free for the next try, as it is for a person at the desk.
        qtbot.waitUntil(lambda: editor.price_edit.text() == "1299,90" and not editor._busy.busy)
        editor.price_edit.setText("12.50")  # "." groups thousands in German: refused
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: editor.error_text("price") != "")
        assert editor.error_text("price") == "Geben Sie den Betrag als Zahl ein, z. B. 35,00."
        assert ui_app.products.find(product).price.amount == 129990
        editor.reject()
