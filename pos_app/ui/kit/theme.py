"""Look and feel: one app-wide stylesheet over light and dark palettes, status colours, fonts
and the mode badge.

The palette follows the system's colour scheme (``QStyleHints.colorScheme()``) and switches
live when it changes, unless Settings fixes it to light or dark (``apply_theme_setting``).
Every colour the app paints with comes from the palette tokens here (``LIGHT``/``DARK``), so
both schemes are right. The mode badge and banner tell the front desk, at a glance, whether
money is real.

Roles: widgets never call ``setStyleSheet``; they say what they are and the stylesheet built
by :func:`stylesheet` draws them. Set a dynamic property with :func:`set_role` (it re-polishes,
so a change at run time shows at once):

- buttons: ``role="primary"`` (the screen's one main action, filled), ``role="danger"``
  (destroys or undoes something, filled red), ``role="secondary"`` (outlined; the default
  look of every other button). Every button, input, combo and tab is at least 44 px tall.
- text: ``muted=True`` (quiet hints, captions; still ≥ 4.5:1), ``tone="success"|"warning"|
  "danger"|"accent"`` (a coloured sentence on the window or a card), ``role="heading"``.
- ``role="notice"`` with a ``tone`` (``info``/``success``/``warning``/``danger``): a tinted bar
  carrying a sentence (its words say what happened; the tint only helps).
- ``role="chip"`` with ``status=<BookingStatus value>``: a booking status chip (words + tint).
- ``role="card"`` on a QFrame: a framed surface; ``role="data"`` on a table (kit/tables.py).
- ``elides=True`` on a label or button that shortens its text on purpose (the clipping test
  then lets it be narrower than its text).

Each feature adds the rules only it needs in its own section of :func:`_feature_rules`,
headed with a comment naming the feature, using the tokens (``t.text``, ``t.muted`` …).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyleFactory,
    QWidget,
)

from pos_app.domain.booking_status import BookingStatus
from pos_app.i18n import N_, _
from pos_app.ui.kit.palette import DARK, LIGHT, STARTING_BADGE, Tokens, mode_badge
from pos_app.ui.kit.palette import LIVE_EDGE as LIVE_EDGE
from pos_app.ui.kit.palette import MODE_BADGES as MODE_BADGES
from pos_app.ui.kit.palette import banner_colors as banner_colors
from pos_app.ui.kit.palette import contrast as contrast
from pos_app.ui.kit.palette import status_chip as status_chip
from pos_app.ui.kit.palette import window_title as window_title

# Semantic colours used for text on the window background (readable in both schemes).
SUCCESS = QColor("#15803d")
SUCCESS_DARK = QColor("#4ade80")
WARNING = QColor("#b45309")
WARNING_DARK = QColor("#fbbf24")
DANGER = QColor("#b91c1c")
DANGER_DARK = QColor("#f87171")
ACCENT = QColor("#0f766e")
ACCENT_DARK = QColor("#2dd4bf")


# Touch first: the smallest height (and width) of anything tapped, in px.
TOUCH_PX = 44
# Body text is at least this many px; the app font is raised to it where the system's is smaller.
BODY_PX = 13.0


def tokens(dark: bool | None = None) -> Tokens:
    """The colour tokens of the dark or light scheme (the current palette's when None)."""
    return DARK if (is_dark() if dark is None else dark) else LIGHT


def is_dark(widget: QWidget | None = None) -> bool:
    """True when the current palette is dark (window colour darker than mid grey)."""
    palette = widget.palette() if widget is not None else QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


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
    t = tokens(dark)
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: t.window,
        QPalette.ColorRole.WindowText: t.text,
        QPalette.ColorRole.Base: t.surface,
        QPalette.ColorRole.AlternateBase: t.surface_alt,
        QPalette.ColorRole.Text: t.text,
        QPalette.ColorRole.Button: t.button,
        QPalette.ColorRole.ButtonText: t.text,
        QPalette.ColorRole.ToolTipBase: t.button if dark else t.surface,
        QPalette.ColorRole.ToolTipText: t.text,
        # Placeholders and "palette(placeholder-text)" hints are the muted token (≥ 4.5:1).
        QPalette.ColorRole.PlaceholderText: t.muted,
        QPalette.ColorRole.Highlight: t.primary,
        QPalette.ColorRole.HighlightedText: t.on_fill,
        QPalette.ColorRole.Link: "#60a5fa" if dark else "#1d4ed8",
        QPalette.ColorRole.Mid: "#3a3e44" if dark else t.border,
        QPalette.ColorRole.Midlight: "#34383d" if dark else "#e3e6ea",
        QPalette.ColorRole.Dark: "#16181a" if dark else "#9aa0a8",
        QPalette.ColorRole.Light: "#3f444a" if dark else "#ffffff",
        QPalette.ColorRole.Shadow: "#000000" if dark else "#6b7078",
        QPalette.ColorRole.BrightText: "#ffffff" if dark else "#000000",
    }
    # Disabled text is quieter on purpose (WCAG exempts inactive controls).
    disabled = "#6b7078" if dark else "#9aa0a8"
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return p


def stylesheet(dark: bool) -> str:
    """The app-wide stylesheet for the light or dark scheme: the kit's generic roles, then
    each feature's section (see the module docstring for the roles)."""
    t = tokens(dark)
    return _kit_rules(t) + _chip_rules(dark) + _feature_rules(t)


def _kit_rules(t: Tokens) -> str:
    """Buttons, inputs, tabs, text roles, notices, cards and tables: what every screen uses."""
    touch = TOUCH_PX
    rules = f"""
/* ---- kit: buttons (44 px touch targets; roles primary / danger / secondary) ---- */
QPushButton {{
    background: {t.button}; color: {t.text}; border: 1px solid {t.border};
    border-radius: 6px; padding: 0px 16px; min-height: {touch - 2}px; min-width: {touch - 2}px;
}}
QPushButton:hover {{ background: {t.button_hover}; }}
/* The focus ring is 1 px wider than the border: 1 px less padding keeps the text's room. */
QPushButton:focus {{ border: 2px solid {t.focus}; padding: 0px 15px; }}
QPushButton:disabled {{ color: {"#6b7078" if t.dark else "#9aa0a8"}; }}
QPushButton:checked {{ background: {t.primary}; color: {t.on_fill}; border-color: {t.primary}; }}
QPushButton[role="primary"], QPushButton#primaryButton {{
    background: {t.primary}; color: {t.on_fill}; border: 1px solid {t.primary};
    font-weight: bold;
}}
QPushButton[role="primary"]:hover, QPushButton#primaryButton:hover {{
    background: {t.primary_hover};
}}
QPushButton[role="danger"] {{
    background: {t.danger}; color: {t.on_fill}; border: 1px solid {t.danger}; font-weight: bold;
}}
QPushButton[role="danger"]:hover {{ background: {t.danger_hover}; }}
QPushButton[role="primary"]:focus, QPushButton#primaryButton:focus,
QPushButton[role="danger"]:focus {{ border: 2px solid {t.on_fill}; padding: 0px 15px; }}
QPushButton[role="primary"]:disabled, QPushButton#primaryButton:disabled,
QPushButton[role="danger"]:disabled {{
    background: {t.button}; color: {"#6b7078" if t.dark else "#9aa0a8"}; border-color: {t.border};
}}
QPushButton[role="secondary"] {{ background: transparent; }}
QToolButton {{ min-height: {touch}px; min-width: {touch}px; }}
/* Menus are tapped too: 13 px text + 2 × 14 px padding ≥ 44 px rows. */
QMenuBar::item {{ padding: 14px 12px; background: transparent; }}
QMenuBar::item:selected {{ background: {t.button_hover}; }}
QMenu::item {{ padding: 14px 28px 14px 20px; }}
QMenu::item:selected {{ background: {t.primary}; color: {t.on_fill}; }}
QCheckBox, QRadioButton {{ min-height: {touch}px; }}

/* ---- kit: inputs (44 px tall) ---- */
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit, QTimeEdit, QDateTimeEdit {{
    min-height: {touch - 2}px;
}}
QLineEdit {{ padding: 0px 8px; }}

/* ---- kit: tabs ---- */
QTabBar::tab {{
    background: {t.window}; color: {t.text}; border: 1px solid {t.border};
    border-bottom: none; border-top-left-radius: 6px; border-top-right-radius: 6px;
    padding: 0px 18px; min-height: {touch}px; min-width: {touch}px; margin-right: 2px;
}}
QTabBar::tab:selected {{ background: {t.surface}; font-weight: bold; }}
QTabWidget::pane {{ border: 1px solid {t.border}; background: {t.surface}; top: -1px; }}

/* ---- kit: text roles ---- */
QLabel[muted="true"], QLabel[role="muted"] {{ color: {t.muted}; }}
QLabel[tone="success"] {{ color: {t.success_text}; }}
QLabel[tone="warning"] {{ color: {t.warning_text}; }}
QLabel[tone="danger"], QLabel#fieldError {{ color: {t.danger_text}; }}
QLabel[tone="accent"] {{ color: {t.accent_text}; }}
QLabel[role="heading"] {{ font-weight: bold; }}
QToolTip {{ color: {t.text}; background: {t.button if t.dark else t.surface};
    border: 1px solid {t.border}; padding: 4px; }}

/* ---- kit: cards ---- */
QFrame[role="card"] {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 6px;
}}
QFrame[role="card"] QLabel {{ background: transparent; }}

/* ---- kit: tables (kit/tables.py) ---- */
QTableView, QTableWidget, QListView, QListWidget, QTreeView {{
    background: {t.surface}; alternate-background-color: {t.surface_alt};
    border: 1px solid {t.border}; border-radius: 4px;
    selection-background-color: {t.primary}; selection-color: {t.on_fill};
}}
/* Some desktops put icons on standard dialog buttons (a red X on Cancel) but not on the
   app's own buttons; without icons every button row looks the same everywhere. */
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
/* Rows are chosen whole: no focus frame around the one current cell (drawn by Qt, not Python). */
QTableView {{ outline: 0; }}
QTableView::item {{ padding: 0px 10px 0px 8px; border: none; }}
QHeaderView::section {{
    background: {t.surface}; color: {t.text}; border: none;
    border-bottom: 1px solid {t.border}; padding: 8px 13px 8px 11px; font-weight: bold;
}}
"""
    notices = "\n".join(
        f'QLabel[role="notice"][tone="{tone}"], QFrame[role="notice"][tone="{tone}"] {{'
        f" color: {fg}; background: {bg}; border-left: 4px solid {fg};"
        " border-radius: 4px; padding: 8px 14px; }"
        for tone, (fg, bg) in t.notices.items()
    )
    return rules + "\n/* ---- kit: notices ---- */\n" + notices + "\n"


