"""The differences a reconciliation lists, built from a local payment or refund and what
Stripe says of it (each with its sentence, and why it cannot be settled when it cannot)."""

from __future__ import annotations

from typing import Any

from pos_app.domain.gateway_types import (
    BalanceTransactionInfo,
    ChargeInfo,
    PaymentIntentInfo,
    RefundInfo,
)
from pos_app.domain.money import Money
from pos_app.domain.payment import Payment, Refund
from pos_app.i18n import N_
from pos_app.services.reconciliation_model import Mismatch, MismatchKind, said

NOT_IN_DATABASE = N_(
    "The payment's booking is not in this database (another station's database, or it was "
    "removed); look it up in the Stripe Dashboard."
)
NOT_TAKEN = N_(
    "Stripe has not taken this money: check the booking with the customer and in the Stripe "
    "Dashboard. The app never undoes a recorded payment by itself."
)
PAYMENT_NOT_HERE = N_("The refunded payment is not in this database.")


def _recorded(
    local: Payment | Refund, kind: MismatchKind, sentence: dict[str, Any], **stripe: Any
) -> Mismatch:
    """A difference about a payment or refund this database has: its side is read from
    ``local``; Stripe's (ids, amount, state, fees, whether it can be settled) comes in
    ``stripe``, which may also name the currency (Stripe's, where the two differ)."""
    fields: dict[str, Any] = {"currency": local.currency, **stripe}
    return Mismatch(
        kind=kind,
        object_type="refund" if isinstance(local, Refund) else "payment",
        **sentence,
        local_id=local.id,
        booking_id=local.booking_id,
        local_amount=local.amount,
        local_state=local.status.value,
        **fields,
    )


def missing_payment(charge: ChargeInfo, local: Payment | None) -> Mismatch:
    """A charge Stripe took that is not paid here (or not here at all)."""
    amount = Money(charge.amount, charge.currency)
    if local is None:
        return Mismatch(
            kind=MismatchKind.MISSING_LOCALLY,
            object_type="payment",
            **said(
                N_("Stripe took {amount} ({charge}) for a payment this database does not have."),
                amount=amount,
                charge=charge.id,
            ),
            currency=charge.currency,
            booking_id=charge.metadata.get("booking_id"),
            stripe_id=charge.id,
            payment_intent_id=charge.payment_intent_id,
            stripe_amount=charge.amount,
            stripe_state=charge.status,
            settleable=False,
            why_not=NOT_IN_DATABASE,
        )
    return _recorded(
        local,
        MismatchKind.MISSING_LOCALLY,
        said(
            N_("Stripe took {amount} ({charge}) but the payment is still {state} here."),
            amount=amount,
            charge=charge.id,
            state=local.status.value,
        ),
        currency=charge.currency,
        stripe_id=charge.id,
        payment_intent_id=charge.payment_intent_id,
        stripe_amount=charge.amount,
        stripe_state=charge.status,
    )


def missing_at_stripe(payment: Payment, intent: PaymentIntentInfo | None) -> Mismatch:
    """A card payment paid here that Stripe has not taken."""
    state = intent.status if intent is not None else None
    sentence = (
        said(
            N_(
                "The card payment of {amount} is recorded as paid here, but Stripe's "
                "PaymentIntent {intent} has not succeeded ({state})."
            ),
            amount=payment.money,
            intent=intent.id,
            state=intent.status,
        )
        if intent is not None
        else said(
            N_(
                "The card payment of {amount} is recorded as paid here, but Stripe has no "
                "charge for it."
            ),
            amount=payment.money,
        )
    )
    return _recorded(
        payment,
        MismatchKind.MISSING_AT_STRIPE,
        sentence,
        stripe_id=payment.stripe_charge_id,
        payment_intent_id=payment.stripe_payment_intent_id,
        stripe_state=state,
        settleable=False,
        why_not=NOT_TAKEN,
    )


def amount_mismatch(payment: Payment, charge_id: str | None, stripe_amount: int) -> Mismatch:
    """A card payment whose amount differs from what Stripe took."""
    return _recorded(
        payment,
        MismatchKind.AMOUNT_DIFFERS,
        said(
            N_("The card payment is {amount} here but {stripe_amount} at Stripe."),
            amount=payment.money,
            stripe_amount=Money(stripe_amount, payment.currency),
        ),
        stripe_id=charge_id,
        payment_intent_id=payment.stripe_payment_intent_id,
        stripe_amount=stripe_amount,
        stripe_state="succeeded",
    )


