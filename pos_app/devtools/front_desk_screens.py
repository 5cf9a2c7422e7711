"""The front desk's screens for `pos-app screenshot`: the day, charging, receipts, sign-in.

Each renderer opens its screen on the demo day (``demo.py``), waits for what the picture
must show, and hands the widget to ``capture.save``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.devtools.capture import SIZE, opened, save, wait_until
from pos_app.devtools.demo import (
    DECLINED_CARD,
    DEMO_MANAGER,
    DEMO_STAFF,
    SUCCESS_CARD,
    DemoDay,
    pay_with,
    sign_in_as,
    sign_in_demo_manager,
)
from pos_app.i18n import _

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.payments.charge_presenter import ChargeSettings
    from pos_app.ui.shell.main_window import MainWindow


def _charge_settings(ctx: AppContext) -> ChargeSettings:
    """What the charge screen needs of the demo's configuration."""
    from pos_app.ui.payments.charge_presenter import ChargeSettings

    config = ctx.config
    return ChargeSettings(
        mode=config.mode,
        business_name=config.business_name,
        timezone=config.timezone,
        hold_minutes=config.hold_minutes,
    )


@contextmanager
def _main_window(ctx: AppContext) -> Iterator[MainWindow]:
    """The main window at 1366×768, attached to ``ctx``; detached and closed afterwards."""
    from pos_app.ui.shell.main_window import MainWindow

    with opened(MainWindow, SIZE) as window:
        window.attach(ctx)
        try:
            yield window
        finally:
            window.detach()


