"""Cash taken at the desk: recorded locally, never sent to Stripe.

Taking cash closes the booking's open card links first, so the customer cannot pay twice.
Closing a link is a call to Stripe, made outside the database's write lock, so the steps are:

1. under the booking's lock: check the amount and store a claim, "cash is being taken" (the
   database decides which station gets it); while it stands no card link opens;
2. without a lock: expire the open links at Stripe;
3. under the lock again: re-read the payments, and record the cash only if the claim is still
   ours, no link is open or processing, and nothing was paid meanwhile.

The claim is a lease (``CASH_CLAIM_LEASE``): a station that dies in step 2 blocks card links
for two minutes at most, and step 3 never trusts the lease alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pos_app.domain.audit import AuditAction, Detail
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.payable import ORDER_PAID, Payable
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    check_cash,
    ensure_none_processing,
)
from pos_app.domain.ports import UnitOfWork
from pos_app.i18n import N_, gettext
from pos_app.services import audit, failpoints, ledger, locks, order_charge, payables
from pos_app.services.checkout import CheckoutService
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key, new_id

log = logging.getLogger(__name__)

LINK_OPENED_MEANWHILE = N_(
    "A card payment link was opened for this booking meanwhile, so no cash was recorded. "
    "Let the customer pay that link, or cancel it and take cash again."
)
PAYMENTS_CHANGED = N_(
    "The booking's payments changed meanwhile, so no cash was recorded. Check the balance, "
    "then take cash again."
)


@dataclass(frozen=True)
class _Claim:
    """What step 1 stored and saw: the claim's id, the cash to record, what was paid then."""

    id: str
    amount: Money
    paid_before: int


class CashService:
    """Record cash payments against a booking's balance."""

    def __init__(self, deps: Deps, *, checkout: CheckoutService) -> None:
        self._d = deps
        # Cash closes an open payment link first (app.py wires it).
        self._checkout = checkout

    def record(self, booking_id: str, amount_text: str | None = None) -> Payment:
        """Record cash against a booking or an order (``bk_…`` or ``ord_…``; the whole
        balance when ``amount_text`` is None).

        An open payment link is closed first, so the customer cannot pay twice; if it turns
        out they just paid by card, nothing is recorded and the sentence says so.
        """
        claim = self._claim(booking_id, amount_text)
        failpoints.hit("cash.after_claim")
        try:
            paid = self._checkout.close_open_links(
                booking_id, detail=Detail(N_("Closed to take cash instead"))
            )
            if paid is not None:
                raise InvalidStateError(_just_paid(paid.amount))
            payment = self._write(booking_id, claim)
        except BaseException:
            locks.release_claim(self._d, booking_id, claim.id)
            raise
        log.info(
            "payment.cash booking=%s payment=%s amount=%s %s",
            booking_id,
            payment.id,
            payment.amount,
            payment.currency,
        )
        return payment

    # -- steps --------------------------------------------------------------------------

    def _claim(self, booking_id: str, amount_text: str | None) -> _Claim:
        """Step 1: check the booking and the amount, then store the claim (or change nothing)."""
        now = self._d.server_now()  # the lease runs on Stripe's clock, as holds do
        with self._d.uow(write=True) as uow:
            booking = self._booking(uow, booking_id)
            ensure_none_processing(uow.payments.for_order(booking.id))
            due = booking.balance_due
            if booking.booking is None and due.amount <= 0:
                raise InvalidStateError(ORDER_PAID)  # a walk-in's words; a booking's below
            amount = (
                due
                if amount_text is None or not amount_text.strip()
                else parse_money(amount_text, booking.currency, field="amount")
            )
            check_cash(amount, due)
            claim = _Claim(new_id("claim"), amount, booking.paid_amount)
            booking.claim_for_cash(claim.id, now)
            order_charge.before_money(uow, booking)  # stock, and the promo code's use
            payables.save_claim(uow, booking)
            uow.commit()
        log.info("cash.claimed booking=%s claim=%s", booking_id, claim.id)
        return claim

    def _write(self, booking_id: str, claim: _Claim) -> Payment:
        """Step 3: under the lock, re-read everything; record the cash and end the claim."""
        with self._d.uow(write=True) as uow:
            booking = self._booking(uow, booking_id)
            if booking.cash_claim != claim.id:
                # Our lease lapsed and another station holds the booking (cash, or a cancel).
                raise InvalidStateError(booking.claim_sentence())
            payments = uow.payments.for_order(booking.id)
            ensure_none_processing(payments)
            if any(p.open_card_link for p in payments):
                raise InvalidStateError(LINK_OPENED_MEANWHILE)
            if booking.paid_amount != claim.paid_before:
                more = booking.paid_amount - claim.paid_before
                if more > 0:
                    raise InvalidStateError(_just_paid(Money(more, booking.currency)))
                raise InvalidStateError(PAYMENTS_CHANGED)
            check_cash(claim.amount, booking.balance_due)
            if claim.amount.amount >= booking.balance_due.amount:
                # This transaction takes the stock: another station may have sold it since
                # the claim (cash, unlike a card Stripe took, can still be refused).
                order_charge.check_stock(uow, booking)
            booking.release_cash_claim(claim.id)
            payables.save_claim(uow, booking)
            payment = self._add_cash(uow, booking, claim.amount)
            uow.commit()
        return payment

    def _add_cash(self, uow: UnitOfWork, booking: Payable, amount: Money) -> Payment:
        """The cash payment row, the booking's new summary and the audit entry (caller commits)."""
        now = self._d.clock.now()
        actor = self._d.desk.actor
        payment_id = new_id("pay")
        payment = Payment(
            id=payment_id,
            booking_id=booking.booking_id,
            order_id=booking.id,
            method=PaymentMethod.CASH,
            status=PaymentStatus.SUCCEEDED,
            amount=amount.amount,
            currency=amount.currency,
            idempotency_key=idempotency_key("cash", payment_id),
            created_at=now,
            paid_at=now,
            created_by=actor.id,
            recorded_at=now,
        )
        uow.payments.add(payment)
        ledger.recompute(uow, booking, at=now)
        audit.record(
            uow,
            at=now,
            actor=actor,
            action=AuditAction.CASH_RECEIVED,
            booking_id=booking.booking_id,
            payment_id=payment.id,
            amount=payment.amount,
            currency=payment.currency,
            detail=(
                Detail(
                    N_("Cash for {service}, {customer}"),
                    {"service": booking.title_words, "customer": booking.customer_name},
                )
                if booking.customer_name
                else Detail(N_("Cash for {service}, walk-in"), {"service": booking.title_words})
            ),
        )
        return payment

    @staticmethod
    def _booking(uow: UnitOfWork, payable_id: str) -> Payable:
        """What is paid, locked (booking, then order)."""
        payable = payables.require(uow, payable_id, for_update=True)
        if payable.cancelled:
            raise InvalidStateError(
                N_("This booking is cancelled, so it cannot be paid.")
                if payable.booking is not None
                else N_("This order is void, so it cannot be paid.")
            )
        return payable


def _just_paid(amount: Money) -> str:
    """Why no cash is taken: the customer paid ``amount`` by card meanwhile."""
    return gettext(
        "The customer has just paid {amount} by card; check the balance before taking cash."
    ).format(amount=amount.format())
