"""Render a screen to PNG without a display, on a throwaway demo day (docs, reviews, CI).

Everything is real: a sandbox in this process, a fresh database, bookings made and paid
through the services and the sandbox's hosted page. Only the window is offscreen.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.devtools.backup_screenshot import render_backups
from pos_app.devtools.connection_screenshot import render_connection
from pos_app.devtools.overpaid_screenshot import render_overpaid as _overpaid
from pos_app.domain.people import Actor
from pos_app.keystore import KeyStore
from pos_app.services.bookings import BookingRequest

if TYPE_CHECKING:
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

SIZE = (1366, 768)
WAIT_SECONDS = 20.0
SUCCESS_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"


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
    _pay_with(url, SUCCESS_CARD)


DEMO_MANAGER = ("Alex Morgan", "2580")  # name and PIN of the demo's accounts
DEMO_STAFF = ("Sam Lee", "1357")


def _seed_people(ctx: AppContext) -> Actor:
    """The demo's accounts: Alex Morgan (manager) and Sam Lee (staff, takes over the "Sam"
    column). Sam is left signed in for the day's work; returns Alex."""
    from pos_app.domain.people import Role
    from pos_app.services.people import UserForm

    manager = ctx.people.create_first_manager(DEMO_MANAGER[0], DEMO_MANAGER[1], DEMO_MANAGER[1])
    name, pin = DEMO_STAFF
    staff = ctx.people.create_user(UserForm(name, Role.STAFF, pin, pin, takes_bookings=True))
    ctx.people.authenticate(staff.id, pin)
    return manager


def _sign_in_as(ctx: AppContext, name: str) -> None:
    """Sign the demo account ``name`` in at the desk (no PIN: the demo knows them)."""
    member = next(m for m in ctx.people.list_users() if m.name == name)
    ctx.deps.desk.sign_in(Actor(member.id, member.name, member.role))


