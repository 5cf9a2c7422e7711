"""What a reconciliation with Stripe finds: each difference (``Mismatch``), the outcome of
one comparison (``Reconciliation``) and of settling several (``SettleOutcome``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from pos_app.domain.money import Money


class MismatchKind(StrEnum):
    """How a local record and Stripe's disagree."""

    MISSING_LOCALLY = "missing_locally"
    MISSING_AT_STRIPE = "missing_at_stripe"
    AMOUNT_DIFFERS = "amount_differs"
    STATE_DIFFERS = "state_differs"
    FEE_DIFFERS = "fee_differs"

    @property
    def label(self) -> str:
        """Words for a table column."""
        return {
            MismatchKind.MISSING_LOCALLY: "Missing here",
            MismatchKind.MISSING_AT_STRIPE: "Missing at Stripe",
            MismatchKind.AMOUNT_DIFFERS: "Amount differs",
            MismatchKind.STATE_DIFFERS: "State differs",
            MismatchKind.FEE_DIFFERS: "Fee differs",
        }[self]


@dataclass(frozen=True)
class Mismatch:
    """One difference between a local payment or refund and Stripe's record of it."""

    kind: MismatchKind
    object_type: str  # "payment" or "refund"
    sentence: str
    currency: str
    local_id: str | None = None  # pay_… / rf_…
    booking_id: str | None = None
    stripe_id: str | None = None  # ch_… / re_…
    payment_intent_id: str | None = None
    local_amount: int | None = None
    stripe_amount: int | None = None
    local_state: str | None = None
    stripe_state: str | None = None
    local_fee: int | None = None
    stripe_fee: int | None = None
    settleable: bool = True
    why_not: str = ""  # when not settleable: what a person should do instead
    # Who and what the booking is, in words ("Ana Silva · Cut & colour"); '' when the
    # booking is not in this database.
    booking_label: str = ""

    @property
    def key(self) -> str:
        """Identifies this difference across two comparisons (for the screen's rows)."""
        return ":".join(
            (self.kind.value, self.object_type, self.local_id or "", self.stripe_id or "")
        )

    def money(self, amount: int | None) -> str:
        """An amount of this mismatch as text ('' when unknown)."""
        return "" if amount is None else Money(amount, self.currency).format()


@dataclass(frozen=True)
class Reconciliation:
    """The outcome of one comparison over business days ``start``..``end`` (inclusive)."""

    start: date
    end: date
    timezone: str
    checked_at: datetime
    stripe_charges: int  # succeeded charges at Stripe in the range that are ours
    stripe_refunds: int
    local_payments: int  # succeeded card payments here in the range
    local_refunds: int
    matched_payments: int
    matched_refunds: int
    others: int  # Stripe objects of other integrations on the account, left alone
    mismatches: tuple[Mismatch, ...] = ()

    @property
    def matched(self) -> int:
        """Payments and refunds that agree on both sides."""
        return self.matched_payments + self.matched_refunds

    @property
    def clean(self) -> bool:
        """Nothing to settle."""
        return not self.mismatches

    def summary(self) -> str:
        """One line for a status bar or the CLI."""
        n = len(self.mismatches)
        if not n:
            return f"All {self.matched} payments and refunds match Stripe."
        return (
            f"{self.matched} match; {n} difference{'s' if n != 1 else ''} with Stripe to look at."
        )

    def to_json(self) -> dict[str, object]:
        """JSON-ready values (amounts in minor units)."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "timezone": self.timezone,
            "checked_at": self.checked_at.isoformat(),
            "matched": {"payments": self.matched_payments, "refunds": self.matched_refunds},
            "stripe": {"charges": self.stripe_charges, "refunds": self.stripe_refunds},
            "local": {"payments": self.local_payments, "refunds": self.local_refunds},
            "others": self.others,
            "mismatches": [
                {
                    "kind": m.kind.value,
                    "object": m.object_type,
                    "sentence": m.sentence,
                    "currency": m.currency,
                    "local_id": m.local_id,
                    "booking_id": m.booking_id,
                    "booking": m.booking_label,
                    "stripe_id": m.stripe_id,
                    "payment_intent": m.payment_intent_id,
                    "local_amount": m.local_amount,
                    "stripe_amount": m.stripe_amount,
                    "local_state": m.local_state,
                    "stripe_state": m.stripe_state,
                    "local_fee": m.local_fee,
                    "stripe_fee": m.stripe_fee,
                    "settleable": m.settleable,
                }
                for m in self.mismatches
            ],
        }


@dataclass
class SettleOutcome:
    """What "Settle from Stripe" on several differences came to."""

    settled: list[str] = field(default_factory=list)  # a sentence per difference settled
    failed: list[str] = field(default_factory=list)  # a sentence per difference left

    def summary(self) -> str:
        """One line for the screen."""
        done = len(self.settled)
        text = f"Settled {done} difference{'s' if done != 1 else ''} from Stripe."
        if self.failed:
            text += f" {len(self.failed)} could not be settled: {self.failed[0]}"
        return text
