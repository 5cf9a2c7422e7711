"""Receipts: what the customer bought and paid, as HTML (print, PDF) and plain text, and
Stripe's own receipt email for card payments.

A :class:`Receipt` is built from the booking, its payments and refunds as stored locally
(``build_receipt`` is pure); the card's brand and last four digits are read from Stripe when
it answers, and the receipt falls back to "Card" when it does not. Rendering is plain string
work with every user string escaped; no Qt here (the dialog prints the HTML).

Emailing asks Stripe to send *its* receipt: ``receipt_email`` is set on each paid card
PaymentIntent. The idempotency key is derived from the payment and the address and stored
before the call, so a retried or doubled click sends once, and another address is a new send.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking
from pos_app.domain.errors import (
    GatewayError,
    InvalidStateError,
    NotFoundError,
    ValidationError,
)
from pos_app.domain.money import Money
from pos_app.domain.payment import (
    REFUND_REASONS,
    Payment,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
)
from pos_app.domain.people import Resource, ResourceKind
from pos_app.services import audit
from pos_app.services.bookings import BookingDetail
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key
from pos_app.services.receipt_notes import email_note

log = logging.getLogger(__name__)

TEXT_WIDTH = 48
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HEX_ID = re.compile(r"^[0-9a-f]{10,}$")
# Settings-table key of one receipt email: "receipt_email:<payment id>:<address digest>".
_MARK_PREFIX = "receipt_email:"

REFUND_STATES = {
    RefundStatus.CREATING: "Being sent",
    RefundStatus.PENDING: "Pending",
    RefundStatus.REQUIRES_ACTION: "Needs action",
    RefundStatus.SUCCEEDED: "Refunded",
    RefundStatus.FAILED: "Failed",
    RefundStatus.CANCELED: "Canceled",
}
_BRANDS = {
    "amex": "American Express",
    "diners": "Diners Club",
    "discover": "Discover",
    "eftpos_au": "eftpos",
    "jcb": "JCB",
    "mastercard": "Mastercard",
    "unionpay": "UnionPay",
    "visa": "Visa",
    "cartes_bancaires": "Cartes Bancaires",
}


# -- the model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSummary:
    """What a receipt says about the card: brand and last four digits, when Stripe told us."""

    brand: str | None
    last4: str | None
    charge_id: str | None = None


@dataclass(frozen=True)
class ReceiptPayment:
    """One payment received: card through Stripe, or cash at the desk."""

    payment_id: str
    method: PaymentMethod
    label: str  # "Visa •••• 4242", "Card" or "Cash"
    part: str  # "Deposit", "Part payment", "Balance" or "" (paid in one go)
    amount: Money
    at: datetime  # local time
    payment_intent_id: str | None = None
    charge_id: str | None = None

    @property
    def stripe_ids(self) -> tuple[str, ...]:
        """The Stripe ids to quote to support (PaymentIntent, then charge)."""
        return tuple(i for i in (self.payment_intent_id, self.charge_id) if i)


@dataclass(frozen=True)
class ReceiptRefund:
    """Money given back, with where it stands."""

    refund_id: str
    amount: Money
    status: RefundStatus
    at: datetime  # local time
    reason: str
    stripe_refund_id: str | None = None

    @property
    def state(self) -> str:
        """The refund's state in words ("Refunded", "Pending", ...)."""
        return REFUND_STATES[self.status]


