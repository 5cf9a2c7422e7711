"""The overpaid flag's presenter: what the banner shows, and its one-click refund of the excess.

No Qt here: the presenter takes the refund service through a narrow protocol and a ``run``
function (the task runner's ``run`` in the app, a direct call in tests), and hands frozen
:class:`OverpaidView` snapshots to whoever paints them. The rules and sentences come from
``domain/overpaid.py``; limits and approval are checked again by the refund service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pos_app.domain.errors import InvalidStateError
from pos_app.domain.money import Money
from pos_app.domain.overpaid import check_excess_refund, excess_to_refund, overpaid_headline
from pos_app.domain.payment import PaymentMethod, refundable_amount
from pos_app.i18n import N_, _
from pos_app.services.bookings import BookingDetail
from pos_app.services.refunds import NEEDS_MANAGER, RefundOutcome

BUSY_TEXT = N_("Sending the refund to Stripe…")


class ExcessRefunder(Protocol):
    """The part of ``RefundService`` the banner uses."""

    def refund_excess(
        self, booking_id: str, *, manager_pin: str | None = None
    ) -> RefundOutcome: ...


class Run(Protocol):
    """Runs ``fn`` off the GUI thread and calls back on it (``TaskRunner.run``)."""

    def __call__(
        self,
        fn: Callable[[], Any],
        *,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> object: ...


@dataclass(frozen=True)
class OverpaidView:
    """Everything the banner paints for one overpaid booking."""

    booking_id: str
    headline: str  # "Overpaid by $35.00 — refund the excess"
    excess: Money  # what the button refunds (zero when nothing is left to refund)
    can_refund: bool
    reason: str = ""  # why there is no button to press (the tooltip and a line)
    needs_pin: bool = False  # the person signed in is not a manager
    busy: bool = False
    error: str = ""
    done: str = ""  # "Refund of $35.00 sent to the card."

    @property
    def button_text(self) -> str:
        """'Refund $35.00 to the card'."""
        return _("Refund {amount} to the card").format(amount=self.excess.format())


def overpaid_view(detail: BookingDetail, *, needs_pin: bool) -> OverpaidView | None:
    """The banner for ``detail``, or None when the booking is not overpaid."""
    booking = detail.booking
    headline = overpaid_headline(booking, detail.refunds)
    if not headline:
        return None
    excess = excess_to_refund(booking, detail.refunds)
    card = Money.zero(booking.currency)
    for p in detail.payments:
        if p.method is PaymentMethod.CARD:
            card = card + refundable_amount(p, detail.refunds)
    reason = ""
    try:
        check_excess_refund(excess, card)
    except InvalidStateError as err:
        reason = err.message
    return OverpaidView(
        booking_id=booking.id,
        headline=headline,
        excess=excess,
        can_refund=not reason,
        reason="" if excess.amount <= 0 else reason,  # "on its way" says it all
        needs_pin=needs_pin,
    )


class OverpaidPresenter:
    """Turns booking details into banner states and runs the refund of the excess."""

    def __init__(
        self,
        refunder: ExcessRefunder,
        run: Run,
        *,
        is_manager: Callable[[], bool],
        describe: Callable[[BaseException], str],
        on_state: Callable[[OverpaidView | None], None],
        on_refunded: Callable[[RefundOutcome], None],
    ) -> None:
        self._refunder = refunder
        self._run = run
        self._is_manager = is_manager
        self._describe = describe
        self._on_state = on_state
        self._on_refunded = on_refunded
        self.state: OverpaidView | None = None

    def show(self, detail: BookingDetail | None) -> None:
        """Show the flag for ``detail`` (hidden when it is None or not overpaid)."""
        fresh = None if detail is None else overpaid_view(detail, needs_pin=not self._is_manager())
        old = self.state
        if fresh is not None and old is not None and old.booking_id == fresh.booking_id:
            if old.busy:
                return  # the refund is on its way: its answer decides what shows next
            fresh = replace(fresh, error=old.error, done=old.done)
        self._emit(fresh)

    def refund(self, manager_pin: str = "") -> None:
        """The button: refund exactly the excess (a manager's PIN when one is needed)."""
        state = self.state
        if state is None or not state.can_refund or state.busy:
            return
        pin = manager_pin.strip() or None
        if state.needs_pin and pin is None:
            self._emit(replace(state, error=NEEDS_MANAGER, done=""))
            return
        self._emit(replace(state, busy=True, error="", done=""))
        booking_id, refunder = state.booking_id, self._refunder
        self._run(
            lambda: refunder.refund_excess(booking_id, manager_pin=pin),
            on_success=lambda outcome: self._finished(booking_id, outcome),
            on_failure=lambda err: self._failed(booking_id, err),
        )

    def _finished(self, booking_id: str, outcome: RefundOutcome) -> None:
        state = self.state
        if state is not None and state.booking_id == booking_id:
            done = _("Refund of {amount} sent to the card.").format(amount=outcome.amount.format())
            self._emit(replace(state, busy=False, can_refund=False, done=done))
        self._on_refunded(outcome)

    def _failed(self, booking_id: str, error: BaseException) -> None:
        state = self.state
        if state is not None and state.booking_id == booking_id:
            self._emit(replace(state, busy=False, error=self._describe(error)))

    def _emit(self, state: OverpaidView | None) -> None:
        self.state = state
        self._on_state(state)
