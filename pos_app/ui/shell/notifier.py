"""Telling the desk that money moved: a notification, a taskbar flash and a short chime.

A payment that completes or a refund that fails is announced once, however many paths saw it
(the charge screen's own refresh, a sync pass, a webhook): the notifier remembers what it has
announced by id. When the app is in the background the announcement is a system notification
(the tray's balloon where the desktop has a tray); otherwise, or without a tray, an in-app
toast. The taskbar entry flashes (``QApplication.alert``) and a chime plays unless Sound is
switched off in the View menu.

PySide6-Essentials ships without QtMultimedia, so the chimes are WAV files played by the
platform's own player (winsound, afplay, or the first of pw-play/paplay/aplay), started
detached so nothing waits for them; without any, ``QApplication.beep()``.
"""

from __future__ import annotations

import logging
import math
import shutil
import struct
import sys
import tempfile
import wave
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QProcess, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QIcon,
    QMouseEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from pos_app.i18n import N_, _
from pos_app.resources import SOUNDS
from pos_app.ui.kit import theme

if TYPE_CHECKING:
    from pos_app.services.checkout import CheckoutView
    from pos_app.services.payment_sync import SyncReport

log = logging.getLogger(__name__)

PAYMENT_SOUND = "payment"
REFUND_FAILED_SOUND = "refund-failed"
SOUND_SETTING = "notifications/sound"
TRAY_MESSAGE_MS = 8000
TOAST_MS = 7000
REMEMBERED = 2000  # ids remembered for de-duplication (a busy day is a few hundred)
LINUX_PLAYERS = ("pw-play", "paplay", "aplay")

#: Stripe's ``refund.failure_reason`` values in words.
REFUND_FAILURE_TEXT: dict[str, str] = {
    "lost_or_stolen_card": N_("the card was reported lost or stolen"),
    "expired_or_canceled_card": N_("the card has expired or was cancelled"),
    "declined": N_("the card's bank declined it"),
    "insufficient_funds": N_("the Stripe balance is too low"),
    "merchant_request": N_("it was cancelled on request"),
    "charge_for_pending_refund_disputed": N_("the payment is being disputed"),
    "unknown": N_("Stripe gave no reason"),
}


# -- the chimes --------------------------------------------------------------------------

SAMPLE_RATE = 44_100
#: (start seconds, frequency Hz, length seconds, loudness) of each bell-like note.
CHIMES: dict[str, tuple[tuple[float, float, float, float], ...]] = {
    # A bright rising arpeggio, C6–E6–G6: "money in".
    PAYMENT_SOUND: (
        (0.0, 1046.50, 0.55, 0.55),
        (0.09, 1318.51, 0.55, 0.5),
        (0.18, 1567.98, 0.7, 0.5),
    ),
    # Two lower falling notes, E5–C5: "look at this", without alarm.
    REFUND_FAILED_SOUND: ((0.0, 659.26, 0.45, 0.6), (0.22, 523.25, 0.6, 0.6)),
}


def chime_samples(
    notes: Sequence[tuple[float, float, float, float]], rate: int = SAMPLE_RATE
) -> list[int]:
    """16-bit samples of soft bell notes: a few harmonics, a 6 ms attack, an exponential decay."""
    length = max(start + dur for start, _f, dur, _a in notes) + 0.05
    mix = [0.0] * int(length * rate)
    for start, freq, dur, amp in notes:
        first = int(start * rate)
        count = int(dur * rate)
        for i in range(count):
            t = i / rate
            envelope = min(1.0, t / 0.006) * math.exp(-t * 6.5 / dur)
            value = (
                math.sin(2 * math.pi * freq * t)
                + 0.28 * math.sin(2 * math.pi * 2 * freq * t) * math.exp(-t * 4 / dur)
                + 0.08 * math.sin(2 * math.pi * 3 * freq * t) * math.exp(-t * 8 / dur)
            )
            mix[first + i] += amp * envelope * value / 1.36
    peak = max(1e-9, max(abs(v) for v in mix))
    scale = min(1.0, 0.7 / peak) * 32767  # headroom: never clips, never startles
    fade = int(0.02 * rate)  # the tail ends at silence, so no click
    for i in range(fade):
        mix[-1 - i] *= i / fade
    return [round(v * scale) for v in mix]


