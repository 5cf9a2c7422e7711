"""Accounts, PIN sign-in and its lockout, manager approval of refunds, and the audit log.

Real services on a fresh SQLite database and the sandbox over HTTP; only the clock is moved
by hand where a lockout or a hold has to run out.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import subprocess
from datetime import datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from pos_app.app import AppContext, open_app, wire_services
from pos_app.config import load_config
from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.errors import (
    FormErrors,
    InvalidStateError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.domain.people import SYSTEM_ACTOR, Actor, ResourceKind, Role
from pos_app.domain.ports import AuditQuery
from pos_app.services import pins, settle
from pos_app.services.checkout import CheckoutService
from pos_app.services.context import Deps
from pos_app.services.people import (
    LAST_MANAGER,
    AccountLockedError,
    ResourceForm,
    UserForm,
    WrongPinError,
)
from pos_app.services.refunds import NEEDS_MANAGER
from tests.integration.helpers import book, eventually
from tests.payments import pay

MANAGER_PIN = "2580"
STAFF_PIN = "1357"


class ShiftedClock:
    """The system clock plus an offset the test moves forward."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self._inner.now() + self.offset  # type: ignore[attr-defined]


def _entries(app: AppContext, **filters: object) -> list[AuditEntry]:
    with app.deps.uow() as uow:
        return uow.audit.query(AuditQuery(**filters))  # type: ignore[arg-type]


def _actions(entries: list[AuditEntry]) -> list[AuditAction]:
    return [e.action for e in reversed(entries)]  # oldest first


@pytest.fixture
def team(app: AppContext) -> tuple[str, str]:
    """A manager (Alex Morgan) and a staff member (Sam Lee); the desk is signed out."""
    app.deps.desk.sign_out()
    alex = app.people.create_first_manager("Alex Morgan", MANAGER_PIN, MANAGER_PIN)
    sam = app.people.create_user(
        UserForm(name="Sam Lee", role=Role.STAFF, pin=STAFF_PIN, pin_again=STAFF_PIN)
    )
    app.deps.desk.sign_out()
    assert alex.id is not None
    return alex.id, sam.id


def _with_clock(app: AppContext) -> tuple[Deps, ShiftedClock]:
    clock = ShiftedClock(app.deps.clock)
    return dataclasses.replace(app.deps, clock=clock), clock


# -- first run and accounts -------------------------------------------------------------


def test_first_run_creates_the_manager_once_and_signs_them_in(app: AppContext) -> None:
    app.deps.desk.sign_out()
    assert not app.people.has_users()
    with pytest.raises(FormErrors) as err:
        app.people.create_first_manager("Alex Morgan", MANAGER_PIN, "2581")
    assert err.value.errors == {"pin_again": "The two PINs are not the same. Type the PIN again."}
    assert not app.people.has_users()

    actor = app.people.create_first_manager("  Alex   Morgan ", MANAGER_PIN, MANAGER_PIN)
    assert (actor.name, actor.role) == ("Alex Morgan", Role.MANAGER)
    assert app.deps.desk.actor == actor
    assert app.people.has_users()
    with pytest.raises(InvalidStateError, match="already exists"):
        app.people.create_first_manager("Mallory", "9731", "9731")
    assert [u.name for u in app.people.list_users(include_inactive=True)] == ["Alex Morgan"]
    assert _actions(_entries(app)) == [AuditAction.USER_CHANGED, AuditAction.USER_SIGNED_IN]


def test_only_managers_change_accounts_and_rooms(app: AppContext, team: tuple[str, str]) -> None:
    _alex, sam = team
    app.people.authenticate(sam, STAFF_PIN)
    form = UserForm(name="Eve", pin="9731", pin_again="9731")
    with pytest.raises(PermissionDeniedError, match="Only a manager can change staff and rooms"):
        app.people.create_user(form)
    with pytest.raises(PermissionDeniedError):
        app.people.update_user(sam, UserForm(name="Sam Lee", role=Role.MANAGER))
    with pytest.raises(PermissionDeniedError):
        app.people.save_resource(ResourceForm(name="Room 9"))
    with pytest.raises(PermissionDeniedError, match="Only a manager can read the audit log"):
        app.audit.query(AuditQuery())
    assert [u.name for u in app.people.list_users()] == ["Alex Morgan", "Sam Lee"]
    assert all(r.name != "Room 9" for r in app.people.list_resources(include_inactive=True))


