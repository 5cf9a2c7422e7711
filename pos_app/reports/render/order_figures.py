"""The orders' figures of a report in words (issue 14): sales by product or service, and the
tax by rate, tips by staff, discounts and promo codes used. Qt-free: the dashboard, the Z
report (screen, paper, PDF) and the terminal's report show the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_app.domain.money import Money
from pos_app.domain.order_report import OrderFigures
from pos_app.i18n import gettext, ngettext

MINUS = "−"  # a real minus sign: lines up with digits, unlike a hyphen


@dataclass(frozen=True)
class FigureRow:
    """One row: what it is, a detail (a quantity, what tax was worked out on), its amount."""

    label: str
    detail: str
    value: str
    heading: bool = False  # a section's own line ("Tax", "Tips", "Discounts"), its total


def product_rows(f: OrderFigures, currency: str) -> tuple[FigureRow, ...]:
    """Each product or service sold: its name, quantity and what its lines came to."""
    return tuple(
        FigureRow(
            i.name, f"× {i.quantity:,}".replace("-", MINUS), Money(i.amount, currency).format()
        )
        for i in f.by_product
    )


def money_rows(f: OrderFigures, currency: str) -> tuple[FigureRow, ...]:
    """Tax (then each rate, with the amount it was worked out on), tips (then each staff
    member's), discounts (then each promo code's uses); a section without money is left
    out (an untaxed shop sees no tax line), and nothing at all when no order was paid and
    no line was counted back."""
    if not f.has_any:
        return ()

    def m(amount: int) -> str:
        return Money(amount, currency).format()

    def off(amount: int) -> str:
        # A discount is money off; one counted back (a refunded line's) is the other way.
        return f"{MINUS}{m(amount)}" if amount >= 0 else f"+{m(-amount)}"

    rows: list[FigureRow] = []
    if f.tax:
        rows.append(FigureRow(gettext("Tax"), "", m(f.tax), heading=True))
    rows += [
        FigureRow(
            gettext("Tax {rate}%").format(rate=r.rate),
            gettext("on {amount}").format(amount=m(r.base)),
            m(r.tax),
        )
        for r in f.tax_by_rate
        if r.tax
    ]
    if f.tips:
        rows.append(FigureRow(gettext("Tips"), "", m(f.tips), heading=True))
        rows += [
            FigureRow(gettext("Tips · {name}").format(name=name or gettext("Unassigned")), "", m(t))
            for name, t in f.tips_by_staff
        ]
    if f.discounts:
        rows.append(FigureRow(gettext("Discounts"), "", off(f.discounts), heading=True))
        rows += [
            FigureRow(
                gettext("Promo {code}").format(code=p.code),
                ngettext("{count} use", "{count} uses", p.uses).format(count=f"{p.uses:,}"),
                off(p.discount),
            )
            for p in f.promo_codes
        ]
    return tuple(rows)


def text_lines(f: OrderFigures, currency: str) -> list[str]:
    """The figures as indented plain-text lines (the terminal's report), or none."""
    if not f.has_any:
        return []
    lines = ["", f"  {gettext('Orders paid'):<30}{f.orders:>14,}"]
    products = product_rows(f, currency)
    if products:
        heading = f"  {gettext('By product or service'):<30}{gettext('qty'):>8}"
        lines += ["", f"{heading}{gettext('amount'):>14}"]
        lines += [f"  {r.label[:30]:<30}{r.detail[2:]:>8}{r.value:>14}" for r in products]
    lines.append("")
    for r in money_rows(f, currency):
        label = r.label if r.heading else f"  {r.label}"
        lines.append(f"  {label[:30]:<30}{r.detail:>14}{r.value:>14}".rstrip())
    return lines
