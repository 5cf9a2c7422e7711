"""Property: whatever order, duplication or delay events arrive in, the database ends up
agreeing with Stripe (here the sandbox), read directly."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.gateway_types import EventInfo
from pos_app.domain.payment import PaymentStatus
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from pos_app.services.payment_sync import EVENT_TYPES
from tests import patient_http
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import book, eventually
from tests.payments import DECLINED, pay

AUTH = {"Authorization": "Bearer sk_test_property"}
SESSION_STATUS = {
    "complete": PaymentStatus.SUCCEEDED,
    "expired": PaymentStatus.EXPIRED,
    "open": PaymentStatus.OPEN,
}

history = st.lists(
    st.fixed_dictionaries(
        {
            "outcome": st.sampled_from(["pay", "decline_then_pay", "expire", "leave_open"]),
            "refunds": st.lists(st.sampled_from(["5.00", "10.00", None]), max_size=2),
        }
    ),
    min_size=1,
    max_size=3,
)


@pytest.fixture(scope="module")
def own_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    # Its own sandbox, so the events feed holds only this test's events.
    handle = start_in_thread(tmp_path_factory.mktemp("property") / "sandbox.sqlite3")
    yield handle
    handle.stop()


def _get(base: str, path: str, **params: Any) -> Any:
    response = patient_http.get(f"{base}{path}", params=params, headers=AUTH, timeout=10)
    response.raise_for_status()
    return response.json()


def _events_since(ctx: AppContext, cursor: str | None) -> list[EventInfo]:
    """Every event of the app's types newer than ``cursor``, oldest first."""
    out: list[EventInfo] = []
    while True:
        page = ctx.deps.gateway.list_events(types=EVENT_TYPES, ending_before=cursor, limit=100)
        if not page.events:
            return out
        out.extend(reversed(page.events))
        cursor = page.events[0].id
        if not page.has_more:
            return out


def _deliver_scrambled(ctx: AppContext, events: list[EventInfo], rng: random.Random) -> None:
    """Some events twice, in any order, some held back for later (the caller delivers all
    of them again at the end)."""
    stream = [e for e in events if rng.random() < 0.7] + rng.sample(events, k=len(events) // 3)
    rng.shuffle(stream)
    for event in stream:
        ctx.sync.process_event(event)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(histories=history, seed=st.integers(0, 2**32 - 1))
def test_any_event_order_converges_to_stripes_state(
    own_sandbox: SandboxHandle, histories: list[dict[str, Any]], seed: int
) -> None:
    rng = random.Random(seed)
    base = own_sandbox.url
    latest = _get(base, "/v1/events", limit=1)["data"]
    cursor = latest[0]["id"] if latest else None
    with tempfile.TemporaryDirectory() as tmp:
        env = {"POS_DATA_DIR": tmp, "POS_STRIPE_API_BASE": base, "POS_TIMEZONE": "UTC"}
        ctx = open_app(load_config(env), sandbox="none")
        ctx.deps.desk.sign_in(TEST_MANAGER)  # refunds need a manager
        try:
            _play(ctx, base, histories, cursor, rng)
        finally:
            ctx.close()


def _play(
    ctx: AppContext,
    base: str,
    histories: list[dict[str, Any]],
    cursor: str | None,
    rng: random.Random,
) -> None:
    views = [ctx.checkout.start(book(ctx, name=f"Customer {i}").id) for i in range(len(histories))]
    for view, plan in zip(views, histories, strict=True):
        assert view.url and view.session_id
        if plan["outcome"] == "decline_then_pay":
            pay(view.url, DECLINED)
        if plan["outcome"] in ("pay", "decline_then_pay"):
            pay(view.url)
        elif plan["outcome"] == "expire":
            # Closed elsewhere (another station, the Dashboard): the app hears of it by event.
            patient_http.post(
                f"{base}/v1/checkout/sessions/{view.session_id}/expire", headers=AUTH
            ).raise_for_status()
        _deliver_scrambled(ctx, _events_since(ctx, cursor), rng)
        if plan["outcome"] in ("pay", "decline_then_pay"):
            ctx.checkout.refresh(view.payment_id)  # the charge screen sees it, refunds allowed
            for amount in plan["refunds"]:
                if ctx.refunds.refundable(view.booking_id).amount > 0:
                    ctx.refunds.refund(view.booking_id, amount)
                _deliver_scrambled(ctx, _events_since(ctx, cursor), rng)

    # Let the sandbox settle every refund, then deliver the whole feed once more, scrambled.
    def settled() -> bool:
        refunds = _get(base, "/v1/refunds", limit=100)["data"]
        return all(r["status"] != "pending" for r in refunds)

    eventually(settled, timeout=15)
    events = _events_since(ctx, cursor)
    rng.shuffle(events)
    for event in events + rng.sample(events, k=len(events) // 2):
        ctx.sync.process_event(event)

    for view in views:
        detail = ctx.bookings.detail(view.booking_id)
        session = _get(base, f"/v1/checkout/sessions/{view.session_id}")
        (payment,) = detail.payments
        assert payment.status is SESSION_STATUS[session["status"]]
        paid = session["amount_total"] if session["status"] == "complete" else 0
        assert detail.booking.paid_amount == paid
        refunded = 0
        for refund in detail.refunds:
            remote = _get(base, f"/v1/refunds/{refund.stripe_refund_id}")
            assert refund.status.value == remote["status"]
            refunded += remote["amount"] if remote["status"] == "succeeded" else 0
        assert detail.booking.refunded_amount == refunded
