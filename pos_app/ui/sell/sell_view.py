"""Sell (F2): a walk-in sale from large touch tiles, a cart, discount or promo code, tip, and
the figures the customer will pay.

The tiles are one list view in icon mode (no widget per tile), so 500 products scroll and
filter as quickly as 5. A barcode scanner types the SKU and Enter into the search field: an
exact SKU goes straight into the cart. The figures come from ``sell_presenter.present``, the
domain's own pricing; the sale is saved by the order service in the background.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.booking import Service
from pos_app.domain.money import Money
from pos_app.domain.orders import Order, OrderStatus
from pos_app.domain.payment import Payment
from pos_app.domain.percent import PER_PERCENT, Percent
from pos_app.domain.pricing import PricingPolicy
from pos_app.domain.products import Product
from pos_app.domain.promo import PromoCode
from pos_app.i18n import _, ngettext
from pos_app.services.orders import OrderMoneyDetail, SaleRequest
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import dialog_title, muted_label
from pos_app.ui.kit.tables import RIGHT, Column, RowsModel, rows_table, size_columns
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.sell.part_paid_view import PartPaidList
from pos_app.ui.sell.paying import CARD, Paying
from pos_app.ui.sell.sell_presenter import (
    TIP_PRESETS,
    Cart,
    LineView,
    Sellable,
    SellState,
    present,
    sale_request,
    scanned,
    search,
    sellables,
)
from pos_app.ui.sell.split_view import SplitPanel
from pos_app.ui.sell.tiles import TILE, TileDelegate, TilesModel

_Loaded = tuple[list[Sellable], PricingPolicy, bool, dict[Sellable, str]]  # tiles and words


class SellServices(Protocol):
    """What the Sell screen asks of the app."""

    def list_products(self, include_inactive: bool = False) -> list[Product]:
        """Products by name."""
        ...

    def list_services(self, include_inactive: bool = False) -> list[Service]:
        """Services by name."""
        ...

    def pricing_policy(self) -> PricingPolicy:
        """The business's pricing settings."""
        ...

    def check_promo(self, code: str, subtotal: Money) -> PromoCode:
        """The code if it can be used on an order of ``subtotal``, else a sentence (raise)."""
        ...

    def create_walk_in(self, request: SaleRequest) -> Order:
        """Save the sale as an open order, or a sentence (raise) and nothing saved."""
        ...

    def record_cash(self, booking_id: str, amount_text: str | None = None) -> Payment:
        """Record cash for an order's balance (its ``ord_…`` id), or a sentence (raise)."""
        ...

    def order_status(self, order_id: str) -> OrderStatus:
        """The stored status of an order (a sale saved here, paid or refunded anywhere)."""
        ...

    def order_money(self, order_id: str) -> OrderMoneyDetail:
        """An order with its money summary and payments (a split's line)."""
        ...

    def tip_on_display(self) -> bool:
        """This station's setting: the customer chooses the tip on the customer display."""
        ...

    def part_paid(self) -> list[OrderMoneyDetail]:
        """Walk-in sales paid in part, oldest first (every station's, from the database)."""
        ...


