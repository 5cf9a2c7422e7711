"""Receipts, the use cases: a booking's receipt with the card's details from Stripe, and
Stripe's own receipt email for card payments.

The receipt itself (:class:`~pos_app.services.receipt_model.Receipt`) is built by the pure
:func:`~pos_app.services.receipt_model.build_receipt`; it is rendered as HTML or text by
:mod:`pos_app.reports.render.receipt`. The card's brand and last four digits are read from
Stripe when it answers, and the receipt says "Card" when it does not.

Emailing asks Stripe to send *its* receipt: ``receipt_email`` is set on each paid card
PaymentIntent. The idempotency key is derived from the payment and the address and stored
before the call, so a retried or doubled click sends once, and another address is a new send.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass

from pos_app.domain.audit import AuditAction, Detail
from pos_app.domain.booking import Booking
from pos_app.domain.errors import (
    GatewayError,
    InvalidStateError,
    NotFoundError,
    ValidationError,
)
from pos_app.domain.orders import Order
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.domain.people import Resource
from pos_app.domain.ports import UnitOfWork
from pos_app.i18n import N_, gettext, ngettext
from pos_app.services import audit, payables
from pos_app.services.bookings import BookingDetail
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key
from pos_app.services.receipt_model import CardSummary, Receipt, build_receipt
from pos_app.services.receipt_notes import email_note

log = logging.getLogger(__name__)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Settings-table key of one receipt email: "receipt_email:<payment id>:<address digest>".
_MARK_PREFIX = "receipt_email:"
NO_CARD_PAYMENT = N_(
    "This booking has no card payment, so Stripe has no receipt to send. "
    "Print the receipt or save it as a PDF instead."
)


# -- Stripe's receipt email --------------------------------------------------------------


def mask_email(email: str) -> str:
    """``maya@example.com`` → ``m***@example.com``: enough for the audit log and logs."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def receipt_email_key(payment_id: str, email: str) -> str:
    """The idempotency key of emailing one payment's receipt to one address.

    The same on every retry and every click for that address (Stripe answers a repeat with
    its first answer, so nothing is sent twice); another address gives another key.
    """
    return idempotency_key("receipt", f"{payment_id}:{_digest(email)}")


def _digest(email: str) -> str:
    # The address itself stays out of keys and settings: a hash tells two addresses apart.
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ReceiptEmailResult:
    """What became of "Email receipt": how many receipts Stripe was asked to send."""

    email: str
    mode: str
    sent: tuple[str, ...]  # PaymentIntent ids Stripe was asked about now
    already: tuple[str, ...]  # PaymentIntent ids whose receipt this address already had

    @property
    def live(self) -> bool:
        """Whether Stripe emails anyone at all (live mode; test mode: team members only)."""
        return self.mode == "live"

    @property
    def message(self) -> str:
        """One or two sentences for the desk."""
        count = len(self.sent) + len(self.already)
        if not self.sent:
            head = ngettext(
                "Stripe was already asked to email the receipt to {email}; it is not sent twice.",
                "Stripe was already asked to email {count} receipts (one per card payment) "
                "to {email}; it is not sent twice.",
                count,
            )
        elif self.live:
            head = ngettext(
                "Stripe is emailing the receipt to {email}.",
                "Stripe is emailing {count} receipts (one per card payment) to {email}.",
                count,
            )
        else:
            head = ngettext(
                "Stripe has the receipt for {email}.",
                "Stripe has {count} receipts (one per card payment) for {email}.",
                count,
            )
        head = head.format(count=count, email=self.email)
        note = email_note(self.mode)
        return f"{head} {gettext(note)}" if note else head


@dataclass
class _Mark:
    """The stored record of one receipt email: its key, first stored, then its outcome."""

    state: str  # "sending" until Stripe confirmed, then "sent"
    idempotency_key: str
    to: str  # masked address
    requested_at: str
    sent_at: str | None = None

    def dumps(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def loads(cls, text: str | None) -> _Mark | None:
        if not text:
            return None
        try:
            return cls(**json.loads(text))
        except (TypeError, ValueError):
            return None


class ReceiptService:
    """Build a booking's receipt; ask Stripe to email its receipt for card payments."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def receipt(self, booking_id: str, *, card_details: bool = True) -> Receipt:
        """The booking's receipt (NotFoundError if there is no such booking).

        With ``card_details`` the card's brand and last four digits are read from Stripe;
        if Stripe cannot be reached the receipt says "Card" instead of failing.
        """
        detail, resource, order = self._load(booking_id)
        cards = self._cards(detail.payments) if card_details else {}
        return build_receipt(
            detail,
            business_name=self._d.policy.business_name,
            business_address=self._d.policy.business_address,
            business_tax_id=self._d.policy.business_tax_id,
            timezone=self._d.policy.timezone,
            issued_at=self._d.clock.now(),
            mode=self._d.gateway.mode,
            resource=resource,
            cards=cards,
            order=order,
        )

    def email_receipt(self, booking_id: str, email: str | None = None) -> ReceiptEmailResult:
        """Ask Stripe to email its receipt of each paid card payment to ``email`` (the
        customer's address when None or empty).

        Raises ValidationError (field ``email``) for a missing or malformed address and
        InvalidStateError when the booking has no card payment; Stripe's errors as sentences.
        """
        detail, _resource, _order = self._load(booking_id)
        address = (email or "").strip() or (detail.booking.customer_email or "").strip()
        if not address:
            raise ValidationError(
                "email", N_("Enter the customer's email address to send Stripe's receipt to.")
            )
        if len(address) > 254 or not _EMAIL.match(address):
            raise ValidationError("email", N_("Enter an email address like name@example.com."))
        targets = [
            p
            for p in detail.payments
            if p.method is PaymentMethod.CARD
            and p.status is PaymentStatus.SUCCEEDED
            and p.stripe_payment_intent_id
        ]
        if not targets:
            raise InvalidStateError(NO_CARD_PAYMENT)
        sent: list[str] = []
        already: list[str] = []
        for payment in targets:
            pi_id = payment.stripe_payment_intent_id
            assert pi_id is not None
            if self._send_one(detail.booking, payment, address):
                sent.append(pi_id)
            else:
                already.append(pi_id)
        return ReceiptEmailResult(address, self._d.gateway.mode, tuple(sent), tuple(already))

    # -- steps ----------------------------------------------------------------------------

    def _load(self, booking_id: str) -> tuple[BookingDetail, Resource | None, Order | None]:
        with self._d.uow() as uow:
            if booking_id.startswith("ord_"):  # a walk-in order (a booking's is its booking)
                return _walk_in_detail(uow, booking_id), None, uow.orders.get(booking_id)
            booking = uow.bookings.get(booking_id)
            if booking is None:
                raise NotFoundError(
                    gettext("There is no booking {booking_id}.").format(booking_id=booking_id)
                )
            resource = uow.resources.get(booking.resource_id) if booking.resource_id else None
            detail = BookingDetail(
                booking, uow.payments.for_booking(booking_id), uow.refunds.for_booking(booking_id)
            )
            order = uow.orders.for_booking(booking_id)
        return detail, resource, order

    def _cards(self, payments: list[Payment]) -> dict[str, CardSummary]:
        """Brand and last four of each paid card payment; stops asking once Stripe fails."""
        cards: dict[str, CardSummary] = {}
        for p in payments:
            pi_id = p.stripe_payment_intent_id
            if p.method is not PaymentMethod.CARD or p.status is not PaymentStatus.SUCCEEDED:
                continue
            if pi_id is None:
                continue
            try:
                details = self._d.gateway.retrieve_charge_details(pi_id)
            except GatewayError as err:
                log.warning(
                    "receipt.card_details_unavailable payment=%s reason=%s", p.id, err.message
                )
                break  # offline: one wait is enough, the receipt says "Card"
            cards[p.id] = CardSummary(details.card_brand, details.card_last4, details.charge_id)
        return cards

    def _send_one(self, booking: Booking, payment: Payment, address: str) -> bool:
        """Set ``receipt_email`` on one PaymentIntent; False when this address already had it."""
        pi_id = payment.stripe_payment_intent_id
        assert pi_id is not None
        mark_key = f"{_MARK_PREFIX}{payment.id}:{_digest(address)}"
        key = receipt_email_key(payment.id, address)
        now = self._d.clock.now()
        # Store the key first (the pattern of every Stripe mutation here): a crash or a lost
        # answer leaves "sending", and the next click repeats the call with the same key.
        with self._d.uow(write=True) as uow:
            # Two stations clicking at once: the second waits here, then finds the mark
            # (PostgreSQL; SQLite's write lock already makes them take turns).
            uow.serialize(mark_key)
            mark = _Mark.loads(uow.events.get_setting(mark_key))
            if mark is not None and mark.state == "sent":
                return False
            if mark is None:
                mark = _Mark("sending", key, mask_email(address), now.isoformat())
                uow.events.set_setting(mark_key, mark.dumps())
                uow.commit()
        info = self._d.gateway.set_receipt_email(
            pi_id, address, idempotency_key=mark.idempotency_key
        )
        with self._d.uow(write=True) as uow:
            uow.serialize(mark_key)  # one "sent" and one audit entry, whoever finishes first
            fresh = _Mark.loads(uow.events.get_setting(mark_key)) or mark
            if fresh.state == "sent":
                return True  # another station's click got there first; audited once
            fresh.state = "sent"
            fresh.sent_at = self._d.clock.now().isoformat()
            uow.events.set_setting(mark_key, fresh.dumps())
            mode = self._d.gateway.mode
            audit.record(
                uow,
                at=self._d.clock.now(),
                actor=self._d.desk.actor,
                action=AuditAction.RECEIPT_SENT,
                booking_id=payment.booking_id,  # None for a walk-in order
                payment_id=payment.id,
                amount=payment.amount,
                currency=payment.currency,
                stripe_ids=[pi_id, info.latest_charge_id or payment.stripe_charge_id],
                detail=_receipt_detail(mask_email(address), mode),
            )
            uow.commit()
        log.info(
            "receipt.email_set booking=%s payment=%s payment_intent=%s to=%s mode=%s",
            booking.id,
            payment.id,
            pi_id,
            mask_email(address),
            self._d.gateway.mode,
        )
        return True


def _walk_in_detail(uow: UnitOfWork, order_id: str) -> BookingDetail:
    """A walk-in order's receipt data in the booking receipt's shape: the order at the time
    of sale, its total, status and money (a view, never stored); its lines come from the
    order itself, as a booking's do."""
    payable = payables.require(uow, order_id)
    order = payable.order
    shown = Booking(
        id=order.id,
        customer_name=payable.customer_name or gettext("Walk-in customer"),
        service_id="",
        service_name=payable.title,
        starts_at=order.created_at,
        ends_at=order.created_at,
        price_amount=order.total,
        currency=order.currency,
        created_at=order.created_at,
        customer_email=payable.customer_email,
        customer_phone=order.customer.phone or None,
        status=payable.status,
        paid_amount=payable.paid_amount,
        refunded_amount=payable.refunded_amount,
        cancelled=payable.voided,
    )
    return BookingDetail(shown, uow.payments.for_order(order.id), uow.refunds.for_order(order.id))


def _receipt_detail(address: str, mode: str) -> Detail:
    """'Stripe receipt email to m…@example.com', and why none leaves outside live mode."""
    if mode == "live":
        return Detail(N_("Stripe receipt email to {address}"), {"address": address})
    if mode == "test":
        template = N_("Stripe receipt email to {address} (test mode: Stripe sends no email)")
    else:
        template = N_("Stripe receipt email to {address} (sandbox mode: Stripe sends no email)")
    return Detail(template, {"address": address})