def test_bad_account_forms_are_sentences_and_change_nothing(
    app: AppContext, team: tuple[str, str]
) -> None:
    app.people.authenticate(team[0], MANAGER_PIN)
    before = len(_entries(app))
    cases = [
        (UserForm(name="", pin="9731", pin_again="9731"), "name", "Enter the person's name."),
        (UserForm(name="Eve", pin="97", pin_again="97"), "pin", "A PIN is 4 to 8 digits"),
        (UserForm(name="Eve", pin="1111", pin_again="1111"), "pin", "too easy to guess"),
        (UserForm(name="Eve", pin="9731", pin_again="9713"), "pin_again", "not the same"),
        (UserForm(name="Eve"), "pin", "Choose a PIN of 4 to 8 digits."),
        (UserForm(name="sam lee", pin="9731", pin_again="9731"), "name", "already an account"),
    ]
    for form, field, sentence in cases:
        with pytest.raises(FormErrors) as err:
            app.people.create_user(form)
        assert sentence in err.value.errors[field]
    assert len(app.people.list_users(include_inactive=True)) == 2
    assert len(_entries(app)) == before


def test_taking_bookings_gives_a_column_and_leaving_retires_it(
    app: AppContext, team: tuple[str, str]
) -> None:
    app.people.authenticate(team[0], MANAGER_PIN)
    demo_sam = next(r for r in app.people.list_resources() if r.name == "Sam")
    # "Sam" was set up as a column before the account existed: Sam Lee takes it over.
    sam = app.people.update_user(team[1], UserForm(name="Sam Lee", takes_bookings=True))
    assert sam.takes_bookings and sam.resource_id == demo_sam.id
    # Someone new gets a column of their own, last in the day view.
    eve = app.people.create_user(
        UserForm(name="Eve Park", pin="9731", pin_again="9731", takes_bookings=True)
    )
    columns = app.people.list_resources()
    assert columns[-1].id == eve.resource_id
    assert (columns[-1].name, columns[-1].kind) == ("Eve Park", ResourceKind.STAFF)
    off = app.people.deactivate(eve.id)
    assert not off.active and not off.takes_bookings
    assert all(r.id != eve.resource_id for r in app.people.list_resources())
    assert [u.name for u in app.people.list_users()] == ["Alex Morgan", "Sam Lee"]
    changes = [e.detail for e in _entries(app, actions=frozenset({AuditAction.USER_CHANGED}))]
    assert "Deactivated Eve Park" in changes
    assert any("Sam Lee (staff) → Sam Lee (staff, takes bookings)" in d for d in changes)


def test_rooms_are_added_renamed_and_audited(app: AppContext, team: tuple[str, str]) -> None:
    app.people.authenticate(team[0], MANAGER_PIN)
    room = app.people.save_resource(ResourceForm(name="Room 2", kind=ResourceKind.ROOM))
    assert app.people.list_resources()[-1].id == room.id
    with pytest.raises(FormErrors, match="already a column called Room 2"):
        app.people.save_resource(ResourceForm(name="room 2"))
    with pytest.raises(FormErrors, match="Enter a name"):
        app.people.save_resource(ResourceForm(name="  "))
    app.people.save_resource(ResourceForm(id=room.id, name="Quiet room", position=0))
    assert app.people.list_resources()[0].name == "Quiet room"
    details = [e.detail for e in _entries(app, actions=frozenset({AuditAction.CATALOG_CHANGED}))]
    assert details[0].startswith("Changed Room 2 (room, position")
    assert details[1].startswith("Added Room 2 (room")


