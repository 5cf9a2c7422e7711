"""Closing the business day: the Z report (card totals, Stripe fees, cash expected against
cash counted) and the closed day's frozen record.

A closed day is never changed: its rows in ``day_closes`` are written once (the database
refuses UPDATE and DELETE) with the day's sales report frozen inside, and reading the day
again gives that snapshot, not a recomputation. The close reads the day in the transaction
that writes it, after taking the lock every writer of money takes, and keeps the last order
number the database gave to recorded money (``covered_seq``): a payment or refund numbered
after it was recorded after the close, whatever any station's clock says, and counts on a
later open day (the report engine's rule), where the Z report lists it among the adjustments.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from pos_app.domain import currency as cur
from pos_app.domain import locale_format as lf
from pos_app.domain.audit import AuditAction, Detail, DetailValue
from pos_app.domain.dates import check_days
from pos_app.domain.errors import (
    FormErrors,
    InvalidStateError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.money import Money, parse_money
from pos_app.domain.order_report import OrderFigures, figures_from_json
from pos_app.domain.people import Actor
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.reports import (
    FEES_PENDING,
    Breakdown,
    Conversion,
    CurrencyTotals,
    DayClose,
    SalesReport,
    fees_pending_sentence,
)
from pos_app.domain.text import strip_forbidden
from pos_app.i18n import N_, gettext, ngettext
from pos_app.services import audit
from pos_app.services.context import Deps
from pos_app.services.export_csv import keep_closed

log = logging.getLogger(__name__)
#: Closed days before the one being closed whose link counts its close tries to freeze.
FREEZE_AT_CLOSE = 7

NOT_MANAGER = N_("Only a manager can close the day.")
NOTE_MAX = 1000


class DailyReports(Protocol):
    """The sales report engine, as the day close needs it."""

    def daily(
        self, day: date, *, actor: Actor | None = None, uow: UnitOfWork | None = None
    ) -> SalesReport: ...


def day_words(day: date, today: date | None = None) -> str:
    """'Tuesday 3 March' (with the year when it is not ``today``'s year), in the UI language."""
    return lf.date_text(day, "day_no_year" if day.year == (today or day).year else "day")


@dataclass(frozen=True)
class ZTotals:
    """One currency of a Z report. Amounts in minor units; adjustments are included in the
    figures above them (they are how much of them belongs to an earlier, closed day)."""

    currency: str
    card_count: int = 0
    card_gross: int = 0
    card_refunds: int = 0
    fees: int = 0
    cash_count: int = 0
    cash_received: int = 0
    cash_refunds: int = 0  # cash given back (the app records none today; kept for the sum)
    opening_float: int = 0  # the cash the drawer started the day with
    adjustments: int = 0
    adjustments_net: int = 0
    # Card payments whose fee Stripe has not reported yet (and their gross): ``fees`` leaves
    # them out, so the net after fees is shown as pending, never as a figure.
    fees_pending: int = 0
    fees_pending_amount: int = 0
    # The orders paid in full on the day (issue 14); none in a Z report frozen before them.
    orders: OrderFigures = field(default_factory=OrderFigures)

    @property
    def fees_known(self) -> bool:
        """Stripe has reported the fee of every card payment of the day."""
        return self.fees_pending == 0

    @property
    def card_net(self) -> int:
        """Card payments less card refunds, as Stripe settled them."""
        return self.card_gross - self.card_refunds

    @property
    def card_net_after_fees(self) -> int:
        """What Stripe pays out for the day's cards."""
        return self.card_net - self.fees

    @property
    def cash_net(self) -> int:
        """Cash taken less cash given back (the day's takings, without the float)."""
        return self.cash_received - self.cash_refunds

    @property
    def cash_expected(self) -> int:
        """What should be in the drawer: the opening float, plus cash taken, less cash
        given back."""
        return self.opening_float + self.cash_net

    @property
    def net(self) -> int:
        """Card and cash net together (one currency; the float is not takings)."""
        return self.card_net + self.cash_net

    @property
    def has_activity(self) -> bool:
        """Anything was paid or refunded in this currency."""
        return bool(
            self.card_count or self.cash_count or self.card_refunds or self.cash_refunds
        ) or bool(self.adjustments)

    def money(self, amount: int) -> Money:
        """``amount`` of this currency."""
        return Money(amount, self.currency)

    def fee_figures(self) -> tuple[Money | str, Money | str]:
        """(Stripe fees as taken off, net after fees) to show: "Fees pending" for both while
        Stripe has not reported every fee, never a net that leaves some out."""
        if not self.fees_known:
            return gettext(FEES_PENDING), gettext(FEES_PENDING)
        return self.money(-self.fees), self.money(self.card_net_after_fees)

    def fee_lines(self) -> list[tuple[str, Money | str]]:
        """The Z report's two fee lines (caption, figure); while fees are pending the first
        caption says how many payments, and how much, Stripe has not reported yet."""
        fees, after_fees = self.fee_figures()
        caption = gettext("Stripe fees")
        if not self.fees_known:
            n, amount = self.fees_pending, self.money(self.fees_pending_amount)
            caption = ngettext(
                "Stripe fees ({count} payment, {amount}, not reported yet)",
                "Stripe fees ({count} payments, {amount}, not reported yet)",
                n,
            ).format(count=n, amount=amount)
        return [(caption, fees), (gettext("Net after fees"), after_fees)]

    def fees_pending_sentence(self) -> str:
        """Why the fees are pending ('' when they are not)."""
        return fees_pending_sentence(
            self.fees_pending, self.money(self.fees_pending_amount).format()
        )


@dataclass(frozen=True)
class ZReport:
    """A business day's Z report, open (fresh figures) or closed (the frozen snapshot)."""

    business_date: date
    timezone: str
    currencies: tuple[ZTotals, ...]
    sales: SalesReport
    closes: tuple[DayClose, ...] = ()
    closed_sentence: str = ""  # "Tuesday 3 March was closed at 18:04 by Alex Morgan."

    @property
    def is_closed(self) -> bool:
        """The day was closed: these are the frozen figures."""
        return bool(self.closes)

    def totals(self, currency: str) -> ZTotals:
        """The figures of ``currency`` (zeros when it had no activity)."""
        return next((t for t in self.currencies if t.currency == currency), ZTotals(currency))

    def close_for(self, currency: str) -> DayClose | None:
        """The close record of ``currency``, once closed."""
        return next((c for c in self.closes if c.currency == currency), None)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready values (amounts in minor units)."""
        out: dict[str, Any] = {}
        for t in self.currencies:
            row: dict[str, Any] = {
                "card_count": t.card_count,
                "card_gross": t.card_gross,
                "card_refunds": t.card_refunds,
                "card_net": t.card_net,
                "fees": t.fees,
                "card_net_after_fees": t.card_net_after_fees if t.fees_known else None,
                "fees_pending": t.fees_pending,
                "fees_pending_amount": t.fees_pending_amount,
                "cash_count": t.cash_count,
                "opening_float": t.opening_float,
                "cash_expected": t.cash_expected,
                "adjustments": t.adjustments,
                "adjustments_net": t.adjustments_net,
                **t.orders.to_json(),
            }
            close = self.close_for(t.currency)
            if close is not None:
                row.update(
                    cash_counted=close.cash_counted,
                    cash_difference=close.cash_difference,
                    note=close.note,
                )
            out[t.currency] = row
        closed: dict[str, Any] | None = None
        if self.closes:
            first = self.closes[0]
            closed = {"at": first.closed_at.isoformat(), "by": first.closed_by_name}
        return {
            "date": self.business_date.isoformat(),
            "timezone": self.timezone,
            "closed": closed,
            "currencies": out,
        }


class DayCloseService:
    """Preview and close business days (managers only)."""

    def __init__(
        self,
        deps: Deps,
        reports: DailyReports,
        *,
        business_currency: Callable[[], str] = lambda: "usd",
    ) -> None:
        self._d = deps
        self._reports = reports
        self._currency = business_currency

    def today(self) -> date:
        """Today's business date, in the business time zone."""
        return self._d.clock.now().astimezone(self._d.policy.timezone).date()

    def preview(self, day: date, *, actor: Actor | None = None) -> ZReport:
        """The Z report of ``day``: the frozen snapshot when the day is closed, else the
        figures as they stand now."""
        who = self._require_manager(actor)
        check_days(date=day)
        with self._d.uow() as uow:
            closes = self._closes_of(uow, day)
        if closes:
            return self._frozen(day, closes)
        return self._fresh(day, who)

    def close(
        self,
        day: date,
        counted: Mapping[str, str],
        note: str = "",
        *,
        floats: Mapping[str, str] | None = None,
        actor: Actor | None = None,
    ) -> ZReport:
        """Close ``day`` with the cash counted per currency (text as typed, e.g. "412.50")
        and the opening float the drawer started with (``floats``, same shape; none: 0).

        Refused for a non-manager (PermissionDeniedError), a day in the future
        (ValidationError), a day already closed (InvalidStateError naming who closed it) and
        a count or float that is not an amount (FormErrors, one sentence per field). Nothing
        is written unless every field is good. Cash expected is float + cash taken − cash
        given back.
        """
        who = self._require_manager(actor)
        today = self.today()
        if day > today:
            raise ValidationError(
                "day",
                gettext("{day} has not come yet: a day is closed at its end.").format(
                    day=day_words(day, today)
                ),
            )
        note = strip_forbidden(note)  # one line, no terminal codes or direction overrides
        if len(note) > NOTE_MAX:
            raise FormErrors(
                {"note": gettext("Keep the note under {count} characters.").format(count=NOTE_MAX)}
            )
        with self._d.uow(write=True) as uow:
            # The lock first, every read after it: no money is recorded between reading the
            # day and committing its close, and what comes later is numbered after ``covered``.
            # (A second manager closing at the same moment waits here, then is told who was
            # first.)
            covered = uow.day_closes.hold_order()
            existing = self._closes_of(uow, day)
            if existing:
                raise InvalidStateError(self._closed_sentence(day, existing))
            report = self._fresh(day, who, uow)
            opening, float_errors = _parse_floats(report, floats or {})
            report = with_floats(report, opening)
            amounts = self._parse_counts(report, counted, float_errors)
            now = self._d.clock.now()  # shown only: "after the close" is ``covered``
            frozen = json.dumps(report.sales.to_json(), separators=(",", ":"), sort_keys=True)
            rows = [
                DayClose(
                    business_date=day,
                    currency=t.currency,
                    closed_at=now,
                    closed_by_id=who.id,
                    closed_by_name=who.name,
                    card_net=t.card_net,
                    cash_expected=t.cash_expected,
                    cash_counted=amounts[t.currency],
                    report_json=frozen,
                    note=note,
                    covered_seq=covered,
                    opening_float=t.opening_float,
                )
                for t in report.currencies
            ]
            for row in rows:
                uow.day_closes.add(row)
                audit.record(
                    uow,
                    at=now,
                    actor=who,
                    action=AuditAction.DAY_CLOSED,
                    amount=row.cash_counted,
                    currency=row.currency,
                    detail=_audit_detail(day, row),
                )
            # The link counts of the closed days before it whose links all ended: this close
            # settles them (store/link_counts.py); the others, and those of days closed
            # long before, the leader's sync pass freezes (services/link_counts.py).
            for earlier in uow.reports.unfrozen_closed_days(day, FREEZE_AT_CLOSE):
                uow.reports.freeze_links(earlier, self._d.policy.timezone, now)
            uow.commit()
        keep_closed(self._d, day)  # its CSV lines, after the commit (never undoes it)
        for row in rows:
            log.info(
                "day.closed date=%s currency=%s by=%s card_net=%s cash_expected=%s cash_counted=%s "
                "covered_seq=%s",
                day,
                row.currency,
                who.id,
                row.card_net,
                row.cash_expected,
                row.cash_counted,
                row.covered_seq,
            )
        return self._frozen(day, rows)

    # -- internals ------------------------------------------------------------------------

    def _require_manager(self, actor: Actor | None) -> Actor:
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError(NOT_MANAGER)
        return who

    @staticmethod
    def _closes_of(uow: UnitOfWork, day: date) -> list[DayClose]:
        return list(uow.day_closes.between(day, day))

    def _fresh(self, day: date, actor: Actor, uow: UnitOfWork | None = None) -> ZReport:
        sales = self._reports.daily(day, actor=actor, uow=uow)
        totals = [z_totals(t) for t in sales.currencies.values()]
        totals = [t for t in totals if t.has_activity]
        if not totals:
            totals = [ZTotals(cur.normalize(self._currency()))]
        return ZReport(
            business_date=day,
            timezone=sales.timezone,
            currencies=tuple(sorted(totals, key=lambda t: t.currency)),
            sales=sales,
        )

    def _frozen(self, day: date, closes: list[DayClose]) -> ZReport:
        ordered = sorted(closes, key=lambda c: c.currency)
        sales = sales_report_from_json(json.loads(ordered[0].report_json))
        totals = []
        for close in ordered:
            found = sales.currencies.get(close.currency)
            figures = z_totals(found) if found is not None else ZTotals(close.currency)
            totals.append(replace(figures, opening_float=close.opening_float))
        return ZReport(
            business_date=day,
            timezone=sales.timezone,
            currencies=tuple(totals),
            sales=sales,
            closes=tuple(ordered),
            closed_sentence=self._closed_sentence(day, ordered),
        )

    def _closed_sentence(self, day: date, closes: list[DayClose]) -> str:
        first = min(closes, key=lambda c: c.closed_at)
        at = first.closed_at.astimezone(self._d.policy.timezone)
        today = self.today()
        if at.date() != day:
            return gettext("{day} was closed on {date} at {time} by {name}.").format(
                day=day_words(day, today),
                date=day_words(at.date(), today),
                time=lf.clock(at),
                name=first.closed_by_name,
            )
        return gettext("{day} was closed at {time} by {name}.").format(
            day=day_words(day, today), time=lf.clock(at), name=first.closed_by_name
        )

    @staticmethod
    def _parse_counts(
        report: ZReport, counted: Mapping[str, str], errors: dict[str, str] | None = None
    ) -> dict[str, int]:
        errors = dict(errors or {})
        amounts: dict[str, int] = {}
        for totals in report.currencies:
            code = totals.currency
            field_name = counted_field(code)
            text = (counted.get(code) or counted.get(code.upper()) or "").strip()
            if not text and totals.cash_expected == 0:
                amounts[code] = 0  # no cash in this currency today: an empty box means none
                continue
            if not text:
                errors[field_name] = gettext(
                    "Count the {currency} cash in the drawer and enter it (expected {amount})."
                ).format(currency=code.upper(), amount=totals.money(totals.cash_expected))
                continue
            try:
                amounts[code] = parse_money(text, code, field=field_name).amount
            except ValidationError as err:
                errors[field_name] = err.message
        if errors:
            raise FormErrors(errors)
        return amounts


def counted_field(currency: str) -> str:
    """The form field name of the cash counted in ``currency`` ("counted_usd")."""
    return f"counted_{currency.lower()}"


def float_field(currency: str) -> str:
    """The form field name of the opening float in ``currency`` ("float_usd")."""
    return f"float_{currency.lower()}"


def parse_float(text: str, currency: str) -> int:
    """The opening float as typed ("150", "" for none) in minor units; ValidationError
    (field ``float_<currency>``) unless it is an amount of zero or more, bounded like
    every amount."""
    if not text.strip():
        return 0
    return parse_money(text, currency, field=float_field(currency)).amount


def _parse_floats(
    report: ZReport, floats: Mapping[str, str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Each currency's opening float (0 when not given), and a sentence per bad one."""
    amounts: dict[str, int] = {}
    errors: dict[str, str] = {}
    for totals in report.currencies:
        code = totals.currency
        text = floats.get(code) or floats.get(code.upper()) or ""
        try:
            amounts[code] = parse_float(text, code)
        except ValidationError as err:
            errors[float_field(code)] = err.message
    return amounts, errors


def with_floats(report: ZReport, floats: Mapping[str, int]) -> ZReport:
    """``report`` with each currency's opening float (minor units) in its cash expected."""
    totals = tuple(replace(t, opening_float=floats.get(t.currency, 0)) for t in report.currencies)
    return replace(report, currencies=totals)


def z_totals(totals: CurrencyTotals) -> ZTotals:
    """The Z report's figures of one currency, from the sales report's."""
    methods = {b.key: b for b in totals.by_method}
    card = methods.get("card")
    cash = methods.get("cash")
    return ZTotals(
        currency=totals.currency,
        card_count=card.count if card else 0,
        card_gross=card.gross if card else 0,
        card_refunds=card.refunds if card else 0,
        fees=totals.fees,
        cash_count=cash.count if cash else 0,
        cash_received=cash.gross if cash else 0,
        cash_refunds=cash.refunds if cash else 0,
        adjustments=totals.adjustments,
        adjustments_net=totals.adjustments_net,
        fees_pending=totals.fees_pending,
        fees_pending_amount=totals.fees_pending_amount,
        orders=totals.order_figures,
    )


def _audit_detail(day: date, row: DayClose) -> Detail:

    def money(amount: int) -> Money:
        return Money(amount, row.currency)

    diff = row.cash_difference
    drawer = Detail(N_("the drawer is exact"))
    if diff < 0:
        drawer = Detail(N_("the drawer is {amount} short"), {"amount": money(-diff)})
    elif diff > 0:
        drawer = Detail(N_("the drawer is {amount} over"), {"amount": money(diff)})
    values: dict[str, DetailValue] = {
        "date": day.isoformat(),
        "card_net": money(row.card_net),
        "expected": money(row.cash_expected),
        "counted": money(row.cash_counted),
        "drawer": drawer,
    }
    if row.opening_float:
        values["float"] = money(row.opening_float)
        text = Detail(
            N_(
                "Z report of {date}: card net {card_net}, cash expected {expected} (float "
                "{float}), counted {counted}; {drawer}"
            ),
            values,
        )
    else:
        text = Detail(
            N_(
                "Z report of {date}: card net {card_net}, cash expected {expected}, counted "
                "{counted}; {drawer}"
            ),
            values,
        )
    if row.note:
        return Detail(N_("{text}. Note: {note}"), {"text": text, "note": row.note})
    return text


# -- the frozen snapshot back into objects --------------------------------------------------


def _breakdowns(rows: Any) -> tuple[Breakdown, ...]:
    out = []
    for row in rows or ():
        out.append(
            Breakdown(
                key=str(row.get("key", "")),
                label=str(row.get("label", "")),
                count=int(row.get("count", 0)),
                gross=int(row.get("gross", 0)),
                refunds=int(row.get("refunds", 0)),
                net=int(row.get("net", 0)),
            )
        )
    return tuple(out)


def sales_report_from_json(data: Mapping[str, Any]) -> SalesReport:
    """A SalesReport from its ``to_json()`` (a closed day's frozen copy)."""
    if "date" in data:
        start = end = date.fromisoformat(str(data["date"]))
    else:
        start, end = date.fromisoformat(str(data["from"])), date.fromisoformat(str(data["to"]))
    currencies = {}
    for code, t in dict(data.get("currencies", {})).items():
        currencies[code] = CurrencyTotals(
            currency=code,
            gross=int(t.get("gross", 0)),
            refunds=int(t.get("refunds", 0)),
            fees=int(t.get("fees", 0)),
            count=int(t.get("count", 0)),
            refund_count=int(t.get("refund_count", 0)),
            by_service=_breakdowns(t.get("by_service")),
            by_staff=_breakdowns(t.get("by_staff")),
            by_method=_breakdowns(t.get("by_method")),
            by_hour=_breakdowns(t.get("by_hour")),
            adjustments=int(t.get("adjustments", 0)),
            adjustments_net=int(t.get("adjustments_net", 0)),
            fees_pending=int(t.get("fees_pending", 0)),
            fees_pending_amount=int(t.get("fees_pending_amount", 0)),
            order_figures=figures_from_json(t),
        )
    conv = dict(data.get("conversion", {}))
    return SalesReport(
        start=start,
        end=end,
        timezone=str(data.get("timezone", "")),
        currencies=currencies,
        conversion=Conversion(**{k: int(v) for k, v in conv.items() if k in _CONVERSION}),
    )


_CONVERSION = frozenset({"started", "paid", "expired", "failed", "open"})
