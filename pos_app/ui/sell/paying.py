"""The Sell screen's two longer ways to pay, mixed into ``SellDialog``: a split (part cash
now, the rest by card) and Charge (QR) asking the customer for a tip on the customer display
first.

Both hand the shell what it needs by a signal (the shell knows the payments feature: the
split's dialog, the customer display) and get the answer back through a method here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from pos_app.domain.money import Money
from pos_app.domain.orders import Order, OrderStatus
from pos_app.domain.pricing import TipOffer
from pos_app.i18n import N_, _
from pos_app.ui.sell.sell_presenter import asks_for_tip, present, tip_offer
from pos_app.ui.sell.split_presenter import SplitRequest, SplitWork

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QLabel, QPushButton

    from pos_app.domain.payment import Payment
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.services.orders import SaleRequest
    from pos_app.ui.sell.part_paid_view import PartPaidList
    from pos_app.ui.sell.sell_presenter import Cart
    from pos_app.ui.sell.split_view import SplitPanel


class SaleServices(Protocol):
    """What a split asks of the app (a part of ``sell_view.SellServices``)."""

    def create_walk_in(self, request: SaleRequest) -> Order:
        """Save the sale as an open order, or a sentence (raise) and nothing saved."""
        ...

    def record_cash(self, booking_id: str, amount_text: str | None = None) -> Payment:
        """Record cash for an order's balance (its ``ord_…`` id), or a sentence (raise)."""
        ...


WAITING_FOR_TIP = N_("Waiting for the customer to choose a tip…")
CARD = "card"


