"""Refunds: checked against what is left under the booking's lock, keyed before Stripe is called."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pos_app.domain.audit import AuditAction, Detail, DetailValue
from pos_app.domain.errors import (
    GatewayError,
    GatewayRejected,
    GatewayStoredFailure,
    GatewayUnavailable,
    InvalidStateError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.gateway_types import RefundInfo, RefundRequest
from pos_app.domain.money import Money, parse_money
from pos_app.domain.orders import parse_item
from pos_app.domain.overpaid import (
    EXCESS_REFUND_NOTE,
    EXCESS_REFUND_REASON,
    check_excess_refund,
    excess_to_refund,
    not_overpaid,
)
from pos_app.domain.payable import RefundLine
from pos_app.domain.payment import (
    REFUND_REASONS,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    check_refund,
    refundable_amount,
)
from pos_app.domain.people import Actor
from pos_app.domain.refund_lines import every_line_left, gives_back_everything, lines_to_refund
from pos_app.domain.text import strip_forbidden
from pos_app.i18n import N_, gettext
from pos_app.services import audit, failpoints, ledger, payables, settle
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key, new_id
from pos_app.services.sign_in import WrongPinError

log = logging.getLogger(__name__)

NEEDS_MANAGER = N_("A manager must approve refunds. Enter a manager PIN.")
LINES_BEFORE_PAID = N_("Items can be refunded once the order is paid in full; refund an amount.")


class ManagerPins(Protocol):
    """What a refund needs of the accounts: whose manager PIN this is (PeopleService)."""

    def verify_manager_pin(self, pin: str) -> Actor | None:
        """The active manager whose PIN this is, or None."""
        ...


@dataclass(frozen=True)
class RefundOutcome:
    """The refunds one request produced (several when it spans a deposit and a balance)."""

    booking_id: str
    refunds: list[Refund]

    @property
    def amount(self) -> Money:
        """Total asked for."""
        currency = self.refunds[0].currency
        return Money(sum(r.amount for r in self.refunds), currency)


class RefundService:
    """Refund card payments in full or in part."""

    def __init__(self, deps: Deps, *, managers: ManagerPins) -> None:
        self._d = deps
        self._managers = managers  # approves a refund with a manager's PIN (app.py wires it)

    def refundable(self, booking_id: str) -> Money:
        """What may still be refunded on the booking's card payments."""
        with self._d.uow() as uow:
            payable = payables.require(uow, booking_id)
            refunds = uow.refunds.for_order(payable.id)
            total = Money.zero(payable.currency)
            for p in uow.payments.for_order(payable.id):
                if p.method is PaymentMethod.CARD:
                    total = total + refundable_amount(p, refunds)
            return total

    def refund(
        self,
        booking_id: str,
        amount_text: str | None = None,
        *,
        reason: str | None = "requested_by_customer",
        note: str = "",
        manager_pin: str | None = None,
        items: Sequence[str] = (),
        restock: bool = False,
    ) -> RefundOutcome:
        """Refund ``amount_text`` (everything left when None) and send it to Stripe; or, with
        ``items`` ("Shampoo x1"), what those lines of the order cost, putting products back
        on the shelf when the refund succeeds if ``restock`` (docs/orders.md 2.4).

        A manager approves every refund: the signed-in person is one, or ``manager_pin`` is
        a manager's PIN. Otherwise PermissionDeniedError (WrongPinError for a wrong PIN) and
        nothing changes.
        """
        approver = self._approver(manager_pin)
        note = strip_forbidden(note)  # one line, no terminal codes or direction overrides
        asked = [parse_item(text) for text in items] if items else None
        if restock and asked is None:
            raise ValidationError("restock", N_("Name the items to put back on the shelf."))
        if asked is not None and amount_text:
            raise ValidationError("amount", N_("Refund either an amount or items, not both."))
        created = self._reserve(
            booking_id, amount_text, reason, note, approver, asked=asked, restock=restock
        )
        return self._send_all(booking_id, created)

    def refund_excess(self, booking_id: str, *, manager_pin: str | None = None) -> RefundOutcome:
        """Refund exactly what an overpaid booking holds beyond its price, to the card.

        The excess is worked out under the booking's lock (refunds on their way count), so a
        second click, or a second station, finds nothing left and changes nothing. A manager
        approves it as every refund; the key is stored before Stripe is called, as always.
        """
        approver = self._approver(manager_pin)
        created = self._reserve(
            booking_id, None, EXCESS_REFUND_REASON, EXCESS_REFUND_NOTE, approver, excess=True
        )
        return self._send_all(booking_id, created)

    def resend(self, refund_id: str) -> Refund:
        """Send a refund that was stored but whose answer was never stored (same key)."""
        with self._d.uow() as uow:
            refund = uow.refunds.get(refund_id)
        if refund is None:
            raise NotFoundError(gettext("There is no refund {id}.").format(id=refund_id))
        if refund.status is not RefundStatus.CREATING:
            return refund
        return self._send(refund)

    def _approver(self, manager_pin: str | None) -> Actor:
        """The manager approving this refund: the one signed in, or the one whose PIN it is."""
        actor = self._d.desk.actor
        if actor.is_manager:
            return actor
        if not manager_pin:
            raise PermissionDeniedError(NEEDS_MANAGER)
        approver = self._managers.verify_manager_pin(manager_pin)
        if approver is None:
            raise WrongPinError()
        return approver

    def _reserve(
        self,
        booking_id: str,
        amount_text: str | None,
        reason: str | None,
        note: str,
        approver: Actor,
        *,
        excess: bool = False,
        asked: list[tuple[str, int]] | None = None,
        restock: bool = False,
    ) -> list[Refund]:
        """Store the refunds (keys included) under the booking's lock; ``excess`` asks for
        exactly an overpaid booking's excess instead of ``amount_text``."""
        actor = self._d.desk.actor
        with self._d.uow(write=True) as uow:
            booking = payables.require(uow, booking_id, for_update=True)
            refunds = uow.refunds.for_order(booking.id)
            card = [
                p
                for p in uow.payments.for_order(booking.id)
                if p.method is PaymentMethod.CARD and p.status is PaymentStatus.SUCCEEDED
            ]
            if not card:
                raise InvalidStateError(
                    N_("This booking has no card payment to refund.")
                    if booking.booking is not None
                    else N_("This order has no card payment to refund.")
                )
            total = Money.zero(booking.currency)
            for p in card:
                total = total + refundable_amount(p, refunds)
            amount = (
                total
                if amount_text is None or not amount_text.strip()
                else parse_money(amount_text, booking.currency, field="amount")
            )
            lines: list[RefundLine] = []
            if asked is not None:
                if booking.paid_amount < booking.price_amount:
                    raise InvalidStateError(LINES_BEFORE_PAID)
                taken = uow.orders.refunded_quantities(booking.id)
                worth, lines = lines_to_refund(booking.order, asked, taken, restock=restock)
                amount = Money(worth, booking.currency)
            if excess:  # a booking's or a walk-in order's: one rule (domain/overpaid.py)
                amount = excess_to_refund(booking, refunds)
                refusal = not_overpaid(booking.booking is not None)
                check_excess_refund(amount, total, refusal=refusal)
            check_refund(amount, total, reason)
            held = sum(r.amount for r in refunds if r.status.holds_money)
            paid, price = booking.paid_amount, booking.price_amount
            everything = gives_back_everything(
                paid=paid, total=price, held=held, amount=amount.amount
            )
            if asked is None and everything:
                # Everything paid goes back: every line left counts back in the reports on
                # the refund's day, as a refund by item does (docs/orders.md 4.5).
                taken = uow.orders.refunded_quantities(booking.id)
                lines = every_line_left(booking.order, taken)
            created: list[Refund] = []
            left = amount.amount
            # Newest payment first: a refund after a balance payment takes from the balance.
            for p in reversed(card):
                if left <= 0:
                    break
                part = min(left, refundable_amount(p, refunds).amount)
                if part <= 0:
                    continue
                refund_id = new_id("re")
                refund = Refund(
                    id=refund_id,
                    payment_id=p.id,
                    booking_id=booking.booking_id,
                    order_id=booking.id,
                    amount=part,
                    currency=p.currency,
                    reason=reason,
                    status=RefundStatus.CREATING,
                    idempotency_key=idempotency_key("refund", refund_id),
                    created_at=self._d.clock.now(),
                    note=note,
                    created_by=actor.id,
                )
                uow.refunds.add(refund)
                created.append(refund)
                audit.record(
                    uow,
                    at=refund.created_at,
                    actor=actor,
                    action=AuditAction.REFUND_REQUESTED,
                    booking_id=booking.booking_id,
                    payment_id=p.id,
                    refund_id=refund.id,
                    amount=part,
                    currency=p.currency,
                    stripe_ids=[p.stripe_payment_intent_id],
                    detail=_request_detail(reason, note, actor, approver),
                )
                left -= part
            if lines and created:  # the lines ride on the first refund (the newest payment's)
                uow.orders.add_refund_lines(created[0].id, lines)
            ledger.recompute(uow, booking)
            uow.commit()
        for r in created:
            log.info(
                "refund.reserved booking=%s refund=%s payment=%s amount=%s %s",
                booking_id,
                r.id,
                r.payment_id,
                r.amount,
                r.currency,
            )
        return created

    def _send(self, refund: Refund) -> Refund:
        """Send (or resend) the refund exactly as reserved; store Stripe's answer."""
        request = self._request(refund)
        failpoints.hit("refund.before_create")
        try:
            info = self._d.gateway.create_refund(request, idempotency_key=refund.idempotency_key)
        except GatewayUnavailable:
            # The answer is lost (network, 5xx after the SDK's retries, 429): Stripe may have
            # made it. Found, it is ours; not found (or Stripe unreadable), it stays CREATING
            # and a retry or the next sync resends it with the same key.
            found = self._find(refund, request)
            if found is None:
                raise
            return self._recovered(refund, found)
        except (GatewayStoredFailure, GatewayRejected) as err:
            # A replayed failure, an idempotency_error (the key was first used with other
            # parameters, e.g. by an older version) or a refusal: the refund that key made may
            # exist all the same. Only a refusal with no refund found at Stripe is a failure.
            try:
                found = self._find(refund, request)
            except GatewayUnavailable:
                raise err from None  # cannot tell: stays CREATING, resent later
            except GatewayRejected:
                found = None  # Stripe has no such PaymentIntent: no refund of ours either
            if found is not None:
                return self._recovered(refund, found)
            settle.mark_refund_failed(self._d, refund.id, _failure_message(err))
            raise
        failpoints.hit("refund.after_create")
        stored = settle.apply_refund(self._d, refund.id, info) or refund
        failpoints.hit("refund.after_store")
        return stored

    def _send_all(self, booking_id: str, created: list[Refund]) -> RefundOutcome:
        """Send each stored refund; the first failure is raised only when none went through
        (``_send`` has stored what became of each)."""
        done: list[Refund] = []
        first_error: Exception | None = None
        for refund in created:
            try:
                done.append(self._send(refund))
            except (GatewayUnavailable, GatewayRejected) as err:
                first_error = first_error or err
        if first_error is not None and not done:
            raise first_error
        return RefundOutcome(booking_id, done)

    def _request(self, refund: Refund) -> RefundRequest:
        """Every parameter from the rows stored when the refund was reserved, nothing from the
        station sending it: a resend from any station is the very same request."""
        with self._d.uow() as uow:
            payment = uow.payments.get(refund.payment_id)
        if payment is None or not payment.stripe_payment_intent_id:
            raise InvalidStateError(N_("The payment for this refund has no Stripe record."))
        return RefundRequest(
            payment_intent_id=payment.stripe_payment_intent_id,
            amount=refund.amount,
            reason=refund.reason,
            metadata=_metadata(refund),
        )

    def _find(self, refund: Refund, request: RefundRequest) -> RefundInfo | None:
        """The refund this one made at Stripe, found by the refund id in its metadata."""
        return self._d.gateway.find_refund(
            payment_intent_id=request.payment_intent_id,
            metadata_key="refund_id",
            metadata_value=refund.id,
        )

    def _recovered(self, refund: Refund, found: RefundInfo) -> Refund:
        log.warning(
            "refund.recovered booking=%s refund=%s stripe_refund=%s",
            refund.booking_id,
            refund.id,
            found.id,
        )
        return settle.apply_refund(self._d, refund.id, found) or refund


