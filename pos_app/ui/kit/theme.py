"""Look and feel: light and dark palettes, status colours, fonts and the mode badge.

The palette follows the system's colour scheme (``QStyleHints.colorScheme()``) and switches
live when it changes, unless Settings fixes it to light or dark (``apply_theme_setting``).
Every colour the app paints with comes from the palette or from here, so both schemes are
right. The mode badge and banner tell the front desk, at a glance, whether money is real.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QProxyStyle,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

from pos_app.domain.booking import BookingStatus

# Semantic colours used for text on the window background (readable in both schemes).
SUCCESS = QColor("#15803d")
SUCCESS_DARK = QColor("#4ade80")
WARNING = QColor("#b45309")
WARNING_DARK = QColor("#fbbf24")
DANGER = QColor("#b91c1c")
DANGER_DARK = QColor("#f87171")
ACCENT = QColor("#0f766e")
ACCENT_DARK = QColor("#2dd4bf")


@dataclass(frozen=True)
class Chip:
    """Foreground and background of a status chip."""

    fg: str
    bg: str


# (light, dark) chip colours for each booking status: distinct hues, readable text.
_STATUS_CHIPS: dict[BookingStatus, tuple[Chip, Chip]] = {
    BookingStatus.NEW: (Chip("#374151", "#e5e7eb"), Chip("#e5e7eb", "#3f4651")),
    BookingStatus.AWAITING_PAYMENT: (Chip("#92400e", "#fef3c7"), Chip("#fde68a", "#5c3a0c")),
    BookingStatus.PAYMENT_PROCESSING: (Chip("#115e59", "#ccfbf1"), Chip("#99f6e4", "#134e4a")),
    BookingStatus.DEPOSIT_PAID: (Chip("#1e40af", "#dbeafe"), Chip("#bfdbfe", "#1e3a6e")),
    BookingStatus.PAID: (Chip("#166534", "#dcfce7"), Chip("#bbf7d0", "#14532d")),
    BookingStatus.OVERPAID: (Chip("#9a3412", "#ffedd5"), Chip("#fed7aa", "#6b2a0c")),
    BookingStatus.PARTIALLY_REFUNDED: (Chip("#5b21b6", "#ede9fe"), Chip("#ddd6fe", "#3b2470")),
    BookingStatus.REFUNDED: (Chip("#3730a3", "#e0e7ff"), Chip("#c7d2fe", "#2e2f6e")),
    BookingStatus.CANCELLED: (Chip("#991b1b", "#fee2e2"), Chip("#fecaca", "#5f1d1d")),
    BookingStatus.NO_SHOW: (Chip("#9d174d", "#fce7f3"), Chip("#fbcfe8", "#5c1a3a")),
}


@dataclass(frozen=True)
class Badge:
    """How one mode is announced: the badge (``text`` on ``bg``/``fg``, the same in light and
    dark, so live is red everywhere), the window title's ``short`` prefix, and the full-width
    ``banner`` under the top bar. Another window may show a small badge with ``short``."""

    text: str
    bg: str
    fg: str
    tooltip: str
    short: str = ""
    banner: str = ""


MODE_BADGES: dict[str, Badge] = {
    # Calm blue: the everyday practice mode should not shout.
    "sandbox": Badge(
        "SANDBOX — no real money",
        "#1d4ed8",
        "#ffffff",
        "Payments go to the built-in sandbox. No card is charged.",
        short="SANDBOX",
        banner="SANDBOX — payments go to the built-in sandbox; no card is charged",
    ),
    # Amber with dark text (white on amber is hard to read).
    "test": Badge(
        "TEST MODE — no real money",
        "#f59e0b",
        "#1c1917",
        "Connected to Stripe with a test key. Only test cards work; no real money moves.",
        short="TEST MODE",
        banner="TEST MODE — no real money: only Stripe's test cards work",
    ),
    "live": Badge(
        "LIVE — REAL MONEY",
        "#b91c1c",
        "#ffffff",
        "Connected to Stripe with a live key. Cards are really charged.",
        short="LIVE",
        banner="LIVE — real cards are charged",
    ),
}
_STARTING_BADGE = Badge("Starting…", "#6b7280", "#ffffff", "Connecting to the database and Stripe.")
# The sandbox's banner is a quiet tint of the window, in each scheme: (light, dark).
_SANDBOX_BANNER = (Chip("#1e3a8a", "#dbeafe"), Chip("#bfdbfe", "#1e3a5f"))
# A darker edge under the live banner, so the red reads as a band, not a flat fill.
LIVE_EDGE = "#7f1d1d"


def mode_badge(mode: str) -> Badge:
    """How ``mode`` ('sandbox', 'test', 'live') is announced (a neutral badge otherwise)."""
    return MODE_BADGES.get(mode, _STARTING_BADGE)


def banner_colors(mode: str, dark: bool) -> Chip:
    """Text and background of the mode banner: live red and test amber in both schemes; the
    sandbox a calm blue tint that suits the palette."""
    if mode == "sandbox":
        return _SANDBOX_BANNER[1 if dark else 0]
    badge = mode_badge(mode)
    return Chip(badge.fg, badge.bg)


def window_title(mode: str | None, name: str) -> str:
    """'LIVE — Salon Nova': the mode first, so it shows in the task bar however short."""
    badge = MODE_BADGES.get(mode or "")
    return f"{badge.short} — {name}" if badge is not None else name


def is_dark(widget: QWidget | None = None) -> bool:
    """True when the current palette is dark (window colour darker than mid grey)."""
    palette = widget.palette() if widget is not None else QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_chip(status: BookingStatus, dark: bool) -> Chip:
    """Chip colours for a booking status in the given scheme."""
    light_chip, dark_chip = _STATUS_CHIPS[status]
    return dark_chip if dark else light_chip


def semantic(color: str, widget: QWidget | None = None) -> QColor:
    """'success', 'warning', 'danger' or 'accent' as a colour readable on the palette."""
    dark = is_dark(widget)
    table = {
        "success": (SUCCESS, SUCCESS_DARK),
        "warning": (WARNING, WARNING_DARK),
        "danger": (DANGER, DANGER_DARK),
        "accent": (ACCENT, ACCENT_DARK),
    }
    light_c, dark_c = table[color]
    return dark_c if dark else light_c


def font(widget: QWidget, *, scale: float = 1.0, bold: bool = False) -> QFont:
    """The widget's font scaled from the application's base size (so HiDPI/user size holds)."""
    f = QFont(QApplication.font())
    size = f.pointSizeF() if f.pointSizeF() > 0 else 10.0
    f.setPointSizeF(size * scale)
    if bold:
        f.setWeight(QFont.Weight.Bold)
    return f


def _make_palette(dark: bool) -> QPalette:
    p = QPalette()
    if dark:
        colors = {
            QPalette.ColorRole.Window: "#1f2124",
            QPalette.ColorRole.WindowText: "#e7e9ec",
            QPalette.ColorRole.Base: "#26292d",
            QPalette.ColorRole.AlternateBase: "#2c2f34",
            QPalette.ColorRole.Text: "#e7e9ec",
            QPalette.ColorRole.Button: "#2f3338",
            QPalette.ColorRole.ButtonText: "#e7e9ec",
            QPalette.ColorRole.ToolTipBase: "#2f3338",
            QPalette.ColorRole.ToolTipText: "#e7e9ec",
            QPalette.ColorRole.PlaceholderText: "#8b9098",
            QPalette.ColorRole.Highlight: "#2563eb",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.Link: "#60a5fa",
            QPalette.ColorRole.Mid: "#3a3e44",
            QPalette.ColorRole.Midlight: "#34383d",
            QPalette.ColorRole.Dark: "#16181a",
            QPalette.ColorRole.Light: "#3f444a",
            QPalette.ColorRole.Shadow: "#000000",
            QPalette.ColorRole.BrightText: "#ffffff",
        }
        disabled = "#6b7078"
    else:
        colors = {
            QPalette.ColorRole.Window: "#f4f5f7",
            QPalette.ColorRole.WindowText: "#1f2328",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#f7f8fa",
            QPalette.ColorRole.Text: "#1f2328",
            QPalette.ColorRole.Button: "#fbfbfc",
            QPalette.ColorRole.ButtonText: "#1f2328",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1f2328",
            QPalette.ColorRole.PlaceholderText: "#8b9098",
            QPalette.ColorRole.Highlight: "#2563eb",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.Link: "#1d4ed8",
            QPalette.ColorRole.Mid: "#c9cdd3",
            QPalette.ColorRole.Midlight: "#e3e6ea",
            QPalette.ColorRole.Dark: "#9aa0a8",
            QPalette.ColorRole.Light: "#ffffff",
            QPalette.ColorRole.Shadow: "#6b7078",
            QPalette.ColorRole.BrightText: "#000000",
        }
        disabled = "#9aa0a8"
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return p


def system_prefers_dark() -> bool:
    """The system's colour scheme, where Qt knows it (Qt ≥ 6.5); light otherwise."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