def _chip_rules(dark: bool) -> str:
    """``role="chip"`` labels in each booking status's colours (the words carry the status)."""
    lines = ["/* ---- kit: status chips ---- */"]
    for status in BookingStatus:
        chip = status_chip(status, dark)
        lines.append(
            f'QLabel[role="chip"][status="{status.value}"] {{ color: {chip.fg};'
            f" background: {chip.bg}; border-radius: 12px; padding: 4px 12px;"
            " font-weight: bold; }"
        )
    for mode, badge in MODE_BADGES.items():
        edge = f"2px solid {LIVE_EDGE}" if mode == "live" else "none"
        lines.append(
            f'QLabel#modeBadge[mode="{mode}"] {{ background: {badge.bg}; color: {badge.fg};'
            f" border-radius: 6px; border: {edge}; padding: 5px 12px; }}"
        )
    lines.append(
        f'QLabel#modeBadge[mode=""] {{ background: {STARTING_BADGE.bg};'
        f" color: {STARTING_BADGE.fg}; border-radius: 6px; padding: 5px 12px; }}"
    )
    return "\n".join(lines) + "\n"


def _feature_rules(t: Tokens) -> str:
    """Each feature's own rules, in its own section (edit only yours)."""
    _overpaid = status_chip(BookingStatus.OVERPAID, t.dark)  # payments: the overpaid band
    return f"""
/* ---- shell ---- */
QFrame#topBar {{ background: {t.surface}; border-bottom: 1px solid {t.border}; }}
QFrame#toast {{
    background: {t.surface}; border: 1px solid {t.border}; border-left: 5px solid {t.border};
    border-radius: 6px;
}}
QFrame#toast[tone="success"] {{ border-left: 5px solid {t.success_text}; }}
QFrame#toast[tone="warning"] {{ border-left: 5px solid {t.warning_text}; }}
QFrame#toast[tone="danger"] {{ border-left: 5px solid {t.danger_text}; }}
QFrame#toast[tone="info"] {{ border-left: 5px solid {t.accent_text}; }}

/* ---- day ---- */
/* day: the selected booking's panel (detail_panel.py) */
QScrollArea#detailPanel {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 4px;
}}
QWidget#detailBody {{ background: {t.surface}; }}
/* day: the List | Schedule segmented control (day_bar.py) */
QPushButton[segment="left"] {{ border-top-right-radius: 0px; border-bottom-right-radius: 0px; }}
QPushButton[segment="right"] {{ border-top-left-radius: 0px; border-bottom-left-radius: 0px;
    margin-left: -1px; }}
/* day: the schedule's frame (day_view.py) */
QFrame#dayViewFrame {{ border: 1px solid {t.border}; border-radius: 4px;
    background: {t.surface}; }}
/* day: the booking form (customer suggestions: 44 px rows; free-slot chips) */
QListView#customerSuggestions {{ border: 1px solid {t.border}; }}
QListView#customerSuggestions::item {{ padding: 0px 8px; min-height: 44px; }}
QLabel#slotStaff {{ font-weight: bold; }}
QPushButton#slotChip {{ border-radius: 22px; padding: 0px 14px; color: {t.text};
    background: {t.surface}; border: 1px solid {t.border}; font-weight: bold; }}
QPushButton#slotChip:hover {{ background: {t.button_hover}; }}

/* ---- payments ---- */
/* payments: the overpaid band above the booking (overpaid_banner.py), in the chip's colours */
QFrame#overpaidBanner {{ background: {_overpaid.bg}; border: 1px solid {_overpaid.fg};
    border-radius: 6px; }}
QFrame#overpaidBanner QLabel#overpaidHeadline, QFrame#overpaidBanner QLabel#overpaidNote {{
    color: {_overpaid.fg}; background: transparent; }}
/* payments: the customer display's logo sits on the window, no box of its own */
QLabel#displayLogo {{ background: transparent; }}
/* payments: the customer display's tips, tapped at arm's length (customer_display.py) */
QPushButton[role="tip"] {{ min-height: 150px; border-radius: 14px; border-width: 2px; }}

/* ---- reports ---- */
/* reports: receipt (the grey desk the white paper lies on) */
QFrame#receiptDesk {{ background: {t.border}; border-radius: 6px; }}

/* ---- people ---- */
/* people: sign-in tiles (user_tile.py); a checked tile keeps its surface, the border says it */
QPushButton#userTile {{
    background: {t.surface}; color: {t.text}; border: 1px solid {t.border};
    border-radius: 8px; text-align: left; padding: 0px; min-height: 76px; min-width: 210px;
}}
QPushButton#userTile:hover {{ border-color: {t.focus}; }}
QPushButton#userTile:checked {{
    background: {t.surface}; color: {t.text}; border: 3px solid {t.primary};
}}
QPushButton#userTile:focus {{ border: 2px solid {t.focus}; }}
QPushButton#userTile QLabel {{ background: transparent; border: none; }}
QPushButton#userTile QLabel#userBadge {{
    background: {t.primary}; color: {t.on_fill}; border-radius: 22px;
}}

/* ---- sell ---- */
/* sell: the tiles' ground (the tiles are drawn by sell/tiles.py, cached) */
QListView#sellTiles {{ background: {t.window}; border: none; }}

/* ---- manage ---- */
/* manage: settings (settings_pages.py) — the address spans lines, padded like a line edit */
QPlainTextEdit#addressEdit {{ padding: 2px 4px; }}
QLabel#logoPreview {{ border: 1px solid {t.border}; border-radius: 4px; }}
/* manage: customers (customers_view.py) — 44 px result rows */
QListWidget#customerResults::item {{ padding: 6px 8px; min-height: 32px; }}
QFrame#customersRule {{ color: {t.border}; }}
/* (keep this line: features use the tokens, e.g. {t.text}) */
"""