class Paying:
    """Split, the tip on the customer display, and the last sale's status as it moves on
    (``SellDialog`` provides the members
    declared below)."""

    if TYPE_CHECKING:
        cart: Cart
        saved: Order | None
        status_label: QLabel
        skip_tip_button: QPushButton
        split_panel: SplitPanel
        part_paid: PartPaidList
        charge_requested: SignalInstance
        charge_part_requested: SignalInstance
        split_requested: SignalInstance
        tip_requested: SignalInstance
        tip_cancelled: SignalInstance
        _services: SaleServices
        _sale_status: OrderStatus | None
        _policy: PricingPolicy
        _currency: str

        def clear(self) -> None: ...
        def load(self) -> None: ...
        def choose_tip(self, percent: int) -> None: ...
        def save(self, then: str = "") -> None: ...
        def _request(self) -> SaleRequest: ...
        def _pay_buttons(self) -> tuple[QPushButton, ...]: ...
        def _refresh(self) -> None: ...

    _tip_on_display = False
    _tip_offer: TipOffer | None = None  # asked on the customer display, not answered yet

    # -- opened again -------------------------------------------------------------------

    def start_afresh(self) -> None:
        """The screen kept from its last opening is opened again (F2): as a new one would
        be, an empty cart, no last sale, no split line of its own (the part-paid list
        shows every such sale), and the tiles and that list read again (their stock may
        have changed while it was hidden: live updates skip a hidden screen)."""
        self.abandon_tip()
        self.saved, self._sale_status = None, None
        self.split_panel.forget()
        self.part_paid.skip_id = None
        self.clear()
        self.status_label.setText("")
        self.load()

    # -- split --------------------------------------------------------------------------

    def split(self) -> SplitRequest | None:
        """Split payment: ask (``split_requested``) for the cash part; the sale is saved
        and that cash recorded, then the charge screen opens for the stored balance."""
        state = present(self.cart, self._policy, self._currency)
        if not state.can_sell or self._tip_offer is not None:
            return None
        sale = self._request()
        services = self._services
        request = SplitRequest(
            Money(state.total_amount, state.currency),
            SplitWork(lambda: services.create_walk_in(sale), services.record_cash),
        )
        self.split_requested.emit(request)
        return request

    def split_recorded(self, order: Order, card_part: str | None = None) -> None:
        """The split's sale is saved (and its cash part recorded, cash first): the cart
        empties for the next customer, the order's line follows it, and its charge screen is
        asked for: for the stored balance, or for ``card_part`` first (the rest in cash)."""
        self.saved = order
        self.clear()
        self.status_label.setText("")
        # The panel reads the order back: what is stored as paid, and the rest. The list of
        # sales paid in part leaves it to the panel (and lists the one it followed before).
        self.split_panel.follow(order.id, charging=True)
        self.part_paid.skip_id = order.id
        self.part_paid.reload()
        if card_part is None:
            self.charge_requested.emit(order.id)
        else:
            self.charge_part_requested.emit(order.id, card_part)

    def follow_charge(self, order_id: str, *, charging: bool) -> None:
        """A walk-in sale's charge screen opened, changed or closed (``charging``: it is
        open): the line showing that sale reads it again."""
        if self.split_panel.order_id == order_id:
            self.split_panel.follow(order_id, charging=charging)
        else:
            self.part_paid.follow(order_id, charging=charging)

    def _show_sale_status(self, order: Order, status: OrderStatus) -> None:
        """The last sale's status, when it moved on (paid on the phone, refunded, voided)."""
        if self.saved is None or self.saved.id != order.id or status is self._sale_status:
            return  # another sale was saved meanwhile, or the label says so already
        self._sale_status = status
        total = Money(order.total, order.currency)
        words = {
            OrderStatus.PAID: _("Sale {number} is paid: {total}."),
            OrderStatus.PARTIALLY_REFUNDED: _("Sale {number} is partly refunded."),
            OrderStatus.REFUNDED: _("Sale {number} is refunded."),
            OrderStatus.VOID: _("Sale {number} is void: nothing was charged."),
        }.get(status)
        if words is not None:
            self.status_label.setText(words.format(number=order.number, total=total))

    # -- the tip on the customer display ------------------------------------------------

    def set_tip_on_display(self, on: bool) -> None:
        """This station's setting: Charge (QR) asks the customer for a tip first."""
        self._tip_on_display = on

    def tip_on_display(self) -> bool:
        """Whether Charge (QR) asks the customer for a tip first (the station's setting)."""
        return self._tip_on_display

    def waiting_for_tip(self) -> TipOffer | None:
        """The tips the customer is being asked to choose from, or None."""
        return self._tip_offer

    def charge(self) -> None:
        """Charge (QR): save the sale and ask for its charge screen; when this station asks
        the customer for a tip and the desk set none, the customer display asks first
        (``tip_requested``) and the sale is saved with the tip chosen, before any payment
        link is made from it."""
        if self._tip_offer is not None:
            return  # already waiting for the customer
        offer = (
            tip_offer(self.cart, self._policy, self._currency)
            if asks_for_tip(self.cart, tip_on_display=self._tip_on_display)
            else None
        )
        if offer is None:
            self.save(then=CARD)
            return
        self._tip_offer = offer
        for button in self._pay_buttons():
            button.setEnabled(False)
        self.status_label.setText(_(WAITING_FOR_TIP))
        self.skip_tip_button.show()
        self.tip_requested.emit(offer)

    def tip_chosen(self, percent: int) -> None:
        """The customer's tip (0: none): stored on the order as it is saved, then charged."""
        offer = self._tip_offer
        if offer is None or percent not in {o.percent for o in offer.options}:
            return
        now = tip_offer(self.cart, self._policy, self._currency)
        if now is not None and now != offer:
            # The cart changed while the customer chose: they chose from other amounts.
            self._tip_offer = now
            self.tip_requested.emit(now)
            return
        self._end_tip_wait()
        if now is None:
            self.tip_cancelled.emit()  # nothing left to sell
            return
        self.choose_tip(percent)
        self.save(then=CARD)

    def skip_tip(self) -> None:
        """The desk goes on without asking (the customer walked off the screen): no tip."""
        if self._tip_offer is None:
            return
        self._end_tip_wait()
        self.tip_cancelled.emit()
        self.save(then=CARD)

    def abandon_tip(self) -> None:
        """Stop waiting for the customer's tip without charging (the screen closes)."""
        if self._tip_offer is not None:
            self._end_tip_wait()
            self.tip_cancelled.emit()

    def _end_tip_wait(self) -> None:
        self._tip_offer = None
        self.skip_tip_button.hide()
        self.status_label.setText("")
        self._refresh()


__all__ = ["CARD", "WAITING_FOR_TIP", "Paying"]