THEME_LABELS: dict[str, str] = {
    "system": "Follow the system",
    "light": "Light",
    "dark": "Dark",
}


# Outline of radio buttons and check boxes in the dark scheme (Fusion darkens the window colour
# for it, which on a dark window is all but invisible).
_DARK_INDICATOR_EDGE = "#8b9098"


class PosStyle(QProxyStyle):
    """Fusion, with radio buttons and check boxes that stay visible on a dark palette."""

    _INDICATORS = frozenset(
        {
            QStyle.PrimitiveElement.PE_IndicatorRadioButton,
            QStyle.PrimitiveElement.PE_IndicatorCheckBox,
            QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
        }
    )

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if (
            element in self._INDICATORS
            and option.palette.color(QPalette.ColorRole.Window).lightness() < 128
        ):
            lifted = type(option)(option)
            palette = QPalette(option.palette)
            # Fusion draws the outline as window.darker(); give it a light "window" to darken.
            palette.setColor(QPalette.ColorRole.Window, QColor(_DARK_INDICATOR_EDGE).lighter(150))
            lifted.palette = palette
            option = lifted
        super().drawPrimitive(element, option, painter, widget)

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: Any = None,
    ) -> int:
        # Some desktops put icons on standard dialog buttons (a red X on Cancel) but not on
        # the app's own buttons; without icons every button row looks the same everywhere.
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)


