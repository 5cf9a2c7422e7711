"""Look and feel: light and dark palettes, status colours, fonts and the mode badge.

The palette follows the system's colour scheme (``QStyleHints.colorScheme()``) and switches
live when it changes. The mode badge tells the front desk, at a glance, whether money is real.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyleFactory,
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
    BookingStatus.DEPOSIT_PAID: (Chip("#1e40af", "#dbeafe"), Chip("#bfdbfe", "#1e3a6e")),
    BookingStatus.PAID: (Chip("#166534", "#dcfce7"), Chip("#bbf7d0", "#14532d")),
    BookingStatus.PARTIALLY_REFUNDED: (Chip("#5b21b6", "#ede9fe"), Chip("#ddd6fe", "#3b2470")),
    BookingStatus.REFUNDED: (Chip("#3730a3", "#e0e7ff"), Chip("#c7d2fe", "#2e2f6e")),
    BookingStatus.CANCELLED: (Chip("#991b1b", "#fee2e2"), Chip("#fecaca", "#5f1d1d")),
    BookingStatus.NO_SHOW: (Chip("#9d174d", "#fce7f3"), Chip("#fbcfe8", "#5c1a3a")),
}


@dataclass(frozen=True)
class Badge:
    """How one mode is announced."""

    text: str
    bg: str
    fg: str
    tooltip: str


MODE_BADGES: dict[str, Badge] = {
    "sandbox": Badge(
        "SANDBOX — no real money",
        "#0f766e",
        "#ffffff",
        "Payments go to the built-in sandbox. No card is charged.",
    ),
    "test": Badge(
        "TEST MODE — test cards only",
        "#c2410c",
        "#ffffff",
        "Connected to Stripe with a test key. Only test cards work; no real money moves.",
    ),
    "live": Badge(
        "LIVE — REAL MONEY",
        "#b91c1c",
        "#ffffff",
        "Connected to Stripe with a live key. Cards are really charged.",
    ),
}
_STARTING_BADGE = Badge("Starting…", "#6b7280", "#ffffff", "Connecting to the database and Stripe.")


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


def apply_theme(app: QApplication, *, dark: bool | None = None) -> None:
    """Fusion style with our palette; follows the system scheme unless ``dark`` is given."""
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    use_dark = system_prefers_dark() if dark is None else dark
    app.setPalette(_make_palette(use_dark))
    if dark is None and not app.property("pos_theme_follows"):
        # Switch live when the user flips the system between light and dark.
        hints = QGuiApplication.styleHints()
        signal = getattr(hints, "colorSchemeChanged", None)
        if signal is not None:
            signal.connect(lambda _scheme: app.setPalette(_make_palette(system_prefers_dark())))
            app.setProperty("pos_theme_follows", True)


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
        badge = MODE_BADGES.get(mode or "", _STARTING_BADGE)
        if mode not in MODE_BADGES:
            badge = Badge(pending, badge.bg, badge.fg, badge.tooltip)
        self.setText(badge.text)
        self.setToolTip(badge.tooltip)
        self.setAccessibleName(f"Mode: {badge.text}")
        live = mode == "live"
        # Live gets a heavier, larger badge with a white inner border: unmistakable.
        border = "2px solid #7f1d1d" if live else "none"
        self.setFont(font(self, scale=1.15 if live else 1.0, bold=True))
        self.setStyleSheet(
            f"QLabel#modeBadge {{ background: {badge.bg}; color: {badge.fg};"
            f" border-radius: 6px; border: {border}; padding: 5px 12px; }}"
        )
        self.adjustSize()
        self.updateGeometry()
