"""The app's colours as data (no Qt): light and dark tokens, status chips, mode badges, and
the WCAG contrast maths the tests and the theme use. ``theme.py`` turns them into a palette
and the app-wide stylesheet."""

from __future__ import annotations

from dataclasses import dataclass

from pos_app.domain.booking_status import BookingStatus
from pos_app.i18n import N_, gettext


@dataclass(frozen=True)
class Tokens:
    """The colours of one scheme, by purpose. Every text/background pair here is ≥ 4.5:1
    (tests/ui/test_contrast.py checks them, and the colours actually on screen)."""

    dark: bool
    window: str  # the window's background
    surface: str  # cards, tables, inputs (palette Base)
    surface_alt: str  # alternate table rows
    text: str
    muted: str  # quiet text: hints, captions, placeholders
    border: str
    button: str
    button_hover: str
    primary: str  # filled main action (text is white)
    primary_hover: str
    danger: str  # filled destructive action (text is white)
    danger_hover: str
    on_fill: str  # text on primary/danger fills
    focus: str
    success_text: str
    warning_text: str
    danger_text: str
    accent_text: str
    # (text, background) of notice bars by tone
    notices: dict[str, tuple[str, str]]


LIGHT = Tokens(
    dark=False,
    window="#f4f5f7",
    surface="#ffffff",
    surface_alt="#f7f8fa",
    text="#1f2328",
    muted="#565d66",  # 6.1:1 on the window (the old #8b9098 was 2.9:1)
    border="#c9cdd3",
    button="#fbfbfc",
    button_hover="#eceef1",
    primary="#1d4ed8",
    primary_hover="#1e40af",
    danger="#b91c1c",
    danger_hover="#991b1b",
    on_fill="#ffffff",
    focus="#2563eb",
    success_text="#15803d",
    warning_text="#b45309",
    danger_text="#b91c1c",
    accent_text="#0f766e",
    notices={
        "info": ("#1e3a8a", "#dbeafe"),
        "success": ("#14532d", "#dcfce7"),
        "warning": ("#78350f", "#fef3c7"),
        "danger": ("#7f1d1d", "#fee2e2"),
    },
)

DARK = Tokens(
    dark=True,
    window="#1f2124",
    surface="#26292d",
    surface_alt="#2c2f34",
    text="#e7e9ec",
    muted="#a3a9b2",
    border="#4a4f57",
    button="#2f3338",
    button_hover="#3a3e44",
    primary="#2563eb",
    primary_hover="#1d4ed8",
    danger="#b91c1c",
    danger_hover="#991b1b",
    on_fill="#ffffff",
    focus="#60a5fa",
    success_text="#4ade80",
    warning_text="#fbbf24",
    danger_text="#f87171",
    accent_text="#2dd4bf",
    notices={
        "info": ("#bfdbfe", "#1e3a5f"),
        "success": ("#bbf7d0", "#14532d"),
        "warning": ("#fde68a", "#5c3a0c"),
        "danger": ("#fecaca", "#5f1d1d"),
    },
)


def _hex_rgb(color: str) -> tuple[float, float, float]:
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour (0 black … 1 white)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = _hex_rgb(color)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 … 21); body text needs ≥ 4.5."""
    a = relative_luminance(fg)
    b = relative_luminance(bg)
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


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
        N_("SANDBOX — no real money"),
        "#1d4ed8",
        "#ffffff",
        N_("Payments go to the built-in sandbox. No card is charged."),
        short=N_("SANDBOX"),
        banner=N_("SANDBOX — payments go to the built-in sandbox; no card is charged"),
    ),
    # Amber with dark text (white on amber is hard to read).
    "test": Badge(
        N_("TEST MODE — no real money"),
        "#f59e0b",
        "#1c1917",
        N_("Connected to Stripe with a test key. Only test cards work; no real money moves."),
        short=N_("TEST MODE"),
        banner=N_("TEST MODE — no real money: only Stripe's test cards work"),
    ),
    "live": Badge(
        N_("LIVE — REAL MONEY"),
        "#b91c1c",
        "#ffffff",
        N_("Connected to Stripe with a live key. Cards are really charged."),
        short=N_("LIVE"),
        banner=N_("LIVE — real cards are charged"),
    ),
}
STARTING_BADGE = Badge(
    N_("Starting…"), "#6b7280", "#ffffff", N_("Connecting to the database and Stripe.")
)
# The sandbox's banner is a quiet tint of the window, in each scheme: (light, dark).
SANDBOX_BANNER = (Chip("#1e3a8a", "#dbeafe"), Chip("#bfdbfe", "#1e3a5f"))
# A darker edge under the live banner, so the red reads as a band, not a flat fill.
LIVE_EDGE = "#7f1d1d"


def mode_badge(mode: str) -> Badge:
    """How ``mode`` ('sandbox', 'test', 'live') is announced (a neutral badge otherwise)."""
    return MODE_BADGES.get(mode, STARTING_BADGE)


def banner_colors(mode: str, dark: bool) -> Chip:
    """Text and background of the mode banner: live red and test amber in both schemes; the
    sandbox a calm blue tint that suits the palette."""
    if mode == "sandbox":
        return SANDBOX_BANNER[1 if dark else 0]
    badge = mode_badge(mode)
    return Chip(badge.fg, badge.bg)


def window_title(mode: str | None, name: str) -> str:
    """'LIVE — Salon Nova': the mode first, so it shows in the task bar however short."""
    badge = MODE_BADGES.get(mode or "")
    return f"{gettext(badge.short)} — {name}" if badge is not None else name


def status_chip(status: BookingStatus, dark: bool) -> Chip:
    """Chip colours for a booking status in the given scheme."""
    light_chip, dark_chip = _STATUS_CHIPS[status]
    return dark_chip if dark else light_chip