def test_the_last_active_manager_stays_a_manager(app: AppContext, team: tuple[str, str]) -> None:
    alex, _sam = team
    app.people.authenticate(alex, MANAGER_PIN)
    with pytest.raises(FormErrors) as err:
        app.people.update_user(alex, UserForm(name="Alex Morgan", role=Role.STAFF))
    assert err.value.errors == {"role": LAST_MANAGER}
    with pytest.raises(FormErrors) as err:
        app.people.update_user(alex, UserForm(name="Alex Morgan", role=Role.MANAGER, active=False))
    assert err.value.errors == {"active": LAST_MANAGER}
    with pytest.raises(InvalidStateError, match="There must always be an active manager"):
        app.people.deactivate(alex)
    assert app.people.get_user(alex).is_manager and app.people.get_user(alex).active
    # With a second manager, the first may step down.
    app.people.create_user(UserForm(name="Kim Wu", role=Role.MANAGER, pin="9731", pin_again="9731"))
    assert not app.people.deactivate(alex).active


def test_a_new_pin_replaces_the_old_and_an_empty_one_keeps_it(
    app: AppContext, team: tuple[str, str]
) -> None:
    alex, sam = team
    app.people.authenticate(alex, MANAGER_PIN)
    app.people.update_user(sam, UserForm(name="Samuel Lee"))
    assert app.people.authenticate(sam, STAFF_PIN).name == "Samuel Lee"
    app.deps.desk.sign_in(Actor(alex, "Alex Morgan", Role.MANAGER))
    app.people.update_user(sam, UserForm(name="Samuel Lee", pin="8642", pin_again="8642"))
    with pytest.raises(WrongPinError):
        app.people.authenticate(sam, STAFF_PIN)
    assert app.people.authenticate(sam, "8642").id == sam
    detail = _entries(app, actions=frozenset({AuditAction.USER_CHANGED}))[0].detail
    assert detail == "Changed Samuel Lee: new PIN set"


# -- signing in and the lockout ---------------------------------------------------------


def test_sign_in_with_the_right_pin_and_a_sentence_for_a_wrong_one(
    app: AppContext, team: tuple[str, str]
) -> None:
    _alex, sam = team
    with pytest.raises(WrongPinError, match=r"^That PIN is not right\.$"):
        app.people.authenticate(sam, "9999")
    assert app.deps.desk.actor == SYSTEM_ACTOR
    with pytest.raises(ValidationError, match="A PIN is 4 to 8 digits"):
        app.people.authenticate(sam, "12")
    actor = app.people.authenticate(sam, STAFF_PIN)
    assert (actor.id, actor.name, actor.role) == (sam, "Sam Lee", Role.STAFF)
    assert app.deps.desk.actor == actor
    entries = _entries(app, actor_id=sam)
    assert _actions(entries)[-2:] == [AuditAction.USER_SIGN_IN_FAILED, AuditAction.USER_SIGNED_IN]
    assert entries[1].detail == "Wrong PIN (1 in a row)"


def test_five_wrong_pins_lock_the_account_for_30_s_then_twice_as_long(
    app: AppContext, team: tuple[str, str]
) -> None:
    _alex, sam = team
    deps, clock = _with_clock(app)
    people = wire_services(deps).people
    for _ in range(4):
        with pytest.raises(WrongPinError):
            people.authenticate(sam, "9999")
    with pytest.raises(AccountLockedError) as locked:
        people.authenticate(sam, "9999")
    assert locked.value.message == "Too many wrong PINs: try again in 30 seconds."
    # While locked even the right PIN is refused, and not checked or counted.
    clock.offset = timedelta(seconds=10)
    with pytest.raises(AccountLockedError, match="try again in 20 seconds"):
        people.authenticate(sam, STAFF_PIN)
    clock.offset = timedelta(seconds=31)
    with pytest.raises(AccountLockedError, match="try again in 1 minute"):
        people.authenticate(sam, "9999")  # the sixth wrong PIN in a row: 60 s
    clock.offset = timedelta(seconds=92)
    assert people.authenticate(sam, STAFF_PIN).id == sam
    # Success starts the count again.
    for _ in range(4):
        with pytest.raises(WrongPinError):
            people.authenticate(sam, "9999")
    failed = _entries(app, actions=frozenset({AuditAction.USER_SIGN_IN_FAILED}))
    assert len(failed) == 10
    assert "locked for 30 seconds" in failed[-5].detail
    assert "locked for 1 minute" in failed[-6].detail


