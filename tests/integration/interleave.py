"""Two writers interleaved exactly between a read and a write: the tests of the money locks.

A lock changes nothing when one operation runs alone, so each test runs operation A on a
thread of its own and stops it right after it has READ the row that decides (``pause_after``
wraps that repository method for A's thread only), runs operation B on a second thread, and
only then lets A go on. With the lock B cannot finish while A is stopped (it waits for A's
lock); without it B finishes, and A then writes what it decided from a stale read.

On SQLite a writing unit of work is ``BEGIN IMMEDIATE``: the lock is the database's write
lock, taken before the first read. On PostgreSQL it is the row lock of ``SELECT ... FOR
UPDATE``. So the same test kills the ``write=True`` mutant of a site on SQLite and its
``for_update=True`` mutant on PostgreSQL: every test runs on both (``DB_KINDS``).

``POS_TEST_UNLOCK`` simulates the mutants without editing the services, for checking that a
test can fail (docs/testing.md): ``write:<module>.<function>`` opens that function's units
of work with ``write=False``; ``for_update:<Repository>:<module>.<function>`` drops
``for_update`` from that repository's reads in that function. Several, comma-separated.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest

from pos_app.app import AppContext, Services, open_app, wire_services
from pos_app.config import load_config
from pos_app.store import repositories
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import MovableClock

T = TypeVar("T")

#: Each test runs on SQLite and on a real PostgreSQL (started once per session).
DB_KINDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))
#: How long a stopped or blocked thread may wait before the test gives up on it: a bound on
#: a hang, never a measure of speed.
STUCK_SECONDS = 20.0
#: SQLite only (PostgreSQL is asked instead): how long B is given to finish while A holds
#: its lock. With the lock B cannot finish at all, whatever this is; without it B finishes
#: at once (on a slow machine the outcome checks, not this one, catch the mutant).
B_GRACE_SECONDS = 0.5


class Pause:
    """Stops one thread right after its ``nth`` matching call of a wrapped method."""

    def __init__(self, nth: int, caller: str | None) -> None:
        self.nth = nth
        self.caller = caller
        self.calls = 0
        self.thread: threading.Thread | None = None
        self.reached = threading.Event()
        self.release = threading.Event()

    def after_call(self) -> None:
        if threading.current_thread() is not self.thread or self.reached.is_set():
            return
        if self.caller is not None and _caller() != self.caller:
            return
        self.calls += 1
        if self.calls < self.nth:
            return
        self.reached.set()
        if not self.release.wait(STUCK_SECONDS):  # pragma: no cover - a broken test
            raise AssertionError("the paused operation was never released")


def pause_after(
    monkeypatch: pytest.MonkeyPatch,
    owner: type,
    name: str,
    *,
    caller: str | None = None,
    nth: int = 1,
) -> Pause:
    """Stop the racing thread A right after its ``nth`` call of ``owner.name`` made from
    ``caller`` (``"module.function"`` of the service; any when None) has returned: A has
    read, and holds whatever lock it took. (Matched by caller, not by ``for_update``, so a
    mutant that drops the lock still stops at the same read.)"""
    pause = Pause(nth, caller)
    real = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        pause.after_call()
        return result

    monkeypatch.setattr(owner, name, wrapped)
    return pause


@dataclasses.dataclass
class Outcome(Generic[T]):
    """What one side of the race ended with: a value or an exception."""

    value: T | None = None
    error: BaseException | None = None

    def get(self) -> T:
        """The value, or the exception raised again."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


@dataclasses.dataclass
class Race(Generic[T]):
    """Both outcomes, and whether B was still waiting when A was let go."""

    first: Outcome[T]
    second: Outcome[T]
    second_waited: bool

    @property
    def outcomes(self) -> list[Outcome[T]]:
        """A's then B's."""
        return [self.first, self.second]


class _Side(Generic[T]):
    def __init__(self, fn: Callable[[], T], name: str) -> None:
        self.outcome: Outcome[T] = Outcome()
        self.done = threading.Event()
        self._fn = fn
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            self.outcome.value = self._fn()
        except BaseException as err:  # handed to the test
            self.outcome.error = err
        finally:
            self.done.set()


def race(pause: Pause, first: Callable[[], T], second: Callable[[], T]) -> Race[T]:
    """Run ``first`` until ``pause`` stops it, then ``second`` until it finishes or is seen
    waiting for a lock, then let ``first`` go on; both outcomes, once both are done."""
    a = _Side(first, "race-A")
    pause.thread = a.thread
    a.thread.start()
    while not pause.reached.wait(0.05):
        if a.done.is_set():
            raise AssertionError(f"A finished without reaching its pause: {a.outcome!r}")
    b = _Side(second, "race-B")
    b.thread.start()
    waited = _seen_waiting(b.done)
    pause.release.set()
    for side in (a, b):
        if not side.done.wait(STUCK_SECONDS):  # pragma: no cover - a deadlock
            raise AssertionError(f"{side.thread.name} is stuck")
    return Race(a.outcome, b.outcome, second_waited=waited)