@dataclass(frozen=True)
class Receipt:
    """Everything a receipt shows, with times already in the business's time zone."""

    number: str
    booking_id: str
    business_name: str
    issued_at: datetime
    customer_name: str
    customer_email: str | None
    customer_phone: str | None
    service_name: str
    starts_at: datetime
    ends_at: datetime
    price: Money
    status_label: str
    payments: tuple[ReceiptPayment, ...]
    refunds: tuple[ReceiptRefund, ...]
    paid: Money
    refunded: Money  # settled refunds only
    refund_pending: Money  # refunds sent and not settled yet
    balance_due: Money
    mode: str = "live"  # sandbox | test | live
    staff: str | None = None
    staff_label: str = "With"  # "With" for a staff member, "Room" for a room
    notes: tuple[str, ...] = field(default=())

    @property
    def net_paid(self) -> Money:
        """What the business keeps: paid minus settled refunds."""
        return self.paid - self.refunded

    @property
    def card_payments(self) -> tuple[ReceiptPayment, ...]:
        """Card payments Stripe can send its receipt for."""
        return tuple(
            p for p in self.payments if p.method is PaymentMethod.CARD and p.payment_intent_id
        )

    @property
    def can_email(self) -> bool:
        """Whether "Email receipt (Stripe)" applies: the booking has a paid card payment."""
        return bool(self.card_payments)

    @property
    def test_mode(self) -> bool:
        """Card money on this receipt was not real (Stripe test mode or the sandbox)."""
        return self.mode != "live"


def receipt_number(booking_id: str) -> str:
    """A short number printed on the receipt, the same every time for one booking.

    Taken from the booking id's random part (``bk_3f2a9c1b07…`` → ``R-3F2A9-C1B07``), so it
    also finds the booking; other ids are hashed.
    """
    tail = booking_id.split("_", 1)[-1].lower()
    code = tail if _HEX_ID.match(tail) else hashlib.sha256(booking_id.encode()).hexdigest()
    code = code[:10].upper()
    return f"R-{code[:5]}-{code[5:]}"


def card_label(summary: CardSummary | None) -> str:
    """ "Visa •••• 4242" when Stripe told us the card, else "Card"."""
    if summary is None or not summary.last4:
        return "Card"
    brand = _BRANDS.get((summary.brand or "").lower(), (summary.brand or "Card").title())
    return f"{brand} •••• {summary.last4}"


def build_receipt(
    detail: BookingDetail,
    *,
    business_name: str,
    timezone: tzinfo,
    issued_at: datetime,
    mode: str = "live",
    resource: Resource | None = None,
    cards: Mapping[str, CardSummary] | None = None,
) -> Receipt:
    """The receipt of a booking from its stored payments and refunds (no I/O).

    ``cards`` maps payment ids to what Stripe said about the card. Only succeeded payments
    appear; every refund appears with its state, and only settled ones count as refunded.
    """
    booking = detail.booking
    cards = cards or {}
    currency = booking.currency
    received = sorted(
        (p for p in detail.payments if p.status is PaymentStatus.SUCCEEDED),
        key=lambda p: (p.paid_at or p.created_at, p.id),
    )
    payments: list[ReceiptPayment] = []
    running = 0
    for p in received:
        before, running = running, running + p.amount
        summary = cards.get(p.id)
        payments.append(
            ReceiptPayment(
                payment_id=p.id,
                method=p.method,
                label=card_label(summary) if p.method is PaymentMethod.CARD else "Cash",
                part=_part(before, running, booking.price_amount, len(received)),
                amount=p.money,
                at=(p.paid_at or p.created_at).astimezone(timezone),
                payment_intent_id=p.stripe_payment_intent_id,
                charge_id=p.stripe_charge_id or (summary.charge_id if summary else None),
            )
        )
    refunds = tuple(
        ReceiptRefund(
            refund_id=r.id,
            amount=r.money,
            status=r.status,
            at=r.created_at.astimezone(timezone),
            reason=REFUND_REASONS.get(r.reason or "", ""),
            stripe_refund_id=r.stripe_refund_id,
        )
        for r in sorted(detail.refunds, key=lambda r: (r.created_at, r.id))
    )
    paid = sum(p.amount for p in received)
    refunded = sum(r.amount for r in detail.refunds if r.status is RefundStatus.SUCCEEDED)
    pending = sum(
        r.amount
        for r in detail.refunds
        if r.status in (RefundStatus.CREATING, RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION)
    )
    notes: list[str] = []
    if booking.cancelled:
        notes.append("This booking was cancelled.")
    if mode != "live" and any(p.method is PaymentMethod.CARD for p in received):
        where = "the sandbox" if mode == "sandbox" else "Stripe test mode"
        notes.append(f"Card payments were made in {where}: no real money moved.")
    staff_label = "Room" if resource is not None and resource.kind is ResourceKind.ROOM else "With"
    return Receipt(
        number=receipt_number(booking.id),
        booking_id=booking.id,
        business_name=business_name,
        issued_at=issued_at.astimezone(timezone),
        customer_name=booking.customer_name,
        customer_email=booking.customer_email,
        customer_phone=booking.customer_phone,
        service_name=booking.service_name,
        starts_at=booking.starts_at.astimezone(timezone),
        ends_at=booking.ends_at.astimezone(timezone),
        price=booking.price,
        status_label=booking.status.label,
        payments=tuple(payments),
        refunds=refunds,
        paid=Money(paid, currency),
        refunded=Money(refunded, currency),
        refund_pending=Money(pending, currency),
        balance_due=Money(max(booking.price_amount - paid, 0), currency),
        mode=mode,
        staff=resource.name if resource is not None else None,
        staff_label=staff_label,
        notes=tuple(notes),
    )


