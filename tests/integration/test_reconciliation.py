"""Reconciliation against the sandbox: a normal day matches; each kind of difference is
produced honestly, listed with a sentence, settled from Stripe, and the next comparison is
clean."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import stripe

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.errors import InvalidStateError, PermissionDeniedError, ValidationError
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus, RefundStatus
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.services.reconciliation import Mismatch, MismatchKind, Reconciliation
from tests.integration.helpers import book, eventually
from tests.payments import REFUND_PENDING_FIRST, SUCCESS, pay


@dataclass(frozen=True)
class Paid:
    booking_id: str
    payment_id: str
    payment_intent_id: str


def _range() -> tuple[date, date]:
    # Yesterday to tomorrow: a test that runs across midnight still covers its payments.
    today = datetime.now(UTC).date()
    return today - timedelta(days=1), today + timedelta(days=1)


def compare(app: AppContext) -> Reconciliation:
    return app.reconciliation.compare(*_range())


def paid_booking(app: AppContext, *, sync: bool = True, card: str = SUCCESS) -> Paid:
    """A booking paid by card on the hosted page; ``sync=False`` leaves the local row open."""
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url is not None
    pay(view.url, card)
    if sync:
        assert app.checkout.refresh(view.payment_id).status is PaymentStatus.SUCCEEDED
    session_id = view.session_id
    assert session_id is not None
    session = app.deps.gateway.retrieve_checkout_session(session_id)
    assert session.payment_intent_id is not None
    return Paid(booking.id, view.payment_id, session.payment_intent_id)


def only(result: Reconciliation) -> Mismatch:
    assert len(result.mismatches) == 1, [m.sentence for m in result.mismatches]
    return result.mismatches[0]


def settle_and_recheck(app: AppContext, mismatch: Mismatch) -> str:
    sentence = app.reconciliation.settle_from_stripe(mismatch)
    again = compare(app)
    assert again.clean, [m.sentence for m in again.mismatches]
    return sentence


def refund_settled_at_stripe(client: stripe.StripeClient, refund_id: str) -> None:
    eventually(lambda: client.v1.refunds.retrieve(refund_id).status == "succeeded")


@pytest.fixture
def loop(app: AppContext) -> Iterator[Paid]:
    """The normal day: a card payment, part refunded and synced, and cash for another."""
    paid = paid_booking(app)
    app.refunds.refund(paid.booking_id, "5.00")
    eventually(
        lambda: (
            app.sync.sync_once(full=True) is not None
            and all(
                r.status is RefundStatus.SUCCEEDED
                for r in app.bookings.detail(paid.booking_id).refunds
            )
        ),
    )
    app.cash.record(book(app, name="Cash Customer").id)
    yield paid


def test_a_normal_day_matches_stripe(app: AppContext, loop: Paid) -> None:
    result = compare(app)
    assert result.clean, [m.sentence for m in result.mismatches]
    assert (result.matched_payments, result.matched_refunds) == (1, 1)  # cash is not Stripe's
    assert (result.local_payments, result.local_refunds) == (1, 1)
    assert (result.stripe_charges, result.stripe_refunds) == (1, 1)
    assert result.summary() == "All 2 payments and refunds match Stripe."
    assert result.to_json()["mismatches"] == []


def test_an_amount_edited_here_is_listed_and_settled(app: AppContext, loop: Paid) -> None:
    with app.deps.uow(write=True) as uow:
        payment = uow.payments.get(loop.payment_id, for_update=True)
        assert payment is not None
        real = payment.amount
        payment.amount = real + 1000
        uow.commit()
    mismatch = only(compare(app))
    assert mismatch.kind is MismatchKind.AMOUNT_DIFFERS
    assert (mismatch.local_amount, mismatch.stripe_amount) == (real + 1000, real)
    assert mismatch.local_id == loop.payment_id and mismatch.stripe_id
    assert "here but" in mismatch.sentence and mismatch.settleable
    sentence = settle_and_recheck(app, mismatch)
    assert "as at Stripe" in sentence
    with app.deps.uow() as uow:
        fixed = uow.payments.get(loop.payment_id)
        booking = uow.bookings.get(loop.booking_id)
    assert fixed is not None and fixed.amount == real
    assert booking is not None and booking.paid_amount == real  # the ledger followed
    entries = app.audit.query(AuditQuery(actions=frozenset({AuditAction.PAYMENT_CORRECTED})))
    assert len(entries) == 1 and "Settled from Stripe: amount" in entries[0].detail


def test_a_wrong_fee_here_is_listed_and_settled(app: AppContext, loop: Paid) -> None:
    with app.deps.uow(write=True) as uow:
        payment = uow.payments.get(loop.payment_id, for_update=True)
        assert payment is not None and payment.fee_amount is not None
        stripe_fee = payment.fee_amount
        payment.fee_amount = stripe_fee + 7
        uow.commit()
    mismatch = only(compare(app))
    assert mismatch.kind is MismatchKind.FEE_DIFFERS
    assert (mismatch.local_fee, mismatch.stripe_fee) == (stripe_fee + 7, stripe_fee)
    assert settle_and_recheck(app, mismatch).startswith("Recorded Stripe's fee")
    with app.deps.uow() as uow:
        fixed = uow.payments.get(loop.payment_id)
    assert fixed is not None and fixed.fee_amount == stripe_fee


def test_a_payment_made_at_stripe_before_any_sync_is_missing_here(app: AppContext) -> None:
    paid = paid_booking(app, sync=False)
    mismatch = only(compare(app))
    assert mismatch.kind is MismatchKind.MISSING_LOCALLY
    assert mismatch.local_state == "open" and mismatch.stripe_state == "succeeded"
    assert mismatch.local_id == paid.payment_id
    assert mismatch.sentence.startswith("Stripe took $35.00")
    assert settle_and_recheck(app, mismatch) == "Recorded the payment of $35.00 from Stripe."
    detail = app.bookings.detail(paid.booking_id)
    assert detail.booking.paid_amount == 3500
    assert detail.payments[0].fee_amount is not None  # the fee came with it
    # Settling again is harmless: Stripe's state is already applied.
    assert app.reconciliation.settle_from_stripe(mismatch).startswith("Already in line")


def test_a_refund_made_in_the_dashboard_is_recorded(
    app: AppContext, loop: Paid, stripe_client: stripe.StripeClient
) -> None:
    made = stripe_client.v1.refunds.create(
        {"payment_intent": loop.payment_intent_id, "amount": 700}
    )
    refund_settled_at_stripe(stripe_client, made.id)
    mismatch = only(compare(app))
    assert (mismatch.kind, mismatch.object_type) == (MismatchKind.MISSING_LOCALLY, "refund")
    assert mismatch.stripe_id == made.id and mismatch.stripe_amount == 700
    assert mismatch.booking_id == loop.booking_id
    booking = app.bookings.detail(loop.booking_id).booking
    # The booking in words for the screen and the JSON, not its bk_ id.
    assert mismatch.booking_label == f"{booking.customer_name} · {booking.service_name}"
    assert compare(app).to_json()["mismatches"][0]["booking"] == mismatch.booking_label  # type: ignore[index]
    sentence = settle_and_recheck(app, mismatch)
    assert sentence == "Recorded the refund of $7.00 made at Stripe (succeeded)."
    detail = app.bookings.detail(loop.booking_id)
    assert detail.booking.refunded_amount == 500 + 700
    recorded = next(r for r in detail.refunds if r.stripe_refund_id == made.id)
    assert recorded.status is RefundStatus.SUCCEEDED and "Made at Stripe" in recorded.note
    # A second settle of the same Stripe refund records nothing twice.
    app.reconciliation.settle_from_stripe(mismatch)
    assert len(app.bookings.detail(loop.booking_id).refunds) == 2


def test_a_refund_pending_here_but_succeeded_at_stripe(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    # Stripe's "asynchronous success" card: its refunds are pending at first.
    paid = paid_booking(app, card=REFUND_PENDING_FIRST)
    outcome = app.refunds.refund(paid.booking_id, "10.00")
    (refund,) = outcome.refunds
    assert refund.status is RefundStatus.PENDING and refund.stripe_refund_id is not None
    refund_settled_at_stripe(stripe_client, refund.stripe_refund_id)  # no sync ran here
    mismatch = only(compare(app))
    assert (mismatch.kind, mismatch.object_type) == (MismatchKind.STATE_DIFFERS, "refund")
    assert (mismatch.local_state, mismatch.stripe_state) == ("pending", "succeeded")
    assert settle_and_recheck(app, mismatch).endswith("is now succeeded, as at Stripe.")
    assert app.bookings.detail(paid.booking_id).booking.refunded_amount == 1000


def test_a_payment_stripe_never_took_cannot_be_settled_automatically(app: AppContext) -> None:
    booking = book(app)
    now = datetime.now(UTC)
    with app.deps.uow(write=True) as uow:
        uow.payments.add(
            Payment(
                id="pay_ghost",
                booking_id=booking.id,
                method=PaymentMethod.CARD,
                status=PaymentStatus.SUCCEEDED,
                amount=3500,
                currency="usd",
                idempotency_key="checkout:pay_ghost",
                created_at=now,
                paid_at=now,
                stripe_session_id="cs_test_ghost",
                stripe_payment_intent_id="pi_ghost",
            )
        )
        uow.commit()
    mismatch = only(compare(app))
    assert mismatch.kind is MismatchKind.MISSING_AT_STRIPE and not mismatch.settleable
    assert mismatch.sentence == (
        "The card payment of $35.00 is recorded as paid here, but Stripe has no charge for it."
    )
    with pytest.raises(InvalidStateError, match="never undoes a recorded payment"):
        app.reconciliation.settle_from_stripe(mismatch)
    outcome = app.reconciliation.settle_all([mismatch])
    assert outcome.settled == [] and len(outcome.failed) == 1


def test_only_managers_reconcile_and_the_range_is_checked(app: AppContext) -> None:
    start, end = _range()
    staff = Actor("usr_staff", "Sam Lee", Role.STAFF)
    with pytest.raises(PermissionDeniedError, match="Only a manager"):
        app.reconciliation.compare(start, end, actor=staff)
    app.deps.desk.sign_in(staff)
    with pytest.raises(PermissionDeniedError):
        app.reconciliation.compare(start, end)
    with pytest.raises(PermissionDeniedError):
        app.reconciliation.settle_all([])
    app.deps.desk.sign_in(Actor(None, "Manager", Role.MANAGER))
    with pytest.raises(ValidationError, match="must not be before"):
        app.reconciliation.compare(end, start)
    with pytest.raises(ValidationError, match="at most"):
        app.reconciliation.compare(start - timedelta(days=200), end)


def test_the_command_line_lists_and_settles_differences(
    app: AppContext,
    app_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pos_app.cli import main

    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    paid_booking(app, sync=False)
    start, end = (d.isoformat() for d in _range())
    assert main(["reconcile", "--from", start, "--to", end]) == 0
    out = capsys.readouterr().out
    assert "Missing here: Stripe took $35.00" in out
    assert out.strip().endswith("0 match; 1 difference with Stripe to look at.")
    assert main(["reconcile", "--from", start, "--to", end, "--settle", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["mismatches"] == [] and data["matched"] == {"payments": 1, "refunds": 0}
    assert data["settled"] == ["Recorded the payment of $35.00 from Stripe."]


def test_the_command_lines_settled_lines_speak_the_ui_language(
    app: AppContext,
    app_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pos_app.cli import main

    for key, value in {**app_env, "POS_LANGUAGE": "de"}.items():
        monkeypatch.setenv(key, value)
    paid_booking(app, sync=False)
    start, end = (d.isoformat() for d in _range())
    assert main(["reconcile", "--from", start, "--to", end, "--settle"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    # The prefix is the catalog's ("settled: " was English in every language), around the
    # service's own sentence in German and German money.
    assert first == "Geklärt: Die Zahlung über 35,00\u00a0$ von Stripe übernommen."
