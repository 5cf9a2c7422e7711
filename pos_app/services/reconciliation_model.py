"""What a reconciliation with Stripe finds: each difference (``Mismatch``), the outcome of
one comparison (``Reconciliation``) and of settling several (``SettleOutcome``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pos_app.domain.money import Money
from pos_app.i18n import N_, gettext, ngettext


class MismatchKind(StrEnum):
    """How a local record and Stripe's disagree."""

    MISSING_LOCALLY = "missing_locally"
    MISSING_AT_STRIPE = "missing_at_stripe"
    AMOUNT_DIFFERS = "amount_differs"
    STATE_DIFFERS = "state_differs"
    FEE_DIFFERS = "fee_differs"

    @property
    def label(self) -> str:
        """Words for a table column, in the UI language."""
        return gettext(_KIND_WORDS[self])


_KIND_WORDS = {
    MismatchKind.MISSING_LOCALLY: N_("Missing here"),
    MismatchKind.MISSING_AT_STRIPE: N_("Missing at Stripe"),
    MismatchKind.AMOUNT_DIFFERS: N_("Amount differs"),
    MismatchKind.STATE_DIFFERS: N_("State differs"),
    MismatchKind.FEE_DIFFERS: N_("Fee differs"),
}
_OBJECT_WORDS = {"payment": N_("Payment"), "refund": N_("Refund")}
# The states a difference shows: this app's payment and refund states and Stripe's charge,
# PaymentIntent, Checkout Session and refund statuses. The stored and JSON values stay these
# English codes; the words are for people. A state not listed is shown as Stripe spells it.
_STATE_WORDS = {
    "new": N_("new"),
    "creating": N_("creating"),
    "open": N_("open"),
    "complete": N_("complete"),
    "processing": N_("processing"),
    "succeeded": N_("succeeded"),
    "expired": N_("expired"),
    "failed": N_("failed"),
    "pending": N_("pending"),
    "requires_action": N_("needs action"),
    "requires_payment_method": N_("needs a payment method"),
    "requires_confirmation": N_("needs confirmation"),
    "requires_capture": N_("not captured yet"),
    "canceled": N_("cancelled"),
}


def state_word(state: str | None) -> str:
    """A payment's or refund's state in the UI language ('' for none)."""
    if not state:
        return ""
    word = _STATE_WORDS.get(state)
    return gettext(word) if word is not None else state


def said(template: str, **params: object) -> dict[str, Any]:
    """A difference's sentence from a marked ``template`` (``N_``) and its values: the English
    ``sentence`` (JSON, logs) and what :meth:`Mismatch.words` translates when shown. A value
    named ``state`` or ``…_state`` is a state's code, put in words in each language."""
    values = tuple((name, str(value)) for name, value in params.items())
    return {
        "sentence": _fill(template, values, english=True),
        "template": template,
        "params": values,
    }


def _fill(template: str, params: tuple[tuple[str, str], ...], *, english: bool) -> str:
    words = {}
    for name, value in params:
        if name == "state" or name.endswith("_state"):
            value = _STATE_WORDS.get(value, value) if english else state_word(value)
        words[name] = value
    return (template if english else gettext(template)).format(**words)


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
    # The sentence's marked template and its values (each already text), so the screen and
    # the terminal say it in the UI language while ``sentence`` stays English for JSON.
    template: str = ""
    params: tuple[tuple[str, str], ...] = ()

    def words(self) -> str:
        """The sentence in the UI language."""
        if not self.template:
            return self.sentence
        return _fill(self.template, self.params, english=False)

    def why_not_words(self) -> str:
        """Why it cannot be settled, in the UI language ('' when it can)."""
        return gettext(self.why_not) if self.why_not else ""

    def object_word(self) -> str:
        """ "Payment" or "Refund" in the UI language."""
        word = _OBJECT_WORDS.get(self.object_type)
        return gettext(word) if word is not None else self.object_type

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
            return ngettext(
                "The {count} payment or refund matches Stripe.",
                "All {count} payments and refunds match Stripe.",
                self.matched,
            ).format(count=self.matched)
        return ngettext(
            "{matched} match; {count} difference with Stripe to look at.",
            "{matched} match; {count} differences with Stripe to look at.",
            n,
        ).format(matched=self.matched, count=n)

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
        text = ngettext(
            "Settled {count} difference from Stripe.",
            "Settled {count} differences from Stripe.",
            done,
        ).format(count=done)
        if self.failed:
            left = len(self.failed)
            text += " " + ngettext(
                "{count} could not be settled: {reason}",
                "{count} could not be settled: {reason}",
                left,
            ).format(count=left, reason=self.failed[0])
        return text