def test_a_manager_pin_approves_whoever_it_belongs_to(
    app: AppContext, team: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    alex, _sam = team
    app.people.authenticate(alex, MANAGER_PIN)
    app.people.create_user(UserForm(name="Kim Wu", role=Role.MANAGER, pin="9731", pin_again="9731"))
    calls: list[str] = []
    real = pins.verify_pin
    monkeypatch.setattr(pins, "verify_pin", lambda h, p: calls.append(h) or real(h, p))
    approver = app.people.verify_manager_pin(MANAGER_PIN)
    assert approver is not None and approver.name == "Alex Morgan"
    checked_for_alex = len(calls)
    calls.clear()
    approver = app.people.verify_manager_pin("9731")
    assert approver is not None and approver.name == "Kim Wu"
    # Every manager is compared whichever matched: the time says nothing about who.
    assert len(calls) == checked_for_alex == 2
    calls.clear()
    assert app.people.verify_manager_pin(STAFF_PIN) is None  # a staff PIN approves nothing
    assert len(calls) == 2
    assert app.people.verify_manager_pin("12") is None


def test_wrong_manager_pins_lock_approval_at_this_station_never_a_manager(
    app: AppContext, team: tuple[str, str]
) -> None:
    alex, _sam = team
    deps, clock = _with_clock(app)
    people = wire_services(deps).people
    for _ in range(4):
        assert people.verify_manager_pin("9999") is None
    with pytest.raises(AccountLockedError, match="manager PINs at this station: try again in 30"):
        people.verify_manager_pin("9999")
    with pytest.raises(AccountLockedError):
        people.verify_manager_pin(MANAGER_PIN)
    assert people.authenticate(alex, MANAGER_PIN).id == alex  # the manager is not locked
    clock.offset = timedelta(seconds=31)
    approver = people.verify_manager_pin(MANAGER_PIN)
    assert approver is not None and approver.id == alex
    for _ in range(4):  # the right PIN started the count again
        assert people.verify_manager_pin("9999") is None


def test_the_pin_never_reaches_the_database_or_the_log(
    app: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    pin = "50947381"
    caplog.set_level(logging.DEBUG)
    app.deps.desk.sign_out()
    alex = app.people.create_first_manager("Alex Morgan", pin, pin)
    assert alex.id is not None
    with pytest.raises(WrongPinError):
        app.people.authenticate(alex.id, "50947382")
    app.people.authenticate(alex.id, pin)
    assert app.people.verify_manager_pin(pin) is not None
    app.people.create_user(UserForm(name="Sam Lee", pin="7130", pin_again="7130"))
    engine = app.deps.uow.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()  # SQLite's and PostgreSQL's alike
        dump = [
            str(value)
            for table in tables
            for row in conn.execute(text(f'SELECT * FROM "{table}"'))
            for value in row
        ]
        stored_hash = conn.execute(text("SELECT pin_hash FROM users")).scalars().all()
    assert dump, "the dump read the tables"
    assert not [v for v in dump if pin in v or "50947382" in v or v == "7130"]
    assert all(h.startswith("$argon2id$") for h in stored_hash)
    if engine.dialect.name == "sqlite":  # and its file's bytes (freed pages, the WAL)
        files = list(app.config.data_dir.glob("*.sqlite3*"))
        files += list(app.config.data_dir.glob("*.db*"))
        assert files, "the database file was found"
        assert not [f for f in files if pin.encode() in f.read_bytes()]
    assert pin not in caplog.text and "50947382" not in caplog.text and "7130" not in caplog.text


# -- the audit log ----------------------------------------------------------------------


def test_the_audit_log_refuses_update_and_delete_at_the_database(app: AppContext) -> None:
    booking = book(app)
    app.cash.record(booking.id)
    engine = app.deps.uow.engine  # type: ignore[attr-defined]
    for statement in ("UPDATE audit_log SET detail = 'rewritten'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append_only"), engine.begin() as conn:
            conn.execute(text(statement))
    entries = _entries(app)
    assert AuditAction.CASH_RECEIVED in [e.action for e in entries]
    assert all(e.detail != "rewritten" for e in entries)


def test_a_charge_pay_refund_loop_is_audited_with_people_ids_and_amounts(
    app: AppContext, team: tuple[str, str]
) -> None:
    alex, sam = team
    app.people.authenticate(sam, STAFF_PIN)
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url and view.session_id
    pay(view.url)
    paid = app.checkout.refresh(view.payment_id)
    assert paid.status is PaymentStatus.SUCCEEDED
    detail = app.bookings.detail(booking.id)
    payment = detail.payments[0]
    assert payment.created_by == sam

    # Staff alone cannot refund: no PIN, or a wrong one, changes nothing.
    with pytest.raises(PermissionDeniedError, match=f"^{re.escape(NEEDS_MANAGER)}$"):
        app.refunds.refund(booking.id, "10.00")
    with pytest.raises(WrongPinError, match=r"That PIN is not right\."):
        app.refunds.refund(booking.id, "10.00", manager_pin=STAFF_PIN)
    assert app.bookings.detail(booking.id).refunds == []
    assert app.refunds.refundable(booking.id).amount == 3500

    outcome = app.refunds.refund(
        booking.id, "10.00", reason="requested_by_customer", note="Short", manager_pin=MANAGER_PIN
    )
    refund = outcome.refunds[0]
    assert refund.created_by == sam

    def settled() -> bool:
        app.sync.sync_once()
        return app.bookings.detail(booking.id).refunds[0].status is RefundStatus.SUCCEEDED

    eventually(settled)
    app.deps.desk.sign_in(Actor(alex, "Alex Morgan", Role.MANAGER))
    money = app.audit.query(
        AuditQuery(booking_id=booking.id, actions=frozenset(a for a in AuditAction if a.is_money))
    )
    by_action = {e.action: e for e in money}
    assert _actions(money) == [
        AuditAction.CHECKOUT_CREATED,
        AuditAction.PAYMENT_SUCCEEDED,
        AuditAction.REFUND_REQUESTED,
        AuditAction.REFUND_SUCCEEDED,
    ]
    created = by_action[AuditAction.CHECKOUT_CREATED]
    assert (created.actor_id, created.actor_name) == (sam, "Sam Lee")
    assert (created.amount, created.currency, created.stripe_ids) == (3500, "usd", view.session_id)
    succeeded = by_action[AuditAction.PAYMENT_SUCCEEDED]
    assert succeeded.actor_name == "Stripe" and succeeded.actor_id is None
    fresh = app.bookings.detail(booking.id).payments[0]
    assert succeeded.stripe_ids.split() == [
        view.session_id,
        fresh.stripe_payment_intent_id,
        fresh.stripe_charge_id,
    ]
    assert fresh.fee_amount is not None
    assert f"Stripe fee ${fresh.fee_amount / 100:.2f}" in succeeded.detail
    requested = by_action[AuditAction.REFUND_REQUESTED]
    assert (requested.actor_id, requested.amount, requested.refund_id) == (sam, 1000, refund.id)
    assert requested.detail == (
        "Requested by customer; note: Short; approved by Alex Morgan (manager PIN)"
    )
    assert requested.stripe_ids == fresh.stripe_payment_intent_id
    done = by_action[AuditAction.REFUND_SUCCEEDED]
    final = app.bookings.detail(booking.id).refunds[0]
    assert done.actor_name == "Stripe" and done.amount == 1000
    assert final.stripe_refund_id and final.stripe_refund_id in done.stripe_ids.split()
    # Asking again for the same facts adds nothing.
    before = len(app.audit.query(AuditQuery(booking_id=booking.id)))
    for _ in range(2):
        app.sync.sync_once(full=True)
        app.checkout.refresh(view.payment_id)
    assert len(app.audit.query(AuditQuery(booking_id=booking.id))) == before


def test_replayed_snapshots_and_events_are_audited_once(app: AppContext) -> None:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url and view.session_id
    pay(view.url)
    session = app.deps.gateway.retrieve_checkout_session(view.session_id)
    for _ in range(3):
        settle.apply_session(app.deps, view.payment_id, session)
    for _ in range(2):  # the events feed, twice over, as after a restart with a lost cursor
        app.sync.sync_once(full=True)
        with app.deps.uow(write=True) as uow:
            uow.events.set_setting("stripe.events.cursor", "")
            uow.commit()
    outcome = app.refunds.refund(booking.id)
    refund = outcome.refunds[0]
    assert refund.stripe_refund_id

    def final() -> bool:
        app.sync.sync_once()
        return app.bookings.detail(booking.id).refunds[0].status.is_final

    eventually(final)
    info = app.deps.gateway.retrieve_refund(refund.stripe_refund_id)
    for _ in range(3):
        settle.apply_refund(app.deps, refund.id, info)
    counts = [e.action for e in _entries(app, booking_id=booking.id)]
    assert counts.count(AuditAction.CHECKOUT_CREATED) == 1
    assert counts.count(AuditAction.PAYMENT_SUCCEEDED) == 1
    assert counts.count(AuditAction.REFUND_REQUESTED) == 1
    assert counts.count(AuditAction.REFUND_SUCCEEDED) == 1


def test_cancel_regenerate_hold_end_and_cash_name_who_did_it(
    app: AppContext, team: tuple[str, str]
) -> None:
    _alex, sam = team
    app.people.authenticate(sam, STAFF_PIN)
    booking = book(app)
    first = app.checkout.start(booking.id)
    second = app.checkout.regenerate(first.payment_id)
    app.checkout.cancel(second.payment_id)
    third = app.checkout.start(booking.id)
    # The hold runs out: the background pass closes the link as the app, not as a person.
    deps, clock = _with_clock(app)
    clock.offset = timedelta(minutes=app.config.hold_minutes + 1)
    wire_services(deps).sync.expire_ended_holds(app.sync.sync_once())
    assert CheckoutService(deps).view(third.payment_id).status is PaymentStatus.EXPIRED
    app.cash.record(booking.id, "5.00")
    entries = list(reversed(_entries(app, booking_id=booking.id)))
    closings = [
        (e.action, e.actor_name, e.detail)
        for e in entries
        if e.action in (AuditAction.CHECKOUT_CANCELLED, AuditAction.CHECKOUT_EXPIRED)
    ]
    assert closings == [
        (AuditAction.CHECKOUT_CANCELLED, "Sam Lee", "Replaced by a new link"),
        (AuditAction.CHECKOUT_CANCELLED, "Sam Lee", "Cancelled at the desk"),
        (AuditAction.CHECKOUT_EXPIRED, SYSTEM_ACTOR.name, "The hold ended"),
    ]
    assert [e.stripe_ids for e in entries if e.action is AuditAction.CHECKOUT_CREATED] == [
        first.session_id,
        second.session_id,
        third.session_id,
    ]
    cash = next(e for e in entries if e.action is AuditAction.CASH_RECEIVED)
    assert (cash.action, cash.actor_id, cash.amount, cash.currency) == (
        AuditAction.CASH_RECEIVED,
        sam,
        500,
        "usd",
    )
    assert app.bookings.detail(booking.id).payments[-1].created_by == sam


def test_managers_filter_the_log_by_person_kind_and_text(
    app: AppContext, team: tuple[str, str]
) -> None:
    alex, sam = team
    app.people.authenticate(sam, STAFF_PIN)
    booking = book(app)
    app.cash.record(booking.id, "5.00")
    app.people.authenticate(alex, MANAGER_PIN)
    everything = app.audit.query(AuditQuery())
    assert everything[0].action is AuditAction.USER_SIGNED_IN  # newest first
    by_sam = app.audit.query(AuditQuery(actor_id=sam))
    assert {e.actor_name for e in by_sam} == {"Sam Lee"}
    money = app.audit.query(AuditQuery(actions=frozenset(a for a in AuditAction if a.is_money)))
    assert [e.action for e in money] == [AuditAction.CASH_RECEIVED]
    assert app.audit.query(AuditQuery(text="ada lovelace"))[0].booking_id == booking.id


def test_the_command_line_acts_as_a_named_manager(app_env: dict[str, str]) -> None:
    from tests.cli_here import run_json_here as run_json

    booked = run_json(
        app_env,
        "book",
        "--customer",
        "Ada",
        "--service",
        "Haircut",
        "--at",
        (datetime.now().astimezone() + timedelta(hours=2)).isoformat(),
    )
    run_json(app_env, "pay-cash", booked["id"], "--amount", "5.00")
    ctx = open_app(load_config(app_env), sandbox="none")
    try:
        with ctx.deps.uow() as uow:
            entry = uow.audit.query(AuditQuery(booking_id=booked["id"]))[0]
    finally:
        ctx.close()
    assert entry.action is AuditAction.CASH_RECEIVED
    assert entry.actor_name.startswith("command line (") and entry.actor_id is None


def test_a_forgotten_manager_pin_is_reset_from_the_command_line(
    app: AppContext, app_env: dict[str, str]
) -> None:
    # The commands run in-process (cli.main, exit code, stdout/stderr, stdin): the process
    # boundary itself is test_cli.py's; a Python start per command cost ~1 s of CPU each.
    from tests.cli_here import run_here

    app.deps.desk.sign_out()
    alex = app.people.create_first_manager("Alex Morgan", MANAGER_PIN, MANAGER_PIN)
    assert alex.id is not None
    for _ in range(5):  # locked out as well
        with pytest.raises((WrongPinError, AccountLockedError)):
            app.people.authenticate(alex.id, "9999")

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return run_here(app_env, *args, stdin=stdin)

    listed = cli("users")
    assert listed.returncode == 0 and "Alex Morgan" in listed.stdout and "Manager" in listed.stdout
    refused = cli("set-pin", "alex morgan", stdin="8642\n8643\n")
    assert refused.returncode == 1 and "not the same" in refused.stderr
    unknown = cli("set-pin", "Nobody", stdin="8642\n8642\n")
    assert unknown.returncode == 2 and "no account named" in unknown.stderr
    done = cli("set-pin", "alex morgan", stdin="8642\n8642\n")
    assert done.returncode == 0, done.stderr
    assert "8642" not in done.stdout + done.stderr
    assert app.people.authenticate(alex.id, "8642").id == alex.id  # and no longer locked
    entry = app.audit.query(AuditQuery(actions=frozenset({AuditAction.USER_CHANGED})))[0]
    assert entry.actor_name.startswith("command line (") and entry.detail.endswith("new PIN set")


def test_the_audit_page_names_each_booking_by_customer_and_service(
    app: AppContext, team: tuple[str, str]
) -> None:
    alex, _sam = team
    booking = book(app)
    app.deps.desk.sign_in(Actor(alex, "Alex Morgan", Role.MANAGER))
    page = app.audit.page(AuditQuery(booking_id=booking.id))
    assert page.entries and all(e.booking_id == booking.id for e in page.entries)
    assert page.entries == app.audit.query(AuditQuery(booking_id=booking.id))
    assert page.booking_labels == {booking.id: f"{booking.customer_name} · {booking.service_name}"}
    # Entries without a booking need no label; a manager is still required.
    signed_in = app.audit.page(AuditQuery(actions=frozenset({AuditAction.USER_SIGNED_IN})))
    assert signed_in.booking_labels == {}
    app.deps.desk.sign_in(Actor(_sam, "Sam Lee", Role.STAFF))
    with pytest.raises(PermissionDeniedError, match="Only a manager can read the audit log"):
        app.audit.page(AuditQuery())