def set_role(widget: QWidget, role: str | None = None, **props: object) -> None:
    """Set ``role`` and other style properties (``tone``, ``muted``, ``status``, ``elides``)
    on ``widget`` and re-polish it, so the stylesheet's rules apply at once. Nothing is done
    when every property given already has its value (called with none, it only re-polishes)."""
    wanted = {**({"role": role} if role is not None else {}), **props}
    changed = {name: value for name, value in wanted.items() if widget.property(name) != value}
    if wanted and not changed:
        return  # a re-polish costs as much as building the widget: skip it when nothing moved
    for name, value in changed.items():
        widget.setProperty(name, value)
    # A widget not polished yet (still being built) takes its rules when first shown; only a
    # live one needs the costly re-polish.
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)
        # A re-polish alone brings the new colours but keeps the old box (a chip's padding):
        # the style-change event makes the widget take its new margins and size.
        QApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))
        widget.update()


def system_prefers_dark() -> bool:
    """The system's colour scheme, where Qt knows it (Qt ≥ 6.5); light otherwise."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


THEME_LABELS: dict[str, str] = {
    "system": N_("Follow the system"),
    "light": N_("Light"),
    "dark": N_("Dark"),
}


def apply_theme(app: QApplication, *, dark: bool | None = None) -> None:
    """Fusion style with our palette; follows the system scheme unless ``dark`` is given."""
    app.setProperty("pos_theme_system", dark is None)
    use_dark = system_prefers_dark() if dark is None else dark
    _ensure_body_font(app)
    _set_scheme(app, use_dark)
    if not app.property("pos_theme_follows"):
        # Switch live when the user flips the system between light and dark, unless
        # Settings fixed the palette (the property is read when the signal comes).
        hints = QGuiApplication.styleHints()
        signal = getattr(hints, "colorSchemeChanged", None)
        if signal is not None:
            signal.connect(lambda _scheme: _follow_system(app))
            app.setProperty("pos_theme_follows", True)


def _install_style(app: QApplication, dark: bool) -> None:
    """Fusion, or PosStyle over it in the dark scheme; set only when that changes, since
    setting a style re-polishes every widget. (``app.style()`` can't tell: with a stylesheet
    it is Qt's stylesheet style wrapping ours.)"""
    wanted = "fusion-dark" if dark else "fusion"
    if app.property("pos_style") == wanted:
        return
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        if dark:
            # Imported for the dark scheme only: defining a QProxyStyle subclass makes
            # PySide build QStyle's enums, a few ms of every start in the light scheme.
            from pos_app.ui.kit.dark_style import PosStyle

            app.setStyle(PosStyle(fusion))
        else:
            app.setStyle(fusion)
        app.setProperty("pos_style", wanted)


def _set_scheme(app: QApplication, dark: bool) -> None:
    """Palette and stylesheet of one scheme; the sheet is only re-set when the scheme changes
    (re-polishing every widget is the costly part)."""
    _install_style(app, dark)
    app.setPalette(_make_palette(dark))
    sheet = stylesheet(dark)
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)