def write_sound(name: str, path: Path) -> Path:
    """Write the chime ``name`` (payment, refund-failed) as a mono 16-bit WAV file."""
    samples = chime_samples(CHIMES[name])
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return path


def generate_sounds(directory: Path) -> list[Path]:
    """(Re)generate every chime into ``directory`` (pos_app/resources/sounds)."""
    return [write_sound(name, directory / f"{name}.wav") for name in CHIMES]


def bundled_sounds_dir() -> Path:
    """pos_app/resources/sounds: inside the package, so an installed wheel has them too."""
    return SOUNDS


def sound_path(name: str, *, bundled: Path | None = None, cache: Path | None = None) -> Path:
    """The WAV file of chime ``name``: the bundled one, or one generated once into a cache
    directory when the app runs from an installation without the repository's resources."""
    found = (bundled or bundled_sounds_dir()) / f"{name}.wav"
    if found.is_file():
        return found
    cached = (cache or Path(tempfile.gettempdir()) / "pos-app-sounds") / f"{name}.wav"
    if not cached.is_file():
        write_sound(name, cached)
    return cached


class SoundPlayer(Protocol):
    """Plays a named chime without blocking."""

    def play(self, name: str) -> str:
        """Start playing; returns how ("paplay", "winsound", "beep", …)."""
        ...


def _start_detached(program: str, arguments: list[str]) -> bool:
    # Detached: the chime plays on while the GUI carries on; nothing waits for the player.
    started, _pid = QProcess.startDetached(program, arguments)
    return bool(started)


class SystemSoundPlayer:
    """The platform's own player for the bundled WAVs; the system beep when there is none."""

    def __init__(
        self,
        *,
        platform: str = sys.platform,
        which: Callable[[str], str | None] = shutil.which,
        start: Callable[[str, list[str]], bool] = _start_detached,
        beep: Callable[[], None] = QApplication.beep,
        locate: Callable[[str], Path] = sound_path,
    ) -> None:
        self._platform = platform
        self._which = which
        self._start = start
        self._beep = beep
        self._locate = locate

    def command(self, path: Path) -> tuple[str, list[str]] | None:
        """The program and arguments that play ``path`` here, or None (use the beep)."""
        if self._platform == "darwin":
            program = self._which("afplay")
            return (program, [str(path)]) if program else None
        if self._platform.startswith("win"):
            return None  # winsound, in play()
        for name in LINUX_PLAYERS:
            program = self._which(name)
            if program:
                return program, [str(path)]
        return None

    def play(self, name: str) -> str:
        """Start the chime and return at once; falls back to the beep on any trouble."""
        try:
            path = self._locate(name)
        except OSError as err:
            log.warning("sound.missing name=%s error=%s", name, err)
            self._beep()
            return "beep"
        if self._platform.startswith("win") and _play_winsound(path):
            return "winsound"
        command = self.command(path)
        if command is not None and self._start(command[0], command[1]):
            return Path(command[0]).name
        self._beep()
        return "beep"


class SilentPlayer:
    """Plays nothing (offscreen runs: tests, screenshots)."""

    def play(self, name: str) -> str:
        """Do nothing."""
        return "silent"


def default_player() -> SoundPlayer:
    """The platform's player; silence when Qt runs offscreen (tests, screenshots, CI)."""
    if QGuiApplication.platformName() == "offscreen":
        return SilentPlayer()
    return SystemSoundPlayer()


def _play_winsound(path: Path) -> bool:
    if sys.platform == "win32":
        import winsound

        try:
            flags = winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT
            winsound.PlaySound(str(path), flags)
        except RuntimeError:
            return False
        return True
    return False


# -- where the message appears -----------------------------------------------------------


