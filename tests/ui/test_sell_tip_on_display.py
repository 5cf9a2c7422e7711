"""The tip chosen by the customer on the customer display (a touch screen), before the
charge: Settings switch → Sell → Charge (QR) → the customer taps a tip → the order is saved
with it, and the Checkout Session asks for the order's total with the tip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.config import load_station
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.percent import Percent
from pos_app.services.products import ProductForm
from pos_app.ui.payments.charge_view import ChargeDialog
from pos_app.ui.payments.customer_display import View
from pos_app.ui.sell.sell_view import SellDialog
from pos_app.ui.shell.main_window import MainWindow


def _switch_on(qtbot: QtBot, window: MainWindow, ctx: AppContext) -> None:
    dialog = window.open_settings("station")
    assert dialog is not None
    qtbot.waitUntil(dialog.is_loaded)
    assert not dialog.tip_check.isChecked()  # off unless a manager turns it on
    dialog.tip_check.setChecked(True)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    assert load_station(ctx.config.data_dir).tip_on_display


def _sell_shampoo(qtbot: QtBot, window: MainWindow, ctx: AppContext) -> SellDialog:
    ctx.products.save_product(
        ProductForm(
            id=None, name="Shampoo", price_text="12.00", currency=ctx.config.currency,
            stock=5, sku="SHA-250", tax_rate_text="8.875",
        )
    )  # fmt: skip
    sell = window.open_sell()  # F2 (the settings dialog may still be up)
    assert sell is not None
    qtbot.waitUntil(lambda: "Shampoo" in sell.tile_names())
    sell.add_named("Shampoo")
    assert sell.total_label.text() == "$13.07"  # 12.00 + 8.875 % tax (1.065 → 1.07)
    return sell


def _charge_dialog(qtbot: QtBot, window: MainWindow) -> ChargeDialog:
    qtbot.waitUntil(lambda: window.charge_dialog is not None, timeout=8000)
    charge = window.charge_dialog
    assert charge is not None
    qtbot.waitUntil(lambda: charge.qr.url() is not None, timeout=10000)
    return charge


def _session_total(ctx: AppContext, order_id: str) -> int:
    (link,) = [p for p in ctx.orders.money(order_id).payments if p.method is PaymentMethod.CARD]
    assert link.stripe_session_id is not None
    return ctx.deps.gateway.retrieve_checkout_session(link.stripe_session_id).amount_total


def test_the_customer_taps_a_tip_and_the_session_asks_for_the_total_with_it(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    sell = _sell_shampoo(qtbot, window, ui_app)  # opened before the switch: it follows it
    _switch_on(qtbot, window, ui_app)
    display = window.customer_display
    qtbot.mouseClick(sell.charge_button, Qt.MouseButton.LeftButton)

    # The customer's screen asks; the desk waits (or skips) and cannot pay twice meanwhile.
    assert display.view() is View.TIP and display.asking_tip()
    # Tip 15 % of 12.00 (before tax) = 1.80 → 14.87; 10 % = 1.20 → 14.27; 20 % = 2.40.
    assert [display.tip_buttons[p].text() for p in (10, 15, 20, 0)] == [
        "10%\n$1.20", "15%\n$1.80", "20%\n$2.40", "No tip",
    ]  # fmt: skip
    assert display.tip_total.text() == "Total $13.07"
    assert sell.status_label.text() == "Waiting for the customer to choose a tip…"
    assert sell.skip_tip_button.isVisible() and not sell.charge_button.isEnabled()
    assert not sell.cash_button.isEnabled() and not sell.split_button.isEnabled()
    assert sell.saved is None  # nothing saved, no link made, until the customer chooses

    qtbot.mouseClick(display.tip_buttons[15], Qt.MouseButton.LeftButton)
    charge = _charge_dialog(qtbot, window)
    order = sell.saved
    assert order is not None and charge.booking_id() == order.id
    stored = ui_app.orders.get(order.id)
    assert (stored.tip, stored.total) == (180, 1487)
    assert stored.tip_input is not None and stored.tip_input.percent == Percent(15_000)
    assert _session_total(ui_app, order.id) == 1487 == stored.total
    assert charge.amount_label.text() == "$14.87"
    qtbot.waitUntil(lambda: display.view() is View.CHARGE, timeout=8000)  # then the QR
    assert not sell.skip_tip_button.isVisible()
    # The cart empties for the next customer (the pass after the charge screen opened).
    qtbot.waitUntil(lambda: sell.cart.lines == () and sell.total_label.text() == "$0.00")
    assert sell.tip_buttons[0].isChecked() and sell.status_label.text().endswith("by card.")


def test_skip_charges_without_a_tip_and_a_tip_set_by_the_desk_is_not_asked_again(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _switch_on(qtbot, window, ui_app)
    sell = _sell_shampoo(qtbot, window, ui_app)  # opened after the switch: it reads it
    display = window.customer_display
    qtbot.mouseClick(sell.charge_button, Qt.MouseButton.LeftButton)
    assert display.view() is View.TIP
    qtbot.mouseClick(sell.skip_tip_button, Qt.MouseButton.LeftButton)
    assert display.view() is View.WELCOME and not display.asking_tip()
    charge = _charge_dialog(qtbot, window)
    order = sell.saved
    assert order is not None
    assert ui_app.orders.get(order.id).tip == 0
    assert _session_total(ui_app, order.id) == 1307
    qtbot.mouseClick(charge.close_button, Qt.MouseButton.LeftButton)

    # The desk chose a tip already: Charge goes straight to the link.
    sell.add_named("Shampoo")
    qtbot.mouseClick(sell.tip_buttons[20], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(sell.charge_button, Qt.MouseButton.LeftButton)
    assert display.view() is not View.TIP
    qtbot.waitUntil(lambda: sell.saved is not None and sell.saved.id != order.id, timeout=8000)
    again = sell.saved
    assert again is not None and ui_app.orders.get(again.id).tip == 240


def test_closing_the_sell_screen_takes_the_question_off_the_customer_s_screen(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _switch_on(qtbot, window, ui_app)
    sell = _sell_shampoo(qtbot, window, ui_app)
    display = window.customer_display
    qtbot.mouseClick(sell.charge_button, Qt.MouseButton.LeftButton)
    assert display.view() is View.TIP
    sell.close()
    assert display.view() is View.WELCOME and not display.asking_tip()
    # A late tap on a page no longer shown charges nothing.
    display.choose_tip(15)
    assert window.charge_dialog is None