def _ensure_body_font(app: QApplication) -> None:
    """Raise the app font to at least BODY_PX (a 9 pt system font is 12 px at 96 dpi); a
    larger system or user size is kept."""
    f = QFont(app.font())
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
    size_pt = f.pointSizeF()
    if size_pt > 0 and size_pt * dpi / 72.0 < BODY_PX:
        f.setPointSizeF(BODY_PX * 72.0 / dpi)
        app.setFont(f)


def _follow_system(app: QApplication) -> None:
    if app.property("pos_theme_system"):
        _set_scheme(app, system_prefers_dark())


def apply_theme_setting(app: QApplication, setting: str) -> None:
    """Apply Settings' theme: 'system' (follow it), 'light' or 'dark'."""
    apply_theme(app, dark={"light": False, "dark": True}.get(setting))


def make_primary(button: QPushButton) -> None:
    """Style ``button`` as the screen's main action (filled; ``role="primary"``)."""
    button.setObjectName("primaryButton")
    set_role(button, "primary")


def make_danger(button: QPushButton) -> None:
    """Style ``button`` as a destructive action (filled red; ``role="danger"``)."""
    set_role(button, "danger")


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

    def set_mode(self, mode: str | None, *, pending: str | None = None) -> None:
        """Show ``mode`` ('sandbox', 'test', 'live'); None shows the neutral ``pending``
        (already translated; "Starting…" when not given)."""
        self._mode = mode
        badge = mode_badge(mode or "")
        text = _(badge.text)
        if mode not in MODE_BADGES:
            text = pending if pending is not None else _(STARTING_BADGE.text)
        self.setText(text)
        self.setToolTip(_(badge.tooltip))
        self.setAccessibleName(_("Mode: {mode}").format(mode=text))
        live = mode == "live"
        # Live gets a heavier, larger badge with a dark edge: unmistakable (stylesheet rule).
        self.setFont(font(self, scale=1.15 if live else 1.0, bold=True))
        set_role(self, mode=mode if mode in MODE_BADGES else "")
        self.adjustSize()
        self.updateGeometry()
