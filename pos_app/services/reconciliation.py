"""Reconciliation with Stripe: local card payments and refunds against Stripe's charges,
refunds and balance transactions for a range of business days, every difference listed.

Stripe is the source of truth. Each difference can be settled from Stripe: the object is
read again and applied through the same idempotent paths the event poller uses
(``settle.apply_session`` / ``fill_charge_details`` / ``apply_refund``), so settling twice,
or while a sync pass runs, changes nothing more. Cash never reaches Stripe and is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from pos_app.domain.audit import AuditAction
from pos_app.domain.dates import check_days
from pos_app.domain.errors import (
    GatewayError,
    GatewayRejected,
    InvalidStateError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.gateway_types import (
    BalanceTransactionInfo,
    ChargeDetails,
    ChargeInfo,
    PaymentIntentInfo,
    RefundInfo,
)
from pos_app.domain.money import Money
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pos_app.domain.people import STRIPE_ACTOR, Actor
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.report_data import day_bounds
from pos_app.services import audit, ledger, recording, settle
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key, new_id
from pos_app.services.refunds import RefundService

log = logging.getLogger(__name__)

APP_TAG = "pos-app"  # metadata[app] on every session, PaymentIntent, charge and refund we make
NOT_MANAGER = "Only a manager can reconcile with Stripe."
MAX_DAYS = 92
# Local rows are read this far beyond the range: a payment seen paid a little after
# midnight may belong to a charge Stripe created the day before, and the other way round.
SLACK = timedelta(days=1)


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


@dataclass
class _Stripe:
    """What Stripe lists for the range, indexed."""

    charges: dict[str, ChargeInfo]  # succeeded, by PaymentIntent id (or charge id)
    refunds: dict[str, RefundInfo]  # by refund id
    fees: dict[str, BalanceTransactionInfo]  # by balance transaction id
    others: int


class ReconciliationService:
    """Compare a range with Stripe and settle the differences from Stripe (managers)."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    # -- comparing -----------------------------------------------------------------------

    def compare(self, start: date, end: date, *, actor: Actor | None = None) -> Reconciliation:
        """Every local card payment and refund of business days ``start``..``end`` against
        Stripe's charges, refunds and balance transactions created in those days."""
        self._require_manager(actor)
        check_days(start=start, end=end)
        if end < start:
            raise ValidationError("end", "The end date must not be before the start date.")
        if (end - start).days >= MAX_DAYS:
            raise ValidationError(
                "end", f"Compare at most {MAX_DAYS} days at a time; pick a shorter range."
            )
        tz = self._d.policy.timezone
        first, after = day_bounds(start, end, tz)
        stripe = self._read_stripe(first, after)
        with self._d.uow() as uow:
            payments = [
                p
                for p in uow.payments.card_paid_between(first - SLACK, after + SLACK)
                if p.paid_at is not None
            ]
            refunds = uow.refunds.created_between(first - SLACK, after + SLACK)
            # Stripe's objects found nowhere in the window: looked up by id (they may have
            # been recorded here long after they happened).
            extra_payments = self._lookup_payments(uow, stripe.charges.values(), payments)
            extra_refunds = self._lookup_refunds(uow, stripe.refunds.values(), refunds)
        mismatches: list[Mismatch] = []
        matched_payments = self._compare_payments(
            stripe, payments + extra_payments, first, after, mismatches
        )
        matched_refunds = self._compare_refunds(
            stripe, refunds + extra_refunds, payments + extra_payments, first, after, mismatches
        )
        in_range = [p for p in payments if p.paid_at is not None and first <= p.paid_at < after]
        local_refunds = [r for r in refunds if first <= r.created_at < after]
        result = Reconciliation(
            start=start,
            end=end,
            timezone=str(tz),
            checked_at=self._d.clock.now(),
            stripe_charges=len(stripe.charges),
            stripe_refunds=len(stripe.refunds),
            local_payments=len(in_range),
            local_refunds=len(local_refunds),
            matched_payments=matched_payments,
            matched_refunds=matched_refunds,
            others=stripe.others,
            mismatches=tuple(sorted(mismatches, key=lambda m: (m.object_type, m.kind, m.key))),
        )
        log.info(
            "reconcile.compared from=%s to=%s matched=%s mismatches=%s others=%s",
            start,
            end,
            result.matched,
            len(result.mismatches),
            result.others,
        )
        return result

    def _read_stripe(self, first: datetime, after: datetime) -> _Stripe:
        gateway = self._d.gateway
        charges = gateway.list_charges(created_from=first, created_before=after)
        refunds = gateway.list_refunds(created_from=first, created_before=after)
        txns = gateway.list_balance_transactions(created_from=first, created_before=after)
        ours: dict[str, ChargeInfo] = {}
        mine: dict[str, RefundInfo] = {}
        others = 0
        with self._d.uow() as uow:
            for charge in charges:
                if not charge.succeeded:
                    continue  # a declined card: no money moved
                if self._belongs_here(uow, charge.payment_intent_id, charge.metadata):
                    ours[charge.payment_intent_id or charge.id] = charge
                else:
                    others += 1
            for refund in refunds:
                if self._belongs_here(uow, refund.payment_intent_id, refund.metadata):
                    mine[refund.id] = refund
                else:
                    others += 1
        return _Stripe(ours, mine, {t.id: t for t in txns}, others)

    def _belongs_here(
        self, uow: UnitOfWork, payment_intent_id: str | None, metadata: dict[str, str]
    ) -> bool:
        """Whether a Stripe object is this database's business: its payment or refund is
        recorded here (every row is stored before Stripe is asked, whichever station sent
        it). Other integrations' objects, and other databases' stations', are left alone."""
        if payment_intent_id and uow.payments.by_payment_intent_id(payment_intent_id):
            return True
        if metadata.get("payment_id") and uow.payments.get(metadata["payment_id"]):
            return True
        return bool(metadata.get("refund_id") and uow.refunds.get(metadata["refund_id"]))

    @staticmethod
    def _lookup_payments(
        uow: UnitOfWork, charges: Iterable[ChargeInfo], known: list[Payment]
    ) -> list[Payment]:
        have = {p.stripe_payment_intent_id for p in known}
        out: list[Payment] = []
        for charge in charges:
            pi = charge.payment_intent_id
            if pi is None or pi in have:
                continue
            payment = uow.payments.by_payment_intent_id(pi)
            if payment is None and charge.metadata.get("payment_id"):
                payment = uow.payments.get(charge.metadata["payment_id"])
            if payment is not None and payment.id not in {p.id for p in out}:
                out.append(payment)
        return out

    @staticmethod
    def _lookup_refunds(
        uow: UnitOfWork, refunds: Iterable[RefundInfo], known: list[Refund]
    ) -> list[Refund]:
        have = {r.stripe_refund_id for r in known} | {r.id for r in known}
        out: list[Refund] = []
        for info in refunds:
            if info.id in have or info.metadata.get("refund_id") in have:
                continue
            local = uow.refunds.by_stripe_id(info.id)
            if local is None and info.metadata.get("refund_id"):
                local = uow.refunds.get(info.metadata["refund_id"])
            if local is not None:
                out.append(local)
        return out

    def _compare_payments(
        self,
        stripe: _Stripe,
        payments: list[Payment],
        first: datetime,
        after: datetime,
        out: list[Mismatch],
    ) -> int:
        matched = 0
        seen: set[str] = set()
        by_intent = {p.stripe_payment_intent_id: p for p in payments if p.stripe_payment_intent_id}
        by_id = {p.id: p for p in payments}
        for key, charge in stripe.charges.items():
            local = by_intent.get(key) or by_id.get(charge.metadata.get("payment_id", ""))
            if local is None or local.status is not PaymentStatus.SUCCEEDED:
                local = local or self._payment(charge.metadata.get("payment_id"))
                out.append(_missing_payment(charge, local))
                continue
            seen.add(local.id)
            found = _payment_differences(local, charge, stripe.fees)
            out.extend(found)
            matched += not found
        for payment in payments:
            if payment.id in seen or payment.status is not PaymentStatus.SUCCEEDED:
                continue
            if payment.method is not PaymentMethod.CARD or payment.paid_at is None:
                continue
            if not first <= payment.paid_at < after:
                continue  # a neighbouring day's: not this comparison's business
            # Not in Stripe's list of the range: maybe created just before it; ask directly.
            found_list = self._payment_outside_list(payment, stripe.fees)
            out.extend(found_list)
            matched += not found_list
        return matched

    def _payment(self, payment_id: str | None) -> Payment | None:
        if not payment_id:
            return None
        with self._d.uow() as uow:
            return uow.payments.get(payment_id)

    def _payment_outside_list(
        self, payment: Payment, fees: dict[str, BalanceTransactionInfo]
    ) -> list[Mismatch]:
        """A local payment Stripe did not list in the range: read its PaymentIntent."""
        intent: PaymentIntentInfo | None = None
        if payment.stripe_payment_intent_id:
            try:
                intent = self._d.gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
            except GatewayRejected:
                intent = None  # Stripe has no such PaymentIntent
        if intent is None or intent.status != "succeeded":
            return [_missing_at_stripe(payment, intent)]
        problems = []
        if intent.amount_received != payment.amount or intent.currency != payment.currency:
            problems.append(
                _amount_mismatch(payment, intent.latest_charge_id, intent.amount_received)
            )
        return problems

    def _compare_refunds(
        self,
        stripe: _Stripe,
        refunds: list[Refund],
        payments: list[Payment],
        first: datetime,
        after: datetime,
        out: list[Mismatch],
    ) -> int:
        matched = 0
        seen: set[str] = set()
        by_stripe = {r.stripe_refund_id: r for r in refunds if r.stripe_refund_id}
        by_id = {r.id: r for r in refunds}
        for info in stripe.refunds.values():
            local = by_stripe.get(info.id) or by_id.get(info.metadata.get("refund_id", ""))
            if local is None:
                out.append(_missing_refund(info, self._refund_payment(info)))
                continue
            seen.add(local.id)
            found = _refund_differences(local, info, stripe.fees)
            out.extend(found)
            matched += not found
        for refund in refunds:
            if refund.id in seen or not first <= refund.created_at < after:
                continue
            if refund.status in (RefundStatus.FAILED, RefundStatus.CANCELED) and (
                refund.stripe_refund_id is None
            ):
                continue  # refused outright: Stripe never made it, nothing moved
            found_list = self._refund_outside_list(refund)
            out.extend(found_list)
            matched += not found_list
        return matched

    def _refund_payment(self, info: RefundInfo) -> Payment | None:
        if info.payment_intent_id is None:
            return None
        with self._d.uow() as uow:
            return uow.payments.by_payment_intent_id(info.payment_intent_id)

    def _refund_outside_list(self, refund: Refund) -> list[Mismatch]:
        """A local refund Stripe did not list in the range: read it by id."""
        if refund.status is RefundStatus.CREATING or refund.stripe_refund_id is None:
            return [
                Mismatch(
                    kind=MismatchKind.STATE_DIFFERS,
                    object_type="refund",
                    sentence=(
                        f"The refund of {refund.money} was asked for here but Stripe's answer "
                        "was never recorded."
                    ),
                    currency=refund.currency,
                    local_id=refund.id,
                    booking_id=refund.booking_id,
                    local_amount=refund.amount,
                    local_state=refund.status.value,
                )
            ]
        try:
            info = self._d.gateway.retrieve_refund(refund.stripe_refund_id)
        except GatewayRejected:
            return [
                Mismatch(
                    kind=MismatchKind.MISSING_AT_STRIPE,
                    object_type="refund",
                    sentence=(
                        f"The refund of {refund.money} recorded here ({refund.stripe_refund_id})"
                        " does not exist at Stripe."
                    ),
                    currency=refund.currency,
                    local_id=refund.id,
                    booking_id=refund.booking_id,
                    stripe_id=refund.stripe_refund_id,
                    local_amount=refund.amount,
                    local_state=refund.status.value,
                    settleable=False,
                    why_not=(
                        "Look the refund up in the Stripe Dashboard; the app does not remove "
                        "a recorded refund by itself."
                    ),
                )
            ]
        return _refund_differences(refund, info, {})

    # -- settling ------------------------------------------------------------------------

    def settle_from_stripe(self, mismatch: Mismatch, *, actor: Actor | None = None) -> str:
        """Re-read the Stripe object behind ``mismatch`` and apply it here; returns a sentence
        saying what changed. InvalidStateError when it cannot be settled from Stripe."""
        self._require_manager(actor)
        if not mismatch.settleable:
            raise InvalidStateError(mismatch.why_not or "This difference cannot be settled here.")
        if mismatch.object_type == "payment":
            sentence = self._settle_payment(mismatch)
        else:
            sentence = self._settle_refund(mismatch)
        log.info(
            "reconcile.settled kind=%s object=%s local=%s stripe=%s",
            mismatch.kind.value,
            mismatch.object_type,
            mismatch.local_id,
            mismatch.stripe_id,
        )
        return sentence

    def settle_all(
        self, mismatches: Iterable[Mismatch], *, actor: Actor | None = None
    ) -> SettleOutcome:
        """Settle every settleable difference; the others are reported, not raised."""
        self._require_manager(actor)
        outcome = SettleOutcome()
        for mismatch in mismatches:
            if not mismatch.settleable:
                outcome.failed.append(mismatch.why_not or mismatch.sentence)
                continue
            try:
                outcome.settled.append(self.settle_from_stripe(mismatch, actor=actor))
            except (GatewayError, InvalidStateError) as err:
                outcome.failed.append(err.message)
        return outcome

    def _settle_payment(self, mismatch: Mismatch) -> str:
        before = self._payment(mismatch.local_id)
        if before is None:
            raise InvalidStateError(
                "This payment is not recorded here, so there is nothing to settle."
            )
        if before.stripe_session_id is None:
            raise InvalidStateError("This payment has no Stripe payment link to read.")
        # The same path as the charge screen and the poller: the session decides the state.
        session = self._d.gateway.retrieve_checkout_session(before.stripe_session_id)
        applied = settle.apply_session(self._d, before.id, session) or before
        if applied.status is not PaymentStatus.SUCCEEDED or not applied.stripe_payment_intent_id:
            raise InvalidStateError(
                f"Stripe says this payment link is {session.status} and unpaid; nothing changed."
            )
        intent = self._d.gateway.retrieve_payment_intent(applied.stripe_payment_intent_id)
        details = self._d.gateway.retrieve_charge_details(applied.stripe_payment_intent_id)
        self._take_stripe_figures(applied.id, intent.amount_received, details)
        after = self._payment(before.id) or applied
        if before.status is not PaymentStatus.SUCCEEDED:
            return f"Recorded the payment of {after.money} from Stripe."
        if after.amount != before.amount:
            return f"The payment is now {after.money}, as at Stripe (it said {before.money})."
        if after.fee_amount != before.fee_amount and after.fee_amount is not None:
            return f"Recorded Stripe's fee of {Money(after.fee_amount, after.currency)}."
        return "Already in line with Stripe; nothing changed."

    def _take_stripe_figures(self, payment_id: str, amount: int, details: ChargeDetails) -> None:
        """Write Stripe's amount, charge, fee and net over local ones; a local figure that
        differed (not merely missing) is a correction, and the audit log says so."""
        with self._d.uow(write=True) as uow:
            payment = uow.payments.get(payment_id, for_update=True)
            if payment is None:
                return
            changes, was_amount = [], payment.amount
            if amount != payment.amount:
                changes.append(f"amount {payment.money} → {Money(amount, payment.currency)}")
                payment.amount = amount
            was_fee = payment.fee_amount
            if details.fee is not None and was_fee is not None and details.fee != was_fee:
                changes.append(
                    f"fee {Money(was_fee, payment.currency)} → "
                    f"{Money(details.fee, payment.currency)}"
                )
            paid_at = payment.paid_at
            if not payment.apply_charge_details(details) and not changes:
                return
            # Recorded anew (an adjustment if its day was closed), or kept as counted by a close.
            recording.stripe_corrected(self._d, uow, payment, paid_at, amount=amount != was_amount)
            booking = uow.bookings.get(payment.booking_id, for_update=True)
            if booking is not None:
                ledger.recompute(uow, booking, at=self._d.clock.now())
            if changes:
                audit.record(
                    uow,
                    at=self._d.clock.now(),
                    actor=self._actor(),
                    action=AuditAction.PAYMENT_CORRECTED,
                    booking_id=payment.booking_id,
                    payment_id=payment.id,
                    amount=payment.amount,
                    currency=payment.currency,
                    stripe_ids=[payment.stripe_payment_intent_id, payment.stripe_charge_id],
                    detail="Settled from Stripe: " + "; ".join(changes),
                )
            uow.commit()

    def _settle_refund(self, mismatch: Mismatch) -> str:
        local = self._refund(mismatch.local_id)
        if local is not None and local.status is RefundStatus.CREATING:
            done = RefundService(self._d).resend(local.id)
            return f"Sent the refund to Stripe again; Stripe says it is {done.status.value}."
        stripe_id = mismatch.stripe_id or (local.stripe_refund_id if local else None)
        if stripe_id is None:
            raise InvalidStateError("This refund has no Stripe id to read.")
        info = self._d.gateway.retrieve_refund(stripe_id)
        if local is None:
            return self._record_stripe_refund(info)
        if info.amount != local.amount or info.currency != local.currency:
            self._take_refund_amount(local.id, info)
        applied = settle.apply_refund(self._d, local.id, info)
        state = applied.status.value if applied is not None else info.status
        return f"The refund of {Money(info.amount, info.currency)} is now {state}, as at Stripe."

    def _refund(self, refund_id: str | None) -> Refund | None:
        if not refund_id:
            return None
        with self._d.uow() as uow:
            return uow.refunds.get(refund_id)

    def _record_stripe_refund(self, info: RefundInfo) -> str:
        """A refund made outside the app (the Dashboard) on one of our payments: record it
        pending, then let ``settle.apply_refund`` bring it to Stripe's state and audit it."""
        if info.payment_intent_id is None:
            raise InvalidStateError("This refund names no payment, so it cannot be recorded.")
        refund_id = new_id("rf")
        with self._d.uow(write=True) as uow:
            if uow.refunds.by_stripe_id(info.id) is not None:
                existing = uow.refunds.by_stripe_id(info.id)
                assert existing is not None
                refund_id = existing.id
            else:
                payment = uow.payments.by_payment_intent_id(info.payment_intent_id)
                if payment is None:
                    raise InvalidStateError(
                        "This refund is for a payment this database does not have."
                    )
                uow.refunds.add(
                    Refund(
                        id=refund_id,
                        payment_id=payment.id,
                        booking_id=payment.booking_id,
                        amount=info.amount,
                        currency=info.currency,
                        reason=None,
                        status=RefundStatus.PENDING,
                        # Derived from Stripe's id: recording the same refund twice is refused.
                        idempotency_key=idempotency_key("stripe-refund", info.id),
                        created_at=info.created or self._d.clock.now(),
                        stripe_refund_id=info.id,
                        note="Made at Stripe (not from this app); recorded by reconciliation.",
                        created_by=self._actor().id,
                    )
                )
                uow.commit()
        applied = settle.apply_refund(self._d, refund_id, info)
        state = applied.status.value if applied is not None else info.status
        return (
            f"Recorded the refund of {Money(info.amount, info.currency)} made at Stripe ({state})."
        )

    def _take_refund_amount(self, refund_id: str, info: RefundInfo) -> None:
        with self._d.uow(write=True) as uow:
            refund = uow.refunds.get(refund_id, for_update=True)
            if refund is None or refund.amount == info.amount:
                return
            was = refund.money
            refund.amount = info.amount
            booking = uow.bookings.get(refund.booking_id, for_update=True)
            if booking is not None:
                ledger.recompute(uow, booking, at=self._d.clock.now())
            audit.record(
                uow,
                at=self._d.clock.now(),
                actor=self._actor(),
                action=AuditAction.PAYMENT_CORRECTED,
                booking_id=refund.booking_id,
                payment_id=refund.payment_id,
                refund_id=refund.id,
                amount=refund.amount,
                currency=refund.currency,
                stripe_ids=[info.id],
                detail=f"Settled from Stripe: refund amount {was} → {refund.money}",
            )
            uow.commit()

    # -- helpers -------------------------------------------------------------------------

    def _actor(self) -> Actor:
        actor = self._d.desk.actor
        return actor if actor.role is not None else STRIPE_ACTOR

    def _require_manager(self, actor: Actor | None) -> None:
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError(NOT_MANAGER)


