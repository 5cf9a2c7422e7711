"""The Z report in words: each currency's card and cash lines, the drawer's difference, and
the report as HTML for paper and PDF (:mod:`pos_app.printing.z_report` lays it out).

Qt-free; the day-close screen shows the same lines, so the screen and the paper agree.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from pos_app.domain import locale_format as lf
from pos_app.domain.money import Money
from pos_app.i18n import gettext, ngettext
from pos_app.reports.render.order_figures import money_rows, product_rows
from pos_app.services.day_close import ZReport, ZTotals, day_words

MINUS = "−"  # a real minus sign: lines up with digits, unlike a hyphen


def signed(money: Money) -> str:
    """'−$4.95' with a real minus sign."""
    return money.format().replace("-", MINUS)


def difference_text(difference: Money) -> tuple[str, str]:
    """What the drawer's difference says, and its tone: short (danger), over (warning) or
    exact (success)."""
    if difference.amount < 0:
        return gettext("{amount} short").format(amount=signed(difference)), "danger"
    if difference.amount > 0:
        return gettext("+{amount} over").format(amount=difference.format()), "warning"
    return gettext("Exact"), "success"


@dataclass(frozen=True)
class ZLine:
    """One line of a panel: a section heading (no value) or a caption and its figure."""

    caption: str
    value: str = ""
    bold: bool = False
    heading: bool = False


def card_lines(t: ZTotals) -> tuple[ZLine, ...]:
    """The card section: payments, refunds, net, Stripe's fees and the net after them."""
    lines = [
        ZLine(gettext("Card (Stripe)"), heading=True),
        ZLine(
            gettext("Card payments ({count})").format(count=t.card_count),
            signed(t.money(t.card_gross)),
        ),
        ZLine(gettext("Card refunds"), signed(t.money(-t.card_refunds))),
        ZLine(gettext("Card net"), signed(t.money(t.card_net)), bold=True),
    ]
    for caption, figure in t.fee_lines():  # "Fees pending" until Stripe reports each
        lines.append(ZLine(caption, figure if isinstance(figure, str) else signed(figure)))
    return tuple(lines)


def cash_lines(t: ZTotals) -> tuple[ZLine, ...]:
    """The cash taken (and given back), before the float and the count."""
    lines = [
        ZLine(gettext("Cash"), heading=True),
        ZLine(
            gettext("Cash payments ({count})").format(count=t.cash_count),
            signed(t.money(t.cash_received)),
        ),
    ]
    if t.cash_refunds:
        lines.append(ZLine(gettext("Cash given back"), signed(t.money(-t.cash_refunds))))
    return tuple(lines)


def order_lines(t: ZTotals, most: int | None = None) -> tuple[ZLine, ...]:
    """The orders paid on the day: sales by product or service (the ``most`` best on a
    screen), then tax by rate, tips by staff, discounts and promo codes; none without."""
    f = t.orders
    if not f.has_any:  # no order paid, no line counted back
        return ()
    products = product_rows(f, t.currency)
    lines = [ZLine(gettext("Sales by product or service"), heading=True)]
    shown = products if most is None else products[:most]
    lines += [ZLine(f"{r.label} {r.detail}", r.value) for r in shown]
    if len(shown) < len(products):
        more = len(products) - len(shown)
        lines.append(
            ZLine(
                ngettext(
                    "… and {count} more (see the sales report)",
                    "… and {count} more (see the sales report)",
                    more,
                ).format(count=more)
            )
        )
    extras = money_rows(f, t.currency)
    if extras:
        lines.append(ZLine(gettext("Tax, tips and discounts"), heading=True))
    for r in extras:
        caption = f"{r.label} ({r.detail})" if r.detail else r.label
        lines.append(ZLine(caption, r.value, bold=r.heading))
    return tuple(lines)


def z_report_html(z: ZReport, *, business: str) -> str:
    """The Z report as simple HTML for a QTextDocument (printing, PDF)."""
    e = html.escape

    def row(caption: str, amount: Money | str, *, bold: bool = False) -> str:
        value = amount if isinstance(amount, str) else signed(amount)
        style = " style='font-weight:bold'" if bold else ""
        return f"<tr{style}><td>{e(caption)}</td><td align='right'>{e(value)}</td></tr>"

    parts = [
        f"<h2>{e(business)}</h2>",
        "<h3>"
        + e(
            gettext("Z report — {day} {year}").format(
                day=day_words(z.business_date), year=z.business_date.year
            )
        )
        + "</h3>",
    ]
    if z.is_closed:
        parts.append(f"<p>{e(z.closed_sentence)}</p>")
    else:
        not_closed = gettext("Not closed yet: the figures as they stood when printed.")
        parts.append(f"<p>{e(not_closed)}</p>")
    for t in z.currencies:
        close = z.close_for(t.currency)
        rows = [
            row(line.caption, line.value, bold=line.bold)
            for line in (*card_lines(t), *cash_lines(t))
            if not line.heading
        ]
        rows.append(row(gettext("Opening float"), t.money(t.opening_float)))
        rows.append(
            row(gettext("Cash expected in the drawer"), t.money(t.cash_expected), bold=True)
        )
        if close is not None:
            diff, _tone = difference_text(Money(close.cash_difference, t.currency))
            rows.append(row(gettext("Cash counted"), t.money(close.cash_counted)))
            rows.append(row(gettext("Difference"), diff, bold=True))
        if t.adjustments:
            adjustments = gettext("Adjustments to closed days ({count})").format(
                count=t.adjustments
            )
            rows.append(row(adjustments, t.money(t.adjustments_net)))
        for line in order_lines(t):
            if line.heading:
                rows.append(f"<tr><td colspan='2'><b>{e(line.caption)}</b></td></tr>")
            else:
                rows.append(row(line.caption, line.value, bold=line.bold))
        parts.append(f"<h4>{e(t.currency.upper())}</h4>")
        parts.append(
            "<table width='100%' cellspacing='0' cellpadding='3'>" + "".join(rows) + "</table>"
        )
    note = z.closes[0].note if z.closes else ""
    if note:
        parts.append(f"<p><b>{e(gettext('Note:'))}</b> {e(note)}</p>")
    times = gettext("Times in {zone}.").format(zone=z.timezone)
    parts.append(f"<p style='color:#555'>{e(times)}</p>")
    return "".join(parts)


def z_report_title(z: ZReport, business: str) -> str:
    """The PDF's title, its date as the report's heading says it: 'Z report Saturday 5
    December 2026 — Studio Nine' (the file's name keeps the sortable 2026-12-05)."""
    return gettext("Z report {date} — {business}").format(
        date=lf.date_text(z.business_date, "day"), business=business
    )
