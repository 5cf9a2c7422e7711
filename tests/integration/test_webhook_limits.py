"""The webhook receiver under abuse: huge bodies, deeply nested JSON, floods of forgeries.

Issue 11 item 8. Bodies are bounded before they are read, a genuinely signed but absurd
body is answered 400 and recorded, and deliveries that are not provably from Stripe are
written in batches, not one write-lock each.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx
import pytest
import stripe
from sqlalchemy import text

from pos_app.app import AppContext
from pos_app.domain.gateway_types import EventInfo
from pos_app.gateway.webhooks import verify_webhook
from pos_app.services.rejected_deliveries import FLUSH_SECONDS
from pos_app.services.retention import Retention
from pos_app.services.webhook_intake import WebhookIntake
from pos_app.sync.webhook_server import MAX_BODY_BYTES, PATH, create_webhook_app
from tests.body_probe import CHUNK, post_large

SECRET = "whsec_test_limits_secret"


class FakeMonotonic:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingUow:
    """The app's unit-of-work factory, counting the write transactions opened."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.writes = 0

    def __call__(self, *, write: bool = False) -> Any:
        if write:
            self.writes += 1
        return self._inner(write=write)


def _verify(payload: bytes, header: str | None, now: datetime) -> EventInfo:
    return verify_webhook(payload, header, SECRET, now=now)


@contextmanager
def _intake(app: AppContext) -> Iterator[tuple[WebhookIntake, CountingUow, FakeMonotonic]]:
    uow = CountingUow(app.deps.uow)
    clock = FakeMonotonic()
    deps = dataclasses.replace(app.deps, uow=uow)
    retention = Retention(deps, monotonic=clock)
    yield WebhookIntake(deps, app.sync, _verify, retention=retention, monotonic=clock), uow, clock


def _post(intake: WebhookIntake, payload: bytes, headers: dict[str, str]) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_webhook_app(intake))
        async with httpx.AsyncClient(transport=transport, base_url="http://pos") as client:
            return await client.post(PATH, content=payload, headers=headers)

    return asyncio.run(go())


def _signed(payload: bytes) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(payload.decode(), SECRET)
    return {"Stripe-Signature": header, "Content-Type": "application/json"}


def _deliveries(app: AppContext) -> list[tuple[str | None, str, str]]:
    with app.deps.uow() as uow:
        rows = uow.session.execute(  # type: ignore[attr-defined]
            text("select event_id, outcome, detail from webhook_deliveries order by id")
        )
        return [(r[0], r[1], r[2]) for r in rows]


# -- bodies bounded before they are read -----------------------------------------------


def test_a_chunked_body_over_the_cap_is_refused_after_at_most_one_chunk(
    app: AppContext,
) -> None:
    with _intake(app) as (intake, _, _):
        sent = post_large(create_webhook_app(intake), PATH, total=8 * MAX_BODY_BYTES)
    assert sent.status == 413
    assert sent.read <= MAX_BODY_BYTES + CHUNK
    assert json.loads(sent.text)["outcome"] == "rejected"


def test_a_declared_length_over_the_cap_is_refused_unread(app: AppContext) -> None:
    with _intake(app) as (intake, _, _):
        sent = post_large(
            create_webhook_app(intake), PATH, total=8 * MAX_BODY_BYTES, declare_length=True
        )
    assert (sent.status, sent.read) == (413, 0)


def test_a_body_at_the_cap_is_read_and_judged(app: AppContext) -> None:
    with _intake(app) as (intake, _, _):
        sent = post_large(create_webhook_app(intake), PATH, total=MAX_BODY_BYTES)
    # Read whole, then refused for what it is (no signature), not for its size.
    assert (sent.status, sent.read) == (400, MAX_BODY_BYTES)


# -- deeply nested JSON ------------------------------------------------------------------


def _nested(depth: int) -> bytes:
    inner = '{"a":' * depth + "1" + "}" * depth
    return (
        '{"id":"evt_deep_1","object":"event","type":"checkout.session.completed",'
        '"created":1,"data":{"object":' + inner + "}}"
    ).encode()


@pytest.mark.parametrize(
    "depth",
    [
        100_000,  # deeper than json.loads goes
        900,  # json.loads copes; building the SDK's objects recurses deeper
    ],
)
def test_signed_but_deeply_nested_json_is_answered_400_and_recorded(
    app: AppContext, depth: int
) -> None:
    payload = _nested(depth)
    with _intake(app) as (intake, _, _):
        response = _post(intake, payload, _signed(payload))
    assert response.status_code == 400
    assert response.json()["outcome"] == "rejected"
    assert "nested too deeply" in response.json()["error"]
    # Signed with the secret: recorded at once, not left in the batch of forgeries.
    assert _deliveries(app) == [
        (None, "rejected", "The body is JSON nested too deeply to be an event.")
    ]


# -- floods of forgeries -----------------------------------------------------------------


def test_a_flood_of_bad_signatures_takes_the_write_lock_once_per_interval(
    app: AppContext,
) -> None:
    payload = b'{"id": "evt_forged", "object": "event"}'
    forged = {"Stripe-Signature": f"t={int(time.time())},v1=" + "0" * 64}
    flood = 300
    with _intake(app) as (intake, uow, clock):
        for _ in range(flood):
            assert intake.handle(payload, forged["Stripe-Signature"]).status == 400
        # The first forgery after a quiet spell is written at once; the rest wait.
        assert uow.writes == 1
        assert len(_deliveries(app)) == 1
        assert intake.rejections.pending() == flood - 1
        clock.now += FLUSH_SECONDS - 0.001
        intake.rejections.flush_if_due()
        assert uow.writes == 1  # not yet an interval
        clock.now += 0.001
        intake.rejections.flush_if_due()
        assert uow.writes == 2
    rows = _deliveries(app)
    assert [r[1] for r in rows] == ["rejected", "rejected"]
    assert rows[0][2].startswith("The signature does not match")
    assert f"({flood - 1:,} deliveries from " in rows[1][2]


def test_unsigned_rejections_still_answer_at_once_and_close_writes_the_rest(
    app: AppContext,
) -> None:
    with _intake(app) as (intake, uow, _):
        for _ in range(3):
            response = _post(intake, b"{}", {"Content-Type": "application/json"})
            assert response.status_code == 400
            assert response.json()["outcome"] == "rejected"
        intake.close()
        assert uow.writes == 2
        assert intake.rejections.pending() == 0
    details = [r[2] for r in _deliveries(app)]
    assert len(details) == 2 and "(2 deliveries from " in details[1]


def test_an_oversized_flood_is_counted_in_the_same_batches(app: AppContext) -> None:
    with _intake(app) as (intake, uow, _):
        webhook_app = create_webhook_app(intake)
        for _ in range(5):
            sent = post_large(webhook_app, PATH, total=2 * MAX_BODY_BYTES, declare_length=True)
            assert sent.status == 413
        assert uow.writes == 1
        intake.close()
    assert "(4 deliveries from " in _deliveries(app)[1][2]
