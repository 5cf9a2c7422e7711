"""Sales figures for a business day or a range: the shapes every report, export and screen share.

Amounts are integers in minor units of one currency; totals are never added across currencies.
A payment belongs to the local business day (configured time zone) of its ``paid_at``; a refund
to the local day it was issued (``created_at`` of a refund that succeeded), so a refund made on
a later day lowers that later day's net, not the sale's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pos_app.domain.order_report import OrderFigures
from pos_app.i18n import N_, ngettext


@dataclass(frozen=True)
class Breakdown:
    """One row of a "by service / staff / method / hour" table, in one currency."""

    key: str  # service id, resource id ("" = unassigned), "card" / "cash", or hour "00".."23"
    label: str  # words for the screen
    count: int  # payments received
    gross: int
    refunds: int
    net: int

    def to_json(self) -> dict[str, Any]:
        """The row as JSON-ready values."""
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "gross": self.gross,
            "refunds": self.refunds,
            "net": self.net,
        }


@dataclass(frozen=True)
class CurrencyTotals:
    """Everything a report says about one currency."""

    currency: str
    gross: int  # payments received, card (Stripe) and cash
    refunds: int  # refunds that succeeded
    fees: int  # Stripe fees from balance transactions (payments' fees net of refunded fees)
    count: int  # payments received, cash included
    refund_count: int
    by_service: tuple[Breakdown, ...] = ()
    by_staff: tuple[Breakdown, ...] = ()
    by_method: tuple[Breakdown, ...] = ()
    by_hour: tuple[Breakdown, ...] = ()  # 24 rows, "00".."23", local time
    # Payments and refunds counted here, on a later open day (the day they were recorded,
    # when that one is open), because the day they are dated was closed before the database
    # recorded them: how many, and their net (payments less refunds; a refund that failed
    # after its day closed is money back, a negative refund), already included above.
    adjustments: int = 0
    adjustments_net: int = 0
    # Card payments whose fee Stripe has not reported yet, and their gross: ``fees`` leaves
    # them out, so ``net_after_fees`` is not known until they are (show FEES_PENDING).
    fees_pending: int = 0
    fees_pending_amount: int = 0
    # Tips, discounts, tax and lines of the orders paid in full in the period (issue 14).
    order_figures: OrderFigures = field(default_factory=OrderFigures)

    @property
    def net(self) -> int:
        """Gross less refunds."""
        return self.gross - self.refunds

    @property
    def fees_known(self) -> bool:
        """Stripe has reported the fee of every card payment counted here."""
        return self.fees_pending == 0

    @property
    def net_after_fees(self) -> int:
        """Net less Stripe's fees (of the payments whose fee is known: see ``fees_known``)."""
        return self.net - self.fees

    @property
    def average_order(self) -> int:
        """Gross per payment, rounded half up to a whole minor unit (0 without payments)."""
        if self.count == 0:
            return 0
        return (2 * self.gross + self.count) // (2 * self.count)

    @property
    def refund_rate(self) -> float:
        """Refunded share of gross, 0..1 (a ratio, not money), rounded to 4 places."""
        return round(self.refunds / self.gross, 4) if self.gross else 0.0

    def to_json(self) -> dict[str, Any]:
        """The totals as JSON-ready values (amounts in minor units)."""
        return {
            "gross": self.gross,
            "refunds": self.refunds,
            "net": self.net,
            "fees": self.fees,
            # null rather than a figure that leaves out fees Stripe has not reported yet
            "net_after_fees": self.net_after_fees if self.fees_known else None,
            "fees_pending": self.fees_pending,
            "fees_pending_amount": self.fees_pending_amount,
            "count": self.count,
            "refund_count": self.refund_count,
            "average_order": self.average_order,
            "refund_rate": self.refund_rate,
            "by_service": [b.to_json() for b in self.by_service],
            "by_staff": [b.to_json() for b in self.by_staff],
            "by_method": [b.to_json() for b in self.by_method],
            "by_hour": [b.to_json() for b in self.by_hour],
            "adjustments": self.adjustments,
            "adjustments_net": self.adjustments_net,
            **self.order_figures.to_json(),
        }


FEES_PENDING = N_("Fees pending")
#: The payment methods' names in breakdowns (keys "card", "cash"); stored and exported in
#: English, translated where shown (``reports.render.sales.breakdown_label``).
METHOD_LABELS = {"card": N_("Card (Stripe)"), "cash": N_("Cash")}
#: The staff breakdown's row for bookings with nobody in particular (key "").
UNASSIGNED = N_("Unassigned")
#: The service breakdown's row for walk-in orders (no booking, so no service).
WALK_IN_ID = "walk_in"
WALK_IN_NAME = N_("Walk-in sale")


def fees_pending_sentence(count: int, amount: str) -> str:
    """Why fees and net after fees are not shown yet; ``amount`` is the payments' formatted
    total ('' when nothing is pending)."""
    if count <= 0:
        return ""
    return ngettext(
        "Stripe has not reported the fee of {count} card payment ({amount}) yet; fees and net "
        "after fees are shown once it has.",
        "Stripe has not reported the fee of {count} card payments ({amount}) yet; fees and net "
        "after fees are shown once it has.",
        count,
    ).format(count=count, amount=amount)


@dataclass(frozen=True)
class Conversion:
    """Checkout links started in the period, by what became of them."""

    started: int = 0
    paid: int = 0
    expired: int = 0  # ran out, or cancelled at the desk
    failed: int = 0
    open: int = 0

    def to_json(self) -> dict[str, int]:
        """The counts as JSON."""
        return {
            "started": self.started,
            "paid": self.paid,
            "expired": self.expired,
            "failed": self.failed,
            "open": self.open,
        }


@dataclass(frozen=True)
class SalesReport:
    """A day's or a range's figures, per currency. ``end`` is inclusive."""

    start: date
    end: date
    timezone: str
    currencies: dict[str, CurrencyTotals] = field(default_factory=dict)
    conversion: Conversion = Conversion()

    @property
    def is_day(self) -> bool:
        """Whether the report covers a single business day."""
        return self.start == self.end

    def to_json(self) -> dict[str, Any]:
        """``{"date": …}`` for a day or ``{"from": …, "to": …}`` for a range, then per currency."""
        head: dict[str, Any] = (
            {"date": self.start.isoformat()}
            if self.is_day
            else {"from": self.start.isoformat(), "to": self.end.isoformat()}
        )
        return {
            **head,
            "timezone": self.timezone,
            "currencies": {c: t.to_json() for c, t in sorted(self.currencies.items())},
            "conversion": self.conversion.to_json(),
        }


@dataclass
class DayClose:
    """A closed business day in one currency (the Z report). Never changed once written: money
    recorded after it (by the database's order, ``covered_seq``) counts as an adjustment on a
    later open day."""

    business_date: date
    currency: str
    closed_at: datetime
    closed_by_id: str | None
    closed_by_name: str
    card_net: int  # card payments less card refunds, as Stripe settled them
    cash_expected: int  # the opening float plus cash taken for the day, less cash given back
    cash_counted: int  # what the manager counted in the drawer
    report_json: str  # the day's SalesReport.to_json(), frozen at close
    note: str = ""
    # The last order number of recorded money when the day was read, under the lock every
    # writer of money takes: rows numbered up to it are in the frozen report, later ones not.
    covered_seq: int | None = None
    # The cash the drawer started the day with (0 for closes written before it was asked).
    opening_float: int = 0

    @property
    def cash_difference(self) -> int:
        """Counted less expected: negative when the drawer is short."""
        return self.cash_counted - self.cash_expected
