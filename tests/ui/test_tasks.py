"""TaskRunner: work off the GUI thread, results back on it, errors as sentences."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_app.domain.errors import GatewayUnavailable
from pos_app.ui.kit.tasks import GENERIC_ERROR, TaskRunner, user_message


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    r = TaskRunner(busy_delay_ms=300)
    yield r
    r.shutdown(timeout=1)


def test_success_runs_in_worker_and_calls_back_on_gui_thread(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    seen: dict[str, object] = {}

    def work() -> int:
        seen["work_thread"] = threading.current_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback_qthread"] = QThread.currentThread()

    assert runner.run(work, on_success=done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert seen["work_thread"] is not threading.main_thread()
    app = QApplication.instance()
    assert app is not None
    assert seen["callback_qthread"] is app.thread()


def test_pos_error_reaches_on_failure(qtbot: QtBot, runner: TaskRunner) -> None:
    failures: list[BaseException] = []

    def work() -> None:
        raise GatewayUnavailable("Cannot reach Stripe right now.")

    runner.run(work, on_failure=failures.append)
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], GatewayUnavailable)
    assert user_message(failures[0]) == "Cannot reach Stripe right now."


def test_failure_without_handler_is_a_sentence_on_error_signal(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    def work() -> None:
        raise GatewayUnavailable("Cannot reach Stripe right now.")

    with qtbot.waitSignal(runner.error, timeout=5000) as blocker:
        runner.run(work)
    assert blocker.args == ["Cannot reach Stripe right now."]


def test_unexpected_error_is_generic_for_user_and_traceback_in_log(
    qtbot: QtBot, runner: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    def work() -> None:
        raise KeyError("internal detail")

    caplog.set_level(logging.ERROR, logger="pos_app.ui.kit.tasks")
    with qtbot.waitSignal(runner.error, timeout=5000) as blocker:
        runner.run(work)
    message = blocker.args[0]
    assert message == GENERIC_ERROR
    assert "Traceback" not in message and "internal detail" not in message
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


def test_same_key_is_skipped_while_running(qtbot: QtBot, runner: TaskRunner) -> None:
    release = threading.Event()
    calls: list[int] = []
    results: list[int] = []

    def slow(n: int) -> int:
        calls.append(n)
        release.wait(5)
        return n

    assert runner.run(lambda: slow(1), on_success=results.append, key="poll")
    assert not runner.run(lambda: slow(2), on_success=results.append, key="poll")
    assert runner.is_running("poll")
    # Another key is independent.
    assert runner.run(lambda: 3, on_success=results.append, key="other")
    release.set()
    qtbot.waitUntil(lambda: sorted(results) == [1, 3])
    assert calls == [1]
    assert not runner.is_running("poll")
    # Once delivered, the key is free again.
    assert runner.run(lambda: slow(4), on_success=results.append, key="poll")
    qtbot.waitUntil(lambda: 4 in results)


def test_busy_only_for_slow_work(qtbot: QtBot, runner: TaskRunner) -> None:
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    done: list[int] = []
    runner.run(lambda: 1, on_success=done.append)
    qtbot.waitUntil(lambda: done == [1])
    qtbot.wait(400)  # past the busy delay: a finished quick task must not flash "busy"
    assert states == []

    release = threading.Event()
    runner.run(lambda: release.wait(5), on_success=done.append)
    qtbot.waitUntil(lambda: states == [True], timeout=3000)
    assert runner.busy
    release.set()
    qtbot.waitUntil(lambda: states == [True, False])


def test_quiet_work_never_reports_busy(qtbot: QtBot, runner: TaskRunner) -> None:
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    release = threading.Event()
    done: list[object] = []
    runner.run(lambda: release.wait(5), on_success=done.append, quiet=True)
    qtbot.wait(500)
    release.set()
    qtbot.waitUntil(lambda: bool(done))
    assert states == []


def test_shutdown_drops_callbacks(qtbot: QtBot) -> None:
    runner = TaskRunner()
    release = threading.Event()
    started = threading.Event()
    called: list[object] = []

    def work() -> int:
        started.set()
        release.wait(5)
        return 1

    runner.run(work, on_success=called.append, on_failure=called.append)
    assert started.wait(5)
    runner.shutdown(timeout=0.05)
    release.set()
    qtbot.wait(200)
    assert called == []
    assert not runner.run(lambda: 2, on_success=called.append)


def test_callbacks_dropped_when_owner_is_deleted(qtbot: QtBot, runner: TaskRunner) -> None:
    owner = QObject()
    release = threading.Event()
    called: list[object] = []
    finished: list[object] = []
    runner.run(lambda: release.wait(5), on_success=called.append, owner=owner)
    runner.run(lambda: release.wait(5), on_success=finished.append)
    import shiboken6

    shiboken6.delete(owner)
    release.set()
    qtbot.waitUntil(lambda: bool(finished))
    qtbot.wait(50)
    assert called == []


def test_bug_in_callback_becomes_generic_error(qtbot: QtBot, runner: TaskRunner) -> None:
    def broken(_value: object) -> None:
        raise RuntimeError("bug")

    with qtbot.waitSignal(runner.error, timeout=5000) as blocker:
        runner.run(lambda: 1, on_success=broken)
    assert blocker.args == [GENERIC_ERROR]


def test_emit_keeps_bool_reference_counts_balanced(qtbot: QtBot, runner: TaskRunner) -> None:
    # PySide6 6.12.0 under CPython 3.11 drops a reference to True on every Python emit; a day
    # of polling would abort the interpreter. pyproject.toml keeps that release out; this
    # fails if a binding with the bug comes back.
    received: list[str] = []
    runner.error.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(5000):
        runner.error.emit("x")
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(received) == 5000
    assert abs(after[0] - before[0]) < 50 and abs(after[1] - before[1]) < 50


def test_latest_drops_an_older_answer_landing_after_a_newer_one(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    # The older read is held back until the newer one has been shown, then lands: it must
    # not overwrite the newer answer. Its ``key`` only lets the test see it was delivered.
    release = threading.Event()
    shown: list[str] = []
    failed: list[BaseException] = []
    runner.run(
        lambda: release.wait(5) and "old",
        on_success=shown.append,
        on_failure=failed.append,
        key="old-read",
        latest="line",
    )
    runner.run(lambda: "new", on_success=shown.append, latest="line")
    qtbot.waitUntil(lambda: shown == ["new"])
    release.set()
    qtbot.waitUntil(lambda: not runner.is_running("old-read"))
    assert shown == ["new"] and failed == []
    # The newest answered, so the token is free: the next read with it is shown.
    runner.run(lambda: "again", on_success=shown.append, latest="line")
    qtbot.waitUntil(lambda: shown == ["new", "again"])


def test_latest_drops_an_older_failure_and_keeps_other_tokens(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    release = threading.Event()
    failed: list[BaseException] = []
    errors: list[str] = []
    runner.error.connect(errors.append)
    shown: list[str] = []

    def old() -> str:
        release.wait(5)
        raise GatewayUnavailable("Cannot reach Stripe right now.")

    owner = QObject()
    runner.run(old, on_failure=failed.append, key="old-read", latest=(owner, "a"))
    runner.run(old, key="unhandled", latest=(owner, "b"))  # would be an error(sentence)
    runner.run(lambda: "newer a", on_success=shown.append, latest=(owner, "a"))
    runner.run(lambda: "newer b", on_success=shown.append, latest=(owner, "b"))
    runner.run(lambda: "other", on_success=shown.append, latest=(owner, "c"))
    qtbot.waitUntil(lambda: sorted(shown) == ["newer a", "newer b", "other"])
    release.set()
    qtbot.waitUntil(
        lambda: not runner.is_running("old-read") and not runner.is_running("unhandled")
    )
    assert failed == [] and errors == []


def test_supersede_drops_the_answer_on_its_way(qtbot: QtBot, runner: TaskRunner) -> None:
    release = threading.Event()
    shown: list[str] = []
    runner.run(lambda: release.wait(5) and "read", on_success=shown.append, key="r", latest="x")
    runner.supersede("x")  # the caller showed something newer without asking
    release.set()
    qtbot.waitUntil(lambda: not runner.is_running("r"))
    assert shown == []
    runner.supersede("never run")  # nothing on its way: nothing to drop, no error