def seed_demo_day(ctx: AppContext) -> DemoDay:
    """Make today's demo bookings through the services, in different states; the demo's
    staff member does the work, a manager approves refunds and is left signed in."""
    manager = _seed_people(ctx)
    tz = ctx.config.timezone
    now = datetime.now(tz)
    first = now.replace(second=0, microsecond=0) + timedelta(minutes=30 - now.minute % 15)
    people = [  # who, what, contact, and with whom (the demo staff and room)
        ("Maya Thompson", "svc_haircut", "maya@example.com", "res_priya"),
        ("Daniel Okafor", "svc_colour", "+1 555 0134", "res_jordan"),
        ("Sofia Rossi", "svc_massage", "sofia.rossi@example.com", "res_room"),
        ("Liam Chen", "svc_beard", "", "res_sam"),
        ("Ava Martínez", "svc_consult", "ava@example.com", "res_priya"),
    ]
    ids: list[str] = []
    for i, (name, service, contact, resource) in enumerate(people):
        booking = ctx.bookings.create(
            BookingRequest(
                customer_name=name,
                service_id=service,
                starts_at=first + timedelta(minutes=15 * i),
                customer_email=contact if "@" in contact else "",
                customer_phone=contact if contact and "@" not in contact else "",
                resource_id=resource,
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
            ctx.refunds.refund(
                booking_id,
                amount,
                reason="requested_by_customer",
                note=note,
                manager_pin=DEMO_MANAGER[1],
            )
        except Exception:
            log.warning("screenshot: could not refund demo booking %s", booking_id, exc_info=True)
    # Refunds start "pending" and settle a moment later; show them settled.
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        ctx.sync.sync_once(full=True)
        if ctx.bookings.detail(refunded).booking.refunded_amount > 0:
            break
        time.sleep(0.3)
    ctx.deps.desk.sign_in(manager)
    return DemoDay(unpaid, awaiting, paid, partly, refunded)


def _save(widget: QWidget, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


W = TypeVar("W", bound=QWidget)


@contextmanager
def _opened(make: Callable[[TaskRunner], W], size: tuple[int, int] | None = None) -> Iterator[W]:
    """The screen ``make(runner)`` builds on a fresh task runner, shown (at ``size``); after
    the block the runner stops and the screen closes, whatever happened in it."""
    from pos_app.ui.kit.tasks import TaskRunner

    runner = TaskRunner()
    try:
        widget = make(runner)
    except BaseException:
        runner.shutdown()
        raise
    try:
        if size is not None:
            widget.resize(*size)
        widget.show()
        yield widget
    finally:
        runner.shutdown()
        if isinstance(widget, QDialog):
            widget.done(0)
        else:
            widget.close()
        widget.deleteLater()


@contextmanager
def _main_window(ctx: AppContext) -> Iterator[MainWindow]:
    """The main window at 1366×768, attached to ``ctx``; detached and closed afterwards."""
    from pos_app.ui.shell.main_window import MainWindow

    with _opened(MainWindow, SIZE) as window:
        window.attach(ctx)
        try:
            yield window
        finally:
            window.detach()


def _render_main(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    with _main_window(ctx) as window:
        wait_until(lambda: window.model.rowCount() == 5)
        window.select_booking(demo.paid)
        wait_until(lambda: window.detail.booking_id() == demo.paid)
        wait_until(lambda: window.stripe_status_text() == "Stripe: connected")
        _save(window, path)


def _render_charge(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.payments.charge_view import ChargeDialog

    with _opened(lambda runner: ChargeDialog.start(ctx, runner, demo.unpaid)) as dialog:
        wait_until(lambda: (view := dialog.current_view()) is not None and view.url is not None)
        view = dialog.current_view()
        assert view is not None
        wait_until(lambda: dialog.qr.url() == view.url)
        _save(dialog, path)


def _pay_with(url: str, card: str) -> None:
    """Submit ``card`` on the sandbox's hosted page (a decline answers 200 with the reason)."""
    import httpx

    with httpx.Client(follow_redirects=True, timeout=10) as client:
        page = client.get(url)
        page.raise_for_status()
        # The page refuses a POST without the CSRF token it names (its cookie rides along).
        found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
        form = {"card_number": card, "exp": "12 / 34", "cvc": "123", "name": "Demo"}
        client.post(
            url, data={**form, "csrf_token": found.group(1) if found else ""}
        ).raise_for_status()


def _render_charge_declined(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.payments.charge_view import ChargeDialog, ChargePhase

    with _opened(lambda runner: ChargeDialog.start(ctx, runner, demo.unpaid)) as dialog:
        wait_until(lambda: dialog.qr.url() is not None)
        _pay_with(dialog.qr.url() or "", DECLINED_CARD)
        wait_until(lambda: dialog.charge_state().phase is ChargePhase.DECLINED)
        _save(dialog, path)


def _render_customer(ctx: AppContext, demo: DemoDay, path: Path, *, paid: bool) -> None:
    from pos_app.ui.payments.charge_view import ChargeDialog
    from pos_app.ui.payments.customer_display import CustomerDisplay, View

    display = CustomerDisplay(ctx.config.business_name)
    display.resize(*SIZE)
    display.show()
    try:
        with _opened(lambda runner: ChargeDialog.start(ctx, runner, demo.unpaid)) as dialog:
            display.follow(dialog)
            wait_until(lambda: display.view() is View.CHARGE and display.qr.url() is not None)
            if paid:
                _pay_with(display.qr.url() or "", SUCCESS_CARD)
                wait_until(lambda: display.view() is View.THANKS)
            _save(display, path)
    finally:
        display.close()
        display.deleteLater()


def _render_customer_display(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    _render_customer(ctx, demo, path, paid=False)


def _render_customer_thanks(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    _render_customer(ctx, demo, path, paid=True)


def _render_receipt(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.reports.receipt_view import ReceiptDialog

    with _opened(lambda runner: ReceiptDialog(ctx, runner, demo.partly_refunded)) as dialog:
        # Shown once the card's brand and last four digits came back from Stripe.
        wait_until(lambda: "••••" in dialog.preview_text())
        _save(dialog, path)


def _render_settings(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.domain.people import Actor, Role
    from pos_app.ui.manage.settings_dialog import SettingsDialog

    previous = ctx.deps.desk.actor
    ctx.deps.desk.sign_in(Actor("usr_demo", "Demo manager", Role.MANAGER))
    try:
        with _opened(
            lambda runner: SettingsDialog(ctx, runner, tab="payments", restart=lambda: None)
        ) as dialog:
            wait_until(dialog.is_loaded)
            # A manager about to leave the sandbox: the key field, Check key, "Save and restart".
            dialog.select_mode("test")
            _save(dialog, path)
    finally:
        ctx.deps.desk.sign_in(previous)


def _render_live(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    # The live look, with nothing real contacted: the same services on the local sandbox
    # behind a config that says "live" (the window reads the mode from the config).
    live = dataclasses.replace(ctx, config=dataclasses.replace(ctx.config, mode="live"))
    live.settings = ctx.settings
    _render_main(live, demo, path)


class _ShiftedClock:
    """The real clock moved by ``shift``: books the demo's earlier hours through the service."""

    def __init__(self, shift: timedelta) -> None:
        self._shift = shift

    def now(self) -> datetime:
        return datetime.now(ZoneInfo("UTC")) + self._shift


def _sign_in_demo_manager(ctx: AppContext) -> None:
    """The screens open on the day (not the lock page) for a signed-in manager."""
    from pos_app.domain.people import Actor, Role

    if ctx.deps.desk.actor.role is None:
        ctx.deps.desk.sign_in(Actor(None, "Alex Morgan", Role.MANAGER))


def _fill_schedule(ctx: AppContext) -> None:
    """More of the day around the demo bookings: earlier ones paid, a no-show, a deposit, a
    cancellation, and the afternoon across every column."""
    import dataclasses

    from pos_app.services.bookings import BookingService

    tz = ctx.config.timezone
    now = datetime.now(tz)
    base = now.replace(second=0, microsecond=0) + timedelta(minutes=30 - now.minute % 15)
    shifted = dataclasses.replace(ctx.deps, clock=_ShiftedClock(timedelta(hours=-6)))
    earlier = BookingService(shifted)
    plan = [  # minutes from the first demo booking, who, service, resource, what happens
        (-180, "Isla Taylor", "svc_massage", "res_room", "cash"),
        (-150, "Noah Williams", "svc_haircut", "res_jordan", "cash"),
        (-105, "Oliver Jones", "svc_beard", "res_sam", "no_show"),
        (-120, "Emma Brown", "svc_colour", "res_priya", "deposit"),
        (-90, "Leo Garcia", "svc_consult", None, ""),
        (-60, "Grace Kim", "svc_haircut", "res_sam", "cash"),
        (90, "Mia Anderson", "svc_haircut", "res_sam", ""),
        (120, "Lucas Martin", "svc_haircut", "res_jordan", "cancel"),
        (120, "Chloe Lee", "svc_massage", "res_room", ""),
        (105, "Ethan Clark", "svc_haircut", "res_priya", ""),
        (150, "Zoe Walker", "svc_consult", None, ""),
        (195, "Hannah White", "svc_colour", "res_jordan", ""),
    ]
    for minutes, name, service, resource, then in plan:
        starts = base + timedelta(minutes=minutes)
        if starts.date() != now.date() or starts.hour >= 22:
            continue  # the demo stays on one day
        booker = earlier if starts < now else ctx.bookings
        try:
            booking = booker.create(
                BookingRequest(
                    customer_name=name, service_id=service, starts_at=starts, resource_id=resource
                )
            )
            if then == "cash":
                ctx.cash.record(booking.id)
            elif then == "deposit":
                ctx.cash.record(booking.id, "40.00")
            elif then == "no_show":
                ctx.bookings.no_show(booking.id)
            elif then == "cancel":
                ctx.bookings.cancel(booking.id)
        except Exception:  # the screenshot still renders with fewer bookings
            log.warning("screenshot: could not add demo booking for %s", name, exc_info=True)


def _render_schedule(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    _sign_in_demo_manager(ctx)
    _fill_schedule(ctx)
    expected = len(ctx.bookings.list_day(ctx.bookings.today()))
    with _main_window(ctx) as window:
        window.days.show_schedule()
        wait_until(lambda: len(window.days.view.day_layout().blocks) == expected)
        window.select_booking(demo.unpaid)
        wait_until(lambda: window.detail.booking_id() == demo.unpaid)
        wait_until(lambda: window.stripe_status_text() == "Stripe: connected")
        view = window.days.view
        view.scroll_to_minute(view.day_layout().blocks[0].start_min - 15)  # the whole morning
        _save(window, path)


def _render_booking(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from PySide6.QtGui import QPainter

    from pos_app.ui.day.booking_dialog import BookingDialog

    _sign_in_demo_manager(ctx)
    with _opened(lambda runner: BookingDialog(ctx, runner)) as dialog:
        dialog.activateWindow()
        wait_until(lambda: dialog.service_combo.isEnabled())
        dialog.select_resource("res_sam")
        dialog.name_edit.setFocus()
        dialog.name_edit.setText("a")
        dialog.name_edit.textEdited.emit("a")  # as typed: the suggestions follow
        wait_until(lambda: len(dialog.suggestion_names()) >= 3)
        popup = dialog.completer.popup()
        wait_until(lambda: popup is not None and popup.isVisible())
        assert popup is not None
        # The suggestion list is a window of its own: paint it where it shows, over the form.
        image = dialog.grab()
        offset = popup.mapToGlobal(popup.rect().topLeft()) - dialog.mapToGlobal(
            dialog.rect().topLeft()
        )
        painter = QPainter(image)
        painter.drawPixmap(offset, popup.grab())
        painter.end()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")


def _render_move(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.day.move_dialog import MoveDialog

    _sign_in_demo_manager(ctx)
    booking = ctx.bookings.detail(demo.unpaid).booking
    holder = ctx.bookings.detail(demo.awaiting).booking  # Daniel, with Jordan
    with _opened(lambda runner: MoveDialog(ctx, runner, booking)) as dialog:
        wait_until(lambda: dialog.staff_combo.isEnabled())
        dialog.set_target(holder.starts_at + timedelta(minutes=15), holder.resource_id)
        dialog.save()
        wait_until(lambda: dialog.error_text("starts_at") != "")
        _save(dialog, path)


def _render_customers(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    import dataclasses

    from pos_app.services.bookings import BookingService
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.manage.customers_view import CustomersView

    _sign_in_demo_manager(ctx)
    maya = ctx.bookings.detail(demo.unpaid).booking
    tz = ctx.config.timezone
    past = BookingService(dataclasses.replace(ctx.deps, clock=_ShiftedClock(timedelta(days=-90))))
    today = datetime.now(tz).replace(hour=11, minute=0, second=0, microsecond=0)
    history = [(-63, "svc_colour", "res_priya"), (-35, "svc_haircut", "res_priya"),
               (-14, "svc_consult", None), (7, "svc_haircut", "res_priya")]  # fmt: skip
    for days, service, resource in history:
        booker = past if days < 0 else ctx.bookings
        booking = booker.create(
            BookingRequest(
                customer_name=maya.customer_name,
                service_id=service,
                starts_at=today + timedelta(days=days),
                customer_email=maya.customer_email or "",
                resource_id=resource,
            )
        )
        if days < -20:
            ctx.cash.record(booking.id)
        elif days < 0:
            ctx.bookings.no_show(booking.id)
    for name in ("Mateo Rossi", "Maria Silva", "Amara Okoye"):
        ctx.bookings.create(
            BookingRequest(
                name,
                "svc_haircut",
                today + timedelta(days=3),
                customer_email=(name.split()[0].lower() + "@example.com"),
            )
        )
    runner = TaskRunner()
    window = CustomersView(ctx, runner, customer_id=maya.customer_id)
    try:
        window.show()
        window.search_edit.setText("ma")
        window.search_now()
        wait_until(lambda: window.result_names()[:1] == ["Amara Okoye"])
        wait_until(lambda: "Liam Chen" not in window.result_names())
        wait_until(lambda: len(window.history_rows()) == 5)
        _save(window, path)
    finally:
        runner.shutdown()
        window.close()
        window.deleteLater()


def _render_catalog(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.manage.catalog_editor import CatalogEditor

    _sign_in_demo_manager(ctx)
    with _opened(lambda runner: CatalogEditor(ctx, runner)) as dialog:
        wait_until(lambda: len(dialog.service_names()) == 5)
        dialog.edit_service("svc_colour")
        wait_until(lambda: dialog.name_edit.text() == "Colour & style")
        _save(dialog, path)


def _render_sign_in(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    ctx.deps.desk.sign_out()
    with _main_window(ctx) as window:
        page = window.sign_in_page
        wait_until(lambda: len(page.tiles) == 2)
        sam = next(uid for uid, tile in page.tiles.items() if tile.member.name == DEMO_STAFF[0])
        page.select_user(sam)
        page.press("13")  # half-typed, as a person would be
        wait_until(lambda: window.stripe_status_text() == "Stripe: connected")
        _save(window, path)


def _render_staff(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.people.staff_editor import StaffEditor

    with _opened(lambda runner: StaffEditor(ctx, runner)) as dialog:
        wait_until(lambda: len(dialog.members) == 2)
        sam = next(m for m in dialog.members if m.name == DEMO_STAFF[0])
        dialog.select_person(sam.id)
        _save(dialog, path)


def _render_audit(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.people.audit_view import AuditDialog

    with _opened(lambda runner: AuditDialog(ctx, runner), SIZE) as dialog:
        wait_until(lambda: dialog.loads >= 1 and dialog.model.rowCount() > 0)
        wait_until(lambda: dialog.person_combo.count() > 1)
        _save(dialog, path)


def _render_refund(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.payments.refund_dialog import RefundDialog

    _sign_in_as(ctx, DEMO_STAFF[0])  # staff: the dialog asks for a manager's PIN
    try:
        with _opened(lambda runner: RefundDialog(ctx, runner, demo.paid)) as dialog:
            wait_until(lambda: dialog.amount_edit.isEnabled())
            dialog.amount_edit.setText("20.00")
            dialog.pin_edit.setText("25")
            _save(dialog, path)
    finally:
        _sign_in_as(ctx, DEMO_MANAGER[0])


def _seed_sales_history(ctx: AppContext, days: int) -> None:
    """Cash sales earlier today and on the ``days`` days before, booked and paid through the
    services on a clock moved back, so the dashboard's chart and range have something to show
    beside the demo's card payments and refunds."""
    import dataclasses

    from pos_app.services.bookings import BookingService
    from pos_app.services.cash import CashService

    tz = ctx.config.timezone
    now = datetime.now(tz)
    # (when, who, what, with whom): today an hour or three ago, earlier days in opening hours.
    plan: list[tuple[datetime, str, str, str | None]] = [
        (now - timedelta(minutes=minutes), name, service, resource)
        for minutes, name, service, resource in (
            (60, "Isla Taylor", "svc_massage", "res_room"),
            (120, "Noah Williams", "svc_haircut", "res_jordan"),
            (150, "Grace Kim", "svc_beard", "res_sam"),
            (180, "Leo Garcia", "svc_colour", "res_priya"),
        )
        if (now - timedelta(minutes=minutes + 30)).date() == now.date()
    ]
    names = ["Emma Brown", "Oliver Jones", "Mia Anderson", "Lucas Martin", "Chloe Lee"]
    services = ["svc_haircut", "svc_colour", "svc_massage", "svc_beard", "svc_consult"]
    staff: list[str | None] = ["res_priya", "res_jordan", "res_room", "res_sam", None]
    for day in range(1, days + 1):
        for i in range(2 + day % 3):
            k = (day + i) % 5
            hour = 9 + (day * 3 + i * 4) % 9  # 09:00 to 17:00
            when = (now - timedelta(days=day)).replace(hour=hour, minute=15 * (i % 4))
            plan.append((when, names[k], services[k], staff[k]))
    for when, name, service, resource in plan:
        starts = when.replace(second=0, microsecond=0)
        starts -= timedelta(minutes=starts.minute % 15)
        # Booked an hour before it starts, paid 25 minutes in: both on a moved clock.
        booker = BookingService(
            dataclasses.replace(ctx.deps, clock=_ShiftedClock(starts - now - timedelta(hours=1)))
        )
        till = CashService(
            dataclasses.replace(ctx.deps, clock=_ShiftedClock(starts - now + timedelta(minutes=25)))
        )
        try:
            booking = booker.create(
                BookingRequest(
                    customer_name=name, service_id=service, starts_at=starts, resource_id=resource
                )
            )
            till.record(booking.id)
        except Exception:  # the dashboard still renders with fewer sales
            log.warning("screenshot: could not add a cash sale for %s", name, exc_info=True)


def _render_dashboard_period(ctx: AppContext, path: Path, *, days: int) -> None:
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.reports.dashboard.dashboard_view import DashboardDialog, Page, Preset

    _sign_in_as(ctx, DEMO_MANAGER[0])
    _seed_sales_history(ctx, days)
    runner = TaskRunner()
    preset = Preset.TODAY if days == 0 else Preset.LAST_7_DAYS
    dialog = DashboardDialog(ctx, runner, preset=preset)
    try:
        dialog.resize(*SIZE)
        dialog.show()
        wait_until(lambda: dialog.loads >= 1)
        if dialog.page() is not Page.FIGURES:
            raise RuntimeError(f"the dashboard shows no figures: {dialog.error_text()}")
        settled = time.monotonic() + 0.2  # let the figures page finish its layout
        wait_until(lambda: time.monotonic() > settled)
        _save(dialog, path)
    finally:
        runner.shutdown()
        dialog.done(0)
        dialog.deleteLater()


def _render_dashboard(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    _render_dashboard_period(ctx, path, days=0)


def _render_dashboard_range(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    _render_dashboard_period(ctx, path, days=6)


def _render_day_close(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.reports.day_close.day_close_view import DayCloseDialog

    _sign_in_as(ctx, DEMO_MANAGER[0])
    for booking_id in (demo.unpaid, demo.awaiting):  # cash at the desk as well as cards
        try:
            ctx.cash.record(booking_id)
        except Exception:
            log.warning("screenshot: could not take cash for %s", booking_id, exc_info=True)
    z = ctx.day_close.preview(ctx.day_close.today())
    expected = z.totals(z.currencies[0].currency)
    counted = expected.money(max(expected.cash_expected - 500, 0)).plain()  # $5.00 short
    runner = TaskRunner()
    dialog = DayCloseDialog(ctx, runner)
    try:
        dialog.show()
        wait_until(lambda: dialog.loads >= 1 and bool(dialog.panels))
        dialog.set_counted(expected.currency, counted)
        dialog.note_edit.setText("Counted twice by Alex; a $5 note missing from the float")
        _save(dialog, path)
    finally:
        runner.shutdown()
        dialog.done(0)
        dialog.deleteLater()


def _render_reconcile(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.reports.reconcile.reconciliation_view import ReconcileDialog

    _sign_in_as(ctx, DEMO_MANAGER[0])
    # Two honest differences: a customer paid on their phone but no sync has run here yet,
    # and a refund Stripe has finished while this station still shows it pending.
    view = ctx.checkout.start(demo.unpaid)
    assert view.url is not None
    _pay(view.url)
    outcome = ctx.refunds.refund(demo.paid, "10.00", note="Short of time")
    refund = outcome.refunds[0]
    assert refund.stripe_refund_id is not None
    deadline = time.monotonic() + 5
    while ctx.deps.gateway.retrieve_refund(refund.stripe_refund_id).status == "pending":
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    runner = TaskRunner()
    dialog = ReconcileDialog(ctx, runner)
    try:
        dialog.resize(*SIZE)
        dialog.show()
        dialog.compare()
        wait_until(lambda: dialog.compares >= 1)
        dialog.table.selectRow(0)
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
        Screen(
            "charge-declined",
            "Charge screen after a declined card, with the reason",
            _render_charge_declined,
        ),
        Screen(
            "customer-display",
            "Customer display: the QR, amount and countdown on a second screen",
            _render_customer_display,
        ),
        Screen(
            "customer-thanks",
            "Customer display: thank you after the payment",
            _render_customer_thanks,
        ),
        Screen("receipt", "Receipt: preview, print, PDF and Stripe's email", _render_receipt),
        Screen("settings", "Settings: mode, key and webhooks (Payments tab)", _render_settings),
        Screen("connection", "Settings: Check connection, the doctor's lines", render_connection),
        Screen("backups", "Settings: This station, the last backup, Back up now", render_backups),
        Screen("live", "Main window in live mode: the red LIVE banner", _render_live),
        Screen("schedule", "Schedule: the day by staff member and room", _render_schedule),
        Screen("booking", "New booking: customer suggestions as you type", _render_booking),
        Screen("move", "Move booking: the time is taken, and by whom", _render_move),
        Screen("customers", "Customers: search, details and booking history", _render_customers),
        Screen("catalog", "Services: the catalogue, edited by managers", _render_catalog),
        Screen("sign-in", "Sign-in (lock) page: who is at the desk, then the PIN", _render_sign_in),
        Screen("staff", "Staff and rooms: accounts, PINs, roles and columns", _render_staff),
        Screen("audit", "Audit log: money actions with who, when and Stripe ids", _render_audit),
        Screen("refund", "Refund dialog asking a manager's PIN (staff signed in)", _render_refund),
        Screen("dashboard", "Sales dashboard: today's figures, sales by hour", _render_dashboard),
        Screen(
            "dashboard-range",
            "Sales dashboard: the last 7 days, card and cash",
            _render_dashboard_range,
        ),
        Screen("day-close", "Close the day: Z report, cash counted, difference", _render_day_close),
        Screen("reconcile", "Reconcile with Stripe: each difference settled", _render_reconcile),
        Screen("overpaid", "Main window: an overpaid booking, refund the excess", _overpaid),
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
    from pos_app.ui.shell.gui import ensure_application

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
            # Secrets in the throwaway data dir: never this machine's real keyring.
            secrets = KeyStore(config.data_dir, use_system=False)
            ctx = open_app(config, sandbox="none", secrets=secrets)
            try:
                demo = seed_demo_day(ctx)
                SCREENS[screen].render(ctx, demo, Path(path))
            finally:
                ctx.close()
        finally:
            handle.stop()