def _part(before: int, after: int, price: int, count: int) -> str:
    """Whether a payment was a deposit, a later part, the balance, or all of it at once."""
    if count == 1 and after >= price:
        return ""
    if after < price:
        return "Deposit" if before == 0 else "Part payment"
    return "Balance" if before > 0 else ""


# -- rendering ---------------------------------------------------------------------------


def _when(value: datetime) -> str:
    return f"{value:%d %b %Y, %H:%M}"


def slot_text(receipt: Receipt) -> str:
    """The booked time, e.g. "Sun 22 Nov 2026, 10:30–11:00"."""
    start, end = receipt.starts_at, receipt.ends_at
    if start.date() == end.date():
        return f"{start:%a %d %b %Y}, {start:%H:%M}–{end:%H:%M}"
    return f"{start:%a %d %b %Y, %H:%M} – {end:%a %d %b %Y, %H:%M}"


def _minus(money: Money) -> str:
    return f"−{money.format()}" if money.amount else money.format()


def _payment_words(p: ReceiptPayment) -> str:
    return f"{p.label} · {p.part.lower()}" if p.part else p.label


def _totals(receipt: Receipt) -> list[tuple[str, str, bool]]:
    """(label, amount, emphasised) rows of the totals block."""
    rows = [("Paid", receipt.paid.format(), False)]
    if receipt.refunded.amount or receipt.refund_pending.amount:
        rows.append(("Refunded", _minus(receipt.refunded), False))
        if receipt.refund_pending.amount:
            rows.append(("Refund pending", _minus(receipt.refund_pending), False))
        rows.append(("Net paid", receipt.net_paid.format(), True))
    rows.append(("Balance due", receipt.balance_due.format(), not receipt.refunded.amount))
    return rows