def _seen_waiting(b_done: threading.Event) -> bool:
    """Whether B is waiting for A's lock. PostgreSQL says so (a backend waiting on a lock):
    no guessing. SQLite cannot be asked: B is given ``B_GRACE_SECONDS`` to finish."""
    if _lock_waiters is None:
        return not b_done.wait(B_GRACE_SECONDS)
    deadline = time.monotonic() + STUCK_SECONDS
    while not b_done.wait(0.02):
        if _lock_waiters():
            return True
        if time.monotonic() > deadline:  # pragma: no cover - B stuck on something else
            return False
    return False


#: How to ask the database of the current ``two_desks`` whether a session waits on a lock
#: (PostgreSQL only; None on SQLite).
_lock_waiters: Callable[[], bool] | None = None


def _postgres_lock_waiters(url: str) -> tuple[Callable[[], bool], Callable[[], None]]:
    import psycopg

    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    query = (
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )

    def waiting() -> bool:
        row = conn.execute(query).fetchone()
        return bool(row and row[0])

    return waiting, conn.close


# -- two desks on one database ------------------------------------------------------------


@dataclasses.dataclass
class Desk:
    """One station: its app and services wired on a clock the test can move."""

    app: AppContext
    clock: MovableClock
    services: Services


def _desk(env: dict[str, str]) -> Desk:
    app = open_app(load_config(env), sandbox="none")
    app.deps.desk.sign_in(TEST_MANAGER)
    clock = MovableClock()
    deps = dataclasses.replace(app.deps, clock=clock)
    return Desk(app, clock, wire_services(deps))


def two_desks(
    kind: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    api_base: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Desk, Desk]]:
    """Two stations on one fresh database of ``kind`` (yield from this in a fixture), with
    the lock sites ``POS_TEST_UNLOCK`` names unlocked."""
    simulate_unlocked(monkeypatch)
    env = {"POS_STRIPE_API_BASE": api_base, "POS_TIMEZONE": "UTC"}
    if kind == "postgresql":
        env["POS_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    first = _desk({**env, "POS_DATA_DIR": str(tmp_path / "one")})
    try:
        second = _desk(
            {
                **env,
                "POS_DATA_DIR": str(tmp_path / "two"),
                "POS_DATABASE_URL": first.app.config.database_url,
            }
        )
    except BaseException:
        first.app.close()
        raise
    assert first.app.deps.policy.station_id != second.app.deps.policy.station_id
    global _lock_waiters
    close_probe: Callable[[], None] = lambda: None  # noqa: E731
    if kind == "postgresql":
        _lock_waiters, close_probe = _postgres_lock_waiters(first.app.config.database_url)
    try:
        yield first, second
    finally:
        _lock_waiters = None
        close_probe()
        second.app.close()
        first.app.close()


# -- simulated mutants (POS_TEST_UNLOCK) ----------------------------------------------------


def _caller() -> str:
    """``module.function`` of the service code that called the wrapped method (frames of
    this harness, such as a pause's wrapper, are skipped)."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return f"{Path(frame.f_code.co_filename).stem}.{plain_name(frame.f_code.co_name)}"


def plain_name(code_name: str) -> str:
    """A function's own name, also under ``make mutation``: mutmut renames every function
    of a mutated module (``x__apply_session__mutmut_3``, ``xǁCashServiceǁ_claim__mutmut_orig``)
    and these tests run there too."""
    if "__mutmut_" not in code_name:
        return code_name
    base = code_name.split("__mutmut_")[0]
    if "ǁ" in base:
        return base.rsplit("ǁ", 1)[1]
    return base.removeprefix("x_")


def simulate_unlocked(monkeypatch: pytest.MonkeyPatch, spec: str | None = None) -> None:
    """Apply ``POS_TEST_UNLOCK`` (or ``spec``): the named lock sites take no lock."""
    spec = os.environ.get("POS_TEST_UNLOCK", "") if spec is None else spec
    for site in filter(None, (s.strip() for s in spec.split(","))):
        kind, _, rest = site.partition(":")
        if kind == "write":
            _drop_write(monkeypatch, rest)
        elif kind == "for_update":
            repo, _, where = rest.partition(":")
            _drop_for_update(monkeypatch, getattr(repositories, repo), where)
        else:  # pragma: no cover - a mistyped switch
            raise ValueError(f"POS_TEST_UNLOCK: unknown site {site!r}")


def _drop_write(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    real = repositories.SqlUnitOfWorkFactory.__call__

    def call(self: repositories.SqlUnitOfWorkFactory, *, write: bool = False) -> Any:
        if write and _caller() == where:
            write = False
        return real(self, write=write)

    monkeypatch.setattr(repositories.SqlUnitOfWorkFactory, "__call__", call)


def _drop_for_update(monkeypatch: pytest.MonkeyPatch, repo: type, where: str) -> None:
    real = repo.get

    def get(self: Any, key: Any, *, for_update: bool = False) -> Any:
        if for_update and _caller() == where:
            for_update = False
        return real(self, key, for_update=for_update)

    monkeypatch.setattr(repo, "get", get)
