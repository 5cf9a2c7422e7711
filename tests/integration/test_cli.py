"""The CLI as a user runs it: one JSON object on stdout, sentences on stderr. The loop's
mutations (book, charge, refund) run in a separate process; the status it polls, error
sentences and the deposit loop run `cli.main` in this one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.cli_here import run_here, run_json_here
from tests.integration.helpers import eventually
from tests.payments import pay


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    full["POS_LANGUAGE"] = "en"  # not this machine's LANG; a test of a language sets its own
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pos_app", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = run(env, *args, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # exactly one object: json.loads fails on extra output
    assert isinstance(data, dict)
    return data


def _at(hours: int = 2) -> str:
    return (datetime.now().astimezone() + timedelta(hours=hours)).replace(microsecond=0).isoformat()


def test_book_charge_pay_status_refund(app_env: dict[str, str]) -> None:
    booked = run_json(app_env, "book", "--customer", "Ada", "--service", "HAIRCUT", "--at", _at())
    assert booked["status"] == "new" and booked["amount"] == 3500 and booked["currency"] == "usd"

    charge = run_json(app_env, "charge", booked["id"])
    assert charge["booking_id"] == booked["id"]
    assert charge["session_id"].startswith("cs_test_")
    assert charge["amount"] == 3500 and charge["currency"] == "usd"
    assert isinstance(charge["expires_at"], int)
    again = run_json(app_env, "charge", booked["id"])
    assert again["session_id"] == charge["session_id"]

    pay(charge["url"])
    status = run_json_here(app_env, "status", booked["id"])
    assert status["status"] == "paid"
    assert status["paid_amount"] == 3500 and status["refunded_amount"] == 0

    refund = run_json(app_env, "refund", booked["id"], "--amount", "10.00")
    assert refund["refund"]["amount"] == 1000

    def partially() -> bool:
        return run_json_here(app_env, "status", booked["id"])["status"] == "partially_refunded"

    eventually(partially, timeout=15, interval=0.3)
    run_json(app_env, "refund", booked["id"])
    final = eventually(
        lambda: (s := run_json_here(app_env, "status", booked["id"]))["status"] == "refunded" and s,
        timeout=15,
        interval=0.3,
    )
    assert final["refunded_amount"] == 3500


def test_errors_are_one_sentence_and_change_nothing(app_env: dict[str, str]) -> None:
    bad_price = run_here(
        app_env,
        "book",
        "--customer",
        "Ada",
        "--service",
        "haircut",
        "--at",
        _at(),
        "--price",
        "10.001",
    )
    assert bad_price.returncode == 1
    assert "at most 2 decimal places" in bad_price.stderr
    assert "Traceback" not in bad_price.stderr and bad_price.stdout == ""

    unknown = run_here(app_env, "book", "--customer", "Ada", "--service", "nope", "--at", _at())
    assert unknown.returncode == 1 and "no service called" in unknown.stderr

    past = run_here(app_env, "book", "--customer", "Ada", "--service", "haircut", "--at", _at(-3))
    assert past.returncode == 1 and "in the past" in past.stderr

    missing = run_here(app_env, "status", "bk_missing")
    assert missing.returncode == 1 and "no booking" in missing.stderr

    usage = run_here(app_env, "book", "--customer", "Ada")
    assert usage.returncode == 2

    sync = run_json_here(app_env, "sync")
    assert sync["errors"] == []


def test_charge_without_a_running_sandbox_starts_one_that_outlives_the_cli(
    tmp_path: Path,
) -> None:
    env = {"POS_DATA_DIR": str(tmp_path / "data"), "POS_TIMEZONE": "UTC"}
    # Booking needs no sandbox (nor a process of its own); the charge starts one.
    booked = run_json_here(env, "book", "--customer", "Ada", "--service", "haircut", "--at", _at())
    assert not (tmp_path / "data" / "sandbox.json").exists()
    charge = run_json(env, "charge", booked["id"])
    record = json.loads((tmp_path / "data" / "sandbox.json").read_text())
    try:
        # The CLI has exited; the link it printed still works.
        page = httpx.get(charge["url"], timeout=5)
        assert page.status_code == 200 and "Haircut" in page.text
        # A second command reuses the recorded sandbox instead of starting another.
        again = run_json(env, "charge", booked["id"])
        assert again["session_id"] == charge["session_id"]
        assert json.loads((tmp_path / "data" / "sandbox.json").read_text())["pid"] == record["pid"]
    finally:
        os.kill(record["pid"], signal.SIGTERM)


def test_sandbox_command_records_its_address_and_removes_it_on_stop(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    env["POS_DATA_DIR"] = str(data)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pos_app", "sandbox", "--port", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    record = data / "sandbox.json"
    try:
        eventually(record.exists, timeout=15)
        url = json.loads(record.read_text())["url"]
        assert httpx.get(f"{url}/healthz", timeout=5).json()["ok"] is True
        # The app in sandbox mode finds and uses it instead of starting its own.
        booked = run_json_here(
            {"POS_DATA_DIR": str(data), "POS_TIMEZONE": "UTC"},
            "book",
            "--customer",
            "Ada",
            "--service",
            "svc_haircut",
            "--at",
            _at(),
        )
        charge = run_json_here(
            {"POS_DATA_DIR": str(data), "POS_TIMEZONE": "UTC"}, "charge", booked["id"]
        )
        assert charge["url"].startswith(url)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    assert not record.exists()


def test_deposit_then_cash_from_the_cli(app_env: dict[str, str]) -> None:
    booked = run_json_here(
        app_env, "book", "--customer", "Bo", "--service", "haircut", "--at", _at()
    )
    deposit = run_json_here(app_env, "charge", booked["id"], "--deposit", "10.00")
    assert deposit["amount"] == 1000
    pay(deposit["url"])
    status = run_json_here(app_env, "status", booked["id"])
    assert status["status"] == "deposit_paid"
    assert (status["paid_amount"], status["balance_due"]) == (1000, 2500)
    card = status["payments"][0]
    assert card["method"] == "card" and card["fee"] is not None and card["charge_id"]

    too_much = run_here(app_env, "pay-cash", booked["id"], "--amount", "30.00")
    assert too_much.returncode == 1 and "balance due is $25.00" in too_much.stderr
    cash = run_json_here(app_env, "pay-cash", booked["id"])
    assert cash["status"] == "paid" and cash["payment"]["amount"] == 2500
    assert [p["method"] for p in cash["payments"]] == ["card", "cash"]


def test_lan_setting_puts_the_machines_address_in_payment_links(tmp_path: Path) -> None:
    from urllib.parse import urlsplit

    from pos_app.sandbox.lan import lan_ip

    env = {"POS_DATA_DIR": str(tmp_path / "data"), "POS_TIMEZONE": "UTC", "POS_SANDBOX_LAN": "1"}
    booked = run_json_here(env, "book", "--customer", "Ada", "--service", "haircut", "--at", _at())
    charge = run_json(env, "charge", booked["id"])
    record = json.loads((tmp_path / "data" / "sandbox.json").read_text())
    try:
        assert urlsplit(record["url"]).hostname == "127.0.0.1"  # the app's own API address
        assert urlsplit(charge["url"]).hostname == (lan_ip() or "127.0.0.1")
        assert urlsplit(record["public_url"]).hostname == urlsplit(charge["url"]).hostname
        # Only ever fetched over loopback here: the page itself is served on every interface.
        path = urlsplit(charge["url"]).path
        assert httpx.get(f"{record['url']}{path}", timeout=5).status_code == 200
    finally:
        os.kill(record["pid"], signal.SIGTERM)
