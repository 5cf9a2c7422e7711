"""Render a screen to PNG without a display, on the demo day (docs, reviews, CI).

Everything is real: a sandbox in this process, a fresh database, the demo day (``demo.py``)
made through the services and the sandbox's hosted page. Only the window is offscreen.
The screens' renderers live in ``front_desk_screens`` and ``manager_screens``; taking the
picture in ``capture``. Only the CLI's `screenshot` command and tests import this package.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QApplication

from pos_app.app import AppContext
from pos_app.devtools import front_desk_screens as front
from pos_app.devtools import manager_screens as manager
from pos_app.devtools.about_screenshot import render_about
from pos_app.devtools.backup_screenshot import render_backups
from pos_app.devtools.connection_screenshot import render_connection
from pos_app.devtools.demo import DemoDay
from pos_app.devtools.demo_world import DemoWorlds, opened_copy, seeded
from pos_app.devtools.overpaid_screenshot import render_overpaid as _overpaid
from pos_app.devtools.stations_screenshot import render_stations
from pos_app.i18n import SHIPPED, current_language, set_language
from pos_app.ui.kit import theme

Renderer = Callable[[AppContext, DemoDay, Path], None]


@dataclass(frozen=True)
class Screen:
    """One screen `pos-app screenshot` can render: its name, what it shows, how to render it."""

    name: str
    title: str
    render: Renderer


# Every screen of the app, in the order `--list` prints them and the README links them.
# A feature adds its screen here; its renderer opens the screen on the demo day and calls _save.
SCREENS: dict[str, Screen] = {
    s.name: s
    for s in (
        Screen("main", "Main window: today's bookings and the selected one", front.render_main),
        Screen("charge", "Charge screen: QR code, amount and countdown", front.render_charge),
        Screen(
            "charge-declined",
            "Charge screen after a declined card, with the reason",
            front.render_charge_declined,
        ),
        Screen(
            "customer-display",
            "Customer display: the QR, amount and countdown on a second screen",
            front.render_customer_display,
        ),
        Screen(
            "customer-thanks",
            "Customer display: thank you after the payment",
            front.render_customer_thanks,
        ),
        Screen(
            "customer-tip",
            "Customer display: the customer chooses a tip before the charge (a touch screen)",
            front.render_customer_tip,
        ),
        Screen("receipt", "Receipt: preview, print, PDF and Stripe's email", front.render_receipt),
        Screen("settings", "Settings: mode and Stripe key (Payments tab)", manager.render_settings),
        Screen("connection", "Settings: Check connection, the doctor's lines", render_connection),
        Screen("backups", "Settings: This station, the last backup, Back up now", render_backups),
        Screen(
            "stations", "Settings: Stations, who is online and who reads Stripe", render_stations
        ),
        Screen("live", "Main window in live mode: the red LIVE banner", front.render_live),
        Screen("schedule", "Schedule: the day by staff member and room", front.render_schedule),
        Screen("booking", "New booking: customer suggestions as you type", front.render_booking),
        Screen("move", "Move booking: the time is taken, and by whom", front.render_move),
        Screen(
            "customers", "Customers: search, details and booking history", manager.render_customers
        ),
        Screen("catalog", "Services: the catalogue, edited by managers", manager.render_catalog),
        Screen(
            "products",
            "Products: prices and stock received, counted or damaged",
            manager.render_products,
        ),
        Screen(
            "sell", "Sell (F2): tiles, the cart, discount, tip and the total", manager.render_sell
        ),
        Screen(
            "sell-split",
            "Sell: a split sale partly paid in cash, the rest by card or cash",
            manager.render_sell_split,
        ),
        Screen(
            "split",
            "Split payment: the first part, in cash or by card, and what is left",
            manager.render_split,
        ),
        Screen(
            "promo-codes",
            "Promo codes: what each gives, its limits, usable today or why not",
            manager.render_promo_codes,
        ),
        Screen(
            "sign-in", "Sign-in (lock) page: who is at the desk, then the PIN", front.render_sign_in
        ),
        Screen("staff", "Staff and rooms: accounts, PINs, roles and columns", manager.render_staff),
        Screen(
            "audit", "Audit log: money actions with who, when and Stripe ids", manager.render_audit
        ),
        Screen(
            "refund", "Refund dialog asking a manager's PIN (staff signed in)", front.render_refund
        ),
        Screen(
            "dashboard", "Sales dashboard: today's figures, sales by hour", manager.render_dashboard
        ),
        Screen(
            "dashboard-range",
            "Sales dashboard: the last 7 days, card and cash",
            manager.render_dashboard_range,
        ),
        Screen(
            "day-close",
            "Close the day: Z report, cash counted, difference",
            manager.render_day_close,
        ),
        Screen(
            "reconcile", "Reconcile with Stripe: each difference settled", manager.render_reconcile
        ),
        Screen("overpaid", "Main window: an overpaid booking, refund the excess", _overpaid),
        Screen("about", "Help ▸ About pos-app: version, mode and data folder", render_about),
        # --- more screens above this line ---
    )
}


def screen_list() -> list[tuple[str, str]]:
    """(name, title) of every screen, for `pos-app screenshot --list`."""
    return [(s.name, s.title) for s in SCREENS.values()]


def render(
    screen: str,
    path: Path,
    *,
    language: str | None = None,
    theme: str | None = None,
    worlds: DemoWorlds | None = None,
) -> None:
    """Render ``screen`` on a fresh demo day and save it as PNG, in ``language`` (else
    POS_LANGUAGE, else English) and the ``theme`` palette (else light). With ``worlds``
    the day is seeded once there and each screen opens a fresh copy of it."""
    if screen not in SCREENS:
        raise ValueError(f"screen must be one of {', '.join(SCREENS)}")
    language = language or os.environ.get("POS_LANGUAGE", "").strip().lower() or "en"
    if language not in SHIPPED:
        raise ValueError(f"language must be one of {', '.join(SHIPPED)}")
    before = current_language()
    switch = language != before  # else the translation in use stays (tests' pseudo one)
    if switch:
        set_language(language)
    try:
        _render(screen, path, None if theme is None else theme == "dark", worlds)
    finally:
        if switch:
            set_language(before)


def render_all(
    folder: Path,
    *,
    language: str | None = None,
    theme: str | None = None,
    screens: Iterable[str] | None = None,
) -> list[Path]:
    """Every screen (or those named) as ``folder``/NAME.png, all from one seeded demo day
    (`make screenshots`)."""
    worlds = DemoWorlds()
    try:
        paths = [folder / f"{name}.png" for name in (SCREENS if screens is None else screens)]
        for path in paths:
            render(path.stem, path, language=language, theme=theme, worlds=worlds)
        return paths
    finally:
        worlds.close()


def _render(screen: str, path: Path, dark: bool | None, worlds: DemoWorlds | None) -> None:
    from pos_app.ui.shell.gui import ensure_application

    if QApplication.instance() is None:
        # No window should appear, and there may be no display at all.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = ensure_application()
    if dark is not None:
        theme.apply_theme(app, dark=dark)
    try:
        if worlds is None:  # one screen: seed and render on the same day, nothing copied
            with (
                tempfile.TemporaryDirectory(prefix="pos-app-screenshot-") as tmp,
                seeded(Path(tmp)) as (ctx, demo, _),
            ):
                SCREENS[screen].render(ctx, demo, Path(path))
        else:
            with opened_copy(worlds.get(current_language())) as (ctx, demo):
                SCREENS[screen].render(ctx, demo, Path(path))
    finally:
        if dark is not None:
            theme.apply_theme(app)  # back to the system's scheme for whoever renders next