def render_html(receipt: Receipt) -> str:
    """The receipt as HTML for QTextDocument (preview, print, PDF); every user string escaped.

    Only the subset of HTML Qt's rich text understands: tables, inline styles, ``<hr>``.
    """
    e = html.escape
    muted = "color:#5f6368;"
    small = "font-size:8.5pt;" + muted
    contact = " · ".join(e(c) for c in (receipt.customer_email, receipt.customer_phone) if c)
    info_rows = [("Customer", e(receipt.customer_name) + (f"<br/>{contact}" if contact else ""))]
    info_rows.append(("Service", e(receipt.service_name)))
    info_rows.append(("When", e(slot_text(receipt))))
    if receipt.staff:
        info_rows.append((receipt.staff_label, e(receipt.staff)))
    info_rows.append(("Status", e(receipt.status_label)))

    out: list[str] = [
        '<html><body style="color:#111111; background-color:#ffffff;">',
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>',
        f'<td valign="top"><span style="font-size:17pt; font-weight:bold;">'
        f"{e(receipt.business_name)}</span></td>",
        '<td valign="top" align="right">'
        '<span style="font-size:13pt; font-weight:bold; letter-spacing:1px;">RECEIPT</span>'
        f'<br/><span style="{muted}">No. {e(receipt.number)}</span>'
        f'<br/><span style="{muted}">{e(_when(receipt.issued_at))}</span></td>',
        "</tr></table>",
        "<hr/>",
        '<table cellspacing="0" cellpadding="3">',
    ]
    for label, value in info_rows:
        out.append(
            f'<tr><td valign="top" style="{muted} padding-right:18px;">{e(label)}</td>'
            f"<td>{value}</td></tr>"
        )
    out.append("</table><hr/>")
    out.append('<table width="100%" cellspacing="0" cellpadding="3">')
    out.append(
        f'<tr><td style="font-weight:bold;">{e(receipt.service_name)}</td>'
        f'<td align="right" style="font-weight:bold;">{e(receipt.price.format())}</td></tr>'
    )
    out.append(_section_html("Payments"))
    if not receipt.payments:
        out.append(f'<tr><td colspan="2" style="{muted}">No payment received yet.</td></tr>')
    for p in receipt.payments:
        sub = "<br/>".join(e(x) for x in (_when(p.at), *p.stripe_ids))
        out.append(
            f"<tr><td>{e(_payment_words(p))}<br/>"
            f'<span style="{small}">{sub}</span></td>'
            f'<td align="right" valign="top">{e(p.amount.format())}</td></tr>'
        )
    if receipt.refunds:
        out.append(_section_html("Refunds"))
    for r in receipt.refunds:
        words = " · ".join(x for x in (r.state, r.reason) if x)
        sub = "<br/>".join(e(x) for x in (_when(r.at), r.stripe_refund_id) if x)
        out.append(
            f"<tr><td>{e(words)}<br/>"
            f'<span style="{small}">{sub}</span></td>'
            f'<td align="right" valign="top">{e(_minus(r.amount))}</td></tr>'
        )
    out.append("</table><hr/>")
    out.append('<table width="100%" cellspacing="0" cellpadding="3">')
    for label, amount, strong in _totals(receipt):
        weight = "font-weight:bold; font-size:11.5pt;" if strong else ""
        out.append(
            f'<tr><td style="{weight}">{e(label)}</td>'
            f'<td align="right" style="{weight}">{e(amount)}</td></tr>'
        )
    out.append("</table><hr/>")
    for note in receipt.notes:
        out.append(f'<p style="{muted}">{e(note)}</p>')
    out.append(
        f'<p style="{small}">Booking {e(receipt.booking_id)}'
        f" · Amounts in {e(receipt.price.currency.upper())}</p>"
    )
    out.append('<p align="center" style="font-size:11pt;">Thank you!</p>')
    out.append("</body></html>")
    return "\n".join(out)


def _section_html(title: str) -> str:
    return (
        f'<tr><td colspan="2" style="padding-top:10px; font-weight:bold;">'
        f"{html.escape(title)}</td></tr>"
    )


