"""The one-line previews of the cash, deposit and refund dialogs (no Qt).

Each preview parses the amount and asks the domain's rule (``check_cash``, ``check_deposit``,
``check_refund``, ``check_split``) whether it may be taken; a refused amount shows the rule's
own sentence, word for word, so the preview never disagrees with what the service will say.
"""

from __future__ import annotations

from pos_app.domain.booking import Booking
from pos_app.domain.errors import PosError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.payment import (
    check_card_first,
    check_cash,
    check_deposit,
    check_refund,
    check_split,
)
from pos_app.i18n import _


def balance_summary(booking: Booking) -> str:
    """'Grace Hopper · Haircut — balance due $35.00'."""
    return _("{customer} · {service} — balance due {amount}").format(
        customer=booking.customer_name,
        service=booking.service_name,
        amount=booking.balance_due.format(),
    )


def cash_preview(amount_text: str, balance_due: Money) -> str:
    """What recording ``amount_text`` of cash will do, e.g. 'Record $25.00 in cash — the
    booking will show Deposit paid'; or the domain's sentence for why it cannot."""
    try:
        amount = parse_money(amount_text, balance_due.currency, field="amount")
        check_cash(amount, balance_due)
    except PosError as err:
        return err.message
    if amount == balance_due:
        return _("Record {amount} in cash — the booking will show Paid").format(
            amount=amount.format()
        )
    return _("Record {amount} in cash — the booking will show Deposit paid").format(
        amount=amount.format()
    )


def deposit_preview(amount_text: str, balance_due: Money) -> str:
    """What asking ``amount_text`` by card now will do, e.g. 'Ask $10.00 by card now — $25.00
    stays due'; or the domain's sentence for why it cannot ('' while the field is empty)."""
    if not amount_text.strip():
        return ""
    try:
        amount = parse_money(amount_text, balance_due.currency, field="deposit")
        check_deposit(amount, balance_due)
    except PosError as err:
        return err.message
    rest = balance_due - amount
    if rest.amount <= 0:
        return _("Ask {amount} by card now — the whole balance").format(amount=amount.format())
    return _("Ask {amount} by card now — {rest} stays due").format(
        amount=amount.format(), rest=rest.format()
    )


def split_summary(total: Money) -> str:
    """The split dialog's first line, e.g. 'Total $13.07: part in cash, part by card (QR).'"""
    return _("Total {total}: part in cash, part by card (QR).").format(total=total.format())


def first_part(text: str, total: Money, *, cash_first: bool = True) -> Money:
    """The first part of a split as typed (the desk's locale), checked against ``total`` by
    the domain's ``check_split`` (cash first) or ``check_card_first``; or raise its
    sentence."""
    part = parse_money(text, total.currency, field="amount")
    if cash_first:
        check_split(part, total)
    else:
        check_card_first(part, total)
    return part


def split_preview(text: str, total: Money, *, cash_first: bool = True) -> str:
    """What a split will do, e.g. '$5.00 in cash now, then $8.07 by card (QR).' (or by card
    first, then in cash); the domain's sentence for an amount it refuses ('' while nothing
    is typed)."""
    if not text.strip():
        return ""
    try:
        part = first_part(text, total, cash_first=cash_first)
    except PosError as err:
        return _(err.message)
    rest = (total - part).format()
    if cash_first:
        return _("{cash} in cash now, then {card} by card (QR).").format(
            cash=part.format(), card=rest
        )
    return _("{card} by card (QR) now, then {cash} in cash.").format(card=part.format(), cash=rest)


def refund_preview(amount_text: str, refundable: Money, reason: str | None = None) -> str:
    """What refunding ``amount_text`` will do, e.g. 'Refund $35.00 of $35.00 — the booking
    will show Refunded'; or the domain's sentence for why it cannot."""
    try:
        amount = parse_money(amount_text, refundable.currency, field="amount")
        check_refund(amount, refundable, reason)
    except PosError as err:
        return err.message
    if amount == refundable:
        sentence = _("Refund {amount} of {refundable} — the booking will show Refunded")
    else:
        sentence = _("Refund {amount} of {refundable} — the booking will show Partially refunded")
    return sentence.format(amount=amount.format(), refundable=refundable.format())


def amount_on_button(action: str, amount_text: str, limit: Money | None, field: str) -> str:
    """The action button's words: 'Record $25.00' for an amount that is more than zero and at
    most ``limit`` (the last thing read before money moves), else just ``action``."""
    if limit is None:
        return action
    try:
        amount = parse_money(amount_text, limit.currency, field=field)
    except PosError:
        return action
    if 0 < amount.amount <= limit.amount:
        return _("{action} {amount}").format(action=action, amount=amount.format())
    return action
