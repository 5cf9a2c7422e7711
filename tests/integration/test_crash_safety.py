"""Killing the app (SIGKILL) around each Stripe mutation loses nothing and duplicates nothing.
Only the command that crashes runs in its own process (a SIGKILL must kill a process, not this
one); the commands around it run `cli.main` in this one (tests/cli_here.py)."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from tests import patient_http
from tests.cli_here import run_here, run_json_here
from tests.integration.test_cli import _at, run
from tests.payments import pay


def _stripe(api_base: str, path: str, **params: Any) -> list[dict[str, Any]]:
    response = patient_http.get(
        f"{api_base}{path}",
        params={"limit": 100, **params},
        headers={"Authorization": "Bearer sk_test_x"},
        timeout=10,
    )
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _crash(env: dict[str, str], point: str, *args: str) -> None:
    result = run({**env, "POS_FAILPOINTS": point}, *args)
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stderr)


@pytest.mark.parametrize(
    "point", ["checkout.before_create", "checkout.after_create", "checkout.after_store", None]
)
def test_charge_survives_a_crash(app_env: dict[str, str], point: str | None) -> None:
    booked = run_json_here(
        app_env, "book", "--customer", "Ada", "--service", "haircut", "--at", _at()
    )
    if point:
        _crash(app_env, point, "charge", booked["id"], "--json")
    else:
        run_json_here(app_env, "charge", booked["id"])
    # Restart: startup reconciliation (`sync`) settles what the crash left behind.
    assert run_json_here(app_env, "sync")["errors"] == []
    status = run_json_here(app_env, "status", booked["id"])
    sessions = [
        s
        for s in _stripe(app_env["POS_STRIPE_API_BASE"], "/v1/checkout/sessions")
        if s["metadata"].get("booking_id") == booked["id"]
    ]
    assert len(sessions) == 1, "exactly one Checkout Session at Stripe"
    assert status["status"] == "awaiting_payment"
    assert [p["session_id"] for p in status["payments"]] == [sessions[0]["id"]]
    # Charging again hands out the same link, not a second session.
    assert run_json_here(app_env, "charge", booked["id"])["session_id"] == sessions[0]["id"]


@pytest.mark.parametrize(
    "point", ["refund.before_create", "refund.after_create", "refund.after_store", None]
)
def test_refund_survives_a_crash(app_env: dict[str, str], point: str | None) -> None:
    booked = run_json_here(
        app_env, "book", "--customer", "Ada", "--service", "haircut", "--at", _at()
    )
    pay(run_json_here(app_env, "charge", booked["id"])["url"])
    paid = run_json_here(app_env, "status", booked["id"])
    assert paid["status"] == "paid"
    if point:
        _crash(app_env, point, "refund", booked["id"], "--amount", "10.00", "--json")
    else:
        run_json_here(app_env, "refund", booked["id"], "--amount", "10.00")
    assert run_json_here(app_env, "sync")["errors"] == []
    refunds = _stripe(
        app_env["POS_STRIPE_API_BASE"],
        "/v1/refunds",
        payment_intent=paid["payments"][0]["payment_intent_id"],
    )
    assert [r["amount"] for r in refunds] == [1000], "exactly one refund at Stripe"
    local = run_json_here(app_env, "status", booked["id"])["refunds"]
    assert [(r["stripe_refund_id"], r["amount"]) for r in local] == [(refunds[0]["id"], 1000)]
    # What is left to refund agrees with Stripe: 25.00 more is accepted, 0.01 beyond is not.
    over = run_here(app_env, "refund", booked["id"], "--amount", "25.01")
    assert over.returncode == 1 and "at most $25.00" in over.stderr