# -- building mismatches -------------------------------------------------------------------


def _missing_payment(charge: ChargeInfo, local: Payment | None) -> Mismatch:
    amount = Money(charge.amount, charge.currency)
    if local is None:
        return Mismatch(
            kind=MismatchKind.MISSING_LOCALLY,
            object_type="payment",
            sentence=(
                f"Stripe took {amount} ({charge.id}) for a payment this database does not have."
            ),
            currency=charge.currency,
            booking_id=charge.metadata.get("booking_id"),
            stripe_id=charge.id,
            payment_intent_id=charge.payment_intent_id,
            stripe_amount=charge.amount,
            stripe_state=charge.status,
            settleable=False,
            why_not=(
                "The payment's booking is not in this database (another station's database, "
                "or it was removed); look it up in the Stripe Dashboard."
            ),
        )
    return Mismatch(
        kind=MismatchKind.MISSING_LOCALLY,
        object_type="payment",
        sentence=(
            f"Stripe took {amount} ({charge.id}) but the payment is still "
            f"{local.status.value} here."
        ),
        currency=charge.currency,
        local_id=local.id,
        booking_id=local.booking_id,
        stripe_id=charge.id,
        payment_intent_id=charge.payment_intent_id,
        local_amount=local.amount,
        stripe_amount=charge.amount,
        local_state=local.status.value,
        stripe_state=charge.status,
    )


