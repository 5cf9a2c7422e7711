"""Bringing local payments and refunds in line with Stripe: events, holds, reconciliation.

Events are only triggers: each names an object, which is re-read from Stripe and applied
through ``settle``. An event id is recorded once processed so a duplicate costs nothing.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from pos_app.domain.errors import GatewayError, NotFoundError
from pos_app.domain.gateway_types import EventInfo
from pos_app.domain.money import Money
from pos_app.domain.payment import Payment, PaymentStatus, Refund, RefundStatus
from pos_app.services import settle
from pos_app.services.checkout import CheckoutService
from pos_app.services.context import Deps
from pos_app.services.refunds import RefundService

log = logging.getLogger(__name__)

EVENT_TYPES: tuple[str, ...] = (
    "checkout.session.completed",
    "checkout.session.expired",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "charge.refunded",
)
CURSOR_KEY = "stripe.events.cursor"
MAX_PENDING_CHANGES = 500  # newly paid / newly failed kept between two passes
PAGE_SIZE = 100


@dataclass(frozen=True)
class PaymentCompleted:
    """A card payment this station saw succeed (for a notification)."""

    booking_id: str
    payment_id: str
    amount: Money
    customer_name: str
    service_name: str


@dataclass(frozen=True)
class RefundFailed:
    """A refund Stripe reported failed after accepting it (for a notification)."""

    booking_id: str
    refund_id: str
    amount: Money
    customer_name: str
    failure_reason: str | None


@dataclass
class SyncReport:
    """What one pass did, for the CLI and the status bar."""

    events_seen: int = 0
    events_applied: int = 0
    payments_checked: int = 0
    refunds_checked: int = 0
    holds_expired: int = 0
    errors: list[str] = field(default_factory=list)
    # What changed since the previous pass, by this pass or by a webhook delivery meanwhile;
    # each change is listed once (the charge screen's own refresh is not included).
    newly_paid: list[PaymentCompleted] = field(default_factory=list)
    refunds_newly_failed: list[RefundFailed] = field(default_factory=list)


class SyncService:
    """One idempotent processor for everything Stripe tells us."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps
        self._checkout = CheckoutService(deps)
        self._refunds = RefundService(deps)
        # Changes seen by any path (sync passes, the webhook receiver's thread) until the next
        # sync_once hands them out in its report.
        self._changes_lock = threading.Lock()
        self._paid: list[PaymentCompleted] = []
        self._refunds_failed: list[RefundFailed] = []

    def sync_once(self, *, full: bool = False) -> SyncReport:
        """One pass: new events, ended holds, unsent requests; ``full`` re-reads all unsettled."""
        report = SyncReport()
        try:
            self.poll_events(report)
            self.expire_ended_holds(report)
            self.settle_unsettled(report, reread_open=full)
        finally:
            self.take_changes(report)
        return report

    def take_changes(self, report: SyncReport) -> None:
        """Move the payments newly paid and refunds newly failed since the last call into
        ``report`` (each is handed out once)."""
        with self._changes_lock:
            paid, self._paid = self._paid, []
            failed, self._refunds_failed = self._refunds_failed, []
        report.newly_paid.extend(paid)
        report.refunds_newly_failed.extend(failed)

    def _note_payment(self, was: PaymentStatus, payment: Payment | None) -> None:
        if payment is None or was is PaymentStatus.SUCCEEDED:
            return
        if payment.status is not PaymentStatus.SUCCEEDED:
            return
        with self._d.uow() as uow:
            booking = uow.bookings.get(payment.booking_id)
        change = PaymentCompleted(
            booking_id=payment.booking_id,
            payment_id=payment.id,
            amount=payment.money,
            customer_name=booking.customer_name if booking else "",
            service_name=booking.service_name if booking else "",
        )
        with self._changes_lock:
            # Bounded: a process that receives webhooks but never runs a pass keeps the latest.
            self._paid = [*self._paid[-(MAX_PENDING_CHANGES - 1) :], change]

    def _note_refund(self, was: RefundStatus, refund: Refund | None) -> None:
        if refund is None or was is RefundStatus.FAILED or refund.status is not RefundStatus.FAILED:
            return
        with self._d.uow() as uow:
            booking = uow.bookings.get(refund.booking_id)
        change = RefundFailed(
            booking_id=refund.booking_id,
            refund_id=refund.id,
            amount=refund.money,
            customer_name=booking.customer_name if booking else "",
            failure_reason=refund.failure_reason,
        )
        with self._changes_lock:
            self._refunds_failed = [*self._refunds_failed[-(MAX_PENDING_CHANGES - 1) :], change]

    def refresh_booking(self, booking_id: str) -> None:
        """Re-read from Stripe whatever of this booking is not settled yet."""
        with self._d.uow() as uow:
            if uow.bookings.get(booking_id) is None:
                raise NotFoundError(f"There is no booking {booking_id}.")
            payments = [p for p in uow.payments.for_booking(booking_id) if not p.status.is_final]
            refunds = [r for r in uow.refunds.for_booking(booking_id) if not r.status.is_final]
        for payment in payments:
            self._checkout.refresh(payment.id)
        for refund in refunds:
            self._refresh_refund(refund)

    def poll_events(self, report: SyncReport) -> None:
        """Page through events newer than the stored cursor, oldest first, and apply each."""
        with self._d.uow() as uow:
            cursor = uow.events.get_setting(CURSOR_KEY)
        while True:
            page = self._d.gateway.list_events(
                types=EVENT_TYPES, ending_before=cursor, limit=PAGE_SIZE
            )
            if not page.events:
                return
            for event in reversed(page.events):
                report.events_seen += 1
                if self.process_event(event):
                    report.events_applied += 1
            cursor = page.events[0].id
            with self._d.uow(write=True) as uow:
                uow.events.set_setting(CURSOR_KEY, cursor)
                uow.commit()
            if not page.has_more:
                return

    def process_event(self, event: EventInfo) -> bool:
        """Re-read the object the event names and apply it; False if not ours or already done."""
        if event.type not in EVENT_TYPES or event.metadata.get("app") not in (None, "pos-app"):
            return False
        with self._d.uow() as uow:
            if uow.events.is_processed(event.id):
                return False  # a duplicate delivery: nothing to re-read
        if event.object_type == "checkout.session":
            with self._d.uow() as uow:
                payment = uow.payments.by_session_id(event.object_id)
            if payment is None:
                return False  # another app's session, or one we never stored
            session = self._d.gateway.retrieve_checkout_session(event.object_id)
            applied = settle.apply_session(self._d, payment.id, session)
            self._note_payment(payment.status, applied)
            if applied is not None and applied.needs_charge_details:
                settle.fill_charge_details(self._d, applied)
        elif event.object_type == "refund":
            with self._d.uow() as uow:
                refund = uow.refunds.by_stripe_id(event.object_id) or (
                    uow.refunds.get(event.metadata["refund_id"])
                    if "refund_id" in event.metadata
                    else None
                )
            if refund is None:
                return False
            self._note_refund(
                refund.status,
                settle.apply_refund(
                    self._d, refund.id, self._d.gateway.retrieve_refund(event.object_id)
                ),
            )
        elif event.object_type == "charge":
            if not self._refresh_refunds_of_charge(event):
                return False
        else:
            return False
        return self._mark(event)

    def _refresh_refunds_of_charge(self, event: EventInfo) -> bool:
        payment_id = event.metadata.get("payment_id")
        if not payment_id:
            return False
        with self._d.uow() as uow:
            pending = [
                r
                for r in uow.refunds.for_payment(payment_id)
                if r.stripe_refund_id and not r.status.is_final
            ]
        for refund in pending:
            assert refund.stripe_refund_id is not None
            self._note_refund(
                refund.status,
                settle.apply_refund(
                    self._d, refund.id, self._d.gateway.retrieve_refund(refund.stripe_refund_id)
                ),
            )
        return True

    def _refresh_refund(self, refund: Refund) -> None:
        if refund.status is RefundStatus.CREATING:
            self._refunds.resend(refund.id)
        elif refund.stripe_refund_id:
            info = self._d.gateway.retrieve_refund(refund.stripe_refund_id)
            self._note_refund(refund.status, settle.apply_refund(self._d, refund.id, info))

    def _mark(self, event: EventInfo) -> bool:
        with self._d.uow(write=True) as uow:
            fresh = uow.events.mark_processed(event.id, event.type, self._d.clock.now())
            uow.commit()
        return fresh

    def expire_ended_holds(self, report: SyncReport) -> None:
        """Close sessions whose hold has ended; a payment made meanwhile stands."""
        now = self._d.server_now()
        with self._d.uow() as uow:
            due = [
                p
                for p in uow.payments.unsettled()
                if p.status is PaymentStatus.OPEN
                and p.hold_until is not None
                and p.hold_until <= now
            ]
        for payment in due:
            try:
                view = self._checkout.cancel(payment.id)
            except GatewayError as err:
                report.errors.append(err.message)
                continue
            if view.status is PaymentStatus.EXPIRED:
                report.holds_expired += 1
            elif view.status is PaymentStatus.SUCCEEDED:
                self._note_payment(payment.status, self._payment_now(payment.id))

    def settle_unsettled(self, report: SyncReport, *, reread_open: bool) -> None:
        """Resend requests whose answer was never stored; with ``reread_open`` re-read the rest.

        A full pass also fetches the fee and net of paid card payments that lack them (normally
        stored the moment the payment is seen; only the full pass retries, so a charge whose
        balance transaction never appears cannot make every pass cost a call).
        """
        with self._d.uow() as uow:
            payments = uow.payments.unsettled()
            refunds = uow.refunds.unsettled()
            incomplete = uow.payments.missing_charge_details() if reread_open else []
        for paid in incomplete:
            try:
                settle.fill_charge_details(self._d, paid)
            except GatewayError as err:
                report.errors.append(err.message)
        for payment in payments:
            if payment.status is PaymentStatus.OPEN and not reread_open:
                continue
            report.payments_checked += 1
            try:
                view = self._checkout.refresh(payment.id)
            except GatewayError as err:
                report.errors.append(err.message)
                continue
            if view.status is PaymentStatus.SUCCEEDED:
                self._note_payment(payment.status, self._payment_now(payment.id))
        for refund in refunds:
            if refund.status is not RefundStatus.CREATING and not reread_open:
                continue
            report.refunds_checked += 1
            try:
                self._refresh_refund(refund)
            except GatewayError as err:
                report.errors.append(err.message)

    def _payment_now(self, payment_id: str) -> Payment | None:
        with self._d.uow() as uow:
            return uow.payments.get(payment_id)
