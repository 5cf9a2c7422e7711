"""Sell (F2) → Split: part in cash, the rest by card through the sandbox (or card first,
then cash), end to end."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.orders import OrderStatus
from pos_app.domain.payment import PaymentMethod, PaymentStatus
from pos_app.services.products import ProductForm
from pos_app.ui.payments.charge_view import ChargeDialog
from pos_app.ui.payments.split_dialog import SplitDialog
from pos_app.ui.sell.sell_view import SellDialog
from pos_app.ui.shell.main_window import MainWindow
from tests.payments import pay
from tests.ui.conftest import in_thread


def _sell_shampoo(qtbot: QtBot, window: MainWindow, ctx: AppContext) -> SellDialog:
    ctx.products.save_product(
        ProductForm(
            id=None, name="Shampoo", price_text="12.00", currency=ctx.config.currency,
            stock=5, sku="SHA-250", tax_rate_text="8.875",
        )
    )  # fmt: skip
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.sell_window is not None)
    sell = window.sell_window
    assert sell is not None
    qtbot.waitUntil(lambda: "Shampoo" in sell.tile_names())
    qtbot.keyClicks(sell.search_edit, "sha-250")
    qtbot.keyClick(sell.search_edit, Qt.Key.Key_Return)
    assert sell.total_label.text() == "$13.07"  # 12.00 + 8.875 % tax (1.065 → 1.07)
    return sell


def _split(qtbot: QtBot, window: MainWindow, sell: SellDialog, cash: str) -> ChargeDialog:
    qtbot.mouseClick(sell.split_button, Qt.MouseButton.LeftButton)
    dialog = window.split_dialog
    assert isinstance(dialog, SplitDialog) and dialog.isVisible()
    assert dialog.summary_label.text() == "Total $13.07: part in cash, part by card (QR)."
    # The whole total is no split: the rule's sentence, and nothing is saved.
    qtbot.keyClicks(dialog.amount_edit, "13.07")
    assert dialog.preview_text().startswith("A split leaves part for the card")
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    assert dialog.amount_error().startswith("A split leaves part for the card")
    assert sell.saved is None and dialog.isVisible()
    dialog.amount_edit.setText(cash)
    assert dialog.preview_text() == "$5.00 in cash now, then $8.07 by card (QR)."
    assert dialog.action_button.text() == "Take cash $5.00"
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.charge_dialog is not None, timeout=8000)
    charge = window.charge_dialog
    assert charge is not None
    qtbot.waitUntil(lambda: charge.qr.url() is not None, timeout=10000)
    return charge


def test_split_cash_part_then_the_card_pays_the_stored_balance(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    sell = _sell_shampoo(qtbot, window, ui_app)
    charge = _split(qtbot, window, sell, "5.00")
    order = sell.saved
    assert order is not None and charge.booking_id() == order.id
    assert sell.cart.lines == ()  # the cart is free for the next customer
    number = order.number

    # The cash part is stored through the cash service; the link asks for the stored rest.
    money = ui_app.orders.money(order.id)
    (cash,) = [p for p in money.payments if p.method is PaymentMethod.CASH]
    (link,) = [p for p in money.payments if p.method is PaymentMethod.CARD]
    assert (cash.status, cash.amount) == (PaymentStatus.SUCCEEDED, 500)
    assert (link.status, link.amount) == (PaymentStatus.OPEN, 807)
    assert link.stripe_session_id is not None
    session = ui_app.deps.gateway.retrieve_checkout_session(link.stripe_session_id)
    assert session.amount_total == 807  # what the customer's phone is asked for
    assert charge.amount_label.text() == "$8.07"
    panel = sell.split_panel
    charging = f"Sale {number}: $5.00 paid, $8.07 still to pay (charge screen open)."
    qtbot.waitUntil(lambda: panel.text() == charging)
    assert not panel.charge_button.isEnabled() and not panel.cash_button.isEnabled()

    # The customer pays the rest on their phone: the order is paid, by both parts.
    url = charge.qr.url()
    assert url is not None
    in_thread(lambda: pay(url)).join(10)
    qtbot.waitUntil(lambda: charge.status_text() == "Paid ✓", timeout=10000)
    qtbot.waitUntil(
        lambda: panel.text() == f"Sale {number} paid: $5.00 in cash and $8.07 by card.",
        timeout=8000,
    )
    assert panel.charge_button.isHidden() and panel.cash_button.isHidden()
    paid = ui_app.orders.money(order.id).payable
    assert (paid.paid_amount, paid.balance_due.amount) == (1307, 0)
    assert ui_app.orders.get(order.id).status is OrderStatus.PAID
    assert ui_app.products.find("Shampoo").stock == 4  # taken once, when paid in full


def test_a_cancelled_link_keeps_the_cash_part_and_the_rest_is_chargeable_again(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    sell = _sell_shampoo(qtbot, window, ui_app)
    charge = _split(qtbot, window, sell, "5.00")
    order = sell.saved
    assert order is not None
    charge.cancel_link()
    qtbot.waitUntil(lambda: charge.status_text() == "Link cancelled", timeout=8000)
    qtbot.mouseClick(charge.close_button, Qt.MouseButton.LeftButton)

    panel = sell.split_panel
    text = f"Sale {order.number} is partly paid: $5.00 of $13.07, $8.07 still to pay."
    qtbot.waitUntil(lambda: panel.text() == text, timeout=8000)
    assert panel.charge_button.isEnabled() and panel.cash_button.isEnabled()
    money = ui_app.orders.money(order.id)
    assert (money.payable.paid_amount, money.payable.balance_due.amount) == (500, 807)
    assert ui_app.orders.get(order.id).status is OrderStatus.OPEN

    # Charge the rest again: a new link, for the stored balance.
    qtbot.mouseClick(panel.charge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.charge_dialog is not charge, timeout=8000)
    again = window.charge_dialog
    assert again is not None and again.booking_id() == order.id
    qtbot.waitUntil(lambda: again.qr.url() is not None, timeout=10000)
    assert again.amount_label.text() == "$8.07"
    qtbot.mouseClick(again.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.text() == text and panel.cash_button.isEnabled(), timeout=8000)

    # …or take it in cash: the open link is closed first, and the order is paid.
    qtbot.mouseClick(panel.cash_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: panel.text() == f"Sale {order.number} paid: $13.07 in cash.", timeout=10000
    )
    money = ui_app.orders.money(order.id)
    assert money.payable.paid_amount == 1307
    assert [p.status for p in money.payments if p.method is PaymentMethod.CARD] == [
        PaymentStatus.EXPIRED,
        PaymentStatus.EXPIRED,
    ]


def test_card_first_then_the_rest_in_cash(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    sell = _sell_shampoo(qtbot, window, ui_app)
    qtbot.mouseClick(sell.split_button, Qt.MouseButton.LeftButton)
    dialog = window.split_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.card_first_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.amount_edit, "10.00")
    assert dialog.preview_text() == "$10.00 by card (QR) now, then $3.07 in cash."
    assert dialog.action_button.text() == "Charge card $10.00"
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.charge_dialog is not None, timeout=8000)
    charge = window.charge_dialog
    assert charge is not None
    qtbot.waitUntil(lambda: charge.qr.url() is not None, timeout=10000)
    order = sell.saved
    assert order is not None and charge.booking_id() == order.id
    (link,) = ui_app.orders.money(order.id).payments  # nothing recorded in cash yet
    assert (link.method, link.amount) == (PaymentMethod.CARD, 1000)
    assert link.stripe_session_id is not None
    session = ui_app.deps.gateway.retrieve_checkout_session(link.stripe_session_id)
    assert session.amount_total == 1000

    url = charge.qr.url()
    assert url is not None
    in_thread(lambda: pay(url)).join(10)
    qtbot.waitUntil(lambda: charge.status_text() == "Paid ✓", timeout=10000)
    qtbot.mouseClick(charge.close_button, Qt.MouseButton.LeftButton)
    panel = sell.split_panel
    partly = f"Sale {order.number} is partly paid: $10.00 of $13.07, $3.07 still to pay."
    qtbot.waitUntil(lambda: panel.text() == partly, timeout=8000)
    assert ui_app.orders.get(order.id).status is OrderStatus.OPEN
    assert ui_app.products.find("Shampoo").stock == 5  # not paid in full: nothing taken yet

    qtbot.mouseClick(panel.cash_button, Qt.MouseButton.LeftButton)
    paid = f"Sale {order.number} paid: $3.07 in cash and $10.00 by card."
    qtbot.waitUntil(lambda: panel.text() == paid, timeout=10000)
    assert ui_app.orders.money(order.id).payable.paid_amount == 1307
    assert ui_app.orders.get(order.id).status is OrderStatus.PAID
    assert ui_app.products.find("Shampoo").stock == 4
