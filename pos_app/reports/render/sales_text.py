"""The sales report as a plain-text table, for a terminal (``pos-app report``).

Amounts are formatted per currency and never added across currencies; fees Stripe has not
reported yet say so instead of showing a net that leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable

from pos_app.domain import locale_format as lf
from pos_app.domain.money import Money
from pos_app.domain.reports import (
    FEES_PENDING,
    CurrencyTotals,
    SalesReport,
    fees_pending_sentence,
)
from pos_app.reports.render.order_figures import text_lines


def render_text(report: SalesReport) -> str:
    """The report as a plain-text table for a terminal (amounts formatted per currency)."""
    period = (
        report.start.isoformat()
        if report.is_day
        else f"{report.start.isoformat()} to {report.end.isoformat()}"
    )
    lines = [f"Sales {period} ({report.timezone})", ""]
    if not report.currencies:
        lines.append("No payments or refunds.")
    for code, t in report.currencies.items():
        m = _money(code)
        lines += [
            code.upper(),
            f"  {'Gross sales':<18}{m(t.gross):>14}   {_count(t.count, 'payment')}",
            f"  {'Refunds':<18}{m(-t.refunds):>14}   {_count(t.refund_count, 'refund')}",
            f"  {'Net':<18}{m(t.net):>14}",
            *_fee_lines(t, m),
            f"  {'Average order':<18}{m(t.average_order):>14}",
            f"  {'Refund rate':<18}{t.refund_rate * 100:>13.1f}%",
        ]
        if t.adjustments:
            lines.append(
                f"  {'Adjustments':<18}{m(t.adjustments_net):>14}   "
                f"{t.adjustments:,} recorded after "
                f"{'its' if t.adjustments == 1 else 'their'} day was closed"
            )
        for title, rows in (
            ("By service", t.by_service),
            ("By staff", t.by_staff),
            ("By method", t.by_method),
            ("By hour", tuple(b for b in t.by_hour if b.count or b.refunds)),
        ):
            if not rows:
                continue
            lines += ["", f"  {title:<22}{'count':>6}{'gross':>14}{'refunds':>14}{'net':>14}"]
            lines += [
                f"  {b.label[:22]:<22}{b.count:>6}{m(b.gross):>14}{m(b.refunds):>14}{m(b.net):>14}"
                for b in rows
            ]
        lines += text_lines(t.order_figures, code)
        lines.append("")
    c = report.conversion
    lines.append(
        f"Payment links: {c.started} started, {c.paid} paid, {c.expired} expired or cancelled, "
        f"{c.failed} failed, {c.open} still open."
    )
    return "\n".join(lines) + "\n"


def _fee_lines(t: CurrencyTotals, m: Callable[[int], str]) -> list[str]:
    """Fees and net after fees, or "Fees pending" and why while Stripe has not said."""
    if t.fees_known:
        return [
            f"  {'Stripe fees':<18}{m(t.fees):>14}",
            f"  {'Net after fees':<18}{m(t.net_after_fees):>14}",
        ]
    why = fees_pending_sentence(t.fees_pending, m(t.fees_pending_amount))
    return [
        f"  {'Stripe fees':<18}{FEES_PENDING:>14}",
        f"  {'Net after fees':<18}{FEES_PENDING:>14}",
        f"  {why}",
    ]


def _money(code: str) -> Callable[[int], str]:
    return lambda amount: Money(amount, code).format()


def _count(n: int, noun: str) -> str:
    return f"{lf.number(n)} {noun}{'' if n == 1 else 's'}"