def apply_theme(app: QApplication, *, dark: bool | None = None) -> None:
    """Fusion style with our palette; follows the system scheme unless ``dark`` is given."""
    if not isinstance(app.style(), PosStyle):
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(PosStyle(fusion))
    app.setProperty("pos_theme_system", dark is None)
    use_dark = system_prefers_dark() if dark is None else dark
    app.setPalette(_make_palette(use_dark))
    if not app.property("pos_theme_follows"):
        # Switch live when the user flips the system between light and dark, unless
        # Settings fixed the palette (the property is read when the signal comes).
        hints = QGuiApplication.styleHints()
        signal = getattr(hints, "colorSchemeChanged", None)
        if signal is not None:
            signal.connect(lambda _scheme: _follow_system(app))
            app.setProperty("pos_theme_follows", True)


def _follow_system(app: QApplication) -> None:
    if app.property("pos_theme_system"):
        app.setPalette(_make_palette(system_prefers_dark()))


def apply_theme_setting(app: QApplication, setting: str) -> None:
    """Apply Settings' theme: 'system' (follow it), 'light' or 'dark'."""
    apply_theme(app, dark={"light": False, "dark": True}.get(setting))


PRIMARY_BUTTON_STYLE = (
    "QPushButton#primaryButton { background: palette(highlight);"
    " color: palette(highlighted-text); border: none; border-radius: 5px;"
    " padding: 7px 16px; font-weight: bold; }"
    "QPushButton#primaryButton:disabled { background: palette(mid); }"
    # A light inner ring on the filled button: visible for keyboard users, not shouty.
    "QPushButton#primaryButton:focus { border: 2px solid rgba(255, 255, 255, 170); }"
)


def make_primary(button: QPushButton) -> None:
    """Style ``button`` as the screen's main action (filled with the highlight colour)."""
    button.setObjectName("primaryButton")
    button.setStyleSheet(PRIMARY_BUTTON_STYLE)


class ModeBadge(QLabel):
    """SANDBOX / TEST / LIVE, coloured so nobody mistakes live money for a test."""

    def __init__(self, mode: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modeBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._mode: str | None = None
        self.set_mode(mode)

    def mode(self) -> str | None:
        """The mode shown, or None while starting."""
        return self._mode

    def set_mode(self, mode: str | None, *, pending: str = "Starting…") -> None:
        """Show ``mode`` ('sandbox', 'test', 'live'); None shows the neutral ``pending``."""
        self._mode = mode
        badge = mode_badge(mode or "")
        if mode not in MODE_BADGES:
            badge = Badge(pending, badge.bg, badge.fg, badge.tooltip)
        self.setText(badge.text)
        self.setToolTip(badge.tooltip)
        self.setAccessibleName(f"Mode: {badge.text}")
        live = mode == "live"
        # Live gets a heavier, larger badge with a white inner border: unmistakable.
        border = f"2px solid {LIVE_EDGE}" if live else "none"
        self.setFont(font(self, scale=1.15 if live else 1.0, bold=True))
        self.setStyleSheet(
            f"QLabel#modeBadge {{ background: {badge.bg}; color: {badge.fg};"
            f" border-radius: 6px; border: {border}; padding: 5px 12px; }}"
        )
        self.adjustSize()
        self.updateGeometry()
