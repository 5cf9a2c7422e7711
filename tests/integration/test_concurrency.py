"""Several processes (stations) acting on one booking at once. Only the racing commands run as
processes; the booking, payment and status around them run `cli.main` in this one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.cli_here import run_json_here
from tests.integration.test_cli import _at
from tests.payments import pay


def _together(env: dict[str, str], *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command at once, then collect them."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    full.update(env)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pos_app", *cmd],
            env=full,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for cmd in commands
    ]
    results = []
    for cmd, proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(cmd, proc.returncode, out, err))
    return results


def test_four_stations_charging_one_booking_share_one_session(app_env: dict[str, str]) -> None:
    booked = run_json_here(
        app_env, "book", "--customer", "Ada", "--service", "haircut", "--at", _at()
    )
    results = _together(app_env, *[["charge", booked["id"], "--json"] for _ in range(4)])
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    sessions = {json.loads(r.stdout)["session_id"] for r in results}
    assert len(sessions) == 1
    assert len(run_json_here(app_env, "status", booked["id"])["payments"]) == 1


def test_two_stations_refunding_at_once_never_refund_more_than_was_paid(
    app_env: dict[str, str],
) -> None:
    booked = run_json_here(
        app_env, "book", "--customer", "Ada", "--service", "haircut", "--at", _at()
    )
    pay(run_json_here(app_env, "charge", booked["id"])["url"])
    assert run_json_here(app_env, "status", booked["id"])["status"] == "paid"
    results = _together(
        app_env,
        ["refund", booked["id"], "--amount", "20.00", "--json"],
        ["refund", booked["id"], "--amount", "20.00", "--json"],
    )
    ok = [r for r in results if r.returncode == 0]
    refused = [r for r in results if r.returncode != 0]
    assert len(ok) == 1 and len(refused) == 1
    assert "at most $15.00" in refused[0].stderr
    status: dict[str, Any] = run_json_here(app_env, "status", booked["id"])
    held = sum(r["amount"] for r in status["refunds"] if r["status"] != "failed")
    assert held == 2000 <= status["paid_amount"]
