"""Wrong PINs throttle the one asking: per station and account, counted under the write lock
(issue 11 item 4). Real services on one SQLite file; stations differ by their station id."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pos_app.app import AppContext, open_app, wire_services
from pos_app.config import load_config
from pos_app.domain.audit import AuditAction
from pos_app.domain.people import Role
from pos_app.domain.ports import AuditQuery
from pos_app.services import pins
from pos_app.services.context import Deps
from pos_app.services.people import AccountLockedError, UserForm, WrongPinError

ALEX_PIN = "2580"  # manager
KIM_PIN = "9731"  # manager
SAM_PIN = "1357"  # staff
WRONG = "4682"
GUESSERS = 12


class ShiftedClock:
    """The system clock plus an offset the test moves forward."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self._inner.now() + self.offset  # type: ignore[no-any-return]


@pytest.fixture
def team(app: AppContext) -> dict[str, str]:
    """Managers Alex and Kim and staff member Sam; nobody signed in at the desk."""
    app.deps.desk.sign_out()
    alex = app.people.create_first_manager("Alex Morgan", ALEX_PIN, ALEX_PIN)
    kim = app.people.create_user(UserForm("Kim Wu", Role.MANAGER, KIM_PIN, KIM_PIN))
    sam = app.people.create_user(UserForm("Sam Lee", Role.STAFF, SAM_PIN, SAM_PIN))
    app.deps.desk.sign_out()
    assert alex.id is not None
    return {"alex": alex.id, "kim": kim.id, "sam": sam.id}


def _station(app: AppContext, station_id: str, clock: ShiftedClock | None = None) -> Deps:
    """Another station on the same database: same engine, its own id and desk."""
    deps = dataclasses.replace(
        app.deps,
        policy=dataclasses.replace(app.deps.policy, station_id=station_id),
        desk=type(app.deps.desk)(),
    )
    return deps if clock is None else dataclasses.replace(deps, clock=clock)