class SellDialog(Paying, QDialog):
    """Tiles and search on the left; the cart, discount, tip and total on the right."""

    #: A sale was saved to be charged by card: its order id (the shell opens the charge
    #: screen, the same as a booking's).
    charge_requested = Signal(str)
    #: Split was pressed: a SplitRequest (the shell opens the payments feature's dialog
    #: asking for the cash part, and hands the saved order back to ``split_recorded``).
    split_requested = Signal(object)
    #: A split paid by card first: the order id and the card part as typed (the shell
    #: opens the charge screen for that part; the rest is then taken in cash).
    charge_part_requested = Signal(str, str)
    #: Charge (QR) asks the customer for a tip first: a TipOffer for the customer display
    #: (the answer comes back to ``tip_chosen``); ``tip_cancelled`` when the desk skips it.
    tip_requested = Signal(object)
    tip_cancelled = Signal()

    def __init__(
        self,
        services: SellServices,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        currency: str = "usd",
    ) -> None:
        super().__init__(parent)
        self._services: SellServices = services
        self._runner = runner
        self._currency = currency
        self._policy = PricingPolicy()
        self._tiles: list[Sellable] = []
        self.cart = Cart()
        self.saved: Order | None = None
        self._sale_status: OrderStatus | None = None  # what the label says of the last sale
        self.built_for: object = None  # the shell's: the app it was built for (kept, reused)
        self.setWindowTitle(_("Sell"))
        self.resize(1320, 740)
        self.setMinimumSize(1000, 600)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("sellSearch")
        self.search_edit.setPlaceholderText(_("Search, or scan a barcode"))
        self.search_edit.setClearButtonEnabled(True)
        self.tiles_model = TilesModel(self)
        # A search runs once per pass of the event loop, after every key that came in it
        # (a scanner types a whole code at once; its Enter clears it again): see _filter.
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(0)
        self._filter_timer.timeout.connect(self._filter)
        self.tiles = QListView()
        self.tiles.setObjectName("sellTiles")
        self.tiles.setModel(self.tiles_model)
        self.tiles.setViewMode(QListView.ViewMode.IconMode)
        self.tiles.setResizeMode(QListView.ResizeMode.Adjust)
        self.tiles.setMovement(QListView.Movement.Static)
        self.tiles.setUniformItemSizes(True)
        # Laid out 60 tiles per pass of the event loop: a search over 500 products never
        # holds the screen for more than a frame.
        self.tiles.setLayoutMode(QListView.LayoutMode.Batched)
        self.tiles.setBatchSize(60)
        self.tiles.setGridSize(TILE)
        self.tiles.setWordWrap(True)
        self.tiles.setSpacing(6)
        self.tiles.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tiles.setItemDelegate(TileDelegate(self.tiles))
        self.tiles.setMouseTracking(True)  # hover outlines the tile under the finger or pointer
        self.tiles_status = muted_label(_("Loading…"))
        # A fixed box: its words change on every keystroke, and a label that may change size
        # makes Qt lay out (and repaint) the whole window again each time.
        self.tiles_status.setFixedSize(360, self.tiles_status.sizeHint().height())
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.search_edit)
        left_box.addWidget(self.tiles, 1)
        left_box.addWidget(self.tiles_status)

        self.cart_model: RowsModel[LineView] = RowsModel(
            [
                Column(_("Item"), lambda v: v.name, tooltip=lambda v: v.warning or None),
                Column(_("Qty"), lambda v: str(v.quantity), align=RIGHT),
                Column(_("Amount"), lambda v: v.amount, align=RIGHT),
                Column("", lambda v: "⚠ " + v.warning if v.warning else ""),
            ],
            self,
        )
        self.cart_table = rows_table(self.cart_model, "sellCart")
        size_columns(self.cart_table, stretch=0, fit=(1, 2), widths={3: 40})
        self.minus_button = QPushButton("−")
        self.minus_button.setToolTip(_("One fewer of the chosen item"))
        self.plus_button = QPushButton("+")
        self.plus_button.setToolTip(_("One more of the chosen item"))
        self.remove_button = QPushButton(_("Remove"))
        qty_row = QHBoxLayout()
        for button in (self.minus_button, self.plus_button, self.remove_button):
            qty_row.addWidget(button)
        qty_row.addStretch(1)

        self.discount_edit = QLineEdit()
        self.discount_edit.setPlaceholderText(_("Discount: 5.00 or 10%"))
        self.promo_edit = QLineEdit()
        self.promo_edit.setPlaceholderText(_("Promo code"))
        self.promo_button = QPushButton(_("Apply code"))
        offers = QHBoxLayout()
        offers.addWidget(self.discount_edit, 1)
        offers.addWidget(self.promo_edit, 1)
        offers.addWidget(self.promo_button)
        self.tip_buttons = {0: QPushButton(_("No tip"))}
        for percent in TIP_PRESETS:
            self.tip_buttons[percent] = QPushButton(str(Percent(percent * PER_PERCENT)))
        self.tip_edit = QLineEdit()
        self.tip_edit.setPlaceholderText(_("Tip: 3.00 or 12%"))
        tips = QHBoxLayout()
        for button in self.tip_buttons.values():
            button.setCheckable(True)
            tips.addWidget(button)
        tips.addWidget(self.tip_edit, 1)
        self.tip_buttons[0].setChecked(True)

        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        for row, (key, words) in enumerate(
            [
                ("subtotal", _("Subtotal")),
                ("discount", _("Discount")),
                ("tax", _("Tax")),
                ("tip", _("Tip")),
            ]
        ):
            grid.addWidget(QLabel(words), row, 0)
            self.figures[key] = QLabel("")
            self.figures[key].setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(self.figures[key], row, 1)
        total_words = QLabel(_("Total"))
        total_words.setFont(theme.font(self, scale=1.5, bold=True))
        self.total_label = QLabel("")
        self.total_label.setObjectName("sellTotal")
        self.total_label.setFont(theme.font(self, scale=1.5, bold=True))
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(total_words, 4, 0)
        grid.addWidget(self.total_label, 4, 1)
        self.problem_label = QLabel("")
        self.problem_label.setWordWrap(True)
        theme.set_role(self.problem_label, tone="danger")
        self.status_label = muted_label("", wrap=True)
        self.skip_tip_button = QPushButton(_("Skip"))
        self.skip_tip_button.setToolTip(_("Charge without a tip: the customer does not choose"))
        self.skip_tip_button.hide()
        self.clear_button = QPushButton(_("Clear"))
        self.close_button = QPushButton(_("Close"))
        self.save_button = QPushButton(_("Save sale"))
        self.save_button.setToolTip(_("Save the sale as an open order: the total, to be paid"))
        self.cash_button = QPushButton(_("Cash"))
        self.cash_button.setToolTip(_("Save the sale and record the total paid in cash"))
        self.split_button = QPushButton(_("Split"))
        self.split_button.setToolTip(_("Pay part in cash and part by card (QR)"))
        self.charge_button = QPushButton(_("Charge (QR)"))
        self.charge_button.setToolTip(_("Save the sale and show the customer a payment link"))
        theme.make_primary(self.charge_button)
        # The ways to pay share a row of their own (German's "Verkauf speichern" and
        # "Kassieren (QR)" need the room); clearing and closing sit under them.
        paying = QHBoxLayout()
        for button in (self.cash_button, self.split_button, self.charge_button):
            paying.addWidget(button, 1)
        leaving = QHBoxLayout()
        leaving.addWidget(self.save_button)
        leaving.addWidget(self.clear_button)
        leaving.addWidget(self.close_button)
        leaving.addStretch(1)
        actions = QVBoxLayout()
        actions.addLayout(paying)
        actions.addLayout(leaving)

        right = QFrame()
        right.setObjectName("sellCartPanel")
        theme.set_role(right, "card")
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(18, 14, 18, 14)
        right_box.setSpacing(8)
        right_box.addWidget(self.cart_table, 1)
        right_box.addLayout(qty_row)
        right_box.addLayout(offers)
        right_box.addLayout(tips)
        right_box.addLayout(grid)
        right_box.addWidget(self.problem_label)
        waiting = QHBoxLayout()  # "Waiting for the customer to choose a tip…" and Skip
        waiting.addWidget(self.status_label, 1)
        waiting.addWidget(self.skip_tip_button)
        right_box.addLayout(waiting)
        # An order paid in parts stays here until it is paid in full (split payment).
        self.split_panel = SplitPanel(services, runner)
        self.split_panel.charge_rest.connect(self.charge_requested)
        # ...and every walk-in sale paid in part, whichever station sold it (the database's).
        self.part_paid = PartPaidList(services, runner)
        self.part_paid.charge_rest.connect(self.charge_requested)
        right_box.addWidget(self.part_paid)
        right_box.addWidget(self.split_panel)
        right_box.addLayout(actions)
        right.setMinimumWidth(520)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(left, 3)
        body.addWidget(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(dialog_title(self, _("Sell")))
        layout.addLayout(body, 1)

        self.search_edit.textChanged.connect(self._filter_timer.start)
        self.search_edit.returnPressed.connect(self._scanned)
        self.tiles.clicked.connect(lambda index: self.add(self.tiles_model.row_at(index.row())))
        self.minus_button.clicked.connect(lambda: self._step(-1))
        self.plus_button.clicked.connect(lambda: self._step(+1))
        self.remove_button.clicked.connect(lambda: self._step(None))
        self.discount_edit.textEdited.connect(self._discount_typed)
        self.promo_button.clicked.connect(self.apply_promo)
        self.promo_edit.returnPressed.connect(self.apply_promo)
        for percent, button in self.tip_buttons.items():
            button.clicked.connect(lambda _c=False, p=percent: self.choose_tip(p))
        self.tip_edit.textEdited.connect(self._tip_typed)
        self.clear_button.clicked.connect(self.clear)
        self.close_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(lambda: self.save())
        self.cash_button.clicked.connect(lambda: self.save(then=CASH))
        self.charge_button.clicked.connect(self.charge)
        self.skip_tip_button.clicked.connect(self.skip_tip)
        self.split_button.clicked.connect(self.split)
        # A barcode scanner ends each code with Enter: in a dialog Enter presses the default
        # button, which here could clear the cart or save the sale. No button is default.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self._show(present(self.cart, self._policy, self._currency))
        self.load()

    # -- public -------------------------------------------------------------------------

    def load(self) -> None:
        """Read the tiles and the pricing settings in the background."""
        services = self._services

        def read() -> _Loaded:
            tiles = sellables(services.list_products(), services.list_services())
            texts = {t: t.tile_text for t in tiles}  # made here, not on the GUI thread
            return tiles, services.pricing_policy(), services.tip_on_display(), texts

        self._runner.run(read, on_success=self._on_loaded, on_failure=self._on_failed, owner=self)
        self.part_paid.reload()

    def reload_orders(self) -> None:
        """Another station changed an order or the catalogue (live updates): read the tiles
        again (their stock), the sales paid in part and the last sale's status, in the
        background; the cart stays."""
        self.load()
        self.split_panel.refresh()
        saved = self.saved
        if saved is None:
            return
        services = self._services
        self._runner.run(
            lambda: services.order_status(saved.id),
            on_success=lambda status: self._show_sale_status(saved, status),
            on_failure=lambda _err: None,  # a hint to re-read only: the label stays as it is
            owner=self,
        )

    def tile_names(self) -> list[str]:
        """The tiles shown, in order (after the search typed so far)."""
        if self._filter_timer.isActive():
            self._filter()
        return [t.name for t in self.tiles_model.rows()]

    def add(self, item: Sellable) -> None:
        """One more of ``item`` in the cart."""
        self.cart = self.cart.add(item)
        self._refresh()
        rows = [i for i, line in enumerate(self.cart.lines) if line.item.id == item.id]
        self.cart_table.selectRow(rows[0])

    def add_named(self, name: str) -> None:
        """Add the tile called ``name`` (tests and the keyboard)."""
        self.add(next(t for t in self._tiles if t.name == name))

    def choose_tip(self, percent: int) -> None:
        """A preset tip (0: none)."""
        for p, button in self.tip_buttons.items():
            button.setChecked(p == percent)
        self.tip_edit.clear()
        self.cart = self.cart.with_tip(f"{percent}%" if percent else "")
        self._refresh()

    def apply_promo(self) -> None:
        """Check the typed promo code with the service; its discount replaces a typed one."""
        code = self.promo_edit.text().strip()
        subtotal = self.cart.subtotal()
        if not code or subtotal is None:
            return
        services = self._services
        self.status_label.setText(_("Checking the code…"))
        self._runner.run(
            lambda: services.check_promo(code, subtotal),
            on_success=self._on_promo,
            on_failure=self._on_promo_refused,
            owner=self,
        )

    def clear(self) -> None:
        """An empty cart, for the next customer."""
        self.cart = Cart()
        for edit in (self.discount_edit, self.promo_edit, self.tip_edit):
            edit.clear()
        self.choose_tip(0)
        self.search_edit.clear()
        self.search_edit.setFocus()

    def save(self, then: str = "") -> None:
        """Save the sale as an open order (in the background); ``then`` CASH records its
        total in cash, CARD asks for the charge screen (``charge_requested``)."""
        state = present(self.cart, self._policy, self._currency)
        if not state.can_sell:
            return
        request = self._request()
        services = self._services
        for button in self._pay_buttons():
            button.setEnabled(False)
        self.status_label.setText(_("Saving…"))
        self._runner.run(
            lambda: services.create_walk_in(request),
            on_success=lambda order: self._on_saved(order, then),
            on_failure=self._on_save_failed,
            owner=self,
        )

    def _request(self) -> SaleRequest:
        return sale_request(self.cart)

    # -- internals ----------------------------------------------------------------------

    def _refresh(self) -> None:
        self._show(present(self.cart, self._policy, self._currency))

    def _show(self, state: SellState) -> None:
        chosen = self.cart_table.currentIndex().row()
        self.cart_model.update_rows(state.lines)  # a tap changes a line or two: no reset
        self.cart_table.horizontalHeader().resizeSections()  # fitted columns follow the rows
        if 0 <= chosen < len(state.lines):
            self.cart_table.selectRow(chosen)
        for key in ("subtotal", "tax", "tip"):
            self.figures[key].setText(getattr(state, key))
        self.figures["discount"].setText(f"−{state.discount}" if state.total_amount else "")
        self.figures["tax"].setText(
            _("{tax} (included)").format(tax=state.tax) if state.tax_included else state.tax
        )
        self.total_label.setText(state.total)
        empty = not self.cart.lines
        self.problem_label.setText("" if empty else state.problem)
        self.problem_label.setVisible(bool(state.problem) and not empty)
        for button in self._pay_buttons():
            # While the customer chooses a tip, the desk's way on is Skip.
            button.setEnabled(state.can_sell and self.waiting_for_tip() is None)
        for button in (self.minus_button, self.plus_button, self.remove_button):
            button.setEnabled(not empty)

    def _on_loaded(self, loaded: _Loaded) -> None:
        self._tiles, self._policy, tip_on_display, texts = loaded
        self.tiles_model.remember_texts(texts)
        self.set_tip_on_display(tip_on_display)
        self._filter()
        self._refresh()

    def _on_failed(self, error: BaseException) -> None:
        self.tiles_status.setText(user_message(error))

    def _filter(self) -> None:
        self._filter_timer.stop()
        text = self.search_edit.text()
        found = search(self._tiles, text)
        self.tiles_model.set_rows(found)
        if text.strip():
            # The English says "items" for any count (as it always has); other languages
            # get their plural forms.
            shown = ngettext(
                "{found} of {total} items", "{found} of {total} items", len(self._tiles)
            ).format(found=len(found), total=len(self._tiles))
        else:
            shown = ngettext("{count} items", "{count} items", len(found)).format(count=len(found))
        self.tiles_status.setText(shown)

    def _scanned(self) -> None:
        text = self.search_edit.text()
        item = scanned(self._tiles, text)
        found = search(self._tiles, text) if item is None else []
        if item is None and len(found) == 1:
            item = found[0]  # Enter on a search that found one item adds it
        if item is not None:
            self.add(item)
            self.search_edit.clear()

    def _step(self, change: int | None) -> None:
        row = self.cart_table.currentIndex().row()
        if not 0 <= row < len(self.cart.lines):
            return
        quantity = 0 if change is None else self.cart.lines[row].quantity + change
        self.cart = self.cart.set_quantity(row, quantity)
        self._refresh()

    def _discount_typed(self, text: str) -> None:
        if self.cart.promo_code:
            self.promo_edit.clear()
        self.cart = self.cart.with_discount(text)
        self._refresh()

    def _tip_typed(self, text: str) -> None:
        for button in self.tip_buttons.values():
            button.setChecked(False)
        self.cart = self.cart.with_tip(text)
        self._refresh()

    def _on_promo(self, promo: PromoCode) -> None:
        self.discount_edit.clear()
        self.cart = self.cart.with_promo(promo.code, promo.discount)
        self.status_label.setText(
            _("Promo code {code}: {discount}.").format(
                code=promo.code, discount=promo.discount.label()
            )
        )
        self._refresh()

    def _on_promo_refused(self, error: BaseException) -> None:
        self.status_label.setText(user_message(error))

    def _pay_buttons(self) -> tuple[QPushButton, ...]:
        return (self.save_button, self.cash_button, self.split_button, self.charge_button)

    def _on_saved(self, order: Order, then: str = "") -> None:
        self.saved = order
        self._sale_status = OrderStatus.OPEN
        if then == CARD:
            # The charge screen opens in this pass, the cart empties in the next: one pass
            # each, not both at once (the modal screen takes the input meanwhile).
            QTimer.singleShot(0, self, self.clear)
        else:
            self.clear()
        total = Money(order.total, order.currency)
        self.status_label.setText(
            _("Sale {number} saved for {total}: open, to be paid.").format(
                number=order.number, total=total
            )
        )
        if then == CARD:
            self.status_label.setText(
                _("Sale {number}: {total} to pay by card.").format(number=order.number, total=total)
            )
            self.charge_requested.emit(order.id)
        elif then == CASH:
            services = self._services
            self._runner.run(
                lambda: services.record_cash(order.id),
                on_success=lambda _p: self._paid_in_cash(order, total),
                on_failure=lambda err: self.status_label.setText(
                    _("Sale {number} saved, not paid: {reason}").format(
                        number=order.number, reason=user_message(err)
                    )
                ),
                owner=self,
            )

    def _paid_in_cash(self, order: Order, total: Money) -> None:
        if self.saved is not None and self.saved.id == order.id:
            self._sale_status = OrderStatus.PAID  # a live update of it then changes nothing
        self.status_label.setText(
            _("Sale {number} paid: {total} in cash.").format(number=order.number, total=total)
        )

    def _on_save_failed(self, error: BaseException) -> None:
        for button in self._pay_buttons():
            button.setEnabled(True)
        self.status_label.setText(user_message(error))

    def done(self, result: int) -> None:
        """Closing while the customer chooses a tip takes the question off their screen."""
        self.abandon_tip()
        super().done(result)


CASH = "cash"

__all__ = ["CARD", "CASH", "LineView", "SellDialog", "SellServices"]