def render_main(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    with _main_window(ctx) as window:
        expected = len(ctx.bookings.list_day(ctx.bookings.today()))
        wait_until(lambda: window.model.rowCount() == expected)
        window.select_booking(demo.paid)
        wait_until(lambda: window.detail.booking_id() == demo.paid)
        wait_until(lambda: window.stripe_status_text() == _("Stripe: connected"))
        save(window, path)


def render_charge(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.payments.charge_view import ChargeDialog

    with opened(
        lambda runner: ChargeDialog.start(
            ctx.checkout, runner, demo.unpaid, settings=_charge_settings(ctx)
        )
    ) as dialog:
        wait_until(lambda: (view := dialog.current_view()) is not None and view.url is not None)
        view = dialog.current_view()
        assert view is not None
        wait_until(lambda: dialog.qr.url() == view.url)
        save(dialog, path)


def render_charge_declined(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.payments.charge_view import ChargeDialog, ChargePhase

    with opened(
        lambda runner: ChargeDialog.start(
            ctx.checkout, runner, demo.unpaid, settings=_charge_settings(ctx)
        )
    ) as dialog:
        wait_until(lambda: dialog.qr.url() is not None)
        pay_with(dialog.qr.url() or "", DECLINED_CARD)
        wait_until(lambda: dialog.charge_state().phase is ChargePhase.DECLINED)
        save(dialog, path)


def _render_customer(ctx: AppContext, demo: DemoDay, path: Path, *, paid: bool) -> None:
    from pos_app.ui.payments.charge_view import ChargeDialog
    from pos_app.ui.payments.customer_display import CustomerDisplay, View

    display = CustomerDisplay(
        ctx.config.business_name, logo_path=ctx.config.business_logo, mode=ctx.mode
    )
    display.resize(*SIZE)
    display.show()
    try:
        with opened(
            lambda runner: ChargeDialog.start(
                ctx.checkout, runner, demo.unpaid, settings=_charge_settings(ctx)
            )
        ) as dialog:
            display.follow(dialog)
            wait_until(lambda: display.view() is View.CHARGE and display.qr.url() is not None)
            if paid:
                pay_with(display.qr.url() or "", SUCCESS_CARD)
                wait_until(lambda: display.view() is View.THANKS)
            save(display, path)
    finally:
        display.close()
        display.deleteLater()


def render_customer_display(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    _render_customer(ctx, demo, path, paid=False)


def render_customer_thanks(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    _render_customer(ctx, demo, path, paid=True)


def render_customer_tip(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    """The customer display asking for a tip (Settings ▸ This station, a touch screen) for a
    shampoo and a haircut, before the charge."""
    from pos_app.domain.money import Money
    from pos_app.domain.percent import Percent
    from pos_app.ui.payments.customer_display import CustomerDisplay, View
    from pos_app.ui.sell.sell_presenter import Cart, Kind, Sellable, tip_offer

    currency = ctx.config.currency
    cart = (
        Cart()
        .add(Sellable("prd_demo", Kind.PRODUCT, "Shampoo 250 ml", Money(1200, currency),
                      Percent(8875)))
        .add(Sellable("svc_haircut", Kind.SERVICE, "Haircut", Money(3500, currency), Percent(0)))
    )  # fmt: skip
    offer = tip_offer(cart, ctx.pricing.policy(), currency)
    display = CustomerDisplay(
        ctx.config.business_name, logo_path=ctx.config.business_logo, mode=ctx.mode
    )
    display.resize(*SIZE)
    display.show()
    try:
        display.ask_tip(offer)
        wait_until(lambda: display.view() is View.TIP)
        save(display, path)
    finally:
        display.close()
        display.deleteLater()


def render_receipt(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.reports.receipt_view import ReceiptDialog

    with opened(
        lambda runner: ReceiptDialog(ctx.receipts, runner, demo.partly_refunded, mode=ctx.mode)
    ) as dialog:
        # Shown once the card's brand and last four digits came back from Stripe.
        wait_until(lambda: "••••" in dialog.preview_text())
        save(dialog, path)


def render_live(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    # The live look, with nothing real contacted: the same services on the local sandbox
    # behind a config that says "live" (the window reads the mode from the config).
    live = dataclasses.replace(ctx, config=dataclasses.replace(ctx.config, mode="live"))
    live.settings = ctx.settings
    render_main(live, demo, path)


def render_schedule(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    sign_in_demo_manager(ctx)
    expected = len(ctx.bookings.list_day(ctx.bookings.today()))
    with _main_window(ctx) as window:
        window.days.show_schedule()
        wait_until(lambda: len(window.days.view.day_layout().blocks) == expected)
        window.select_booking(demo.unpaid)
        wait_until(lambda: window.detail.booking_id() == demo.unpaid)
        wait_until(lambda: window.stripe_status_text() == _("Stripe: connected"))
        view = window.days.view
        view.scroll_to_minute(view.day_layout().blocks[0].start_min - 15)  # the whole morning
        save(window, path)


def render_booking(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from PySide6.QtGui import QPainter

    from pos_app.ui.day.booking_dialog import BookingDialog

    sign_in_demo_manager(ctx)
    with opened(lambda runner: BookingDialog(ctx, runner)) as dialog:
        dialog.activateWindow()
        wait_until(lambda: dialog.service_combo.isEnabled())
        dialog.select_resource("res_sam")
        dialog.name_edit.setFocus()
        dialog.name_edit.setText("Mar")
        dialog.name_edit.textEdited.emit("Mar")  # as typed: the suggestions follow
        wait_until(lambda: len(dialog.suggestion_names()) >= 2)
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
        save(dialog, path, image.toImage(), also=(popup,))


def render_move(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.day.move_dialog import MoveDialog

    sign_in_demo_manager(ctx)
    booking = ctx.bookings.detail(demo.unpaid).booking
    holder = ctx.bookings.detail(demo.awaiting).booking  # Daniel, with Jordan
    with opened(lambda runner: MoveDialog(ctx, runner, booking)) as dialog:
        wait_until(lambda: dialog.staff_combo.isEnabled())
        dialog.set_target(holder.starts_at + timedelta(minutes=15), holder.resource_id)
        dialog.save()
        wait_until(lambda: dialog.error_text("starts_at") != "")
        save(dialog, path)


def render_sign_in(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    ctx.deps.desk.sign_out()
    with _main_window(ctx) as window:
        page = window.sign_in_page
        wait_until(lambda: len(page.tiles) == 2)
        sam = next(uid for uid, tile in page.tiles.items() if tile.member.name == DEMO_STAFF[0])
        page.select_user(sam)
        page.press("13")  # half-typed, as a person would be
        wait_until(lambda: window.stripe_status_text() == _("Stripe: connected"))
        save(window, path)


def render_refund(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.domain.money import Money
    from pos_app.ui.payments.refund_dialog import RefundDialog

    sign_in_as(ctx, DEMO_STAFF[0])  # staff: the dialog asks for a manager's PIN
    try:
        with opened(
            lambda runner: RefundDialog(ctx.refunds, runner, demo.paid, needs_pin=True)
        ) as dialog:
            wait_until(lambda: dialog.amount_edit.isEnabled())
            dialog.amount_edit.setText(Money(2000, ctx.config.currency).input_text())
            dialog.pin_edit.setText("25")
            save(dialog, path)
    finally:
        sign_in_as(ctx, DEMO_MANAGER[0])