def payment_differences(
    payment: Payment, charge: ChargeInfo, fees: dict[str, BalanceTransactionInfo]
) -> list[Mismatch]:
    """A matched payment's differences with Stripe's charge: amount and fee."""
    found: list[Mismatch] = []
    if payment.amount != charge.amount or payment.currency != charge.currency:
        found.append(amount_mismatch(payment, charge.id, charge.amount))
    txn = fees.get(charge.balance_transaction_id or "")
    if txn is not None and txn.fee != payment.fee_amount:
        sentence = (
            said(
                N_("Stripe's fee on the payment of {amount} is {fee}, not recorded here."),
                amount=payment.money,
                fee=Money(txn.fee, txn.currency),
            )
            if payment.fee_amount is None
            else said(
                N_("Stripe's fee on the payment of {amount} is {fee}, {local_fee} here."),
                amount=payment.money,
                fee=Money(txn.fee, txn.currency),
                local_fee=Money(payment.fee_amount, payment.currency),
            )
        )
        found.append(
            _recorded(
                payment,
                MismatchKind.FEE_DIFFERS,
                sentence,
                stripe_id=charge.id,
                payment_intent_id=charge.payment_intent_id,
                stripe_amount=charge.amount,
                stripe_state=charge.status,
                local_fee=payment.fee_amount,
                stripe_fee=txn.fee,
            )
        )
    return found


def missing_refund(info: RefundInfo, payment: Payment | None) -> Mismatch:
    """A refund Stripe has that is not recorded here."""
    amount = Money(info.amount, info.currency)
    return Mismatch(
        kind=MismatchKind.MISSING_LOCALLY,
        object_type="refund",
        **said(
            N_(
                "Stripe has a refund of {amount} ({refund}, {state}) that is not recorded here "
                "(made in the Stripe Dashboard?)."
            ),
            amount=amount,
            refund=info.id,
            state=info.status or "new",
        ),
        currency=info.currency,
        booking_id=payment.booking_id if payment is not None else None,
        stripe_id=info.id,
        payment_intent_id=info.payment_intent_id,
        stripe_amount=info.amount,
        stripe_state=info.status,
        settleable=payment is not None,
        why_not="" if payment is not None else PAYMENT_NOT_HERE,
    )


def refund_differences(
    refund: Refund, info: RefundInfo, fees: dict[str, BalanceTransactionInfo]
) -> list[Mismatch]:
    """A matched refund's differences with Stripe's: amount, state and fee."""

    def mismatch(kind: MismatchKind, sentence: dict[str, Any], **fees: int | None) -> Mismatch:
        return _recorded(
            refund,
            kind,
            sentence,
            stripe_id=info.id,
            payment_intent_id=info.payment_intent_id,
            stripe_amount=info.amount,
            stripe_state=info.status,
            **fees,
        )

    found: list[Mismatch] = []
    if refund.amount != info.amount or refund.currency != info.currency:
        found.append(
            mismatch(
                MismatchKind.AMOUNT_DIFFERS,
                said(
                    N_("The refund is {amount} here but {stripe_amount} at Stripe."),
                    amount=refund.money,
                    stripe_amount=Money(info.amount, info.currency),
                ),
            )
        )
    if info.status is not None and refund.status.value != info.status:  # null: no news
        found.append(
            mismatch(
                MismatchKind.STATE_DIFFERS,
                said(
                    N_("The refund of {amount} is {state} here but {stripe_state} at Stripe."),
                    amount=refund.money,
                    state=refund.status.value,
                    stripe_state=info.status,
                ),
            )
        )
    txn = fees.get(info.balance_transaction_id or "")
    fee = txn.fee if txn is not None else info.fee
    if fee is not None and refund.status.value == info.status and fee != (refund.fee_amount or 0):
        found.append(
            mismatch(
                MismatchKind.FEE_DIFFERS,
                said(
                    N_("Stripe's fee on the refund of {amount} is {fee}, {local_fee} here."),
                    amount=refund.money,
                    fee=Money(fee, refund.currency),
                    local_fee=Money(refund.fee_amount or 0, refund.currency),
                ),
                local_fee=refund.fee_amount,
                stripe_fee=fee,
            )
        )
    return found


def unanswered_refund(refund: Refund) -> Mismatch:
    """A refund asked for here whose answer from Stripe was never recorded."""
    return _recorded(
        refund,
        MismatchKind.STATE_DIFFERS,
        said(
            N_("The refund of {amount} was asked for here but Stripe's answer was never recorded."),
            amount=refund.money,
        ),
    )


def refund_gone_at_stripe(refund: Refund, stripe_id: str) -> Mismatch:
    """A refund recorded here with a Stripe id Stripe does not know."""
    return _recorded(
        refund,
        MismatchKind.MISSING_AT_STRIPE,
        said(
            N_("The refund of {amount} recorded here ({refund}) does not exist at Stripe."),
            amount=refund.money,
            refund=stripe_id,
        ),
        stripe_id=stripe_id,
        settleable=False,
        why_not=N_(
            "Look the refund up in the Stripe Dashboard; the app does not remove a recorded "
            "refund by itself."
        ),
    )