def _missing_at_stripe(payment: Payment, intent: PaymentIntentInfo | None) -> Mismatch:
    state = intent.status if intent is not None else None
    where = (
        f"Stripe's PaymentIntent {intent.id} has not succeeded ({intent.status})"
        if intent is not None
        else "Stripe has no charge for it"
    )
    return Mismatch(
        kind=MismatchKind.MISSING_AT_STRIPE,
        object_type="payment",
        sentence=f"The card payment of {payment.money} is recorded as paid here, but {where}.",
        currency=payment.currency,
        local_id=payment.id,
        booking_id=payment.booking_id,
        stripe_id=payment.stripe_charge_id,
        payment_intent_id=payment.stripe_payment_intent_id,
        local_amount=payment.amount,
        local_state=payment.status.value,
        stripe_state=state,
        settleable=False,
        why_not=(
            "Stripe has not taken this money: check the booking with the customer and in the "
            "Stripe Dashboard. The app never undoes a recorded payment by itself."
        ),
    )


def _amount_mismatch(payment: Payment, charge_id: str | None, stripe_amount: int) -> Mismatch:
    return Mismatch(
        kind=MismatchKind.AMOUNT_DIFFERS,
        object_type="payment",
        sentence=(
            f"The card payment is {payment.money} here but "
            f"{Money(stripe_amount, payment.currency)} at Stripe."
        ),
        currency=payment.currency,
        local_id=payment.id,
        booking_id=payment.booking_id,
        stripe_id=charge_id,
        payment_intent_id=payment.stripe_payment_intent_id,
        local_amount=payment.amount,
        stripe_amount=stripe_amount,
        local_state=payment.status.value,
        stripe_state="succeeded",
    )