def render_text(receipt: Receipt, width: int = TEXT_WIDTH) -> str:
    """The receipt as plain text (a terminal, a log, a mail body), ``width`` columns wide."""
    rule = "-" * width
    lines: list[str] = []

    def pair(left: str, right: str, indent: str = "") -> None:
        room = width - len(right) - 1
        wrapped = textwrap.wrap(
            left, room, initial_indent=indent, subsequent_indent=indent + "  "
        ) or [indent]
        lines.extend(wrapped[:-1])
        lines.append(f"{wrapped[-1]:<{room}} {right}")

    def under(text: str) -> None:
        lines.extend(textwrap.wrap(text, width, initial_indent="    ", subsequent_indent="    "))

    def field_line(label: str, value: str) -> None:
        wrapped = textwrap.wrap(value, width - 12) or [""]
        lines.append(f"{label:<11} {wrapped[0]}")
        lines.extend(f"{'':<11} {rest}" for rest in wrapped[1:])

    lines.extend(textwrap.wrap(receipt.business_name, width) or [""])
    issued = _when(receipt.issued_at)
    lines.append(f"RECEIPT {receipt.number}".ljust(width - len(issued)) + issued)
    lines.append(rule)
    field_line("Customer", receipt.customer_name)
    for contact in (receipt.customer_email, receipt.customer_phone):
        if contact:
            field_line("", contact)
    field_line("Service", receipt.service_name)
    field_line("When", slot_text(receipt))
    if receipt.staff:
        field_line(receipt.staff_label, receipt.staff)
    field_line("Status", receipt.status_label)
    lines.append(rule)
    pair(receipt.service_name, receipt.price.format())
    lines.append("")
    lines.append("Payments")
    if not receipt.payments:
        lines.append("  No payment received yet.")
    for p in receipt.payments:
        pair(_payment_words(p), p.amount.format(), "  ")
        under(_when(p.at))
        for stripe_id in p.stripe_ids:
            under(stripe_id)
    if receipt.refunds:
        lines.append("")
        lines.append("Refunds")
    for r in receipt.refunds:
        pair(" · ".join(x for x in (r.state, r.reason) if x), _minus(r.amount), "  ")
        under(_when(r.at))
        if r.stripe_refund_id:
            under(r.stripe_refund_id)
    lines.append(rule)
    for label, amount, _strong in _totals(receipt):
        pair(label, amount)
    lines.append(rule)
    for note in receipt.notes:
        lines.extend(textwrap.wrap(note, width))
    lines.append(f"Booking {receipt.booking_id}")
    lines.append("Thank you!")
    return "\n".join(lines) + "\n"


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
        what = "the receipt" if count == 1 else f"{count} receipts (one per card payment)"
        if not self.sent:
            head = (
                f"Stripe was already asked to email {what} to {self.email}; it is not sent twice."
            )
        elif self.live:
            head = f"Stripe is emailing {what} to {self.email}."
        else:
            head = f"Stripe has {what} for {self.email}."
        note = email_note(self.mode)
        return f"{head} {note}" if note else head


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
        detail, resource = self._load(booking_id)
        cards = self._cards(detail.payments) if card_details else {}
        return build_receipt(
            detail,
            business_name=self._d.policy.business_name,
            timezone=self._d.policy.timezone,
            issued_at=self._d.clock.now(),
            mode=self._d.gateway.mode,
            resource=resource,
            cards=cards,
        )

    def email_receipt(self, booking_id: str, email: str | None = None) -> ReceiptEmailResult:
        """Ask Stripe to email its receipt of each paid card payment to ``email`` (the
        customer's address when None or empty).

        Raises ValidationError (field ``email``) for a missing or malformed address and
        InvalidStateError when the booking has no card payment; Stripe's errors as sentences.
        """
        detail, _resource = self._load(booking_id)
        address = (email or "").strip() or (detail.booking.customer_email or "").strip()
        if not address:
            raise ValidationError(
                "email", "Enter the customer's email address to send Stripe's receipt to."
            )
        if len(address) > 254 or not _EMAIL.match(address):
            raise ValidationError("email", "Enter an email address like name@example.com.")
        targets = [
            p
            for p in detail.payments
            if p.method is PaymentMethod.CARD
            and p.status is PaymentStatus.SUCCEEDED
            and p.stripe_payment_intent_id
        ]
        if not targets:
            raise InvalidStateError(
                "This booking has no card payment, so Stripe has no receipt to send. "
                "Print the receipt or save it as a PDF instead."
            )
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

    def _load(self, booking_id: str) -> tuple[BookingDetail, Resource | None]:
        with self._d.uow() as uow:
            booking = uow.bookings.get(booking_id)
            if booking is None:
                raise NotFoundError(f"There is no booking {booking_id}.")
            resource = uow.resources.get(booking.resource_id) if booking.resource_id else None
            detail = BookingDetail(
                booking, uow.payments.for_booking(booking_id), uow.refunds.for_booking(booking_id)
            )
        return detail, resource

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
                booking_id=booking.id,
                payment_id=payment.id,
                amount=payment.amount,
                currency=payment.currency,
                stripe_ids=[pi_id, info.latest_charge_id or payment.stripe_charge_id],
                detail=(
                    f"Stripe receipt email to {mask_email(address)}"
                    + ("" if mode == "live" else f" ({mode} mode: Stripe sends no email)")
                ),
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
