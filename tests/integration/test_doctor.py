"""`pos-app doctor` against the sandbox through the real SDK, and as a user runs it."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import stripe
from sqlalchemy import text

from pos_app.app import AppContext, WebhookReceiver
from pos_app.services.doctor_session import RUN_KEY
from tests.integration.helpers import eventually

STRIPE_CHECKS = {"test_session", "events", "events_cursor", "clock"}


def make_private(folder: Path) -> None:
    """What issue 11 will make the app do itself: 0700 folders, 0600 files."""
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            Path(root, name).chmod(0o700)
        for name in files:
            Path(root, name).chmod(0o600)
    folder.chmod(0o700)


def test_every_check_passes_against_the_sandbox_and_the_session_is_closed(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    make_private(app.config.data_dir)
    report = app.doctor.run()
    checks = {c.name: c for c in report.checks}
    assert report.ok, [c.line for c in report.checks if not c.ok]
    assert report.mode == "sandbox"
    assert set(checks) >= STRIPE_CHECKS
    # Six required permissions and one optional (Customers: Write), all held by the sandbox.
    assert sum(name.startswith("permission: ") for name in checks) == 7
    assert not [c.line for c in report.checks if c.warning]
    with app.deps.uow() as uow:
        stored = uow.events.get_setting(RUN_KEY.format(station=app.deps.policy.station_id))
        run = json.loads(stored or "{}")
        assert uow.payments.unsettled() == []  # no payment row, no booking
    session = stripe_client.v1.checkout.sessions.retrieve(run["session_id"])
    assert (session.status, session.url, session.amount_total) == ("expired", None, 50)
    assert session.metadata is not None and session.metadata["purpose"] == "doctor"
    assert session.metadata["doctor_run"] == run["run_id"] and run["state"] == "done"
    assert run["session_id"] in checks["test_session"].detail


def test_a_second_run_opens_a_new_session(app: AppContext) -> None:
    first = app.doctor.run()
    second = app.doctor.run()
    sessions = [
        next(c for c in r.checks if c.name == "test_session").detail for r in (first, second)
    ]
    assert sessions[0] != sessions[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_apps_own_webhook_receiver_is_recognised(app: AppContext) -> None:
    port = _free_port()
    app.config = dataclasses.replace(
        app.config, webhook_port=port, webhook_secret="whsec_doctortest1"
    )
    before = {c.name: c for c in app.doctor.run().checks}
    assert before["webhook_port"].detail.startswith(f"Port {port} is free")
    receiver = WebhookReceiver(app, "whsec_doctortest1", "127.0.0.1", port)
    try:

        def answering() -> str | None:
            detail = {c.name: c for c in app.doctor.run().checks}["webhook_port"].detail
            return detail if "answers" in detail else None

        assert eventually(answering, timeout=10, interval=0.2) == (
            f"The webhook receiver answers at http://127.0.0.1:{port}/stripe/webhook."
        )
        with app.deps.uow() as uow:
            # The knock delivered nothing: no delivery was recorded.
            count = uow.session.execute(text("select count(*) from webhook_deliveries"))  # type: ignore[attr-defined]
            assert count.scalar_one() == 0
    finally:
        receiver.stop()


# -- the command line ----------------------------------------------------------------------


def run(env: dict[str, str], *args: str, umask: int = 0o077) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pos_app", "doctor", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(umask),
    )


def _shape(data: dict[str, Any]) -> None:
    assert set(data) == {"ok", "mode", "checks"}
    for check in data["checks"]:
        assert set(check) == {"name", "ok", "skipped", "warning", "detail"}
        assert isinstance(check["ok"], bool) and check["detail"].endswith((".", ")"))


@pytest.mark.fresh_data_dir
def test_cli_exits_0_only_when_everything_passed(app_env: dict[str, str]) -> None:
    data_dir = Path(app_env["POS_DATA_DIR"])
    data_dir.mkdir(mode=0o700, parents=True)
    good = run(app_env, "--json")
    assert good.returncode == 0, good.stdout + good.stderr
    data = json.loads(good.stdout)  # exactly one object
    _shape(data)
    assert data["ok"] is True and data["mode"] == "sandbox"

    # A receiver configured with a secret that is not one (the app tightens an open data
    # folder itself at start, so that is no longer a way to fail a check).
    broken = {**app_env, "POS_WEBHOOK_PORT": str(_free_port()), "STRIPE_WEBHOOK_SECRET": "wrong"}
    bad = run(broken, "--json")
    assert bad.returncode == 1
    data = json.loads(bad.stdout)
    _shape(data)
    assert data["ok"] is False
    assert [c["name"] for c in data["checks"] if not c["ok"]] == ["webhook_secret"]

    text = run(broken)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines[0] == "pos-app doctor: sandbox mode"
    assert any(line.startswith("✓ ") for line in lines)
    failures = [line for line in lines if line.startswith("✗ ")]
    assert len(failures) == 1 and failures[0].startswith("✗ A webhook signing secret")
    assert lines[-1].endswith("checks failed.")
    assert "Traceback" not in text.stdout + text.stderr


def test_cli_reports_an_app_that_cannot_start_as_a_failed_check(
    app_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**app_env, "POS_DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'x' / 'pos.db'}"}
    result = run(env, "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    _shape(data)
    assert [c["name"] for c in data["checks"]] == ["startup"]
    assert "Traceback" not in result.stderr
