"""Payments and failed refunds are announced once each: notification, taskbar flash, chime."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QSystemTrayIcon, QWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.money import Money
from pos_app.services.payment_sync import PaymentCompleted, RefundFailed, SyncReport
from pos_app.ui.shell import notifier
from pos_app.ui.shell.main_window import MainWindow
from pos_app.ui.shell.notifier import Notifier, SystemSoundPlayer, sound_path, write_sound
from tests.payments import REFUND_FAILS_LATER, pay
from tests.ui.conftest import in_thread, make_booking


class FakeTray:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str, QSystemTrayIcon.MessageIcon]] = []

    def showMessage(
        self, title: str, msg: str, icon: QSystemTrayIcon.MessageIcon, msecs: int
    ) -> None:
        self.messages.append((title, msg, icon))


class FakeSound:
    def __init__(self) -> None:
        self.played: list[str] = []

    def play(self, name: str) -> str:
        self.played.append(name)
        return "fake"


class Fakes:
    """Everything the notifier reaches outside the window, recorded."""

    def __init__(self, tmp_path: Path, *, active: bool = False) -> None:
        self.tray = FakeTray()
        self.sound = FakeSound()
        self.alerts: list[QWidget] = []
        self.active = active
        self.settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)

    def notifier(self, window: QWidget) -> Notifier:
        return Notifier(
            window,
            tray=lambda: self.tray,
            sound=self.sound,
            alert=self.alerts.append,
            is_active=lambda: self.active,
            settings=self.settings,
        )


def _paid(payment_id: str = "pay_1") -> PaymentCompleted:
    return PaymentCompleted("bk_1", payment_id, Money(3500, "usd"), "Ada Lovelace", "Haircut")


def test_one_payment_is_announced_once_whoever_saw_it(qtbot: QtBot, tmp_path: Path) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    fakes = Fakes(tmp_path)
    notify = fakes.notifier(host)
    assert notify.payment_completed("pay_1", "$35.00", "Ada Lovelace", "Haircut") is True
    # The sync pass and a webhook report the same payment: nothing more.
    assert notify.sync_report(SyncReport(newly_paid=[_paid(), _paid()])) == 0
    assert notify.payment_completed("pay_1", "$35.00", "Ada Lovelace", "Haircut") is False
    assert fakes.tray.messages == [
        (
            "Payment received",
            "$35.00 from Ada Lovelace — Haircut",
            QSystemTrayIcon.MessageIcon.Information,
        )
    ]
    assert fakes.sound.played == ["payment"] and fakes.alerts == [host]
    # Another payment is news.
    assert notify.sync_report(SyncReport(newly_paid=[_paid("pay_2")])) == 1
    assert len(fakes.tray.messages) == 2 and fakes.sound.played == ["payment", "payment"]


def test_failed_refund_is_a_warning_with_its_reason(qtbot: QtBot, tmp_path: Path) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    fakes = Fakes(tmp_path)
    notify = fakes.notifier(host)
    failed = RefundFailed(
        "bk_1", "ref_1", Money(1000, "usd"), "Ada Lovelace", "lost_or_stolen_card"
    )
    assert notify.sync_report(SyncReport(refunds_newly_failed=[failed, failed])) == 1
    assert fakes.tray.messages == [
        (
            "Refund failed",
            "The refund of $10.00 to Ada Lovelace did not go through: "
            "the card was reported lost or stolen.",
            QSystemTrayIcon.MessageIcon.Warning,
        )
    ]
    assert fakes.sound.played == ["refund-failed"]


def test_in_front_it_is_a_toast_and_sound_can_be_switched_off(qtbot: QtBot, tmp_path: Path) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(900, 600)
    host.show()
    fakes = Fakes(tmp_path, active=True)
    notify = fakes.notifier(host)
    action = notify.sound_action(host)
    assert action.isChecked() and notify.sound_enabled()
    action.trigger()  # View ▸ Sound off
    assert not notify.sound_enabled()
    notify.payment_completed("pay_9", "$5.00", "", "")
    assert fakes.tray.messages == []  # the app is in front: an in-app toast instead
    assert notify.toast.text() == "Payment received: $5.00"
    assert fakes.sound.played == []
    # Remembered for next time.
    again = Fakes(tmp_path).notifier(host)
    assert again.sound_enabled() is False


def test_no_tray_means_a_toast_even_in_the_background(qtbot: QtBot, tmp_path: Path) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    host.show()
    fakes = Fakes(tmp_path)
    notify = Notifier(
        host,
        tray=lambda: None,
        sound=fakes.sound,
        alert=fakes.alerts.append,
        is_active=lambda: False,
        settings=fakes.settings,
    )
    notify.payment_completed("pay_3", "$1.00", "Bo", "Trim")
    assert notify.toast.text() == "Payment received: $1.00 from Bo — Trim"
    assert fakes.alerts == [host] and fakes.sound.played == ["payment"]


def _install(window: MainWindow, fakes: Fakes) -> Notifier:
    window.notifier = fakes.notifier(window)
    return window.notifier


def test_window_announces_a_payment_once_when_unfocused(
    qtbot: QtBot,
    window: MainWindow,
    ui_app: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fakes = Fakes(tmp_path)
    _install(window, fakes)
    passes: list[SyncReport] = []
    on_synced = window._on_synced

    def counted(report: SyncReport) -> None:
        on_synced(report)
        passes.append(report)

    monkeypatch.setattr(window, "_on_synced", counted)
    booking = make_booking(ui_app, "Grace Hopper")
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(booking.id))
    qtbot.waitUntil(lambda: window.charge_action.isEnabled())
    dialog = window.charge_selected()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.qr.url() is not None, timeout=10000)
    url = dialog.qr.url() or ""
    in_thread(lambda: pay(url))
    # The charge screen and the sync pass both see the payment; one announcement.
    qtbot.waitUntil(lambda: len(fakes.tray.messages) == 1, timeout=10000)
    assert fakes.tray.messages[0][:2] == ("Payment received", "$35.00 from Grace Hopper — Haircut")
    for _ in range(3):  # later sync passes (which may also have seen it) add nothing
        done = len(passes)
        window.sync_now()
        qtbot.waitUntil(lambda: len(passes) > done, timeout=10000)  # noqa: B023
    assert len(fakes.tray.messages) == 1
    assert fakes.sound.played == ["payment"] and fakes.alerts == [window]
    dialog.done(0)


def test_window_announces_payment_seen_only_by_sync(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext, tmp_path: Path
) -> None:
    fakes = Fakes(tmp_path)
    _install(window, fakes)
    booking = make_booking(ui_app, "Alan Turing")
    view = ui_app.checkout.start(booking.id)  # a link sent earlier; no charge screen open
    assert view.url
    pay(view.url)
    window.sync_now()
    qtbot.waitUntil(lambda: len(fakes.tray.messages) == 1, timeout=15000)
    assert fakes.tray.messages[0][1] == "$35.00 from Alan Turing — Haircut"
    assert notifier.PAYMENT_SOUND in fakes.sound.played


def test_window_announces_a_failed_refund(
    qtbot: QtBot,
    window: MainWindow,
    ui_app: AppContext,
    tmp_path: Path,
) -> None:
    fakes = Fakes(tmp_path)
    _install(window, fakes)
    booking = make_booking(ui_app, "Edsger Dijkstra")
    view = ui_app.checkout.start(booking.id)
    assert view.url
    pay(view.url, REFUND_FAILS_LATER)  # Stripe's card whose refunds succeed, then fail
    ui_app.checkout.refresh(view.payment_id)
    ui_app.refunds.refund(booking.id, "10.00")

    def failed() -> bool:
        window.sync_now()
        return any(title == "Refund failed" for title, _m, _i in fakes.tray.messages)

    qtbot.waitUntil(failed, timeout=15000)
    _title, message, icon = fakes.tray.messages[-1]
    assert message.startswith("The refund of $10.00 to Edsger Dijkstra did not go through: ")
    assert icon is QSystemTrayIcon.MessageIcon.Warning
    assert fakes.sound.played[-1] == notifier.REFUND_FAILED_SOUND


# -- sound -------------------------------------------------------------------------------


class Recorder:
    def __init__(self, start_ok: bool = True) -> None:
        self.started: list[tuple[str, list[str]]] = []
        self.beeps = 0
        self.start_ok = start_ok

    def start(self, program: str, args: list[str]) -> bool:
        self.started.append((program, args))
        return self.start_ok

    def beep(self) -> None:
        self.beeps += 1


def _player(rec: Recorder, platform: str, found: dict[str, str]) -> SystemSoundPlayer:
    return SystemSoundPlayer(
        platform=platform,
        which=found.get,
        start=rec.start,
        beep=rec.beep,
        locate=lambda name: Path(f"/sounds/{name}.wav"),
    )


def test_linux_plays_with_the_first_player_found_without_waiting() -> None:
    rec = Recorder()
    found = {"paplay": "/usr/bin/paplay", "aplay": "/usr/bin/aplay"}
    assert _player(rec, "linux", found).play("payment") == "paplay"
    assert rec.started == [("/usr/bin/paplay", ["/sounds/payment.wav"])] and rec.beeps == 0
    rec = Recorder()
    found["pw-play"] = "/usr/bin/pw-play"
    assert _player(rec, "linux", found).play("payment") == "pw-play"


def test_macos_uses_afplay() -> None:
    rec = Recorder()
    assert _player(rec, "darwin", {"afplay": "/usr/bin/afplay"}).play("payment") == "afplay"
    assert rec.started == [("/usr/bin/afplay", ["/sounds/payment.wav"])]


@pytest.mark.parametrize(
    ("platform", "found", "start_ok"),
    [
        ("linux", {}, True),  # no player installed
        ("linux", {"aplay": "/usr/bin/aplay"}, False),  # the player would not start
        ("darwin", {}, True),
    ],
)
def test_without_a_player_it_beeps(platform: str, found: dict[str, str], start_ok: bool) -> None:
    rec = Recorder(start_ok)
    assert _player(rec, platform, found).play("payment") == "beep"
    assert rec.beeps == 1


def test_a_missing_sound_file_beeps() -> None:
    rec = Recorder()

    def missing(name: str) -> Path:
        raise OSError("read-only")

    player = SystemSoundPlayer(
        platform="linux",
        which=lambda _n: "/usr/bin/aplay",
        start=rec.start,
        beep=rec.beep,
        locate=missing,
    )
    assert player.play("payment") == "beep" and rec.started == []


@pytest.mark.parametrize("name", list(notifier.CHIMES))
def test_bundled_chimes_are_short_wavs_as_generated(name: str, tmp_path: Path) -> None:
    bundled = notifier.bundled_sounds_dir() / f"{name}.wav"
    assert bundled.is_file(), "run notifier.generate_sounds(Path('pos_app/resources/sounds'))"
    with wave.open(str(bundled)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
    assert 0.3 < seconds < 1.5
    assert bundled.read_bytes() == write_sound(name, tmp_path / "x.wav").read_bytes()


def test_sound_path_generates_a_chime_when_none_is_bundled(tmp_path: Path) -> None:
    path = sound_path("payment", bundled=tmp_path / "nothing", cache=tmp_path / "cache")
    assert path == tmp_path / "cache" / "payment.wav" and path.is_file()
    assert sound_path("payment") == notifier.bundled_sounds_dir() / "payment.wav"


# -- what the sync pass reports ------------------------------------------------------------


def test_sync_report_lists_each_new_payment_once(app: AppContext) -> None:
    booking = make_booking(app, "Barbara Liskov")
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    first = app.sync.sync_once()
    assert [
        (p.payment_id, p.amount, p.customer_name, p.service_name) for p in first.newly_paid
    ] == [(view.payment_id, Money(3500, "usd"), "Barbara Liskov", "Haircut")]
    assert app.sync.sync_once().newly_paid == []


def test_sync_report_includes_what_a_webhook_applied_meanwhile(app: AppContext) -> None:
    booking = make_booking(app, "Ken Thompson")
    view = app.checkout.start(booking.id)
    assert view.url and view.session_id
    pay(view.url)
    # A webhook delivery (on the receiver's thread) applies the completed session first.
    page = app.deps.gateway.list_events(
        types=["checkout.session.completed"], ending_before=None, limit=10
    )
    event = next(e for e in page.events if e.object_id == view.session_id)
    assert app.sync.process_event(event) is True
    report = app.sync.sync_once()
    assert [p.payment_id for p in report.newly_paid] == [view.payment_id]