def _counting_verifies(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every hash a PIN is compared against (real or dummy), in order."""
    calls: list[str] = []
    lock = threading.Lock()
    real = pins.verify_pin

    def counted(pin_hash: str, pin: str) -> bool:
        with lock:
            calls.append(pin_hash)
        return real(pin_hash, pin)

    monkeypatch.setattr(pins, "verify_pin", counted)
    return calls


def _race(attempts: list[Callable[[], object]]) -> list[object]:
    """Run every attempt at once (from a barrier); each result or the exception it raised."""
    barrier = threading.Barrier(len(attempts))
    results: list[object] = [None] * len(attempts)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = attempts[i]()
        except Exception as err:
            results[i] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _pin_hash(app: AppContext, user_id: str) -> str:
    with app.deps.uow() as uow:
        user = uow.users.get(user_id)
    assert user is not None
    return user.pin_hash


def _failed_entries(app: AppContext) -> int:
    with app.deps.uow() as uow:
        query = AuditQuery(actions=frozenset({AuditAction.USER_SIGN_IN_FAILED}))
        return len(uow.audit.query(query))


# -- parallel guesses ---------------------------------------------------------------------


def test_parallel_wrong_pins_at_one_station_check_at_most_five(
    app: AppContext, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sam_hash = _pin_hash(app, team["sam"])
    calls = _counting_verifies(monkeypatch)
    people = [wire_services(app.deps).people for _ in range(GUESSERS)]
    results = _race([lambda p=p: p.authenticate(team["sam"], WRONG) for p in people])
    assert all(isinstance(r, WrongPinError | AccountLockedError) for r in results), results
    # Only five guesses were compared with Sam's hash; the rest met the lock.
    assert calls.count(sam_hash) == 5
    assert sum(isinstance(r, WrongPinError) for r in results) == 4
    assert _failed_entries(app) == 5
    # Every guess cost one verification, real or dummy: the time says nothing.
    assert len(calls) == GUESSERS
    with pytest.raises(AccountLockedError):
        app.people.authenticate(team["sam"], SAM_PIN)


@pytest.fixture
def second_process(app: AppContext, app_env: dict[str, str]) -> Iterator[AppContext]:
    """The same station opened again (same data dir and database file, its own engine)."""
    ctx = open_app(load_config(app_env), sandbox="none")
    yield ctx
    ctx.close()


def test_parallel_guesses_from_two_engines_on_one_file_check_at_most_five(
    app: AppContext,
    team: dict[str, str],
    second_process: AppContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert second_process.deps.policy.station_id == app.deps.policy.station_id
    alex_hash = _pin_hash(app, team["alex"])
    calls = _counting_verifies(monkeypatch)
    services = [wire_services(c.deps).people for c in (app, second_process)] * (GUESSERS // 2)
    results = _race([lambda p=p: p.authenticate(team["alex"], WRONG) for p in services])
    assert all(isinstance(r, WrongPinError | AccountLockedError) for r in results), results
    assert calls.count(alex_hash) == 5
    assert _failed_entries(app) == 5


def test_parallel_manager_approvals_check_at_most_five_guesses(
    app: AppContext, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_verifies(monkeypatch)
    alex_hash = _pin_hash(app, team["alex"])
    people = [wire_services(app.deps).people for _ in range(GUESSERS)]
    results = _race([lambda p=p: p.verify_manager_pin(WRONG) for p in people])
    assert all(r is None or isinstance(r, AccountLockedError) for r in results), results
    # Each checked guess is compared with every manager (two): five guesses, ten compares.
    assert calls.count(alex_hash) == 5
    assert len(calls) == 2 * GUESSERS


# -- who is locked ------------------------------------------------------------------------


def test_wrong_pins_on_one_manager_never_lock_another(
    app: AppContext, team: dict[str, str]
) -> None:
    for _ in range(4):
        with pytest.raises(WrongPinError):
            app.people.authenticate(team["alex"], WRONG)
    with pytest.raises(AccountLockedError):
        app.people.authenticate(team["alex"], WRONG)
    assert app.people.authenticate(team["kim"], KIM_PIN).id == team["kim"]
    # Kim approving a refund at this station still works too.
    approver = app.people.verify_manager_pin(KIM_PIN)
    assert approver is not None and approver.id == team["kim"]


def test_wrong_manager_pins_lock_approvals_at_this_station_but_no_manager(
    app: AppContext, team: dict[str, str]
) -> None:
    app.people.authenticate(team["sam"], SAM_PIN)  # Sam asks for approval at the desk
    for _ in range(4):
        assert app.people.verify_manager_pin(WRONG) is None
    with pytest.raises(AccountLockedError) as locked:
        app.people.verify_manager_pin(WRONG)
    assert "manager PIN" in locked.value.message
    # The fifth wrong PIN locked approval by PIN here, even with the right PIN now ...
    with pytest.raises(AccountLockedError):
        app.people.verify_manager_pin(ALEX_PIN)
    # ... but no manager is locked out: each still signs in, here or anywhere.
    assert app.people.authenticate(team["alex"], ALEX_PIN).id == team["alex"]
    assert app.people.authenticate(team["kim"], KIM_PIN).id == team["kim"]
    # And at another station approval by PIN works as before.
    elsewhere = wire_services(_station(app, "st_front_desk_2")).people
    approver = elsewhere.verify_manager_pin(ALEX_PIN)
    assert approver is not None and approver.id == team["alex"]


def test_another_station_is_not_locked_by_this_stations_guesses(
    app: AppContext, team: dict[str, str]
) -> None:
    here = app.people
    for _ in range(4):
        with pytest.raises(WrongPinError):
            here.authenticate(team["sam"], WRONG)
    with pytest.raises(AccountLockedError):
        here.authenticate(team["sam"], WRONG)
    there = wire_services(_station(app, "st_front_desk_2")).people
    # Its count starts from nothing: a wrong PIN there is one wrong PIN, not a lock.
    with pytest.raises(WrongPinError):
        there.authenticate(team["sam"], WRONG)
    assert there.authenticate(team["sam"], SAM_PIN).id == team["sam"]
    with pytest.raises(AccountLockedError):  # still locked here
        here.authenticate(team["sam"], SAM_PIN)


def test_a_lock_runs_out_and_a_right_pin_starts_the_count_again(
    app: AppContext, team: dict[str, str]
) -> None:
    clock = ShiftedClock(app.deps.clock)
    people = wire_services(_station(app, app.deps.policy.station_id, clock)).people
    for _ in range(4):
        with pytest.raises(WrongPinError):
            people.authenticate(team["sam"], WRONG)
    with pytest.raises(AccountLockedError, match="30 seconds"):
        people.authenticate(team["sam"], WRONG)
    clock.offset = timedelta(seconds=31)
    with pytest.raises(AccountLockedError, match="1 minute"):
        people.authenticate(team["sam"], WRONG)  # the sixth in a row: twice as long
    clock.offset = timedelta(seconds=92)
    assert people.authenticate(team["sam"], SAM_PIN).id == team["sam"]
    for _ in range(4):
        with pytest.raises(WrongPinError):
            people.authenticate(team["sam"], WRONG)


def test_a_locked_guess_costs_one_verification_and_is_not_compared(
    app: AppContext, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        with pytest.raises((WrongPinError, AccountLockedError)):
            app.people.authenticate(team["sam"], WRONG)
    calls = _counting_verifies(monkeypatch)
    with pytest.raises(AccountLockedError):
        app.people.authenticate(team["sam"], SAM_PIN)
    assert len(calls) == 1 and calls[0] != _pin_hash(app, team["sam"])


# -- what the locked person reads ---------------------------------------------------------

ONE_SENTENCE_WITH_WHEN = re.compile(r"^[A-Z][^.]*\bin (\d+ seconds?|\d+ minutes?)\.$")


def test_the_locked_message_is_one_sentence_saying_when_to_try_again(
    app: AppContext, team: dict[str, str]
) -> None:
    for _ in range(4):
        with pytest.raises(WrongPinError):
            app.people.authenticate(team["sam"], WRONG)
    with pytest.raises(AccountLockedError) as locked:
        app.people.authenticate(team["sam"], WRONG)
    assert ONE_SENTENCE_WITH_WHEN.match(locked.value.message), locked.value.message
    assert locked.value.message.endswith("in 30 seconds.")
    for _ in range(5):
        with pytest.raises((AccountLockedError, WrongPinError)):
            wire_services(app.deps).refunds.refund("bk_none", "1.00", manager_pin=WRONG)
    with pytest.raises(AccountLockedError) as approval:
        app.people.verify_manager_pin(ALEX_PIN)
    assert ONE_SENTENCE_WITH_WHEN.match(approval.value.message), approval.value.message


def test_a_new_pin_set_by_a_manager_clears_the_lock_at_every_station(
    app: AppContext, team: dict[str, str]
) -> None:
    stations = [app.people, wire_services(_station(app, "st_front_desk_2")).people]
    for people in stations:
        for _ in range(5):
            with pytest.raises((WrongPinError, AccountLockedError)):
                people.authenticate(team["sam"], WRONG)
    manager = app.people.authenticate(team["alex"], ALEX_PIN)
    app.people.update_user(
        team["sam"], UserForm("Sam Lee", Role.STAFF, "8642", "8642"), actor=manager
    )
    for people in stations:
        assert people.authenticate(team["sam"], "8642").id == team["sam"]


def test_the_throttle_never_holds_a_pin(app: AppContext, team: dict[str, str]) -> None:
    with pytest.raises(WrongPinError):
        app.people.authenticate(team["sam"], "73195")
    engine = app.deps.uow.engine  # type: ignore[attr-defined]
    files = [Path(engine.url.database), Path(f"{engine.url.database}-wal")]
    assert all(b"73195" not in f.read_bytes() for f in files if f.exists())
