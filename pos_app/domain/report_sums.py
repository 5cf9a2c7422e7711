"""Adding sales reports together: a range as the sum of its days' reports.

A closed day's figures are frozen in its Z report (``SalesReport.to_json()`` of that day), so
a range report can add those snapshots to the live figures of the days still open instead of
reading every row again. The rules, once:

* Totals add field by field, per currency; a currency only some days have is in the sum.
* Breakdown rows add by ``key`` (service id, resource id, method, hour), never by label.
* Labels: a service's or staff member's current name from the catalogue when it is still in
  it (as the live report names them); otherwise the label of the latest day that has the
  row (what that day's Z report showed). Method and hour rows keep their fixed labels.
* Order, as the live report: services and staff by gross (highest first) then label (then
  key, so equal rows always come out the same way), "Unassigned" staff last; methods card,
  cash, then the rest by key; the 24 hours in order.
* Conversion counts add field by field.

A live day's grouped cells (``SalesCell``, summed by the database) go through the same
``TotalsSum`` (``add_cell``), so a range and a day sum by one rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pos_app.domain.order_report import OrderFiguresSum
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.report_data import Movement, SalesCell
from pos_app.domain.reports import Breakdown, Conversion, CurrencyTotals, SalesReport

#: by_method rows every report lists first, in this order (then any other method by key).
METHOD_ORDER = (PaymentMethod.CARD.value, PaymentMethod.CASH.value)
_CONVERSION_FIELDS = ("started", "paid", "expired", "failed", "open")


@dataclass
class RowSum:
    """Running sum of one breakdown row (net is gross less refunds, so not kept)."""

    label: str = ""
    count: int = 0
    gross: int = 0
    refunds: int = 0

    def add(self, row: Breakdown) -> None:
        """Add one day's row of the same key (its label becomes the latest one)."""
        self.label = row.label
        self.count += row.count
        self.gross += row.gross
        self.refunds += row.refunds

    def add_json(self, row: Mapping[str, Any]) -> None:
        """Add one day's row as its ``to_json()`` (a frozen report, not read into objects)."""
        self.label = row["label"]
        self.count += row["count"]
        self.gross += row["gross"]
        self.refunds += row["refunds"]

    def add_cell(self, cell: SalesCell, label: str) -> None:
        """Add one grouped cell of the database (a payment's count and money, or a refund's
        money), the row named ``label``."""
        self.label = label
        if cell.kind is Movement.PAYMENT:
            self.count += cell.count
            self.gross += cell.amount
        else:
            self.refunds += cell.amount

    def row(self, key: str, label: str | None = None) -> Breakdown:
        """The summed row, named ``label`` when given."""
        name = self.label if label is None else label
        return Breakdown(key, name, self.count, self.gross, self.refunds, self.gross - self.refunds)


