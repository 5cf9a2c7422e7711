"""The sales report as a plain-text table, for a terminal (``pos-app report``).

Amounts are formatted per currency and never added across currencies; fees Stripe has not
reported yet say so instead of showing a net that leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pos_app.domain import locale_format as lf
from pos_app.domain.money import Money
from pos_app.domain.reports import (
    FEES_PENDING,
    CurrencyTotals,
    SalesReport,
    fees_pending_sentence,
)
from pos_app.i18n import current_language, gettext, ngettext
from pos_app.reports.render.order_figures import text_lines
from pos_app.reports.render.sales import breakdown_label


def _day(day: date) -> str:
    """A heading's day: ISO in English (as the export's file names), CLDR's date in another
    language ("6. Dez. 2026")."""
    return day.isoformat() if current_language() == "en" else lf.date_text(day)


def render_text(report: SalesReport) -> str:
    """The report as a plain-text table for a terminal (amounts formatted per currency)."""
    if report.is_day:
        heading = gettext("Sales {date} ({zone})").format(
            date=_day(report.start), zone=report.timezone
        )
    else:
        heading = gettext("Sales {start} to {end} ({zone})").format(
            start=_day(report.start), end=_day(report.end), zone=report.timezone
        )
    lines = [heading, ""]
    if not report.currencies:
        lines.append(gettext("No payments or refunds."))
    for code, t in report.currencies.items():
        m = _money(code)
        payments = ngettext("{count} payment", "{count} payments", t.count)
        refunds = ngettext("{count} refund", "{count} refunds", t.refund_count)
        lines += [
            code.upper(),
            f"  {gettext('Gross sales'):<18}{m(t.gross):>14}   "
            + payments.format(count=lf.number(t.count)),
            f"  {gettext('Refunds'):<18}{m(-t.refunds):>14}   "
            + refunds.format(count=lf.number(t.refund_count)),
            f"  {gettext('Net'):<18}{m(t.net):>14}",
            *_fee_lines(t, m),
            f"  {gettext('Average order'):<18}{m(t.average_order):>14}",
            f"  {gettext('Refund rate'):<18}{t.refund_rate * 100:>13.1f}%",
        ]
        if t.adjustments:
            late = ngettext(
                "{count} recorded after its day was closed",
                "{count} recorded after their day was closed",
                t.adjustments,
            ).format(count=f"{t.adjustments:,}")
            lines.append(f"  {gettext('Adjustments'):<18}{m(t.adjustments_net):>14}   {late}")
        for title, rows in (
            (gettext("By service"), t.by_service),
            (gettext("By staff"), t.by_staff),
            (gettext("By method"), t.by_method),
            (gettext("By hour"), tuple(b for b in t.by_hour if b.count or b.refunds)),
        ):
            if not rows:
                continue
            numbers = (gettext("count"), gettext("gross"), gettext("refunds"), gettext("net"))
            lines += [
                "",
                f"  {title:<22}{numbers[0]:>6}" + "".join(f"{h:>14}" for h in numbers[1:]),
            ]
            lines += [
                f"  {breakdown_label(b)[:22]:<22}{b.count:>6}"
                f"{m(b.gross):>14}{m(b.refunds):>14}{m(b.net):>14}"
                for b in rows
            ]
        lines += text_lines(t.order_figures, code)
        lines.append("")
    c = report.conversion
    lines.append(
        gettext(
            "Payment links: {started} started, {paid} paid, {expired} expired or cancelled, "
            "{failed} failed, {open} still open."
        ).format(started=c.started, paid=c.paid, expired=c.expired, failed=c.failed, open=c.open)
    )
    return "\n".join(lines) + "\n"


def _fee_lines(t: CurrencyTotals, m: Callable[[int], str]) -> list[str]:
    """Fees and net after fees, or "Fees pending" and why while Stripe has not said."""
    if t.fees_known:
        return [
            f"  {gettext('Stripe fees'):<18}{m(t.fees):>14}",
            f"  {gettext('Net after fees'):<18}{m(t.net_after_fees):>14}",
        ]
    why = fees_pending_sentence(t.fees_pending, m(t.fees_pending_amount))
    pending = gettext(FEES_PENDING)
    return [
        f"  {gettext('Stripe fees'):<18}{pending:>14}",
        f"  {gettext('Net after fees'):<18}{pending:>14}",
        f"  {why}",
    ]


def _money(code: str) -> Callable[[int], str]:
    return lambda amount: Money(amount, code).format()
