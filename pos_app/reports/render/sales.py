"""The sales report in words: the dashboard's figures, period titles and the PDF's HTML.

Qt-free: the dashboard shows these strings and :mod:`pos_app.printing.sales_report` lays the
HTML out on paper, where each chart placeholder (:data:`MARKER`) becomes the painted chart.
Every user string is escaped; amounts are formatted by :class:`~pos_app.domain.money.Money`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime

from pos_app.domain import locale_format as lf
from pos_app.domain.money import Money
from pos_app.domain.reports import (
    FEES_PENDING,
    METHOD_LABELS,
    UNASSIGNED,
    WALK_IN_ID,
    WALK_IN_NAME,
    Breakdown,
    Conversion,
    CurrencyTotals,
    SalesReport,
)
from pos_app.i18n import N_, current_language, gettext, ngettext
from pos_app.reports.render.order_figures import FigureRow, money_rows, product_rows

MARKER = "\u2063chart:{}\u2063"  # invisible separators around a placeholder, replaced by the chart
MUTED = "color:#5f6368;"


# -- words ---------------------------------------------------------------------------------


def day_words(day: date, *, year: bool = True) -> str:
    """'Sunday 22 November 2026' (or without the year), in the UI language."""
    return lf.date_text(day, "day" if year else "day_no_year")


def period_title(start: date, end: date, *, year: bool = True) -> str:
    """The period as people say it: 'Sunday 22 November 2026', '16–22 November 2026',
    '28 October – 3 November 2026', 'November 2026' for a whole month."""
    return lf.period_text(start, end, year=year)


def percent(ratio: float) -> str:
    """0.0452 → '4.5 %' (a ratio, never money), in the UI language."""
    return lf.share(ratio)


def paid_share(conversion: Conversion) -> float:
    """Paid checkouts as a share of those started (0 when none started)."""
    return conversion.paid / conversion.started if conversion.started else 0.0


def figures(totals: CurrencyTotals) -> list[tuple[str, str, str]]:
    """The dashboard's tiles for one currency: (caption, value, hint), in screen order."""
    m = totals.currency

    def money(amount: int) -> str:
        return Money(amount, m).format()

    payments = ngettext("{count} payment", "{count} payments", totals.count).format(
        count=lf.number(totals.count)
    )
    refunds = ngettext("{count} refund", "{count} refunds", totals.refund_count).format(
        count=lf.number(totals.refund_count)
    )
    fees = (money(totals.fees), gettext("card payments"))
    after_fees = (money(totals.net_after_fees), gettext("what you keep"))
    if not totals.fees_known:  # never a net that leaves out fees Stripe has not reported
        n = totals.fees_pending
        unknown = money(totals.fees_pending_amount)
        pending = gettext(FEES_PENDING)
        fees = (
            pending,
            ngettext(
                "{count} payment ({amount}) not reported yet",
                "{count} payments ({amount}) not reported yet",
                n,
            ).format(count=lf.number(n), amount=unknown),
        )
        after_fees = (pending, gettext("once Stripe reports every fee"))
    return [
        (gettext("Gross sales"), money(totals.gross), payments),
        (gettext("Refunds"), money(totals.refunds), refunds),
        (gettext("Net"), money(totals.net), gettext("gross less refunds")),
        (gettext("Stripe fees"), *fees),
        (gettext("Net after fees"), *after_fees),
        (gettext("Payments"), lf.number(totals.count), gettext("card and cash")),
        (gettext("Average order"), money(totals.average_order), gettext("gross per payment")),
        (gettext("Refund rate"), percent(totals.refund_rate), gettext("of gross")),
    ]


def adjustment_sentence(totals: CurrencyTotals) -> str:
    """Why a figure may differ from the Z report of its day ('' when nothing was late)."""
    n = totals.adjustments
    if n <= 0:
        return ""
    net = Money(totals.adjustments_net, totals.currency).format()
    return ngettext(
        "Includes {count} late correction (net {net}) recorded after its own day was closed; "
        "it counts on the day it was made.",
        "Includes {count} late corrections (net {net}) recorded after their own day was "
        "closed; they count on the day they were made.",
        n,
    ).format(count=lf.number(n), net=net)


def conversion_rows(conversion: Conversion) -> list[tuple[str, int]]:
    """Checkout links by outcome, as the dashboard lists them."""
    return [
        (N_("Started"), conversion.started),
        (N_("Paid"), conversion.paid),
        (N_("Expired or cancelled"), conversion.expired),
        (N_("Failed"), conversion.failed),
        (N_("Still open"), conversion.open),
    ]


