"""Cash taken at the desk: recorded locally, never sent to Stripe."""

from __future__ import annotations

import logging

from pos_app.domain.audit import AuditAction
from pos_app.domain.errors import InvalidStateError, NotFoundError
from pos_app.domain.money import parse_money
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus, check_cash
from pos_app.services import audit, ledger
from pos_app.services.checkout import CheckoutService
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key, new_id

log = logging.getLogger(__name__)


class CashService:
    """Record cash payments against a booking's balance."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps
        self._checkout = CheckoutService(deps)

    def record(self, booking_id: str, amount_text: str | None = None) -> Payment:
        """Record cash (the whole balance when ``amount_text`` is None).

        An open payment link is closed first, so the customer cannot pay twice; if it turns
        out they just paid by card, nothing is recorded and the sentence says so.
        """
        paid = self._checkout.close_open_links(booking_id, detail="Closed to take cash instead")
        if paid is not None:
            raise InvalidStateError(
                f"The customer has just paid {paid.amount} by card; check the balance "
                "before taking cash."
            )
        with self._d.uow(write=True) as uow:
            booking = uow.bookings.get(booking_id, for_update=True)
            if booking is None:
                raise NotFoundError(f"There is no booking {booking_id}.")
            if booking.cancelled:
                raise InvalidStateError("This booking is cancelled, so it cannot be paid.")
            due = booking.balance_due
            amount = (
                due
                if amount_text is None or not amount_text.strip()
                else parse_money(amount_text, booking.currency, field="amount")
            )
            check_cash(amount, due)
            now = self._d.clock.now()
            actor = self._d.desk.actor
            payment_id = new_id("pay")
            payment = Payment(
                id=payment_id,
                booking_id=booking_id,
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
            ledger.recompute(uow, booking)
            audit.record(
                uow,
                at=now,
                actor=actor,
                action=AuditAction.CASH_RECEIVED,
                booking_id=booking_id,
                payment_id=payment.id,
                amount=payment.amount,
                currency=payment.currency,
                detail=f"Cash for {booking.service_name}, {booking.customer_name}",
            )
            uow.commit()
        log.info(
            "payment.cash booking=%s payment=%s amount=%s %s",
            booking_id,
            payment.id,
            payment.amount,
            payment.currency,
        )
        return payment
