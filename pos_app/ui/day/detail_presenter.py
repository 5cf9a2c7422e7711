"""The detail panel's presenter: what the panel shows for one booking, and its actions.

No Qt here. :func:`present_detail` turns a :class:`BookingDetail` into a frozen
:class:`DetailState` that ``detail_panel.py`` only paints; :func:`booking_actions` says which
of the booking's actions are offered and why not, from the domain's rules
(``domain/eligibility.py``), so the panel's buttons and the window's menu actions agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.booking_display import NOT_REFUNDED
from pos_app.domain.eligibility import (
    Eligibility,
    can_cancel,
    can_charge,
    can_mark_no_show,
    can_move,
    can_refund,
    can_show_receipt,
    can_take_cash,
    can_take_deposit,
    refused,
)
from pos_app.domain.payment import REFUND_REASONS, PaymentMethod, PaymentStatus, RefundStatus
from pos_app.i18n import N_, _

if TYPE_CHECKING:  # the service (and what it imports) loads after the first paint
    from pos_app.services.bookings import BookingDetail

# Money actions wait for the first sync with Stripe after start, so nothing is offered on a
# payment that was settled at Stripe while the app was closed.
NOT_READY = N_("Checking payments with Stripe — this takes a moment after starting.")
NOT_ATTACHED = N_("The app is still starting.")
HINT = N_("Select a booking to see its details.")

PAYMENT_WORDS = {
    PaymentStatus.CREATING: N_("Creating link"),
    PaymentStatus.OPEN: N_("Link open"),
    PaymentStatus.PROCESSING: N_("Bank payment processing"),
    PaymentStatus.SUCCEEDED: N_("Paid"),
    PaymentStatus.EXPIRED: N_("Expired"),
    PaymentStatus.FAILED: N_("Failed"),
}
REFUND_WORDS = {
    RefundStatus.CREATING: N_("Sending"),
    RefundStatus.PENDING: N_("Pending"),
    RefundStatus.REQUIRES_ACTION: N_("Needs action"),
    RefundStatus.SUCCEEDED: N_("Refunded"),
    RefundStatus.FAILED: N_("Failed"),
    RefundStatus.CANCELED: N_("Canceled"),
}


class ActionKey(StrEnum):
    """A booking action, as the panel's buttons and the window's QActions name it."""

    CHARGE = "charge"
    REFUND = "refund"
    CASH = "cash"
    DEPOSIT = "deposit"
    MOVE = "move"
    NO_SHOW = "no_show"
    CANCEL = "cancel"
    RECEIPT = "receipt"


@dataclass(frozen=True)
class ActionState:
    """One action button: its words, whether it can be pressed, and why not."""

    key: ActionKey
    label: str
    enabled: bool
    why: str = ""  # the refusal sentence (the disabled button's tooltip), empty when enabled


@dataclass(frozen=True)
class Line:
    """One line of text; ``muted`` lines are secondary (a note, a failure's detail)."""

    text: str
    muted: bool = False


@dataclass(frozen=True)
class DetailState:
    """Everything the detail panel paints for one booking."""

    booking_id: str
    title: str  # the customer's name
    status: BookingStatus  # the chip
    notes: tuple[Line, ...]  # "Cancelled. …", "Marked as a no-show."
    rows: tuple[tuple[str, str], ...]  # ("Service", "Cut"), ("Balance due", "$35.00")…
    customer_id: str | None  # the "All bookings of …" link, when the booking has a customer
    customer_link: str
    primary: ActionState  # one solid button: "Charge $35.00" or "Refund…"
    actions: tuple[ActionState, ...]  # the rest, in order
    payments: tuple[Line, ...]
    refunds: tuple[Line, ...]

    def action(self, key: ActionKey) -> ActionState:
        """The state of one action (primary or not)."""
        return next(a for a in (self.primary, *self.actions) if a.key is key)


def _gate(rule: Eligibility, *, ready: bool, attached: bool, needs_sync: bool) -> Eligibility:
    if not attached:
        return refused(_(NOT_ATTACHED))
    if needs_sync and not ready:
        return refused(_(NOT_READY))
    return rule


def booking_actions(
    booking: Booking, *, now: datetime, ready: bool, attached: bool = True
) -> dict[ActionKey, Eligibility]:
    """Each action's eligibility for ``booking`` at ``now``.

    ``attached``: the app is open; ``ready``: the first sync with Stripe has finished (money
    actions, cancel and no-show wait for it; move and the receipt do not).
    """
    rules: list[tuple[ActionKey, Eligibility, bool]] = [
        (ActionKey.CHARGE, can_charge(booking), True),
        (ActionKey.REFUND, can_refund(booking), True),
        (ActionKey.CASH, can_take_cash(booking), True),
        (ActionKey.DEPOSIT, can_take_deposit(booking), True),
        (ActionKey.MOVE, can_move(booking), False),
        (ActionKey.NO_SHOW, can_mark_no_show(booking, now), True),
        (ActionKey.CANCEL, can_cancel(booking), True),
        (ActionKey.RECEIPT, can_show_receipt(booking), False),
    ]
    return {
        key: _gate(rule, ready=ready, attached=attached, needs_sync=sync)
        for key, rule, sync in rules
    }


def no_booking_actions(reason: str | None = None) -> dict[ActionKey, Eligibility]:
    """Every action refused (nothing selected)."""
    why = reason if reason is not None else _("Select a booking first.")
    return {key: refused(why) for key in ActionKey}


_LABELS = {
    ActionKey.REFUND: N_("Refund…"),
    ActionKey.CASH: N_("Cash…"),
    ActionKey.DEPOSIT: N_("Deposit…"),
    ActionKey.MOVE: N_("Move…"),
    ActionKey.NO_SHOW: N_("No-show…"),
    ActionKey.CANCEL: N_("Cancel…"),
    ActionKey.RECEIPT: N_("Receipt…"),
}


def _charge_label(booking: Booking) -> str:
    due = booking.balance_due
    return _("Charge {amount}").format(amount=due.format()) if due.amount > 0 else _("Charge")


def _state(key: ActionKey, label: str, rule: Eligibility) -> ActionState:
    return ActionState(key, label, rule.allowed, "" if rule.allowed else _(rule.reason))


def _actions(
    booking: Booking, rules: dict[ActionKey, Eligibility]
) -> tuple[ActionState, tuple[ActionState, ...]]:
    charge = _state(ActionKey.CHARGE, _charge_label(booking), rules[ActionKey.CHARGE])
    refund = _state(ActionKey.REFUND, _(_LABELS[ActionKey.REFUND]), rules[ActionKey.REFUND])
    # Unpaid: the next step is to charge. Once money was received and nothing can be charged,
    # the next step is a refund (a deposit-paid booking still charges its balance first).
    refund_first = not charge.enabled and (refund.enabled or booking.paid_amount > 0)
    primary, other = (refund, charge) if refund_first else (charge, refund)
    rest = [
        _state(key, _(_LABELS[key]), rules[key])
        for key in (
            ActionKey.CASH,
            ActionKey.DEPOSIT,
            ActionKey.MOVE,
            ActionKey.NO_SHOW,
            ActionKey.CANCEL,
            ActionKey.RECEIPT,
        )
    ]
    return primary, (other, *rest)


def present_detail(
    detail: BookingDetail, tz: tzinfo, *, now: datetime, ready: bool, attached: bool = True
) -> DetailState:
    """The panel's state for ``detail``, with times in ``tz`` and actions as of ``now``."""
    booking = detail.booking
    notes: list[Line] = []
    if booking.cancelled and booking.status is not BookingStatus.CANCELLED:
        notes.append(
            Line(_("Cancelled. {not_refunded}").format(not_refunded=_(NOT_REFUNDED)), muted=True)
        )
    elif booking.no_show and booking.status is not BookingStatus.NO_SHOW:
        notes.append(Line(_("Marked as a no-show."), muted=True))
    contact = "\n".join(c for c in (booking.customer_email, booking.customer_phone) if c)
    start = booking.starts_at.astimezone(tz)
    end = booking.ends_at.astimezone(tz)
    rows = (
        (_("Contact"), contact or "—"),
        (_("Service"), booking.service_name),
        (_("With"), detail.resource.name if detail.resource is not None else _("Anyone")),
        (
            _("Time"),
            f"{lf.date_text(start, 'weekday_day_month')}, {lf.clock(start)}–{lf.clock(end)}",
        ),
        (_("Amount"), booking.price.format()),
        (_("Paid"), booking.paid.format()),
        (_("Refunded"), booking.refunded.format()),
        (_("Balance due"), booking.balance_due.format()),
    )
    payments: list[Line] = []
    for p in detail.payments:
        method = _("Card") if p.method is PaymentMethod.CARD else _("Cash")
        when = _time(p.paid_at or p.created_at, tz)
        payments.append(
            Line(f"{method} · {p.money.format()} · {_(PAYMENT_WORDS[p.status])} · {when}")
        )
        if p.failure_message:
            payments.append(Line(p.failure_message, muted=True))
    refunds: list[Line] = []
    for r in detail.refunds:
        parts = [r.money.format(), _(REFUND_WORDS[r.status]), _time(r.created_at, tz)]
        refunds.append(Line(" · ".join(parts)))
        reason = _(REFUND_REASONS.get(r.reason or "", ""))
        extra = " — ".join(x for x in (reason, r.note, r.failure_reason or "") if x)
        if extra:
            refunds.append(Line(extra, muted=True))
    rules = booking_actions(booking, now=now, ready=ready, attached=attached)
    primary, actions = _actions(booking, rules)
    return DetailState(
        booking_id=booking.id,
        title=booking.customer_name,
        status=booking.status,
        notes=tuple(notes),
        rows=rows,
        customer_id=booking.customer_id or None,
        customer_link=_("All bookings of {name}…").format(name=booking.customer_name),
        primary=primary,
        actions=actions,
        payments=tuple(payments) or (Line(_("No payments yet."), muted=True),),
        refunds=tuple(refunds) or (Line(_("No refunds."), muted=True),),
    )


def _time(value: datetime, tz: tzinfo) -> str:
    return lf.clock(value.astimezone(tz))
