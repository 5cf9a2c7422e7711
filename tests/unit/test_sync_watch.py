"""`pos-app sync --watch` without a database (issue 13 item 3): one line per change of
role, each new problem said once as a sentence, and SIGTERM or Ctrl+C stop it cleanly with
the lock let go first. The real processes on PostgreSQL are in
tests/integration/test_poller_stations.py."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from pos_app.cli import watch
from pos_app.domain.errors import GatewayUnavailable
from pos_app.domain.poll_pace import PollRole
from pos_app.services.payment_sync import SyncReport
from pos_app.sync.poller import Tick


class ScriptedPoller:
    """Hands out the scripted ticks (the last one again and again), then signals itself."""

    def __init__(
        self,
        ticks: list[Tick],
        on_role: Callable[[PollRole], None] | None,
        stop_with: int | None = signal.SIGTERM,
    ) -> None:
        self.ticks = ticks
        self.on_role = on_role
        self.stop_with = stop_with
        self.count = 0
        self.released = 0

    def tick(self, *, force: bool = False) -> Tick:
        tick = self.ticks[min(self.count, len(self.ticks) - 1)]
        self.count += 1
        if tick.role_changed and self.on_role is not None:
            self.on_role(tick.role)
        if self.count == len(self.ticks) and self.stop_with is not None:
            os.kill(os.getpid(), self.stop_with)  # as systemd or Ctrl+C would
        return tick

    def stop(self) -> None:
        self.released += 1


def _tick(
    role: PollRole,
    *,
    changed: bool = False,
    report: SyncReport | None = None,
    error: Exception | None = None,
) -> Tick:
    return Tick(role, report, error, 0.01, changed)


def _watch(
    tmp_path: Path, ticks: list[Tick], stop_with: int = signal.SIGTERM, stations: object = None
) -> ScriptedPoller:
    made: list[ScriptedPoller] = []

    def poller(on_role: Callable[[PollRole], None] | None = None) -> ScriptedPoller:
        made.append(ScriptedPoller(ticks, on_role, stop_with))
        return made[0]

    ctx = SimpleNamespace(
        poller=poller, config=SimpleNamespace(data_dir=tmp_path), stations=stations
    )
    assert watch.watch(ctx) == 0  # type: ignore[arg-type]
    return made[0]


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_one_line_per_role_then_stopped_with_the_lock_let_go(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stop_with: int
) -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    ticks = [
        _tick(PollRole.STANDBY, changed=True),
        _tick(PollRole.STANDBY),
        _tick(PollRole.LEADER, changed=True, report=SyncReport()),
        _tick(PollRole.LEADER, report=SyncReport()),
        _tick(PollRole.LEADER),
    ]
    poller = _watch(tmp_path, ticks, stop_with)
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "Another station reads Stripe's updates; this one waits to take over.",
        "This station now reads Stripe's updates.",
        "Stopped.",
    ]
    assert err == ""
    assert poller.released == 1
    assert poller.count == len(ticks)  # stopped at the next look, not after more ticks
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_problems_are_one_sentence_each_said_once_never_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offline = GatewayUnavailable("Stripe cannot be reached right now.")
    ticks = [
        _tick(PollRole.LEADER, changed=True, error=offline),
        _tick(PollRole.LEADER, error=offline),
        _tick(PollRole.LEADER),  # not due: says nothing, forgets nothing
        _tick(PollRole.LEADER, error=offline),
        _tick(PollRole.LEADER, report=SyncReport(errors=["Checking payment pay_1 failed."])),
        _tick(PollRole.LEADER, report=SyncReport(errors=["Checking payment pay_1 failed."])),
        _tick(PollRole.LEADER, report=SyncReport()),
        _tick(PollRole.LEADER, error=KeyError("bug")),
        _tick(PollRole.STANDBY, changed=True, error=OSError("connection refused")),
    ]
    _watch(tmp_path, ticks)
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "Stripe cannot be reached right now. Trying again in 0 s.",
        "Checking payment pay_1 failed.",
        f"A pass over Stripe's updates failed; details are in {tmp_path / 'pos-app.log'}. "
        "Trying again in 0 s.",
        "The database does not answer, so this station cannot take over. Trying again in 0 s.",
    ]
    assert "Traceback" not in out + err
    assert out.splitlines()[-1] == "Stopped."


def test_a_second_signal_stops_at_once() -> None:
    flag = watch.StopFlag()
    with flag.on_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        assert flag()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)


def test_watch_is_a_flag_of_sync_and_prints_no_json() -> None:
    from pos_app.cli.parser import build_parser

    assert build_parser().parse_args(["sync", "--watch"]).watch is True
    assert build_parser().parse_args(["sync"]).watch is False
    with pytest.raises(SystemExit) as usage:
        build_parser().parse_args(["sync", "--watch", "--json"])
    assert usage.value.code == 2


def test_pos_poll_seconds_is_the_busy_pace_one_second_by_default(tmp_path: Path) -> None:
    from pos_app.config import load_config

    base = {"POS_DATA_DIR": str(tmp_path), "POS_TIMEZONE": "UTC"}
    assert load_config(base).poll_seconds == 1.0
    assert load_config({**base, "POS_POLL_SECONDS": "5"}).poll_seconds == 5.0


def test_each_tick_beats_the_stations_heartbeat_with_its_role(tmp_path: Path) -> None:
    """Settings ▸ Stations and every status bar learn from the beats which station leads."""
    beats: list[bool] = []
    stations = SimpleNamespace(beat_if_due=lambda leader: beats.append(leader) or True)
    ticks = [
        _tick(PollRole.STANDBY, changed=True),
        _tick(PollRole.LEADER, changed=True, report=SyncReport()),
        _tick(PollRole.LEADER),
    ]
    _watch(tmp_path, ticks, stations=stations)
    assert beats == [False, True, True]