def ordered_currencies(report: SalesReport) -> list[CurrencyTotals]:
    """The report's currencies, busiest first (most payments, then most gross), then by code."""
    return sorted(report.currencies.values(), key=lambda t: (-t.count, -t.gross, t.currency))


def report_filename(report: SalesReport, extension: str) -> str:
    """'sales-2026-11-22.pdf' or 'sales-2026-11-16-to-2026-11-22.csv'."""
    span = (
        report.start.isoformat()
        if report.is_day
        else f"{report.start.isoformat()}-to-{report.end.isoformat()}"
    )
    return f"sales-{span}.{extension}"


# -- HTML ----------------------------------------------------------------------------------


def report_html(report: SalesReport, *, business_name: str, generated_at: datetime) -> str:
    """The report as HTML for ``QTextDocument``; each chart is a placeholder (see MARKER)."""
    e = html.escape
    sales_report_heading = gettext("Sales report · {period}").format(
        period=period_title(report.start, report.end)
    )
    zone = gettext("Time zone {zone}").format(zone=report.timezone)
    out: list[str] = [
        '<html><body style="color:#111111; background-color:#ffffff;">',
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>',
        f'<td valign="top"><span style="font-size:17pt; font-weight:bold;">'
        f"{e(business_name)}</span><br/>"
        f'<span style="font-size:12pt;">{e(sales_report_heading)}</span></td>',
        '<td valign="top" align="right">'
        f'<span style="{MUTED}">{e(zone)}</span><br/>'
        f'<span style="{MUTED}">{e(_generated(generated_at))}</span></td>',
        "</tr></table>",
        "<hr/>",
    ]
    if not report.currencies:
        out.append(
            f'<p style="font-size:12pt;">{e(no_sales_sentence(report.start, report.end))}</p>'
        )
    for index, totals in enumerate(ordered_currencies(report)):
        out.extend(
            _currency_html(
                totals.currency, totals, several=len(report.currencies) > 1, first=index == 0
            )
        )
    out.extend(_conversion_html(report.conversion))
    out.append(
        f'<p style="font-size:8.5pt; {MUTED}">'
        + e(
            gettext(
                "Amounts are never added across currencies. A payment counts on the local day "
                "it was paid; a refund on the day it was made. Stripe fees come from Stripe's "
                "balance transactions."
            )
        )
        + "</p>"
    )
    out.append("</body></html>")
    return "\n".join(out)


def no_sales_sentence(start: date, end: date, *, year: bool = True) -> str:
    """'No sales on Sunday 22 November.' / 'No sales from 16 to 22 November.'"""
    if start == end:
        return gettext("No sales on {day}.").format(day=day_words(start, year=year))
    if start.day == 1 and end == _month_end(start):
        return gettext("No sales in {month}.").format(month=period_title(start, end, year=year))
    first, last = _range_ends(start, end, year=year)
    return gettext("No sales from {start} to {end}.").format(start=first, end=last)


def _range_ends(start: date, end: date, *, year: bool) -> tuple[str, str]:
    """The two ends of a range for "from … to …": English shares the month ("16", "22
    November 2026"); other languages get both dates in full (CLDR's interval does not split
    into two dates a translator can order)."""
    if current_language() == "en":
        title = period_title(start, end, year=year)
        first, _dash, last = title.partition(" – " if " – " in title else "–")
        return first, last
    skeleton = "long_date" if year else "month_day"
    return lf.date_text(start, skeleton), lf.date_text(end, skeleton)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _generated(at: datetime) -> str:
    return gettext("Generated {date} at {time}").format(
        date=lf.date_text(at, "long_date"), time=lf.clock(at)
    )


def _currency_html(code: str, totals: CurrencyTotals, *, several: bool, first: bool) -> list[str]:
    e = html.escape
    heading = (
        gettext("Figures in {currency}") if several else gettext("Figures ({currency})")
    ).format(currency=code.upper())
    # Each further currency starts a page: its figures, chart and tables read together.
    brk = " page-break-before:always;" if not first else ""
    out = [f'<h3 style="margin-top:10px;{brk}">{e(heading)}</h3>']
    tiles = figures(totals)
    out.append('<table width="100%" cellspacing="0" cellpadding="5" border="0">')
    for row in (tiles[:4], tiles[4:]):
        out.append("<tr>")
        for caption, value, hint in row:
            out.append(
                f'<td width="25%" valign="top" style="background-color:#f4f5f7;">'
                f'<span style="font-size:8.5pt; {MUTED}">{e(caption)}</span><br/>'
                f'<span style="font-size:14pt; font-weight:bold;">{e(value)}</span><br/>'
                f'<span style="font-size:8pt; {MUTED}">{e(hint)}</span></td>'
            )
        out.append("</tr>")
    out.append("</table>")
    note = adjustment_sentence(totals)
    if note:
        out.append(f'<p style="font-size:8.5pt; color:#b45309;">{e(note)}</p>')
    out.append(f'<p style="margin-top:12px;">{MARKER.format(code)}</p>')
    for title, rows in (
        (gettext("Service"), totals.by_service),
        (gettext("Staff or room"), totals.by_staff),
        (gettext("Payment method"), totals.by_method),
    ):
        out.extend(_breakdown_html(title, rows, code))
    f = totals.order_figures
    for caption, detail, lines in (
        (gettext("Product or service"), gettext("Qty"), product_rows(f, code)),
        (gettext("Tax, tips and discounts"), "", money_rows(f, code)),
    ):
        if lines:
            out.extend(_figure_rows_html(caption, detail, lines))
    return out


