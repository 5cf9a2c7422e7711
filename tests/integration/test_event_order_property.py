"""Property: whatever order, duplication or delay events arrive in, and however stale a
re-read is (an older snapshot of the object, as a lagging read can give), the database ends
up agreeing with Stripe (here the sandbox), read directly, and the audit log holds exactly
one entry per real change of state."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.audit import AuditAction
from pos_app.domain.gateway_types import EventInfo
from pos_app.domain.payment import PaymentStatus
from pos_app.domain.ports import AuditQuery
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from pos_app.services import settle
from pos_app.services.payment_sync import EVENT_TYPES
from tests import patient_http
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import book, eventually
from tests.payments import DECLINED, REFUND_FAILS_LATER, REFUND_PENDING_FIRST, SUCCESS, pay

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
            # Refunds succeed at once, go pending -> succeeded, or succeeded -> failed.
            "card": st.sampled_from([SUCCESS, REFUND_PENDING_FIRST, REFUND_FAILS_LATER]),
            "refunds": st.lists(st.sampled_from(["5.00", "10.00", None]), max_size=2),
        }
    ),
    min_size=1,
    max_size=3,
)


#: The audit entries a payment's or refund's changes of state write, given Stripe's final state
#: (a refund of REFUND_FAILS_LATER succeeds, then fails: two real changes).
PAYMENT_AUDIT = {
    "complete": [AuditAction.CHECKOUT_CREATED, AuditAction.PAYMENT_SUCCEEDED],
    "expired": [AuditAction.CHECKOUT_CREATED, AuditAction.CHECKOUT_EXPIRED],
    "open": [AuditAction.CHECKOUT_CREATED],
}
REFUND_AUDIT = {
    "succeeded": [AuditAction.REFUND_SUCCEEDED],
    "failed": [AuditAction.REFUND_SUCCEEDED, AuditAction.REFUND_FAILED],
}
STATE_ACTIONS = frozenset(
    {
        AuditAction.CHECKOUT_CREATED,
        AuditAction.CHECKOUT_CANCELLED,
        AuditAction.CHECKOUT_EXPIRED,
        AuditAction.PAYMENT_SUCCEEDED,
        AuditAction.PAYMENT_FAILED,
        AuditAction.PAYMENT_PROCESSING,
        AuditAction.REFUND_SUCCEEDED,
        AuditAction.REFUND_FAILED,
    }
)

S = TypeVar("S")


class _Snapshots(Generic[S]):
    """Every distinct snapshot Stripe gave of one object, oldest first."""

    def __init__(self) -> None:
        self.seen: list[S] = []

    def fresh(self, snapshot: S) -> None:
        if not self.seen or self.seen[-1] != snapshot:
            self.seen.append(snapshot)


class StaleReads:
    """Wraps the app's gateway: with probability ``p`` a re-read of a session or refund
    answers an OLDER snapshot Stripe gave earlier (a lagging replica, a slow read overtaken
    by a newer one) instead of the current one."""

    def __init__(self, gateway: Any, rng: random.Random) -> None:
        self.p = 0.0
        self._rng = rng
        self._history: dict[object, _Snapshots[Any]] = {}
        real_session = gateway.retrieve_checkout_session
        real_create_session = gateway.create_checkout_session
        real_refund = gateway.retrieve_refund
        real_create_refund = gateway.create_refund

        def retrieve_session(session_id: str, **kw: Any) -> Any:
            return self._answer(("cs", session_id), real_session(session_id, **kw))

        def create_session(request: Any, **kw: Any) -> Any:
            info = real_create_session(request, **kw)
            self._remember(("cs", info.id), info)
            return info

        def retrieve_refund(refund_id: str) -> Any:
            return self._answer(("re", refund_id), real_refund(refund_id))

        def create_refund(request: Any, **kw: Any) -> Any:
            info = real_create_refund(request, **kw)
            self._remember(("re", info.id), info)
            return info

        # Instance attributes shadow the methods for every service sharing this gateway.
        gateway.retrieve_checkout_session = retrieve_session
        gateway.create_checkout_session = create_session
        gateway.retrieve_refund = retrieve_refund
        gateway.create_refund = create_refund

    def _remember(self, key: object, snapshot: Any) -> _Snapshots[Any]:
        history = self._history.setdefault(key, _Snapshots())
        history.fresh(snapshot)
        return history

    def _answer(self, key: object, snapshot: Any) -> Any:
        older = [s for s in self._remember(key, snapshot).seen if s != snapshot]
        if older and self._rng.random() < self.p:
            return self._rng.choice(older)
        return snapshot


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


def _deliver_scrambled(
    ctx: AppContext, events: list[EventInfo], rng: random.Random, stale: StaleReads
) -> None:
    """Some events twice, in any order, some held back for later (the caller delivers all
    of them again at the end), some re-reads stale. The charge screen's reads after it are
    fresh (a stale one would only hide the payment the refunds need)."""
    stream = [e for e in events if rng.random() < 0.7] + rng.sample(events, k=len(events) // 3)
    rng.shuffle(stream)
    stale.p = 0.3
    for event in stream:
        ctx.sync.process_event(event)
    stale.p = 0.0


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
    stale = StaleReads(ctx.deps.gateway, rng)
    views = [ctx.checkout.start(book(ctx, name=f"Customer {i}").id) for i in range(len(histories))]
    for view, plan in zip(views, histories, strict=True):
        assert view.url and view.session_id
        if plan["outcome"] == "decline_then_pay":
            pay(view.url, DECLINED)
        if plan["outcome"] in ("pay", "decline_then_pay"):
            pay(view.url, plan["card"])
        elif plan["outcome"] == "expire":
            # Closed elsewhere (another station, the Dashboard): the app hears of it by event.
            patient_http.post(
                f"{base}/v1/checkout/sessions/{view.session_id}/expire", headers=AUTH
            ).raise_for_status()
        _deliver_scrambled(ctx, _events_since(ctx, cursor), rng, stale)
        if plan["outcome"] in ("pay", "decline_then_pay"):
            ctx.checkout.refresh(view.payment_id)  # the charge screen sees it, refunds allowed
            for amount in plan["refunds"]:
                if ctx.refunds.refundable(view.booking_id).amount > 0:
                    ctx.refunds.refund(view.booking_id, amount)
                _deliver_scrambled(ctx, _events_since(ctx, cursor), rng, stale)

    # Let the sandbox settle every refund (an asynchronous test card's second half), then
    # deliver the whole feed once more, scrambled, with stale re-reads.
    def settled() -> bool:
        for view, plan in zip(views, histories, strict=True):
            want = "failed" if plan["card"] == REFUND_FAILS_LATER else "succeeded"
            for refund in ctx.bookings.detail(view.booking_id).refunds:
                if _get(base, f"/v1/refunds/{refund.stripe_refund_id}")["status"] != want:
                    return False
        return True

    eventually(settled, timeout=15)
    events = _events_since(ctx, cursor)
    rng.shuffle(events)
    stale.p = 0.3
    for event in events + rng.sample(events, k=len(events) // 2):
        ctx.sync.process_event(event)
    _reread_everything(ctx, views, stale, rng)

    for view in views:
        detail = ctx.bookings.detail(view.booking_id)
        session = _get(base, f"/v1/checkout/sessions/{view.session_id}")
        (payment,) = detail.payments
        assert payment.status is SESSION_STATUS[session["status"]]
        paid = session["amount_total"] if session["status"] == "complete" else 0
        assert detail.booking.paid_amount == paid
        entries = ctx.audit.query(
            AuditQuery(booking_id=view.booking_id, actions=STATE_ACTIONS, limit=10_000)
        )
        entries.sort(key=lambda e: e.id or 0)
        assert [e.action for e in entries if e.refund_id is None] == PAYMENT_AUDIT[
            session["status"]
        ]
        refunded = 0
        for refund in detail.refunds:
            remote = _get(base, f"/v1/refunds/{refund.stripe_refund_id}")
            assert refund.status.value == remote["status"]
            refunded += remote["amount"] if remote["status"] == "succeeded" else 0
            mine = [e.action for e in entries if e.refund_id == refund.id]
            assert mine == REFUND_AUDIT[remote["status"]]  # once per real change
        assert detail.booking.refunded_amount == refunded


def _reread_everything(
    ctx: AppContext, views: list[Any], stale: StaleReads, rng: random.Random
) -> None:
    """Late re-reads of every session and refund (reconciliation, a late webhook), in any
    order, about half of them stale; the last read of each object is fresh, so Stripe's
    final state is always seen at least once after the stale ones."""
    reads: list[tuple[str, str, str]] = []
    for view in views:
        detail = ctx.bookings.detail(view.booking_id)
        for p in detail.payments:
            if p.stripe_session_id:
                reads += [("session", p.id, p.stripe_session_id)] * rng.randint(1, 3)
        for r in detail.refunds:
            if r.stripe_refund_id:
                reads += [("refund", r.id, r.stripe_refund_id)] * rng.randint(1, 3)
    rng.shuffle(reads)
    for p, batch in ((0.5, reads), (0.0, sorted(set(reads)))):
        stale.p = p
        for kind, local_id, stripe_id in batch:
            if kind == "session":
                info = ctx.deps.gateway.retrieve_checkout_session(stripe_id)
                settle.apply_session(ctx.deps, local_id, info)
            else:
                refund = ctx.deps.gateway.retrieve_refund(stripe_id)
                settle.apply_refund(ctx.deps, local_id, refund)
