"""UI fixtures: an app whose business day has room left, a runner, and an attached window."""

from __future__ import annotations

import gc
import inspect
import os
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import pos_app.ui
from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.devtools.demo import morning_timezone
from pos_app.domain.booking import Booking
from pos_app.services.bookings import BookingRequest
from pos_app.ui.kit import gc_guard
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.main_window import MainWindow
from tests.conftest import TEST_MANAGER
from tests.ui.demo_worlds import PSEUDO_WORLDS, WORLDS

UI_DIR = Path(pos_app.ui.__file__).resolve().parent


@pytest.fixture(scope="session", autouse=True)
def _demo_worlds_shared(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under xdist, the workers seed and find the demo worlds in one folder of the run (the
    parent of each worker's base temp folder), so a world is seeded once for all of them."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp().parent / "demo-worlds"
        WORLDS.share_in(shared)
        PSEUDO_WORLDS.share_in(shared)


@pytest.fixture(autouse=True)
def _app_wide_look_restored(qapp: QApplication) -> Iterator[None]:
    """Each test starts with the look the last one found: a test that applies the app's
    stylesheet, palette or font (the theme tests, the screen walks, Settings ▸ Theme) must
    not change how widgets measure in the next test on the same worker."""
    sheet, font, palette = qapp.styleSheet(), qapp.font(), qapp.palette()
    yield
    if qapp.styleSheet() != sheet:
        qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setPalette(palette)


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_gui_thread(qapp: object) -> Iterator[None]:
    """As the app does: no collection may start on a worker thread and free Qt objects there.

    Also deletes the widgets the test left to ``deleteLater`` (pytest-qt's closed widgets, the
    screens a screenshot render closed): outside a running event loop Qt only deletes them when
    asked, and every widget still alive makes each later app-wide restyle, palette or font
    change slower (a screen walk's dark switch re-polishes every widget of the process)."""
    gc_guard.install(qapp)  # type: ignore[arg-type]
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def ui_env(app_env: dict[str, str]) -> dict[str, str]:
    """The shared test environment, in a zone where it is mid-morning now, so a booking an
    hour from now is always 'today' whatever time the tests run."""
    return {**app_env, "POS_TIMEZONE": str(morning_timezone())}


class ServiceGuard:
    """Wraps every public service method to catch UI code calling it on the GUI thread.

    A call counts as a violation when it runs on the main (GUI) thread with a frame from
    ``pos_app/ui`` on the stack; tests may still call services directly to set things up.
    """

    SERVICES = (
        "receipts",
        "catalog",
        "bookings",
        "checkout",
        "cash",
        "refunds",
        "sync",
        "customers",
        "people",
        "audit",
        "settings",
        "reports",
        "csv_export",
        "day_close",
        "reconciliation",
        "doctor",
        "backups",
        "stations",
        "products",
        "promo_codes",
        "orders",
        "pricing",
    )

    def __init__(self, ctx: AppContext) -> None:
        self.violations: list[str] = []
        for name in self.SERVICES:
            service = getattr(ctx, name)
            for attr in dir(service):
                method = getattr(service, attr)
                if not attr.startswith("_") and callable(method):
                    setattr(service, attr, self._wrap(f"{name}.{attr}", method))

    def _wrap(self, label: str, method: Callable[..., object]) -> Callable[..., object]:
        def guarded(*args: object, **kwargs: object) -> object:
            if threading.current_thread() is threading.main_thread():
                frames = inspect.stack(context=0)
                if any(UI_DIR in Path(f.filename).parents for f in frames):
                    self.violations.append(label)
            return method(*args, **kwargs)

        return guarded


@pytest.fixture
def ui_app(ui_env: dict[str, str]) -> Iterator[AppContext]:
    """A wired app on a fresh database, talking to the test sandbox; fails the test if UI
    code calls a service on the GUI thread."""
    ctx = open_app(load_config(ui_env), sandbox="none")
    ctx.deps.desk.sign_in(TEST_MANAGER)  # the main window opens on the day, not the lock
    guard = ServiceGuard(ctx)
    yield ctx
    ctx.close()
    assert guard.violations == [], f"service calls on the GUI thread: {guard.violations}"


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    """A task runner, shut down after the test so no callback outlives it."""
    r = TaskRunner()
    yield r
    r.shutdown(timeout=5)


@pytest.fixture
def window(qtbot: QtBot, runner: TaskRunner, ui_app: AppContext) -> Iterator[MainWindow]:
    """The main window, shown and attached to ``ui_app``."""
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.attach(ui_app)
    yield w
    w.detach()


def make_booking(
    ctx: AppContext, name: str = "Ada Lovelace", *, minutes: int = 60, price: str | None = None
) -> Booking:
    """A Haircut booking later today (business time zone)."""
    starts = datetime.now(ctx.config.timezone).replace(second=0, microsecond=0)
    return ctx.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id="svc_haircut",
            starts_at=starts + timedelta(minutes=minutes),
            price_text=price,
            customer_email="ada@example.com",
        )
    )


def in_thread(fn: Callable[[], object]) -> threading.Thread:
    """Run ``fn`` on a plain thread (a customer's phone), leaving the GUI loop free."""
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread
