"""A refund whose status Stripe reports as null (``Refund.status`` is ``Optional[str]`` in
stripe 16.1) is no news: nothing crashes and the status the app knows is kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_app.domain.gateway_types import RefundInfo
from pos_app.domain.payment import Refund, RefundStatus

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def _refund(status: RefundStatus) -> Refund:
    return Refund(
        id="rf_1",
        payment_id="pay_1",
        booking_id="bk_1",
        amount=1000,
        currency="usd",
        reason=None,
        status=status,
        idempotency_key="pos-app:refund:rf_1",
        created_at=NOW,
    )


def _info(status: str | None, **extra: object) -> RefundInfo:
    fields: dict[str, object] = {"failure_reason": None, **extra}
    return RefundInfo(
        id="re_1",
        status=status,
        amount=1000,
        currency="usd",
        payment_intent_id="pi_1",
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "known", [RefundStatus.CREATING, RefundStatus.PENDING, RefundStatus.SUCCEEDED]
)
def test_a_null_status_keeps_the_known_one(known: RefundStatus) -> None:
    refund = _refund(known)
    refund.apply_stripe(_info(None))
    assert refund.status is known
    assert refund.stripe_refund_id == "re_1"  # the rest of the snapshot is still taken


def test_a_null_status_still_records_the_fee() -> None:
    refund = _refund(RefundStatus.SUCCEEDED)
    changed = refund.apply_stripe(_info(None, balance_transaction_id="txn_1", fee=0, net=-1000))
    assert changed and refund.status is RefundStatus.SUCCEEDED
    assert (refund.stripe_balance_transaction_id, refund.net_amount) == ("txn_1", -1000)


def test_a_status_this_version_does_not_know_is_no_news_either() -> None:
    refund = _refund(RefundStatus.PENDING)
    refund.apply_stripe(_info("some_future_status"))
    assert refund.status is RefundStatus.PENDING


def test_a_real_status_still_applies() -> None:
    refund = _refund(RefundStatus.PENDING)
    assert refund.apply_stripe(_info("failed", failure_reason="lost_or_stolen_card"))
    assert refund.status is RefundStatus.FAILED
    assert refund.failure_reason == "lost_or_stolen_card"
