"""A receipt as HTML (preview, print, PDF) and as plain text (terminal, mail body).

Two copies: the **customer's** (the default: what is handed over, printed or saved as a PDF)
carries the business's name, address and tax id and no Stripe or booking ids, which mean
nothing to a customer and are not theirs to keep; the **merchant's** adds the PaymentIntent,
charge and refund ids and the booking id, for support and the audit. Every user string is
escaped; only the subset of HTML that Qt's rich text understands is used.
"""

from __future__ import annotations

import html
import textwrap
from datetime import datetime
from typing import Literal

from pos_app.domain import locale_format as lf
from pos_app.domain.money import Money
from pos_app.i18n import N_, gettext
from pos_app.services.receipt_model import (
    PART_BALANCE,
    PART_DEPOSIT,
    PART_PAYMENT,
    Receipt,
    ReceiptPayment,
    ReceiptRefund,
)

ReceiptCopy = Literal["customer", "merchant"]
CUSTOMER: ReceiptCopy = "customer"
MERCHANT: ReceiptCopy = "merchant"
TEXT_WIDTH = 48
MUTED = "color:#5f6368;"  # 6.0:1 on white paper
SMALL = "font-size:8.5pt;" + MUTED
MERCHANT_MARK = N_("MERCHANT COPY")
NO_PAYMENT = N_("No payment received yet.")
THANKS = N_("Thank you!")
# A payment's part as it reads after the card or cash ("Visa •••• 4242 · deposit"): its own
# words, as not every language lower-cases a noun (German's "Anzahlung" stays capitalised).
PART_IN_LINE = {
    PART_DEPOSIT: N_("deposit"),
    PART_PAYMENT: N_("part payment"),
    PART_BALANCE: N_("balance"),
}


def _when(value: datetime) -> str:
    return lf.moment(value)


def slot_text(receipt: Receipt) -> str:
    """The booked time, e.g. "Sun 22 Nov 2026, 10:30–11:00"."""
    start, end = receipt.starts_at, receipt.ends_at
    if start.date() == end.date():
        return f"{lf.date_text(start, 'short_day')}, {lf.clock(start)}–{lf.clock(end)}"
    return f"{lf.moment(start, 'short_day')} – {lf.moment(end, 'short_day')}"


def address_lines(receipt: Receipt) -> list[str]:
    """The business's address, a line each, blank lines dropped ([] when not set)."""
    return [line.strip() for line in receipt.business_address.splitlines() if line.strip()]


def tax_id_line(receipt: Receipt) -> str:
    """'Tax ID GB123456789', or '' when no tax id is set."""
    if not receipt.business_tax_id:
        return ""
    return gettext("Tax ID {tax_id}").format(tax_id=receipt.business_tax_id)


def _minus(money: Money) -> str:
    return f"−{money.format()}" if money.amount else money.format()


def _payment_words(p: ReceiptPayment) -> str:
    # The model keeps English words (the receipt's JSON carries them); shown, they are
    # translated here. A card's "Visa •••• 4242" is no msgid and comes back as it is.
    label = gettext(p.label)
    if not p.part:
        return label
    part = gettext(PART_IN_LINE.get(p.part, p.part))
    return gettext("{method} · {part}").format(method=label, part=part)


def _refund_words(r: ReceiptRefund) -> str:
    return " · ".join(x for x in (r.state, gettext(r.reason) if r.reason else "") if x)


def _order_rows(receipt: Receipt) -> list[tuple[str, str, bool]]:
    """(label, amount, emphasised) rows of what was bought: each line, then subtotal,
    discount, tax by rate, tip and total; the service and its price alone without an order."""
    o = receipt.order
    if o is None:
        return [(receipt.service_name, receipt.price.format(), True)]
    rows = [(line.words, line.amount.format(), False) for line in o.lines]
    rows.append((gettext("Subtotal"), o.subtotal.format(), False))
    if o.discount.amount:
        discount = (
            gettext("Discount ({code})").format(code=o.promo_code)
            if o.promo_code
            else gettext("Discount")
        )
        rows.append((discount, _minus(o.discount), False))
    for rate, tax in o.tax_by_rate:
        words = gettext("Incl. tax {rate}") if o.tax_included else gettext("Tax {rate}")
        rows.append((words.format(rate=rate), tax.format(), False))
    if o.tip.amount:
        rows.append((gettext("Tip"), o.tip.format(), False))
    rows.append((gettext("Total"), o.total.format(), True))
    return rows