def _payment_differences(
    payment: Payment, charge: ChargeInfo, fees: dict[str, BalanceTransactionInfo]
) -> list[Mismatch]:
    found: list[Mismatch] = []
    if payment.amount != charge.amount or payment.currency != charge.currency:
        found.append(_amount_mismatch(payment, charge.id, charge.amount))
    txn = fees.get(charge.balance_transaction_id or "")
    if txn is not None and txn.fee != payment.fee_amount:
        here = (
            "not recorded here"
            if payment.fee_amount is None
            else f"{Money(payment.fee_amount, payment.currency)} here"
        )
        found.append(
            Mismatch(
                kind=MismatchKind.FEE_DIFFERS,
                object_type="payment",
                sentence=(
                    f"Stripe's fee on the payment of {payment.money} is "
                    f"{Money(txn.fee, txn.currency)}, {here}."
                ),
                currency=payment.currency,
                local_id=payment.id,
                booking_id=payment.booking_id,
                stripe_id=charge.id,
                payment_intent_id=charge.payment_intent_id,
                local_amount=payment.amount,
                stripe_amount=charge.amount,
                local_state=payment.status.value,
                stripe_state=charge.status,
                local_fee=payment.fee_amount,
                stripe_fee=txn.fee,
            )
        )
    return found