class Tray(Protocol):
    """The part of QSystemTrayIcon the notifier uses."""

    def showMessage(
        self, title: str, msg: str, icon: QSystemTrayIcon.MessageIcon, msecs: int
    ) -> None: ...


def _app_icon() -> QIcon:
    """The window icon, or a small teal disc when the app has none (a tray needs one)."""
    icon = QGuiApplication.windowIcon()
    if not icon.isNull():
        return icon
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.semantic("accent"))  # the app's teal, lighter on a dark desktop
    painter.drawEllipse(4, 4, 56, 56)
    painter.end()
    return QIcon(pixmap)


def system_tray(window: QWidget) -> QSystemTrayIcon | None:
    """A tray icon for ``window`` where the desktop has a tray, else None."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(_app_icon(), window)
    tray.setToolTip(QGuiApplication.applicationDisplayName() or "pos-app")
    tray.messageClicked.connect(lambda: _bring_forward(window))
    tray.activated.connect(lambda _reason: _bring_forward(window))
    tray.show()
    return tray


def _bring_forward(window: QWidget) -> None:
    window.showNormal() if window.isMinimized() else window.show()
    window.raise_()
    window.activateWindow()


class Toast(QFrame):
    """A small card in the window's bottom-right corner that goes away by itself."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("toast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title_label = QLabel("")
        self.title_label.setFont(theme.font(self, scale=1.15, bold=True))
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setFont(theme.font(self, scale=1.02))
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 12)
        box.setSpacing(4)
        box.addWidget(self.title_label)
        box.addWidget(self.message_label)
        self.setFixedWidth(360)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, title: str, message: str, *, tone: str = "success") -> None:
        """Show ``title`` and ``message`` for a few seconds (the newest replaces the last)."""
        # The app-wide stylesheet draws the toast's edge and title in the tone (shell section).
        if self.property("tone") != tone:
            theme.set_role(self, None, tone=tone)
            theme.set_role(self.title_label, None, tone=tone)
        self.title_label.setText(title)
        self.message_label.setText(message)
        self.setAccessibleName(f"{title}. {message}")
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(TOAST_MS)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # A click dismisses it, as toasts do everywhere.
        self.hide()
        event.accept()

    def text(self) -> str:
        """Title and message as shown (empty when hidden)."""
        if self.isHidden():
            return ""
        return f"{self.title_label.text()}: {self.message_label.text()}"

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        margin = 18
        bottom = parent.height() - margin - 28  # clear of the status bar
        self.move(parent.width() - self.width() - margin, max(margin, bottom - self.height()))


# -- the notifier ------------------------------------------------------------------------


