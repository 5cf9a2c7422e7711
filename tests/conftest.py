"""Shared fixtures: a sandbox server per test session, a fresh app per test."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import zlib
from collections import Counter
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
import stripe

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's real keyring: the app then keeps secrets in its private file
# in each test's own data directory (tests of the keyring path pass an in-memory backend).
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
# English sentences and formats whatever this machine's LANG is (the app follows the system's
# language by default); tests of other languages set theirs explicitly.
os.environ["POS_LANGUAGE"] = "en"

from pos_app.app import AppContext, open_app
from pos_app.config import DATABASE_FILES, load_config
from pos_app.domain.people import Actor, Role
from pos_app.gateway.backoff import BackoffHTTPClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.pg_fixtures import postgres_admin_url, postgres_url  # noqa: F401 (fixtures)

# Who the `app` fixture has signed in: a manager, as at the command line, so tests of money
# work are not refused; tests of permissions sign someone else in (or out) themselves.
TEST_MANAGER = Actor(None, "Test manager", Role.MANAGER)

#: ``POS_TEST_DB``: which database the app tests (those using ``app``, ``app_env`` or
#: ``database_url``) run on. Unset, ``mixed`` (or ``postgresql`` when the older
#: ``POS_TEST_POSTGRES_URL`` names a server: every app test on it, as that variable did).
DATABASE_MODES = ("sqlite", "postgresql", "mixed")
#: In ``mixed``, the share of app tests on PostgreSQL, in percent: each test's side comes
#: from a CRC of its node id, so it is the same every run and on every xdist worker, and
#: every tier and most files exercise both databases.
MIXED_POSTGRES_PERCENT = 50
SQLITE, POSTGRESQL = "SQLite", "PostgreSQL"
#: The user properties (junit XML, xdist) that say which database a test ran on, and why a
#: test meant for PostgreSQL ran on SQLite.
DATABASE_PROPERTY, FALLBACK_PROPERTY = "database", "database_fallback"


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox on 127.0.0.1 and a free port, for the whole test session."""
    handle = start_in_thread(tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3")
    yield handle
    handle.stop()


@pytest.fixture
def stripe_client(sandbox: SandboxHandle) -> stripe.StripeClient:
    """The real SDK pointed at the test sandbox, for reading what "Stripe" holds (waiting
    out its 25 requests/s limit as the app does)."""
    return stripe.StripeClient(
        "sk_test_reader",
        base_addresses={"api": sandbox.url},
        http_client=BackoffHTTPClient(allow_sync_methods=True),
        max_network_retries=0,
    )


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str | None:
    """The database of this test's app: a fresh migrated PostgreSQL database, or None for
    the app's default SQLite file in the test's data directory.

    ``POS_TEST_DB`` chooses (``sqlite``, ``postgresql``, or ``mixed``: about half the tests,
    by a stable hash of their id); tests marked ``sqlite_only`` always get SQLite. In
    ``mixed``, a PostgreSQL that cannot start here gives SQLite instead, counted in the run's
    summary (with ``POS_TEST_REQUIRE_POSTGRES=1``, as in CI, that is an error).
    """
    item = request.node
    if not _wants_postgres(item):
        item.user_properties.append((DATABASE_PROPERTY, SQLITE))
        return None
    try:
        url: str = request.getfixturevalue("postgres_url")
    except pytest.skip.Exception as missing:
        if _database_mode() == "postgresql":
            raise  # asked for PostgreSQL by name: skipped, saying why
        item.user_properties.append((DATABASE_PROPERTY, SQLITE))
        item.user_properties.append((FALLBACK_PROPERTY, str(missing.msg)))
        return None
    item.user_properties.append((DATABASE_PROPERTY, POSTGRESQL))
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database file the app's own migrations made once per session (per xdist
    worker), as the PostgreSQL tests' template database: each app test starts on a copy
    instead of running every migration again."""
    from pos_app.store.database import make_engine, migrate, sqlite_url

    path = tmp_path_factory.mktemp("sqlite-template") / DATABASE_FILES["sandbox"]
    engine = make_engine(sqlite_url(path))
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return path


@pytest.fixture
def app_env(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sandbox: SandboxHandle,
    database_url: str | None,
    sqlite_template: Path,
) -> dict[str, str]:
    """Environment for an app (or a CLI subprocess) on a fresh data dir, using the sandbox:
    a fresh migrated database (a copy of the session's SQLite template, or ``database_url``);
    tests marked ``fresh_data_dir`` get no folder at all, as before a station's first start."""
    data = tmp_path / "data"
    if not database_url and request.node.get_closest_marker("fresh_data_dir") is None:
        # What a station's first start leaves: a private folder holding a migrated database.
        data.mkdir(mode=0o700)
        database = data / DATABASE_FILES["sandbox"]
        shutil.copyfile(sqlite_template, database)
        database.chmod(0o600)
    env = {
        "POS_DATA_DIR": str(data),
        "POS_STRIPE_API_BASE": sandbox.url,
        "POS_TIMEZONE": "UTC",
    }
    if database_url:
        env["POS_DATABASE_URL"] = database_url
    return env


@pytest.fixture
def app(app_env: dict[str, str]) -> Iterator[AppContext]:
    """A fully wired app on a fresh SQLite database, talking to the test sandbox, with a
    manager signed in at the desk."""
    ctx = open_app(load_config(app_env), sandbox="none")
    ctx.deps.desk.sign_in(TEST_MANAGER)
    yield ctx
    ctx.close()


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """A command run in-process (``cli.main``) sets up the app's logging: its stderr handler
    wraps the test's captured stream, which is closed after the test. Put the root logger
    back, so a later test's background thread never logs into a closed stream."""
    root = logging.getLogger()
    kept, level = [h for h in root.handlers if not _pytests(h)], root.level
    yield
    for handler in list(root.handlers):
        if not _pytests(handler) and handler not in kept:
            root.removeHandler(handler)
            handler.close()
    for handler in kept:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def _pytests(handler: logging.Handler) -> bool:
    """pytest's own capture handlers, which it adds and removes around each phase itself."""
    return type(handler).__module__.startswith("_pytest")


@pytest.hookimpl(trylast=True)  # after xdist's own hook (see _xdist_groups)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `make mutation` the package is mutmut's deliberately changed copy: checks of the
    source files themselves (module sizes, import rules) would judge the mutations' scaffolding,
    not the code, so they are left out there; everywhere else they run."""
    _xdist_groups(config, items)
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    kept = [item for item in items if item.get_closest_marker("source_tree") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def _xdist_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker under ``--dist loadgroup``: give each test marked ``xdist_group``
    the ``@group`` suffix the scheduler groups by, where xdist's own hook could not.

    xdist 3.8 adds it by assigning ``item._nodeid``; pytest 9.2 derives ``nodeid`` from
    ``item._id`` instead, so the suffix was lost and every group was scattered over the
    workers (pytest-xdist issue 1386): each screen walked again by every worker its four
    checks landed on, each language's chunk of walks split, the wheel built per worker."""
    # Workers only (the controller never sees the marks' suffix); without xdist there is
    # no such option at all.
    if not hasattr(config, "workerinput") or not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted({str(_group_name(mark)) for mark in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid.rpartition("]")[2]:
            _add_suffix(item, f"@{'_'.join(names)}")


def _group_name(mark: pytest.Mark) -> object:
    return mark.args[0] if mark.args else mark.kwargs.get("name", "default")


def _add_suffix(item: pytest.Item, suffix: str) -> None:
    try:
        from _pytest.nodeid import NodeId  # pytest ≥ 9.2: the id is structured
    except ImportError:  # older pytest: xdist's own hook has added the suffix already
        item._nodeid = item.nodeid + suffix  # type: ignore[attr-defined]
        return
    old: NodeId = item._id
    # The suffix goes after the parameters, as on older pytest: "test_x[a]@group".
    last = f"{old.names[-1]}[{old.params}]" if old.params is not None else old.names[-1]
    item._id = NodeId(path=old.path, names=(*old.names[:-1], last + suffix))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collection leaves alive (every imported module, the app's and the test
    libraries' tables): it lives to the end, and the UI tests' per-test ``gc.collect()`` then
    scans only what tests made, not all of it again each time (about 40 ms a test saved)."""
    gc.collect()
    gc.freeze()


def _database_mode() -> str:
    mode = os.environ.get("POS_TEST_DB")
    if mode:
        return mode
    return "postgresql" if os.environ.get("POS_TEST_POSTGRES_URL") else "mixed"


def _wants_postgres(item: pytest.Item) -> bool:
    """Whether this test's app goes on PostgreSQL (before knowing whether one can start)."""
    if item.get_closest_marker("sqlite_only") is not None:
        return False
    mode = _database_mode()
    if mode == "mixed":
        return zlib.crc32(item.nodeid.encode()) % 100 < MIXED_POSTGRES_PERCENT
    return mode == "postgresql"


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a misspelt POS_TEST_DB before running anything; count the databases used."""
    if _database_mode() not in DATABASE_MODES:
        raise pytest.UsageError(
            f"POS_TEST_DB={_database_mode()!r} is not one of {', '.join(DATABASE_MODES)}."
        )
    config.pluginmanager.register(DatabaseTally(), "pos-database-tally")


def pytest_report_header(config: pytest.Config) -> str:
    """One line at the top of the run: where the app tests' databases are."""
    mode = _database_mode()
    where = {
        "sqlite": "every app test on SQLite",
        "postgresql": "every app test on PostgreSQL (except those marked sqlite_only)",
        "mixed": f"about {MIXED_POSTGRES_PERCENT} % of the app tests on PostgreSQL "
        "(by a hash of each test's id), the rest on SQLite",
    }[mode]
    return f"databases: POS_TEST_DB={mode}: {where}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing app test says which database it ran on, in a section of its own."""
    report = yield
    database = dict(item.user_properties).get(DATABASE_PROPERTY)
    if database is not None and report.failed:
        report.sections.append(("database", f"This test ran on {database}."))
    return report


class DatabaseTally:
    """Counts the app tests on each database (on the xdist controller, from the workers'
    reports) and says so at the end of the run; one per pytest session."""

    def __init__(self) -> None:
        self.databases: Counter[str] = Counter()
        self.fallbacks: Counter[str] = Counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count each app test once, at its setup, by the database its fixture chose."""
        if report.when != "setup":
            return
        properties = dict(report.user_properties)
        if DATABASE_PROPERTY in properties:
            self.databases[str(properties[DATABASE_PROPERTY])] += 1
        if FALLBACK_PROPERTY in properties:
            self.fallbacks[str(properties[FALLBACK_PROPERTY])] += 1

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """How many app tests ran on each database; and, when some meant for PostgreSQL ran
        on SQLite because none could start here, how many and why."""
        if not self.databases:
            return
        terminalreporter.write_line(
            f"Databases: {self.databases[SQLITE]} app tests on SQLite, "
            f"{self.databases[POSTGRESQL]} on PostgreSQL (POS_TEST_DB={_database_mode()})."
        )
        for reason, count in self.fallbacks.items():
            tests = "test" if count == 1 else "tests"
            terminalreporter.write_line(
                f"{count} app {tests} meant for PostgreSQL ran on SQLite instead (with "
                f"POS_TEST_REQUIRE_POSTGRES=1 that is an error): {reason}",
                yellow=True,
            )
