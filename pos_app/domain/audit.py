"""The audit log's entries: who did what to which money, and when. Entries are never changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# The audit search's text is cut to this: nothing longer is a name or an id, and the database
# need not scan every row for a pasted page.
SEARCH_TEXT_MAX = 200


class AuditAction(StrEnum):
    """Everything the audit log records."""

    BOOKING_CREATED = "booking.created"
    BOOKING_MOVED = "booking.moved"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_NO_SHOW = "booking.no_show"
    CHECKOUT_CREATED = "checkout.created"
    CHECKOUT_CANCELLED = "checkout.cancelled"
    CHECKOUT_EXPIRED = "checkout.expired"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    # The customer completed a bank payment whose money has not arrived yet.
    PAYMENT_PROCESSING = "payment.processing"
    CASH_RECEIVED = "cash.received"
    # The booking received more than its price: the excess is owed back to the customer.
    PAYMENT_OVERPAID = "payment.overpaid"
    REFUND_REQUESTED = "refund.requested"
    REFUND_SUCCEEDED = "refund.succeeded"
    REFUND_FAILED = "refund.failed"
    RECEIPT_SENT = "receipt.sent"
    USER_SIGNED_IN = "user.signed_in"
    USER_SIGN_IN_FAILED = "user.sign_in_failed"
    USER_CHANGED = "user.changed"
    CATALOG_CHANGED = "catalog.changed"
    # A product's stock changed: received, counted, damaged, sold, restocked after a refund.
    STOCK_ADJUSTED = "stock.adjusted"
    # An order was saved, open: its lines and figures (payments come later).
    ORDER_CREATED = "order.created"
    # Items were added to a booking's unpaid order (add-ons): its new lines and total.
    ORDER_CHANGED = "order.changed"
    # A walk-in order was voided unpaid: nothing was taken; its promo use is given back.
    ORDER_VOIDED = "order.voided"
    SETTINGS_CHANGED = "settings.changed"
    # A manager closed a business day (Z report: cash counted, the difference).
    DAY_CLOSED = "day.closed"
    # Reconciliation wrote Stripe's amount or fee over a local figure that differed.
    PAYMENT_CORRECTED = "payment.corrected"

    @property
    def is_money(self) -> bool:
        """Whether the action moved, asked for or counted money (a day close counts cash)."""
        return self.value.split(".")[0] in ("checkout", "payment", "cash", "refund", "day")


@dataclass
class AuditEntry:
    """One line of the audit log. ``amount`` is in minor units of ``currency`` when present."""

    at: datetime
    actor_id: str | None
    actor_name: str
    action: AuditAction
    booking_id: str | None = None
    payment_id: str | None = None
    refund_id: str | None = None
    amount: int | None = None
    currency: str | None = None
    stripe_ids: str = ""  # space-separated Stripe object ids (cs_…, pi_…, ch_…, re_…)
    detail: str = ""
    id: int | None = None
