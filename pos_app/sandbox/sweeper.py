"""Work the sandbox owes without being asked: expiring sessions, settling refunds."""

from __future__ import annotations

from collections.abc import Callable

from pos_app.sandbox import async_capture, behaviour, refunds, sessions
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.store import Store

_BATCH = 200


def sweep(store: Store, ctx: Ctx) -> int:
    """Do everything due at ``ctx.now``; returns how many objects were handled.

    Called by the server's background task and, lazily, before every API request so a
    read never shows a session open after its ``expires_at`` or a refund pending after
    its settle time.
    """
    with store.snapshot() as tx:
        # The common case is "nothing due": answer it without taking the write lock.
        if not tx.due(ctx.now, limit=1):
            return 0
    handled = 0
    with store.transaction() as tx:
        for rec in tx.due(ctx.now, limit=_BATCH):
            handled += 1
            if rec.kind == sessions.KIND and rec.status == "open":
                sessions.expire_record(tx, ctx, rec)
            elif rec.kind == refunds.KIND:
                refunds.settle(tx, ctx, rec)
            elif rec.kind == async_capture.KIND:
                async_capture.settle(tx, ctx, rec)
            else:
                rec.due = None
                tx.update(rec)
    return handled


def sweep_all(store: Store, make_ctx: Callable[[], Ctx]) -> int:
    """:func:`sweep` until nothing is due (after the clock jumped, say)."""
    total = 0
    while True:
        handled = sweep(store, make_ctx())
        total += handled
        if handled < _BATCH:
            return total


def prune_idempotency(store: Store, now: float) -> int:
    """Forget idempotency keys older than Stripe's retention."""
    with store.transaction() as tx:
        return tx.idem_prune(now - behaviour.IDEMPOTENCY_TTL_SECONDS)
