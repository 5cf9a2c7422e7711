"""Render a screen to PNG without a display, on a throwaway demo day (docs, reviews, CI).

Everything is real: a sandbox in this process, a fresh database, bookings made and paid
through the services and the sandbox's hosted page. Only the window is offscreen.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.services.bookings import BookingRequest

log = logging.getLogger(__name__)

SIZE = (1366, 768)
WAIT_SECONDS = 20.0
SUCCESS_CARD = "4242 4242 4242 4242"


@dataclass(frozen=True)
class DemoDay:
    """The bookings made for the screenshot, by what state they were left in."""

    unpaid: str
    awaiting: str
    paid: str
    partly_refunded: str
    refunded: str


def wait_until(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> None:
    """Spin the Qt event loop until ``condition()`` holds; TimeoutError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not reach the expected state in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def morning_timezone() -> tzinfo:
    """A fixed-offset zone where it is mid-morning right now (so 'today' has room left)."""
    utc_hour = datetime.now(ZoneInfo("UTC")).hour
    shift = (10 - utc_hour + 12) % 24 - 12  # -12..+11 hours: UTC+shift is around 10:00
    # Etc/GMT signs are inverted (Etc/GMT-3 is UTC+3).
    return ZoneInfo(f"Etc/GMT{-shift:+d}" if shift else "UTC")


def _demo_timezone(configured: tzinfo, slots: int) -> tzinfo:
    """The configured zone if today still has room for ``slots`` quarter hours; else one
    where it is mid-morning now, so the demo day is never empty late at night."""
    if datetime.now(configured).hour < 24 - (slots // 4 + 2):
        return configured
    return morning_timezone()


def _pay(url: str) -> None:
    """Pay a session through the sandbox's hosted page, as a customer's phone would."""
    import httpx

    with httpx.Client(follow_redirects=True, timeout=10) as client:
        client.get(url).raise_for_status()
        client.post(
            url,
            data={"card_number": SUCCESS_CARD, "exp": "12 / 34", "cvc": "123", "name": "Demo"},
        ).raise_for_status()


def seed_demo_day(ctx: AppContext) -> DemoDay:
    """Make today's demo bookings through the services, in different states."""
    tz = ctx.config.timezone
    now = datetime.now(tz)
    first = now.replace(second=0, microsecond=0) + timedelta(minutes=30 - now.minute % 15)
    people = [
        ("Maya Thompson", "svc_haircut", "maya@example.com"),
        ("Daniel Okafor", "svc_colour", "+1 555 0134"),
        ("Sofia Rossi", "svc_massage", "sofia.rossi@example.com"),
        ("Liam Chen", "svc_beard", ""),
        ("Ava Martínez", "svc_consult", "ava@example.com"),
    ]
    ids: list[str] = []
    for i, (name, service, contact) in enumerate(people):
        booking = ctx.bookings.create(
            BookingRequest(
                customer_name=name,
                service_id=service,
                starts_at=first + timedelta(minutes=15 * i),
                customer_email=contact if "@" in contact else "",
                customer_phone=contact if contact and "@" not in contact else "",
            )
        )
        ids.append(booking.id)
    unpaid, awaiting, paid, partly, refunded = ids
    ctx.checkout.start(awaiting)
    for booking_id in (paid, partly, refunded):
        view = ctx.checkout.start(booking_id)
        try:
            assert view.url is not None
            _pay(view.url)
            ctx.checkout.refresh(view.payment_id)
        except Exception:  # the demo still renders with fewer paid rows
            log.warning("screenshot: could not pay demo booking %s", booking_id, exc_info=True)
    refunds = [
        (partly, "5.00", "Shorter session"),
        (refunded, None, "Customer cancelled"),
    ]
    for booking_id, amount, note in refunds:
        try:
            ctx.refunds.refund(booking_id, amount, reason="requested_by_customer", note=note)
        except Exception:
            log.warning("screenshot: could not refund demo booking %s", booking_id, exc_info=True)
    # Refunds start "pending" and settle a moment later; show them settled.
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        ctx.sync.sync_once(full=True)
        if ctx.bookings.detail(refunded).booking.refunded_amount > 0:
            break
        time.sleep(0.3)
    return DemoDay(unpaid, awaiting, paid, partly, refunded)


def _save(widget: QWidget, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def _render_main(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.main_window import MainWindow
    from pos_app.ui.tasks import TaskRunner

    runner = TaskRunner()
    window = MainWindow(runner)
    try:
        window.resize(*SIZE)
        window.show()
        window.attach(ctx)
        wait_until(lambda: window.model.rowCount() == 5)
        window.select_booking(demo.paid)
        wait_until(lambda: window.detail.booking_id() == demo.paid)
        wait_until(lambda: window.stripe_status_text() == "Stripe: connected")
        _save(window, path)
    finally:
        window.detach()
        runner.shutdown()
        window.close()
        window.deleteLater()


def _render_charge(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.charge_view import ChargeDialog
    from pos_app.ui.tasks import TaskRunner

    runner = TaskRunner()
    dialog = ChargeDialog.start(ctx, runner, demo.unpaid)
    try:
        wait_until(lambda: (view := dialog.current_view()) is not None and view.url is not None)
        view = dialog.current_view()
        assert view is not None
        wait_until(lambda: dialog.qr.url() == view.url)
        _save(dialog, path)
    finally:
        runner.shutdown()
        dialog.done(0)
        dialog.deleteLater()


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
        Screen("main", "Main window: today's bookings and the selected one", _render_main),
        Screen("charge", "Charge screen: QR code, amount and countdown", _render_charge),
        # --- more screens above this line ---
    )
}


def screen_list() -> list[tuple[str, str]]:
    """(name, title) of every screen, for `pos-app screenshot --list`."""
    return [(s.name, s.title) for s in SCREENS.values()]


def render(screen: str, path: Path) -> None:
    """Render ``screen`` on a fresh demo day and save it as PNG."""
    if screen not in SCREENS:
        raise ValueError(f"screen must be one of {', '.join(SCREENS)}")
    from pos_app.sandbox.runner import start_in_thread
    from pos_app.ui.gui import ensure_application

    if QApplication.instance() is None:
        # No window should appear, and there may be no display at all.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    ensure_application()
    with tempfile.TemporaryDirectory(prefix="pos-app-screenshot-") as tmp:
        handle = start_in_thread(Path(tmp) / "sandbox.sqlite3")
        try:
            env = {"POS_DATA_DIR": str(Path(tmp) / "data"), "POS_STRIPE_API_BASE": handle.url}
            if os.environ.get("POS_TIMEZONE"):
                env["POS_TIMEZONE"] = os.environ["POS_TIMEZONE"]
            config = load_config(env)
            zone = _demo_timezone(config.timezone, slots=5)
            if zone is not config.timezone:
                env["POS_TIMEZONE"] = str(zone)
                config = load_config(env)
            ctx = open_app(config, sandbox="none")
            try:
                demo = seed_demo_day(ctx)
                SCREENS[screen].render(ctx, demo, Path(path))
            finally:
                ctx.close()
        finally:
            handle.stop()