def _missing_refund(info: RefundInfo, payment: Payment | None) -> Mismatch:
    amount = Money(info.amount, info.currency)
    return Mismatch(
        kind=MismatchKind.MISSING_LOCALLY,
        object_type="refund",
        sentence=(
            f"Stripe has a {info.status or 'new'} refund of {amount} ({info.id}) that is not "
            "recorded here (made in the Stripe Dashboard?)."
        ),
        currency=info.currency,
        booking_id=payment.booking_id if payment is not None else None,
        stripe_id=info.id,
        payment_intent_id=info.payment_intent_id,
        stripe_amount=info.amount,
        stripe_state=info.status,
        settleable=payment is not None,
        why_not="" if payment is not None else "The refunded payment is not in this database.",
    )


def _refund_differences(
    refund: Refund, info: RefundInfo, fees: dict[str, BalanceTransactionInfo]
) -> list[Mismatch]:
    def mismatch(kind: MismatchKind, sentence: str, **extra: int | None) -> Mismatch:
        return Mismatch(
            kind=kind,
            object_type="refund",
            sentence=sentence,
            currency=refund.currency,
            local_id=refund.id,
            booking_id=refund.booking_id,
            stripe_id=info.id,
            payment_intent_id=info.payment_intent_id,
            local_amount=refund.amount,
            stripe_amount=info.amount,
            local_state=refund.status.value,
            stripe_state=info.status,
            **extra,  # type: ignore[arg-type]
        )

    found: list[Mismatch] = []
    if refund.amount != info.amount or refund.currency != info.currency:
        found.append(
            mismatch(
                MismatchKind.AMOUNT_DIFFERS,
                f"The refund is {refund.money} here but {Money(info.amount, info.currency)} "
                "at Stripe.",
            )
        )
    if info.status is not None and refund.status.value != info.status:  # null: no news
        found.append(
            mismatch(
                MismatchKind.STATE_DIFFERS,
                f"The refund of {refund.money} is {refund.status.value} here but "
                f"{info.status} at Stripe.",
            )
        )
    txn = fees.get(info.balance_transaction_id or "")
    fee = txn.fee if txn is not None else info.fee
    if fee is not None and refund.status.value == info.status and fee != (refund.fee_amount or 0):
        found.append(
            mismatch(
                MismatchKind.FEE_DIFFERS,
                f"Stripe's fee on the refund of {refund.money} is {Money(fee, refund.currency)}"
                f", {Money(refund.fee_amount or 0, refund.currency)} here.",
                local_fee=refund.fee_amount,
                stripe_fee=fee,
            )
        )
    return found