def _totals(receipt: Receipt) -> list[tuple[str, str, bool]]:
    """(label, amount, emphasised) rows of the totals block."""
    rows = [(gettext("Paid"), receipt.paid.format(), False)]
    if receipt.refunded.amount or receipt.refund_pending.amount:
        rows.append((gettext("Refunded"), _minus(receipt.refunded), False))
        if receipt.refund_pending.amount:
            rows.append((gettext("Refund pending"), _minus(receipt.refund_pending), False))
        rows.append((gettext("Net paid"), receipt.net_paid.format(), True))
    rows.append((gettext("Balance due"), receipt.balance_due.format(), not receipt.refunded.amount))
    return rows


def render_html(receipt: Receipt, copy: ReceiptCopy = CUSTOMER) -> str:
    """The receipt as HTML for QTextDocument (preview, print, PDF); every user string escaped."""
    e = html.escape
    merchant = copy == MERCHANT
    contact = " · ".join(e(c) for c in (receipt.customer_email, receipt.customer_phone) if c)
    customer = e(receipt.customer_name) + (f"<br/>{contact}" if contact else "")
    info_rows = [(gettext("Customer"), customer)]
    info_rows.append((gettext("Service"), e(receipt.service_name)))
    info_rows.append((gettext("When"), e(slot_text(receipt))))
    if receipt.staff:
        info_rows.append((gettext(receipt.staff_label), e(receipt.staff)))
    info_rows.append((gettext("Status"), e(receipt.status_label)))

    issuer = [f'<span style="font-size:17pt; font-weight:bold;">{e(receipt.business_name)}</span>']
    issuer.extend(f'<br/><span style="{MUTED}">{e(line)}</span>' for line in address_lines(receipt))
    if tax_id_line(receipt):
        issuer.append(f'<br/><span style="{MUTED}">{e(tax_id_line(receipt))}</span>')
    title = e(gettext("RECEIPT")) + (f"<br/>{e(gettext(MERCHANT_MARK))}" if merchant else "")
    out: list[str] = [
        '<html><body style="color:#111111; background-color:#ffffff;">',
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>',
        f'<td valign="top">{"".join(issuer)}</td>',
        '<td valign="top" align="right">'
        f'<span style="font-size:13pt; font-weight:bold; letter-spacing:1px;">{title}</span>'
        f'<br/><span style="{MUTED}">{e(_number(receipt))}</span>'
        f'<br/><span style="{MUTED}">{e(_when(receipt.issued_at))}</span></td>',
        "</tr></table>",
        "<hr/>",
        '<table cellspacing="0" cellpadding="3">',
    ]
    for label, value in info_rows:
        out.append(
            f'<tr><td valign="top" style="{MUTED} padding-right:18px;">{e(label)}</td>'
            f"<td>{value}</td></tr>"
        )
    out.append("</table><hr/>")
    out.append('<table width="100%" cellspacing="0" cellpadding="3">')
    for label, amount, strong in _order_rows(receipt):
        weight = "font-weight:bold;" if strong else ""
        out.append(
            f'<tr><td style="{weight}">{e(label)}</td>'
            f'<td align="right" style="{weight}">{e(amount)}</td></tr>'
        )
    out.append(_section_html(gettext("Payments")))
    if not receipt.payments:
        none_yet = e(gettext(NO_PAYMENT))
        out.append(f'<tr><td colspan="2" style="{MUTED}">{none_yet}</td></tr>')
    for p in receipt.payments:
        ids = p.stripe_ids if merchant else ()
        sub = "<br/>".join(e(x) for x in (_when(p.at), *ids))
        out.append(
            f"<tr><td>{e(_payment_words(p))}<br/>"
            f'<span style="{SMALL}">{sub}</span></td>'
            f'<td align="right" valign="top">{e(p.amount.format())}</td></tr>'
        )
    if receipt.refunds:
        out.append(_section_html(gettext("Refunds")))
    for r in receipt.refunds:
        words = _refund_words(r)
        refund_id = r.stripe_refund_id if merchant else None
        sub = "<br/>".join(e(x) for x in (_when(r.at), refund_id) if x)
        out.append(
            f"<tr><td>{e(words)}<br/>"
            f'<span style="{SMALL}">{sub}</span></td>'
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
        out.append(f'<p style="{MUTED}">{e(note)}</p>')
    footer = gettext("Amounts in {currency}").format(currency=receipt.price.currency.upper())
    if merchant:
        footer = f"{_booking_line(receipt)} · {footer}"
    out.append(f'<p style="{SMALL}">{e(footer)}</p>')
    out.append(f'<p align="center" style="font-size:11pt;">{e(gettext(THANKS))}</p>')
    out.append("</body></html>")
    return "\n".join(out)


def _section_html(title: str) -> str:
    return (
        f'<tr><td colspan="2" style="padding-top:10px; font-weight:bold;">'
        f"{html.escape(title)}</td></tr>"
    )


def render_text(receipt: Receipt, width: int = TEXT_WIDTH, copy: ReceiptCopy = CUSTOMER) -> str:
    """The receipt as plain text (a terminal, a log, a mail body), ``width`` columns wide."""
    merchant = copy == MERCHANT
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
    for line in [*address_lines(receipt), tax_id_line(receipt)]:
        lines.extend(textwrap.wrap(line, width))
    issued = _when(receipt.issued_at)
    heading = gettext("RECEIPT {number}").format(number=receipt.number)
    lines.append(heading.ljust(width - len(issued)) + issued)
    if merchant:
        lines.append(gettext(MERCHANT_MARK))
    lines.append(rule)
    field_line(gettext("Customer"), receipt.customer_name)
    for contact in (receipt.customer_email, receipt.customer_phone):
        if contact:
            field_line("", contact)
    field_line(gettext("Service"), receipt.service_name)
    field_line(gettext("When"), slot_text(receipt))
    if receipt.staff:
        field_line(gettext(receipt.staff_label), receipt.staff)
    field_line(gettext("Status"), receipt.status_label)
    lines.append(rule)
    for label, amount, _strong in _order_rows(receipt):
        pair(label, amount)
    lines.append("")
    lines.append(gettext("Payments"))
    if not receipt.payments:
        lines.append("  " + gettext(NO_PAYMENT))
    for p in receipt.payments:
        pair(_payment_words(p), p.amount.format(), "  ")
        under(_when(p.at))
        for stripe_id in p.stripe_ids if merchant else ():
            under(stripe_id)
    if receipt.refunds:
        lines.append("")
        lines.append(gettext("Refunds"))
    for r in receipt.refunds:
        pair(_refund_words(r), _minus(r.amount), "  ")
        under(_when(r.at))
        if merchant and r.stripe_refund_id:
            under(r.stripe_refund_id)
    lines.append(rule)
    for label, amount, _strong in _totals(receipt):
        pair(label, amount)
    lines.append(rule)
    for note in receipt.notes:
        lines.extend(textwrap.wrap(note, width))
    if merchant:
        lines.append(_booking_line(receipt))
    lines.append(gettext(THANKS))
    return "\n".join(lines) + "\n"


def receipt_title(receipt: Receipt) -> str:
    """A document's title: 'Receipt R-3F2A9-C1B07 — Studio Nine'."""
    return gettext("Receipt {number} — {business}").format(
        number=receipt.number, business=receipt.business_name
    )


def _number(receipt: Receipt) -> str:
    return gettext("No. {number}").format(number=receipt.number)


def _booking_line(receipt: Receipt) -> str:
    return gettext("Booking {booking_id}").format(booking_id=receipt.booking_id)
