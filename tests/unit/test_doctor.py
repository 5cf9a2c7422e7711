"""`pos-app doctor`'s checks on fakes: each one can fail, and says so in a sentence."""

from __future__ import annotations

import argparse
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from pos_app.cli import doctor as cli_doctor
from pos_app.domain.errors import GatewayAuthError, GatewayRejected, GatewayUnavailable
from pos_app.domain.gateway_types import CheckoutSessionInfo, PermissionCheck
from pos_app.services.doctor import (
    FAILED_UNEXPECTEDLY,
    MAX_CLOCK_SKEW_SECONDS,
    Check,
    DoctorReport,
)
from pos_app.services.doctor_local import PortState
from tests.unit.doctor_fakes import NOW, RUN_KEY, SUCCESS_URL, Doctor, make_doctor


def by_name(doctor: Doctor) -> dict[str, Check]:
    report = doctor.service().run()
    return {c.name: c for c in report.checks}


def failed(doctor: Doctor) -> set[str]:
    return {c.name for c in doctor.service().run().checks if not c.ok}


def test_everything_passes_in_test_mode_one_line_a_check(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    report = doctor.service().run()
    assert report.ok and report.mode == "test"
    names = [c.name for c in report.checks]
    assert names[:4] == [
        "key",
        "permission: rak_checkout_session_write",
        "permission: rak_charge_read",
        "permission: rak_event_read",
    ]
    assert names[4:] == [
        "success_url",
        "test_session",
        "events",
        "events_cursor",
        "clock",
        "webhooks",
        "database",
        "schema",
        "data_dir",
    ]
    assert all(c.line.startswith("✓ ") for c in report.checks)
    checks = {c.name: c for c in report.checks}
    assert checks["key"].detail.startswith("Test mode with the secret key ending …0001")
    assert "sk_test_51H" not in json.dumps(report.to_json())  # never the key itself
    assert checks["test_session"].detail.startswith("Opened a $0.50 test session")
    assert json.loads(json.dumps(report.to_json()))["checks"][0] == {
        "name": "key",
        "ok": True,
        "skipped": False,
        "warning": False,
        "detail": checks["key"].detail,
    }


def test_the_test_session_is_the_minimum_its_key_stored_first_then_closed(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path, currency="gbp")
    doctor.service().run()
    creates = [args for name, args in doctor.stripe.calls if name == "create"]
    assert len(creates) == 1
    request, key = creates[0]
    assert (request.amount, request.currency) == (30, "gbp")  # Stripe's GBP minimum
    assert request.metadata["purpose"] == "doctor"
    assert request.success_url == SUCCESS_URL
    assert request.expires_at - NOW >= timedelta(minutes=31)  # Stripe's 30 and a margin
    # When Stripe was called, the run and its key were already in the database.
    stored = doctor.stripe.stored_at_create[0]
    assert stored is not None and stored["state"] == "creating"
    assert key == f"pos-app:doctor-checkout:{stored['run_id']}"
    assert request.metadata["doctor_run"] == stored["run_id"]
    (session_id, expire_key) = next(a for n, a in doctor.stripe.calls if n == "expire")
    assert session_id == f"cs_test_{stored['run_id']}"
    assert expire_key == f"pos-app:doctor-expire:{stored['run_id']}"
    assert doctor.db.run() == {**stored, "state": "done", "session_id": session_id}


def test_live_mode_creates_nothing_and_says_so(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path, "live", key="rk_live_51Hdoctorunittest0002")
    report = doctor.service().run()
    checks = {c.name: c for c in report.checks}
    assert report.ok
    assert "create" not in doctor.stripe.names() and doctor.db.run() is None
    session = checks["test_session"]
    assert session.skipped and session.line.startswith("– Live mode: no test session")
    assert "nothing was created that could charge anyone" in session.detail
    assert checks["key"].detail.startswith("LIVE mode with the restricted key ending …0002")


def test_a_refused_key_stops_the_stripe_checks_with_a_sentence(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.stripe.permissions_error = GatewayAuthError("Stripe did not accept the API key.")
    checks = by_name(doctor)
    assert checks["permissions"].line == "✗ Stripe did not accept the API key."
    for name in ("test_session", "events", "events_cursor"):
        assert checks[name].detail == "Not checked: Stripe did not accept the API key."
    assert not checks["clock"].ok
    assert doctor.stripe.names() == ["check_permissions"]  # nothing else was sent


def test_a_missing_permission_is_its_own_failed_line(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path, key="rk_test_51Hdoctorunittest0003")
    doctor.stripe.missing = frozenset({"rak_event_read"})
    checks = by_name(doctor)
    assert checks["permission: rak_event_read"].line == "✗ Lacks rak_event_read."
    assert checks["permission: rak_charge_read"].ok
    assert "restricted key ending …0003" in checks["key"].detail


LACKS_CUSTOMERS = PermissionCheck(
    "rak_customer_write", False, "This restricted key lacks Customers: Write.", optional=True
)


def test_a_missing_optional_permission_is_a_warning_line_not_a_failure(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path, key="rk_test_51Hdoctorunittest0004")
    doctor.stripe.optional = (LACKS_CUSTOMERS,)
    report = doctor.service().run()
    assert report.ok  # `pos-app doctor` still exits 0 for it
    checks = {c.name: c for c in report.checks}
    customers = checks["permission: rak_customer_write"]
    assert customers.ok and customers.warning and not customers.skipped
    assert customers.line == "! This restricted key lacks Customers: Write."
    [entry] = [c for c in report.to_json()["checks"] if c["name"] == customers.name]
    assert entry == {
        "name": "permission: rak_customer_write",
        "ok": True,
        "skipped": False,
        "warning": True,
        "detail": "This restricted key lacks Customers: Write.",
    }
    # Every other line is as it was: no warning on them.
    assert [c.name for c in report.checks if c.warning] == [customers.name]


def test_a_held_optional_permission_is_an_ordinary_passed_line(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.stripe.optional = (
        PermissionCheck("rak_customer_write", True, "Has Customers: Write.", optional=True),
    )
    checks = by_name(doctor)
    assert checks["permission: rak_customer_write"].line == "✓ Has Customers: Write."
    assert not checks["permission: rak_customer_write"].warning


def test_a_missing_required_permission_still_fails_beside_an_optional_one(
    tmp_path: Path,
) -> None:
    doctor = make_doctor(tmp_path)
    doctor.stripe.missing = frozenset({"rak_event_read"})
    doctor.stripe.optional = (LACKS_CUSTOMERS,)
    report = doctor.service().run()
    assert not report.ok
    assert [c.name for c in report.checks if not c.ok] == ["permission: rak_event_read"]


def test_the_cli_prints_the_warning_line_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warned = Check("permission: rak_customer_write", True, LACKS_CUSTOMERS.detail, warning=True)
    report = DoctorReport("test", (Check("key", True, "Test mode."), warned))
    monkeypatch.setattr(cli_doctor, "_report", lambda _config: report)
    assert cli_doctor.run_doctor(argparse.Namespace(json=False), object()) == 0  # type: ignore[arg-type]
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "✓ Test mode.",
        "! This restricted key lacks Customers: Write.",
        "All 2 checks passed.",
    ]
    assert cli_doctor.run_doctor(argparse.Namespace(json=True), object()) == 0  # type: ignore[arg-type]
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["checks"][1]["warning"] is True
    # A terminal that cannot print the marks reads a word instead.
    plain = io.TextIOWrapper(io.BytesIO(), encoding="cp437")
    cli_doctor._print_lines(report, plain)
    plain.seek(0)
    assert "warn This restricted key lacks Customers: Write." in plain.read().splitlines()


def test_a_key_of_the_wrong_mode_fails(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path, key="sk_live_51Hdoctorunittest0004")
    assert by_name(doctor)["key"].detail.startswith("This is a live key, but test mode")


def test_no_success_url_fails_in_test_mode_and_no_session_is_tried(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.success_url = None
    checks = by_name(doctor)
    assert not checks["success_url"].ok
    assert "After paying, customers go to" in checks["success_url"].detail
    assert checks["test_session"].detail.startswith("Not tried")
    assert "create" not in doctor.stripe.names()


def test_a_success_url_that_is_not_a_web_address_fails(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.success_url = "salon nova"
    assert "https://" in by_name(doctor)["success_url"].detail
    assert "success_url" in failed(doctor)


def test_sandbox_mode_needs_no_success_url(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path, "sandbox", key="sk_test_pos_app_sandbox")
    doctor.success_url = None
    report = doctor.service().run()
    assert report.ok
    assert "create" in doctor.stripe.names()  # the same checks run against the sandbox


def test_stripe_refusing_the_test_session_fails_it(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.stripe.create_error = GatewayRejected("The amount is below the smallest amount.")
    checks = by_name(doctor)
    assert checks["test_session"].line == "✗ The amount is below the smallest amount."
    assert checks["events"].ok  # one refusal does not stop the other checks


def test_a_session_answered_in_another_currency_fails(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.stripe.answered_currency = "eur"
    assert "amounts would be wrong" in by_name(doctor)["test_session"].detail


def test_an_interrupted_run_is_finished_with_its_own_key_first(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.service().run()
    first = doctor.db.run()
    assert first is not None
    # As if the process died after storing the run, before Stripe answered.
    doctor.db.settings[RUN_KEY] = json.dumps({**first, "state": "creating", "session_id": None})
    doctor.stripe.calls.clear()
    doctor.service().run()
    keys = [args[1] for name, args in doctor.stripe.calls if name == "create"]
    assert keys[0] == f"pos-app:doctor-checkout:{first['run_id']}"  # the same request again
    assert len(keys) == 2 and keys[1] != keys[0]
    expired = [args[0] for name, args in doctor.stripe.calls if name == "expire"]
    assert expired[0] == f"cs_test_{first['run_id']}"


def test_a_run_interrupted_too_long_ago_is_looked_up_not_resent(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.service().run()
    first = doctor.db.run()
    assert first is not None
    doctor.db.settings[RUN_KEY] = json.dumps({**first, "state": "creating", "session_id": None})
    left_open = CheckoutSessionInfo(
        id="cs_test_left_open",
        status="open",
        payment_status="unpaid",
        amount_total=50,
        currency="usd",
        url="https://checkout.example/left",
        expires_at=NOW + timedelta(minutes=31),
        payment_intent_id=None,
    )
    doctor.stripe.found = left_open
    doctor.stripe.calls.clear()
    doctor.stripe.clock.at = NOW + timedelta(minutes=2)  # Stripe would refuse its expires_at
    report = doctor.service().run()
    assert report.ok
    assert doctor.stripe.names().index("find") < doctor.stripe.names().index("expire")
    assert ("expire", ("cs_test_left_open", f"pos-app:doctor-expire:{first['run_id']}")) in (
        doctor.stripe.calls
    )
    old_creates = [a for n, a in doctor.stripe.calls if n == "create" and first["run_id"] in a[1]]
    assert old_creates == []


def test_an_unreadable_events_feed_fails_and_stops_what_follows(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path, "live", key="sk_live_51Hdoctorunittest0005")
    doctor.stripe.events_error = GatewayUnavailable("Cannot reach Stripe right now.")
    checks = by_name(doctor)
    assert checks["events"].line == "✗ Cannot reach Stripe right now."
    assert checks["events_cursor"].detail == "Not checked: Cannot reach Stripe right now."
    assert checks["clock"].detail.startswith("Not checked")


def test_an_events_cursor_unknown_to_stripe_fails(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.db.settings["stripe.events.cursor"] = "evt_from_another_account"
    doctor.stripe.cursor_error = GatewayRejected("No such event.", code="resource_missing")
    checks = by_name(doctor)
    assert not checks["events_cursor"].ok
    assert "next sync resets it" in checks["events_cursor"].detail
    doctor.stripe.cursor_error = None
    assert "events_cursor" not in failed(doctor)


@pytest.mark.parametrize(
    ("offset", "ok", "words"),
    [
        (0.4, True, "agrees with Stripe's"),
        (30.0, True, "30 s behind Stripe's"),
        (-45.0, True, "45 s ahead of Stripe's"),
        (MAX_CLOCK_SKEW_SECONDS + 1, False, "61 s behind Stripe's, more than the 60 s"),
        (-300.0, False, "300 s ahead of Stripe's"),
    ],
)
def test_clock_skew_against_stripes_date_header(
    tmp_path: Path, offset: float, ok: bool, words: str
) -> None:
    doctor = make_doctor(tmp_path)
    doctor.stripe.offset = offset
    clock = by_name(doctor)["clock"]
    assert clock.ok is ok and words in clock.detail


def test_the_bound_is_the_minute_of_margin_on_a_session_lifetime() -> None:
    assert MAX_CLOCK_SKEW_SECONDS == 60


def test_webhooks_when_configured_secret_and_port(tmp_path: Path) -> None:
    off = make_doctor(tmp_path)
    assert by_name(off)["webhooks"].detail.startswith("Webhooks are off")

    doctor = make_doctor(tmp_path, webhook_port=12112, webhook_secret=None)
    checks = by_name(doctor)
    assert not checks["webhook_secret"].ok and "whsec_" in checks["webhook_secret"].detail
    assert checks["webhook_port"].ok and "Port 12112 is free" in checks["webhook_port"].detail

    doctor = make_doctor(tmp_path, webhook_port=12112, webhook_secret="whsec_abcdefgh1234")
    doctor.port = PortState.OTHER
    checks = by_name(doctor)
    assert checks["webhook_secret"].detail == "The webhook signing secret ending …1234 is set."
    assert not checks["webhook_port"].ok
    assert "Another program is using port 12112" in checks["webhook_port"].detail
    doctor.port = PortState.RECEIVER
    assert "answers at http://127.0.0.1:12112/stripe/webhook" in (
        by_name(doctor)["webhook_port"].detail
    )

    doctor = make_doctor(tmp_path, webhook_port=12112, webhook_secret="not-a-secret")
    assert "starts with whsec_" in by_name(doctor)["webhook_secret"].detail


def test_a_database_that_cannot_be_written_fails_and_no_session_is_tried(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.db.read_only = True
    checks = by_name(doctor)
    assert not checks["database"].ok
    assert checks["database"].detail.startswith("The database (pos-test.sqlite3) cannot be")
    assert checks["test_session"].detail.startswith("Not tried: the database")
    assert "create" not in doctor.stripe.names()


def test_a_database_behind_the_code_fails(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.schema = ("0006", "0007")
    assert "at revision 0006, but this app expects 0007" in by_name(doctor)["schema"].detail
    doctor.schema = (None, "0007")
    assert "no schema yet" in by_name(doctor)["schema"].detail


def test_a_data_folder_open_to_others_fails(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)
    doctor.private = False
    check = by_name(doctor)["data_dir"]
    assert not check.ok and "should be 0700" in check.detail


def test_a_bug_in_one_check_is_a_line_not_the_end_of_the_report(tmp_path: Path) -> None:
    doctor = make_doctor(tmp_path)

    def broken() -> tuple[str | None, str]:
        raise RuntimeError("boom")

    doctor.schema = broken  # type: ignore[assignment]
    service = doctor.service()
    service._schema = broken
    report = service.run()
    checks = {c.name: c for c in report.checks}
    assert checks["schema"].detail == FAILED_UNEXPECTEDLY
    assert checks["data_dir"].ok and not report.ok
