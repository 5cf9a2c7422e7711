"""The Z report's words and figures, without Qt: what each currency's panel shows as the
manager types the opening float and the cash counted, and the question asked before the
close. The widgets only paint these frozen states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from pos_app.domain.errors import ValidationError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.reports import DayClose
from pos_app.i18n import _, ngettext
from pos_app.reports.render.z_report import difference_text, signed
from pos_app.services.day_close import ZReport, ZTotals, day_words, parse_float


class DayCloseService(Protocol):
    """What the Z report screen asks of the day close (``services.day_close``)."""

    def preview(self, day: date) -> ZReport:
        """The day's Z report (frozen once closed)."""
        ...

    def close(
        self,
        day: date,
        counted: Mapping[str, str],
        note: str = "",
        *,
        floats: Mapping[str, str] | None = None,
    ) -> ZReport:
        """Close the day with the counts and opening floats as typed."""
        ...


def adjustment_note(t: ZTotals) -> str:
    """Why some figures belong to days already closed ('' when none do)."""
    if not t.adjustments:
        return ""
    return ngettext(
        "Includes {count} adjustment to days already closed (net {net}), "
        "counted today because they were recorded today.",
        "Includes {count} adjustments to days already closed (net {net}), "
        "counted today because they were recorded today.",
        t.adjustments,
    ).format(count=t.adjustments, net=signed(t.money(t.adjustments_net)))


@dataclass(frozen=True)
class DrawerState:
    """The drawer part of a panel as the typed float and count make it."""

    float_amount: int | None  # minor units; None while what is typed is not an amount
    float_error: str  # the sentence under the float ('' when fine)
    expected: int  # float + cash taken − cash given back (float 0 while it is unreadable)
    expected_text: str
    expected_detail: str  # "float $150.00 + cash $45.00", '' without a float
    difference: str  # '' while nothing is counted, '—' while the count is unreadable
    tone: str  # 'danger' | 'warning' | 'success' | ''


def drawer_state(t: ZTotals, float_text: str, counted_text: str) -> DrawerState:
    """The drawer of an open day: expected from the float typed, the difference from the
    count typed (the domain's amount parsing decides what is readable)."""
    error = ""
    try:
        opening: int | None = parse_float(float_text, t.currency)
    except ValidationError as err:
        opening, error = None, err.message
    expected = (opening or 0) + t.cash_net
    difference, tone = "", ""
    if counted_text.strip():
        try:
            counted = parse_money(counted_text, t.currency, field="counted")
        except ValidationError:
            difference = "—"
        else:
            if opening is None:
                difference = "—"
            else:
                difference, tone = difference_text(counted - t.money(expected))
    return DrawerState(
        float_amount=opening,
        float_error=error,
        expected=expected,
        expected_text=signed(t.money(expected)),
        expected_detail=_expected_detail(t, opening or 0),
        difference=difference,
        tone=tone,
    )


def closed_drawer_state(t: ZTotals, close: DayClose) -> DrawerState:
    """The drawer of a closed day, as it was recorded."""
    difference, tone = difference_text(Money(close.cash_difference, t.currency))
    return DrawerState(
        float_amount=close.opening_float,
        float_error="",
        expected=close.cash_expected,
        expected_text=signed(t.money(close.cash_expected)),
        expected_detail=_expected_detail(t, close.opening_float),
        difference=difference,
        tone=tone,
    )


def _expected_detail(t: ZTotals, opening: int) -> str:
    if not opening:
        return ""
    return _("float {float} + cash {cash}").format(
        float=t.money(opening), cash=signed(t.money(t.cash_net))
    )


@dataclass(frozen=True)
class Confirmation:
    """The question before a close: the day, and each currency's totals as typed."""

    title: str
    text: str


def confirmation(
    z: ZReport, floats: Mapping[str, str], counted: Mapping[str, str]
) -> Confirmation | None:
    """What to ask before closing ``z``'s day; None when a float or count cannot be read
    (the close is then refused with a sentence under the field, without a question)."""
    lines: list[str] = []
    for t in z.currencies:
        drawer = drawer_state(t, floats.get(t.currency, ""), counted.get(t.currency, "") or "0")
        if drawer.float_amount is None or drawer.difference == "—":
            return None
        try:
            amount = parse_money(counted.get(t.currency, "").strip() or "0", t.currency)
        except ValidationError:
            return None
        code = t.currency.upper()
        _fees, after_fees = t.fee_figures()
        net_after = after_fees if isinstance(after_fees, str) else signed(after_fees)
        lines.append(
            _(
                "{currency}: card net {card} (after fees {after_fees}); cash payments {cash}."
            ).format(
                currency=code,
                card=signed(t.money(t.card_net)),
                after_fees=net_after,
                cash=signed(t.money(t.cash_received)),
            )
        )
        expected = _("expected {amount}").format(amount=drawer.expected_text)
        if drawer.expected_detail:
            expected += f" ({drawer.expected_detail})"
        lines.append(
            _("{currency}: counted {amount}, {expected} — {difference}.").format(
                currency=code,
                amount=amount,
                expected=expected,
                difference=drawer.difference.lower(),
            )
        )
    day = day_words(z.business_date)
    title = _("Close {day}?").format(day=day)
    text = (
        title
        + "\n\n"
        + "\n".join(lines)
        + "\n\n"
        + _(
            "A closed day cannot be changed: "
            "anything recorded later counts on the day it is recorded."
        )
    )
    return Confirmation(title=title, text=text)