def _failure_message(err: GatewayError) -> str:
    """Why Stripe refused the refund, as staff see it on the refund."""
    if isinstance(err, GatewayStoredFailure):
        return "Stripe could not make the refund."
    return err.message


def _request_detail(reason: str | None, note: str, actor: Actor, approver: Actor) -> Detail:
    """'Requested by customer; note: …; approved by Alex Morgan (manager PIN)'."""
    why = Detail(REFUND_REASONS.get(reason or "", N_("No reason given")))
    values: dict[str, DetailValue] = {"reason": why, "manager": approver.name}
    by_pin = approver != actor
    if note:
        values["note"] = note
        template = (
            N_("{reason}; note: {note}; approved by {manager} (manager PIN)")
            if by_pin
            else N_("{reason}; note: {note}; approved by {manager}")
        )
    else:
        template = (
            N_("{reason}; approved by {manager} (manager PIN)")
            if by_pin
            else N_("{reason}; approved by {manager}")
        )
    return Detail(template, values)


def _metadata(refund: Refund) -> dict[str, str]:
    """The refund's metadata at Stripe: its booking as always, or, for a walk-in, its order
    (a booking's keys stay exactly as before, so a resend after an upgrade is the same)."""
    owner = (
        {"booking_id": refund.booking_id}
        if refund.booking_id is not None
        else {"order_id": refund.order_id or ""}
    )
    return {**owner, "payment_id": refund.payment_id, "refund_id": refund.id, "app": "pos-app"}