def _add_json_rows(into: dict[str, RowSum], rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        key = row["key"]
        acc = into.get(key)
        if acc is None:
            acc = into[key] = RowSum()
        acc.add_json(row)


def _add_rows(into: dict[str, RowSum], rows: Iterable[Breakdown]) -> None:
    for row in rows:
        acc = into.get(row.key)
        if acc is None:
            acc = into[row.key] = RowSum()
        acc.add(row)


@dataclass
class TotalsSum:
    """Running sum of one currency's totals over several reports."""

    gross: int = 0
    refunds: int = 0
    fees: int = 0
    count: int = 0
    refund_count: int = 0
    adjustments: int = 0
    adjustments_net: int = 0
    fees_pending: int = 0
    fees_pending_amount: int = 0
    by_service: dict[str, RowSum] = field(default_factory=dict)
    by_staff: dict[str, RowSum] = field(default_factory=dict)
    by_method: dict[str, RowSum] = field(default_factory=dict)
    by_hour: dict[str, RowSum] = field(default_factory=dict)
    order_figures: OrderFiguresSum = field(default_factory=OrderFiguresSum)

    @classmethod
    def for_cells(cls, methods: Mapping[str, str]) -> TotalsSum:
        """An empty sum that lists the 24 hours and ``methods`` (key → label) even when no
        cell has them, as a live report does."""
        acc = cls()
        for key, label in methods.items():
            acc.by_method[key] = RowSum(label)
        for h in range(24):
            acc.by_hour[f"{h:02d}"] = RowSum(f"{h:02d}:00")
        return acc

    def add_cell(self, cell: SalesCell, *, service: str, staff: str, method: str) -> None:
        """Add one grouped cell of the database; ``service``, ``staff``, ``method`` name its
        rows (the hour's is fixed). An ``hour_only`` cell adds to its hour row alone, and a
        cell of hour -1 to no hour row (SalesCell)."""
        if cell.hour_only:
            self._row(self.by_hour, f"{cell.hour:02d}", cell, f"{cell.hour:02d}:00")
            return
        # Stripe's fee as reported: positive on a charge; on a refund negative when Stripe
        # returned fees, so the sum is what the period really cost.
        self.fees += cell.fee
        self.adjustments += cell.adjustments
        if cell.kind is Movement.PAYMENT:
            self.gross += cell.amount
            self.count += cell.count
            self.adjustments_net += cell.adjustment_amount
            self.fees_pending += cell.fees_pending
            self.fees_pending_amount += cell.fees_pending_amount
        else:
            self.refunds += cell.amount
            self.refund_count += cell.count
            self.adjustments_net -= cell.adjustment_amount
        self._row(self.by_service, cell.service_id, cell, service)
        self._row(self.by_staff, cell.resource_id, cell, staff)
        self._row(self.by_method, cell.method, cell, method)
        if cell.hour >= 0:
            hour = f"{cell.hour:02d}"
            self._row(self.by_hour, hour, cell, f"{hour}:00")

    @staticmethod
    def _row(rows: dict[str, RowSum], key: str, cell: SalesCell, label: str) -> None:
        acc = rows.get(key)
        if acc is None:
            acc = rows[key] = RowSum()
        acc.add_cell(cell, label)

    def add(self, t: CurrencyTotals) -> None:
        """Add one report's totals of this currency (reports oldest first: labels follow)."""
        self.gross += t.gross
        self.refunds += t.refunds
        self.fees += t.fees
        self.count += t.count
        self.refund_count += t.refund_count
        self.adjustments += t.adjustments
        self.adjustments_net += t.adjustments_net
        self.fees_pending += t.fees_pending
        self.fees_pending_amount += t.fees_pending_amount
        _add_rows(self.by_service, t.by_service)
        _add_rows(self.by_staff, t.by_staff)
        _add_rows(self.by_method, t.by_method)
        _add_rows(self.by_hour, t.by_hour)
        self.order_figures.add(t.order_figures)

    def add_json(self, t: Mapping[str, Any]) -> None:
        """Add one report's totals of this currency as its ``to_json()``: a year of frozen
        days is summed without making an object per breakdown row."""
        self.gross += t["gross"]
        self.refunds += t["refunds"]
        self.fees += t["fees"]
        self.count += t["count"]
        self.refund_count += t["refund_count"]
        self.adjustments += t.get("adjustments", 0)
        self.adjustments_net += t.get("adjustments_net", 0)
        self.fees_pending += t.get("fees_pending", 0)
        self.fees_pending_amount += t.get("fees_pending_amount", 0)
        _add_json_rows(self.by_service, t.get("by_service") or ())
        _add_json_rows(self.by_staff, t.get("by_staff") or ())
        _add_json_rows(self.by_method, t.get("by_method") or ())
        _add_json_rows(self.by_hour, t.get("by_hour") or ())
        self.order_figures.add_json(t)  # absent in Z reports frozen before issue 14: zero

    def totals(
        self,
        currency: str,
        *,
        services: Mapping[str, str] | None = None,
        staff: Mapping[str, str] | None = None,
    ) -> CurrencyTotals:
        """The summed totals; ``services``/``staff`` (id → current name) rename the rows."""
        return CurrencyTotals(
            currency=currency,
            gross=self.gross,
            refunds=self.refunds,
            fees=self.fees,
            count=self.count,
            refund_count=self.refund_count,
            by_service=_ranked(self.by_service, services or {}),
            by_staff=_ranked(self.by_staff, staff or {}, last=""),
            by_method=tuple(self.by_method[k].row(k) for k in _method_keys(self.by_method)),
            by_hour=tuple(self.by_hour[k].row(k) for k in sorted(self.by_hour)),
            adjustments=self.adjustments,
            adjustments_net=self.adjustments_net,
            fees_pending=self.fees_pending,
            fees_pending_amount=self.fees_pending_amount,
            order_figures=self.order_figures.figures(),
        )


def _ranked(
    rows: dict[str, RowSum], names: Mapping[str, str], last: str | None = None
) -> tuple[Breakdown, ...]:
    named = [s.row(k, names.get(k) or s.label if k != last else s.label) for k, s in rows.items()]
    return tuple(sorted(named, key=lambda b: (b.key == last, -b.gross, b.label, b.key)))


def _method_keys(rows: Mapping[str, RowSum]) -> list[str]:
    first = [k for k in METHOD_ORDER if k in rows]
    return first + sorted(k for k in rows if k not in METHOD_ORDER)


def add_conversions(*parts: Conversion) -> Conversion:
    """Checkout links of several periods added together."""
    return Conversion(**{name: sum(getattr(p, name) for p in parts) for name in _CONVERSION_FIELDS})


def add_totals(*parts: CurrencyTotals) -> CurrencyTotals:
    """One currency's totals of several periods (oldest first) added together."""
    if not parts or len({p.currency for p in parts}) != 1:
        raise ValueError("add_totals adds the totals of one currency")
    acc = TotalsSum()
    for p in parts:
        acc.add(p)
    return acc.totals(parts[0].currency)


def sum_reports(
    reports: Iterable[SalesReport | Mapping[str, Any]],
    *,
    start: date,
    end: date,
    timezone: str,
    conversion: Conversion | None = None,
    services: Mapping[str, str] | None = None,
    staff: Mapping[str, str] | None = None,
) -> SalesReport:
    """The report of [start, end] from the reports of its parts, oldest first: each a
    SalesReport or its ``to_json()`` (a frozen day as stored; its figures must be ints).

    ``conversion`` replaces the parts' summed conversion when given (links are counted by
    when they were created and what became of them since, which no snapshot freezes).
    """
    acc: dict[str, TotalsSum] = {}
    conversions: list[Conversion] = []
    for report in reports:
        if isinstance(report, SalesReport):
            conversions.append(report.conversion)
            for code, totals in report.currencies.items():
                acc.setdefault(code, TotalsSum()).add(totals)
            continue
        conv = report.get("conversion") or {}
        conversions.append(Conversion(**{k: int(conv.get(k, 0)) for k in _CONVERSION_FIELDS}))
        for code, data in report["currencies"].items():
            acc.setdefault(code, TotalsSum()).add_json(data)
    return SalesReport(
        start=start,
        end=end,
        timezone=timezone,
        currencies={
            code: acc[code].totals(code, services=services, staff=staff) for code in sorted(acc)
        },
        conversion=conversion if conversion is not None else add_conversions(*conversions),
    )