def _figure_rows_html(title: str, detail: str, rows: Sequence[FigureRow]) -> list[str]:
    """The orders' figures (issue 14): sales by product, or tax, tips and discounts."""
    e = html.escape
    head = "font-weight:bold; border-bottom:1px solid #c9cdd3;"
    out = [
        '<table width="100%" cellspacing="0" cellpadding="3" style="margin-top:10px;">',
        f'<tr><td width="55%" style="{head}">{e(title)}</td>'
        f'<td width="20%" align="right" style="{head}">{e(detail)}</td>'
        f'<td width="25%" align="right" style="{head}">{e(gettext("Amount"))}</td></tr>',
    ]
    for r in rows:
        weight = " style='font-weight:bold;'" if r.heading else ""
        out.append(
            f"<tr{weight}><td>{e(r.label)}</td><td align='right'>{e(r.detail)}</td>"
            f"<td align='right'>{e(r.value)}</td></tr>"
        )
    out.append("</table>")
    return out


def _breakdown_html(title: str, rows: Sequence[Breakdown], currency: str) -> list[str]:
    e = html.escape
    head = "font-weight:bold; border-bottom:1px solid #c9cdd3;"
    out = [
        '<table width="100%" cellspacing="0" cellpadding="3" style="margin-top:10px;">',
        f'<tr><td width="40%" style="{head}">{e(title)}</td>'
        f'<td width="15%" align="right" style="{head}">{e(gettext("Payments"))}</td>'
        f'<td width="15%" align="right" style="{head}">{e(gettext("Gross"))}</td>'
        f'<td width="15%" align="right" style="{head}">{e(gettext("Refunds"))}</td>'
        f'<td width="15%" align="right" style="{head}">{e(gettext("Net"))}</td></tr>',
    ]
    if not rows:
        nothing = e(gettext("Nothing in this period."))
        out.append(f'<tr><td colspan="5" style="{MUTED}">{nothing}</td></tr>')
    for row in rows:
        out.append(
            f"<tr><td>{e(breakdown_label(row))}</td><td align='right'>{row.count}</td>"
            f"<td align='right'>{e(Money(row.gross, currency).format())}</td>"
            f"<td align='right'>{e(Money(row.refunds, currency).format())}</td>"
            f"<td align='right'>{e(Money(row.net, currency).format())}</td></tr>"
        )
    out.append("</table>")
    return out


def _conversion_html(conversion: Conversion) -> list[str]:
    e = html.escape
    out = [
        '<p style="margin-top:12px; font-weight:bold;">'
        + e(gettext("Checkouts (payment links)"))
        + "</p>",
        '<table cellspacing="0" cellpadding="3">',
    ]
    for label, count in conversion_rows(conversion):
        paid = label == "Paid" and conversion.started > 0
        extra = f" ({percent(paid_share(conversion))})" if paid else ""
        out.append(
            f'<tr><td style="padding-right:24px;">{e(gettext(label))}</td>'
            f'<td align="right">{count}{e(extra)}</td></tr>'
        )
    out.append("</table>")
    return out


def report_title(report: SalesReport, business_name: str) -> str:
    """The PDF's title: 'Sales report 16–22 November 2026 — Studio Nord'."""
    return gettext("Sales report {period} — {business}").format(
        period=period_title(report.start, report.end), business=business_name
    )


def breakdown_label(row: Breakdown) -> str:
    """A breakdown row's name in the UI language: the app's own words ("Cash",
    "Unassigned") are translated, the catalogue's names (services, staff) are data."""
    if row.key in METHOD_LABELS and row.label == METHOD_LABELS[row.key]:
        return gettext(row.label)
    if (row.key, row.label) in (("", UNASSIGNED), (WALK_IN_ID, WALK_IN_NAME)):
        return gettext(row.label)
    return row.label
