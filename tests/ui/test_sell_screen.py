"""Sell (F2): a walk-in sale from tiles, priced as the saved order, saved in the background."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.changes import Change, Topic
from pos_app.services.products import ProductForm
from pos_app.services.promo_codes import PromoForm
from pos_app.ui.payments.charge_view import ChargeDialog
from pos_app.ui.sell.sell_view import SellDialog
from pos_app.ui.shell.main_window import MainWindow


def _shelf(ctx: AppContext, stock: int = 5) -> None:
    ctx.products.save_product(
        ProductForm(
            id=None, name="Shampoo", price_text="12.00", currency=ctx.config.currency,
            stock=stock, sku="SHA-250", tax_rate_text="8.875",
        )
    )  # fmt: skip


def _sell(qtbot: QtBot, window: MainWindow) -> SellDialog:
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.sell_window is not None)
    dialog = window.sell_window
    assert dialog is not None
    qtbot.waitUntil(lambda: "Shampoo" in dialog.tile_names())
    return dialog


def test_a_walk_in_sale_from_tiles_and_the_scanner_is_saved_as_priced(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _shelf(ui_app)
    dialog = _sell(qtbot, window)
    assert "Haircut" in dialog.tile_names()  # services sell too
    assert not dialog.save_button.isEnabled()  # nothing in the cart yet

    # The scanner types the SKU and Enter; a tap adds the haircut; + makes two shampoos.
    qtbot.keyClicks(dialog.search_edit, "sha-250")
    assert dialog.tile_names() == ["Shampoo"]
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    assert dialog.search_edit.text() == ""
    assert [line.item.name for line in dialog.cart.lines] == ["Shampoo"]  # Enter cleared nothing
    haircut = dialog.tile_names().index("Haircut")
    rect = dialog.tiles.visualRect(dialog.tiles_model.index(haircut, 0))
    qtbot.mouseClick(dialog.tiles.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog.cart_table.selectRow(0)
    qtbot.mouseClick(dialog.plus_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.discount_edit, "10%")
    qtbot.mouseClick(dialog.tip_buttons[15], Qt.MouseButton.LeftButton)

    # 2 × 12.00 + 35.00 = 59.00; −5.90; tax 1.92 on the shampoo; tip 15 % of 53.10 = 7.97.
    assert [dialog.figures[k].text() for k in ("subtotal", "discount", "tax", "tip")] == [
        "$59.00", "−$5.90", "$1.92", "$7.97",
    ]  # fmt: skip
    assert dialog.total_label.text() == "$62.99"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved is not None)
    order = dialog.saved
    assert order is not None
    stored = ui_app.orders.get(order.id)
    assert (stored.subtotal, stored.discount, stored.tax, stored.tip, stored.total) == (
        5900, 590, 192, 797, 6299,
    )  # fmt: skip
    assert [(sold.line.name, sold.line.quantity) for sold in stored.lines] == [
        ("Shampoo", 2),
        ("Haircut", 1),
    ]
    assert dialog.status_label.text() == f"Sale {order.number} saved for $62.99: open, to be paid."
    assert dialog.cart.lines == () and dialog.total_label.text() == "$0.00"
    assert ui_app.products.find("Shampoo").stock == 5  # taken only when paid


def test_a_promo_code_is_checked_by_the_service_and_a_refusal_is_a_sentence(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _shelf(ui_app)
    currency = ui_app.config.currency
    ui_app.promo_codes.add_code(
        PromoForm("BIG50", currency, amount_text="5.00", min_order_text="50.00")
    )
    ui_app.promo_codes.add_code(PromoForm("SUMMER10", currency, percent_text="10"))
    dialog = _sell(qtbot, window)
    dialog.add_named("Shampoo")
    qtbot.keyClicks(dialog.promo_edit, "big50")
    qtbot.mouseClick(dialog.promo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "needs an order" in dialog.status_label.text())
    assert dialog.status_label.text() == "Promo code BIG50 needs an order of $50.00 or more."
    assert dialog.figures["discount"].text() == "−$0.00"

    dialog.promo_edit.setText("summer10")
    qtbot.mouseClick(dialog.promo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.figures["discount"].text() == "−$1.20")
    assert dialog.status_label.text() == "Promo code SUMMER10: 10% off."
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved is not None)
    assert dialog.saved is not None and dialog.saved.promo_code == "SUMMER10"


def test_more_than_in_stock_cannot_be_sold_and_says_what_is_left(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _shelf(ui_app, stock=1)
    dialog = _sell(qtbot, window)
    dialog.add_named("Shampoo")
    assert dialog.save_button.isEnabled()
    dialog.add_named("Shampoo")
    assert not dialog.save_button.isEnabled()
    assert dialog.problem_label.text() == "Only 1 × Shampoo left in stock."
    assert dialog.cart_model.index(0, 3).data() == "⚠ Only 1 × Shampoo left in stock."
    qtbot.mouseClick(dialog.minus_button, Qt.MouseButton.LeftButton)
    assert dialog.save_button.isEnabled() and dialog.problem_label.isHidden()


def test_cash_pays_the_sale_and_charge_opens_the_charge_screen_for_its_order(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _shelf(ui_app)
    dialog = _sell(qtbot, window)
    qtbot.keyClicks(dialog.search_edit, "sha-250")
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    assert dialog.total_label.text() == "$13.07"  # 12.00 + 8.875 % tax (1.065 → 1.07)
    qtbot.mouseClick(dialog.cash_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "in cash" in dialog.status_label.text() or "not paid" in dialog.status_label.text()
    )
    sold = dialog.saved
    assert sold is not None
    assert dialog.status_label.text() == f"Sale {sold.number} paid: $13.07 in cash."
    assert ui_app.orders.money(sold.id).payable.paid_amount == 1307
    assert ui_app.products.find("Shampoo").stock == 4  # taken in the paid transaction

    qtbot.keyClicks(dialog.search_edit, "sha-250")
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    # The Sell screen's charge screen is built ahead once it opened (issue 14).
    qtbot.waitUntil(lambda: ChargeDialog.built_ahead() is not None)
    ahead = ChargeDialog.built_ahead()
    with qtbot.waitSignal(dialog.charge_requested) as asked:
        qtbot.mouseClick(dialog.charge_button, Qt.MouseButton.LeftButton)
    (order_id,) = asked.args
    qtbot.waitUntil(lambda: window.charge_dialog is not None)
    charge = window.charge_dialog
    assert charge is not None and charge.booking_id() == order_id
    assert charge is ahead and charge.isVisible()
    qtbot.waitUntil(lambda: charge.qr.url() is not None)
    assert charge.amount_label.text() == "$13.07"
    qtbot.waitUntil(lambda: bool(ui_app.orders.money(order_id).payments))
    (link,) = ui_app.orders.money(order_id).payments
    assert (link.order_id, link.booking_id, link.amount) == (order_id, None, 1307)


def test_a_sale_paid_at_another_station_is_shown_paid_here_through_live_updates(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    """Issue 14: the order's announcement (Topic.ORDER) reloads the Sell screen's last sale
    and its tiles, in the background; the cart stays as it is."""
    _shelf(ui_app)
    dialog = _sell(qtbot, window)
    qtbot.keyClicks(dialog.search_edit, "sha-250")
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved is not None)
    sold = dialog.saved
    assert sold is not None and "open, to be paid" in dialog.status_label.text()
    qtbot.keyClicks(dialog.search_edit, "sha-250")
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)  # the next customer's cart
    ui_app.cash.record(sold.id)  # another station takes the cash
    window.live.arrived.emit(Change(topics=frozenset({Topic.ORDER})))
    qtbot.waitUntil(lambda: dialog.status_label.text() == f"Sale {sold.number} is paid: $13.07.")
    assert dialog.total_label.text() == "$13.07"  # the cart was kept
    # The tiles were read again: the stock the other station took shows.
    shelf = dialog.tiles_model.rows
    qtbot.waitUntil(lambda: [t.stock for t in shelf() if t.name == "Shampoo"] == [4])


def test_the_sell_screen_is_kept_and_opens_again_afresh_with_the_stock_of_now(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 14: built once (about 18 ms of the GUI thread), closed it is kept, and F2 only
    # shows it again: as a new one would be, with what changed while it was hidden.
    _shelf(ui_app)
    dialog = _sell(qtbot, window)
    dialog.add_named("Shampoo")
    qtbot.mouseClick(dialog.cash_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "in cash" in dialog.status_label.text())
    assert dialog.saved is not None
    dialog.add_named("Shampoo")
    dialog.discount_edit.setText("10%")
    dialog.close()
    assert window.sell_window is dialog and not dialog.isVisible()
    shampoo = ui_app.products.find("Shampoo")
    ui_app.products.count_stock(shampoo.id, 2)  # counted while the screen was closed
    loads: list[int] = []
    load = dialog.load
    monkeypatch.setattr(dialog, "load", lambda: loads.append(1) or load())

    assert window.open_sell() is dialog  # what F2 does
    assert dialog.isVisible() and loads == [1]  # read again at once, not at a live update
    assert not dialog.cart.lines
    assert dialog.discount_edit.text() == "" and dialog.status_label.text() == ""
    assert dialog.saved is None

    def shampoo_tile() -> str:
        model = dialog.tiles_model
        return next(model.text(t) for t in model.rows() if t.name == "Shampoo")

    qtbot.waitUntil(lambda: "2 in stock" in shampoo_tile())