class Notifier(QObject):
    """Announces completed payments and failed refunds, once each.

    Everything that reaches outside the window can be injected: ``tray`` (a factory called
    once, returning None where there is no tray), ``sound``, ``alert`` (flashes the taskbar)
    and ``is_active`` (whether the app has the user's attention).
    """

    notified = Signal(str, str, str)  # key ("payment:pay_…"), title, message

    def __init__(
        self,
        window: QWidget,
        *,
        tray: Callable[[], Tray | None] | None = None,
        sound: SoundPlayer | None = None,
        alert: Callable[[QWidget], None] | None = None,
        is_active: Callable[[], bool] | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._tray_factory: Callable[[], Tray | None] = tray or (lambda: system_tray(window))
        self._tray: Tray | None = None
        self._tray_made = False
        self.sound: SoundPlayer = sound or default_player()
        self._alert = alert or (lambda w: QApplication.alert(w, 0))
        self._is_active = is_active or (lambda: QApplication.activeWindow() is not None)
        self._settings = settings if settings is not None else QSettings()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._sound_on = self._settings.value(SOUND_SETTING, True, type=bool) is not False
        self.toast = Toast(window)
        self._action: QAction | None = None

    # -- settings --

    def sound_enabled(self) -> bool:
        """Whether chimes play."""
        return self._sound_on

    def set_sound_enabled(self, on: bool) -> None:
        """Switch the chimes on or off (remembered across restarts)."""
        self._sound_on = bool(on)
        self._settings.setValue(SOUND_SETTING, self._sound_on)
        if self._action is not None and self._action.isChecked() != self._sound_on:
            self._action.setChecked(self._sound_on)

    def sound_action(self, parent: QObject) -> QAction:
        """A checkable View ▸ Sound action bound to this notifier."""
        action = QAction(_("&Sound"), parent)
        action.setCheckable(True)
        action.setChecked(self._sound_on)
        action.setToolTip(_("Play a chime when a payment completes or a refund fails"))
        action.toggled.connect(self.set_sound_enabled)
        self._action = action
        return action

    # -- what to announce --

    def charge_paid(self, view: CheckoutView) -> bool:
        """The charge screen saw its payment succeed."""
        return self.payment_completed(
            view.payment_id, view.amount.format(), view.customer_name, view.service_name
        )

    def sync_report(self, report: SyncReport) -> int:
        """Announce what a sync pass found; returns how many announcements were new."""
        count = 0
        for paid in report.newly_paid:
            count += self.payment_completed(
                paid.payment_id, paid.amount.format(), paid.customer_name, paid.service_name
            )
        for failed in report.refunds_newly_failed:
            count += self.refund_failed(
                failed.refund_id,
                failed.amount.format(),
                failed.customer_name,
                failed.failure_reason,
            )
        return count

    def payment_completed(self, payment_id: str, amount: str, customer: str, service: str) -> bool:
        """'Payment received: $35.00 from Ada — Haircut'; False if already announced."""
        if customer and service:
            message = _("{amount} from {customer} — {service}")
        elif customer:
            message = _("{amount} from {customer}")
        elif service:
            message = _("{amount} — {service}")
        else:
            message = "{amount}"
        return self._announce(
            f"payment:{payment_id}",
            _("Payment received"),
            message.format(amount=amount, customer=customer, service=service),
            sound=PAYMENT_SOUND,
            tone="success",
        )

    def refund_failed(self, refund_id: str, amount: str, customer: str, reason: str | None) -> bool:
        """'Refund failed: $35.00 to Ada could not be refunded: …'; False if already announced."""
        known = REFUND_FAILURE_TEXT.get(reason or "")
        why = _(known) if known else (reason or _(REFUND_FAILURE_TEXT["unknown"]))
        message = (
            _("The refund of {amount} to {customer} did not go through: {why}.")
            if customer
            else _("The refund of {amount} did not go through: {why}.")
        )
        return self._announce(
            f"refund-failed:{refund_id}",
            _("Refund failed"),
            message.format(amount=amount, customer=customer, why=why),
            sound=REFUND_FAILED_SOUND,
            tone="danger",
            icon=QSystemTrayIcon.MessageIcon.Warning,
        )

    def announced(self, key: str) -> bool:
        """Whether ``key`` ("payment:<id>", "refund-failed:<id>") was announced."""
        return key in self._seen

    def shutdown(self) -> None:
        """Remove the tray icon (at quit)."""
        tray = self._tray
        if isinstance(tray, QSystemTrayIcon):
            tray.hide()

    # -- how --

    def _tray_icon(self) -> Tray | None:
        if not self._tray_made:
            self._tray_made = True
            self._tray = self._tray_factory()
        return self._tray

    def _announce(
        self,
        key: str,
        title: str,
        message: str,
        *,
        sound: str,
        tone: str,
        icon: QSystemTrayIcon.MessageIcon = QSystemTrayIcon.MessageIcon.Information,
    ) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > REMEMBERED:
            self._seen.popitem(last=False)
        tray = None if self._is_active() else self._tray_icon()
        if tray is not None:
            tray.showMessage(title, message, icon, TRAY_MESSAGE_MS)
        else:
            self.toast.show_message(title, message, tone=tone)
        self._alert(self._window)  # flashes the taskbar entry when the app is not in front
        how = self.sound.play(sound) if self._sound_on else "off"
        log.info("notify.%s key=%s via=%s sound=%s", sound, key, "tray" if tray else "toast", how)
        self.notified.emit(key, title, message)
        return True
