"""Reconciliation with Stripe: local card payments and refunds against Stripe's charges,
refunds and balance transactions for a range of business days, every difference listed.

Stripe is the source of truth. Each difference can be settled from Stripe: the object is
read again and applied through the same idempotent paths the event poller uses
(``settle.apply_session`` / ``fill_charge_details`` / ``apply_refund``), so settling twice,
or while a sync pass runs, changes nothing more. Cash never reaches Stripe and is skipped.

The shapes of a comparison are in ``reconciliation_model``; the differences are built in
``reconciliation_mismatches``; this module reads both sides and settles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from pos_app.domain.audit import AuditAction, Detail
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
from pos_app.i18n import N_, gettext
from pos_app.services import audit, ledger, locks, payables, recording, settle
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key, new_id
from pos_app.services.reconciliation_mismatches import (
    amount_mismatch,
    missing_at_stripe,
    missing_payment,
    missing_refund,
    payment_differences,
    refund_differences,
    refund_gone_at_stripe,
    unanswered_refund,
)
from pos_app.services.reconciliation_model import Mismatch as Mismatch
from pos_app.services.reconciliation_model import MismatchKind as MismatchKind
from pos_app.services.reconciliation_model import Reconciliation as Reconciliation
from pos_app.services.reconciliation_model import SettleOutcome as SettleOutcome
from pos_app.services.reconciliation_model import state_word

log = logging.getLogger(__name__)

APP_TAG = "pos-app"  # metadata[app] on every session, PaymentIntent, charge and refund we make
NOT_MANAGER = N_("Only a manager can reconcile with Stripe.")
MAX_DAYS = 92
# Local rows are read this far beyond the range: a payment seen paid a little after
# midnight may belong to a charge Stripe created the day before, and the other way round.
SLACK = timedelta(days=1)


@dataclass
class _Stripe:
    """What Stripe lists for the range, indexed."""

    charges: dict[str, ChargeInfo]  # succeeded, by PaymentIntent id (or charge id)
    refunds: dict[str, RefundInfo]  # by refund id
    fees: dict[str, BalanceTransactionInfo]  # by balance transaction id
    others: int


class ReconciliationService:
    """Compare a range with Stripe and settle the differences from Stripe (managers)."""

    def __init__(self, deps: Deps, *, resend_refund: Callable[[str], Refund]) -> None:
        """``resend_refund``: the refund service's ``resend`` (a refund stored but never
        answered is sent again with the same key)."""
        self._d = deps
        self._resend_refund = resend_refund

    # -- comparing -----------------------------------------------------------------------

    def compare(self, start: date, end: date, *, actor: Actor | None = None) -> Reconciliation:
        """Every local card payment and refund of business days ``start``..``end`` against
        Stripe's charges, refunds and balance transactions created in those days."""
        self._require_manager(actor)
        check_days(start=start, end=end)
        if end < start:
            raise ValidationError("end", N_("The end date must not be before the start date."))
        if (end - start).days >= MAX_DAYS:
            raise ValidationError(
                "end",
                gettext("Compare at most {count} days at a time; pick a shorter range.").format(
                    count=MAX_DAYS
                ),
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
            mismatches=tuple(
                sorted(self._labelled(mismatches), key=lambda m: (m.object_type, m.kind, m.key))
            ),
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

    def _labelled(self, mismatches: list[Mismatch]) -> list[Mismatch]:
        """Each difference with its booking in words ("Ana Silva · Cut & colour")."""
        ids = {m.booking_id for m in mismatches if m.booking_id}
        if not ids:
            return mismatches
        labels: dict[str, str] = {}
        with self._d.uow() as uow:
            for booking_id in ids:
                booking = uow.bookings.get(booking_id)
                if booking is not None:
                    labels[booking_id] = f"{booking.customer_name} · {booking.service_name}"
        return [replace(m, booking_label=labels.get(m.booking_id or "", "")) for m in mismatches]

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
                out.append(missing_payment(charge, local))
                continue
            seen.add(local.id)
            found = payment_differences(local, charge, stripe.fees)
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
            return [missing_at_stripe(payment, intent)]
        problems = []
        if intent.amount_received != payment.amount or intent.currency != payment.currency:
            problems.append(
                amount_mismatch(payment, intent.latest_charge_id, intent.amount_received)
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
                out.append(missing_refund(info, self._refund_payment(info)))
                continue
            seen.add(local.id)
            found = refund_differences(local, info, stripe.fees)
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
            return [unanswered_refund(refund)]
        try:
            info = self._d.gateway.retrieve_refund(refund.stripe_refund_id)
        except GatewayRejected:
            return [refund_gone_at_stripe(refund, refund.stripe_refund_id)]
        return refund_differences(refund, info, {})

    # -- settling ------------------------------------------------------------------------

    def settle_from_stripe(self, mismatch: Mismatch, *, actor: Actor | None = None) -> str:
        """Re-read the Stripe object behind ``mismatch`` and apply it here; returns a sentence
        saying what changed. InvalidStateError when it cannot be settled from Stripe."""
        self._require_manager(actor)
        if not mismatch.settleable:
            raise InvalidStateError(
                mismatch.why_not_words() or gettext("This difference cannot be settled here.")
            )
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
                outcome.failed.append(mismatch.why_not_words() or mismatch.words())
                continue
            try:
                outcome.settled.append(self.settle_from_stripe(mismatch, actor=actor))
            except (GatewayError, InvalidStateError) as err:
                outcome.failed.append(gettext(err.message))
        return outcome

    def _settle_payment(self, mismatch: Mismatch) -> str:
        before = self._payment(mismatch.local_id)
        if before is None:
            raise InvalidStateError(
                N_("This payment is not recorded here, so there is nothing to settle.")
            )
        if before.stripe_session_id is None:
            raise InvalidStateError(N_("This payment has no Stripe payment link to read."))
        # The same path as the charge screen and the poller: the session decides the state.
        session = self._d.gateway.retrieve_checkout_session(before.stripe_session_id)
        applied = settle.apply_session(self._d, before.id, session) or before
        if applied.status is not PaymentStatus.SUCCEEDED or not applied.stripe_payment_intent_id:
            raise InvalidStateError(
                gettext(
                    "Stripe says this payment link is {state} and unpaid; nothing changed."
                ).format(state=state_word(session.status))
            )
        intent = self._d.gateway.retrieve_payment_intent(applied.stripe_payment_intent_id)
        details = self._d.gateway.retrieve_charge_details(applied.stripe_payment_intent_id)
        self._take_stripe_figures(applied.id, intent.amount_received, details)
        after = self._payment(before.id) or applied
        if before.status is not PaymentStatus.SUCCEEDED:
            return gettext("Recorded the payment of {amount} from Stripe.").format(
                amount=after.money
            )
        if after.amount != before.amount:
            return gettext("The payment is now {amount}, as at Stripe (it said {was}).").format(
                amount=after.money, was=before.money
            )
        if after.fee_amount != before.fee_amount and after.fee_amount is not None:
            return gettext("Recorded Stripe's fee of {fee}.").format(
                fee=Money(after.fee_amount, after.currency)
            )
        return gettext("Already in line with Stripe; nothing changed.")

    def _take_stripe_figures(self, payment_id: str, amount: int, details: ChargeDetails) -> None:
        """Write Stripe's amount, charge, fee and net over local ones; a local figure that
        differed (not merely missing) is a correction, and the audit log says so."""
        with self._d.uow(write=True) as uow:
            payment = uow.payments.get(payment_id, for_update=True)
            if payment is None:
                return
            changes: list[Detail] = []
            was_amount = payment.amount
            if amount != payment.amount:
                changes.append(
                    Detail(
                        N_("amount {was} → {now}"),
                        {"was": payment.money, "now": Money(amount, payment.currency)},
                    )
                )
                payment.amount = amount
            was_fee = payment.fee_amount
            if details.fee is not None and was_fee is not None and details.fee != was_fee:
                changes.append(
                    Detail(
                        N_("fee {was} → {now}"),
                        {
                            "was": Money(was_fee, payment.currency),
                            "now": Money(details.fee, payment.currency),
                        },
                    )
                )
            paid_at = payment.paid_at
            if not payment.apply_charge_details(details) and not changes:
                return
            # Recorded anew (an adjustment if its day was closed), or kept as counted by a close.
            recording.stripe_corrected(self._d, uow, payment, paid_at, amount=amount != was_amount)
            payable = payables.lock(uow, payment.order_id or payment.booking_id or "")
            if payable is not None:
                ledger.recompute(uow, payable, at=self._d.clock.now())
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
                    detail=Detail(
                        N_("Settled from Stripe: {changes}"),
                        {
                            "changes": changes[0]
                            if len(changes) == 1
                            else Detail(
                                N_("{first}; {second}"),
                                {"first": changes[0], "second": changes[1]},
                            )
                        },
                    ),
                )
            uow.commit()

    def _settle_refund(self, mismatch: Mismatch) -> str:
        local = self._refund(mismatch.local_id)
        if local is not None and local.status is RefundStatus.CREATING:
            done = self._resend_refund(local.id)
            return gettext("Sent the refund to Stripe again; Stripe says it is {state}.").format(
                state=state_word(done.status.value)
            )
        stripe_id = mismatch.stripe_id or (local.stripe_refund_id if local else None)
        if stripe_id is None:
            raise InvalidStateError(N_("This refund has no Stripe id to read."))
        info = self._d.gateway.retrieve_refund(stripe_id)
        if local is None:
            return self._record_stripe_refund(info)
        if info.amount != local.amount or info.currency != local.currency:
            self._take_refund_amount(local.id, info)
        applied = settle.apply_refund(self._d, local.id, info)
        state = applied.status.value if applied is not None else info.status
        return gettext("The refund of {amount} is now {state}, as at Stripe.").format(
            amount=Money(info.amount, info.currency), state=state_word(state)
        )

    def _refund(self, refund_id: str | None) -> Refund | None:
        if not refund_id:
            return None
        with self._d.uow() as uow:
            return uow.refunds.get(refund_id)

    def _record_stripe_refund(self, info: RefundInfo) -> str:
        """A refund made outside the app (the Dashboard) on one of our payments: record it
        pending, then let ``settle.apply_refund`` bring it to Stripe's state and audit it."""
        if info.payment_intent_id is None:
            raise InvalidStateError(N_("This refund names no payment, so it cannot be recorded."))
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
                        N_("This refund is for a payment this database does not have.")
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
        return gettext("Recorded the refund of {amount} made at Stripe ({state}).").format(
            amount=Money(info.amount, info.currency), state=state_word(state)
        )

    def _take_refund_amount(self, refund_id: str, info: RefundInfo) -> None:
        with self._d.uow(write=True) as uow:
            refund, payable = locks.refund_and_order(uow, refund_id)
            if refund is None or refund.amount == info.amount:
                return
            was = refund.money
            refund.amount = info.amount
            if payable is not None:
                ledger.recompute(uow, payable, at=self._d.clock.now())
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
                detail=Detail(
                    N_("Settled from Stripe: refund amount {was} → {now}"),
                    {"was": was, "now": refund.money},
                ),
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
