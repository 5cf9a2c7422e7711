"""The managers' screens for `pos-app screenshot`: settings, people, catalogue, customers and
the reports (dashboard, day close, reconciliation), all on the same demo day."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.devtools.capture import SIZE, opened, pause, save, wait_until
from pos_app.devtools.demo import (
    DEMO_MANAGER,
    DEMO_STAFF,
    DemoDay,
    pay,
    sign_in_as,
    sign_in_demo_manager,
)
from pos_app.devtools.demo_shop import seed_demo_products, seed_demo_promo_codes
from pos_app.domain import locale_format

if TYPE_CHECKING:
    from pos_app.app import AppContext


def render_settings(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.devtools.settings_screenshot import settings_for
    from pos_app.domain.people import Actor, Role

    previous = ctx.deps.desk.actor
    ctx.deps.desk.sign_in(Actor("usr_demo", "Demo manager", Role.MANAGER))
    try:
        with opened(
            lambda runner: settings_for(ctx, runner, tab="payments", restart=lambda: None)
        ) as dialog:
            wait_until(dialog.is_loaded)
            # A manager about to leave the sandbox: the key field, Check key, "Save and restart".
            dialog.select_mode("test")
            pause(0.05)  # the restart note's line is laid out (the page scrolls) before the shot
            save(dialog, path)
    finally:
        ctx.deps.desk.sign_in(previous)


def render_customers(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.manage.customers_view import CustomersView

    sign_in_demo_manager(ctx)
    maya = ctx.bookings.detail(demo.unpaid).booking
    runner = TaskRunner()
    window = CustomersView(ctx, runner, customer_id=maya.customer_id)
    try:
        window.show()
        window.search_edit.setText("ma")
        window.search_now()
        wait_until(lambda: window.result_names()[:1] == ["Amara Okoye"])
        wait_until(lambda: "Liam Chen" not in window.result_names())
        wait_until(lambda: len(window.history_rows()) == 5)
        save(window, path)
    finally:
        runner.shutdown()
        window.close()
        window.deleteLater()


def render_products(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.manage.products_editor import ProductsEditor

    sign_in_demo_manager(ctx)
    shown = seed_demo_products(ctx)
    with opened(
        lambda runner: ProductsEditor(
            ctx.products,
            runner,
            manager=True,
            currency=ctx.config.currency,
            timezone=ctx.config.timezone,
        )
    ) as dialog:
        wait_until(lambda: len(dialog.product_names()) == 4)
        dialog.edit_product(shown)
        wait_until(lambda: dialog.history_model.rowCount() >= 3)
        dialog.tabs.setCurrentIndex(1)
        save(dialog, path)


def render_promo_codes(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.manage.promo_editor import PromoCodesEditor

    sign_in_demo_manager(ctx)
    seed_demo_promo_codes(ctx)
    with opened(
        lambda runner: PromoCodesEditor(
            ctx.promo_codes, runner, manager=True, currency=ctx.config.currency
        )
    ) as dialog:
        wait_until(lambda: len(dialog.codes()) == 4)
        dialog.table.selectRow(dialog.codes().index("VIP20"))
        save(dialog, path)


def render_sell(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.sell.sell_view import SellDialog
    from pos_app.ui.shell.openers import SellWiring

    sign_in_demo_manager(ctx)
    seed_demo_products(ctx)
    with opened(
        lambda runner: SellDialog(SellWiring(ctx), runner, currency=ctx.config.currency)
    ) as dialog:
        wait_until(lambda: "Shampoo 250 ml" in dialog.tile_names())
        for name in ("Shampoo 250 ml", "Haircut", "Shampoo 250 ml"):
            dialog.add_named(name)
        dialog.discount_edit.setText("10%")
        dialog.cart = dialog.cart.with_discount("10%")
        dialog.choose_tip(15)
        save(dialog, path)


def render_sell_split(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    """The Sell screen after a split whose card link was cancelled: the cash part stays
    recorded, and the order's line (listed from the database, as on every station) offers
    the rest by card or in cash."""
    from pos_app.services.orders import SaleItem, SaleRequest
    from pos_app.ui.sell.sell_view import SellDialog
    from pos_app.ui.shell.openers import SellWiring

    sign_in_demo_manager(ctx)
    seed_demo_products(ctx)
    order = ctx.orders.create_walk_in(SaleRequest(items=[SaleItem("SHA-250"), SaleItem("Haircut")]))
    with locale_format.ascii_input():  # "20.00" whatever the screenshot's language
        ctx.cash.record(order.id, "20.00")
    with opened(
        lambda runner: SellDialog(SellWiring(ctx), runner, currency=ctx.config.currency)
    ) as dialog:
        wait_until(lambda: "Styling wax" in dialog.tile_names())
        dialog.add_named("Styling wax")
        # Listed from the database, as on every station (the part-paid list's own line).
        wait_until(lambda: order.id in dialog.part_paid.order_ids())
        line = dialog.part_paid.line(order.id)
        wait_until(lambda: line is not None and line.state is not None)
        save(dialog, path)


def render_split(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    """Split's dialog: $20.00 of a $48.07 sale in cash first, the rest by card."""
    from pos_app.domain.money import Money
    from pos_app.ui.payments.split_dialog import SplitDialog

    total = Money(4807, ctx.config.currency)
    with opened(lambda runner: SplitDialog(lambda _text, _cash: None, runner, total)) as dialog:
        dialog.amount_edit.setText(Money(2000, total.currency).input_text())
        wait_until(lambda: bool(dialog.preview_text()))
        pause(0.05)  # the action button grew to show the amount: laid out before the shot
        save(dialog, path)


def render_catalog(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.manage.catalog_editor import CatalogEditor

    sign_in_demo_manager(ctx)
    with opened(lambda runner: CatalogEditor(ctx.catalog, runner, manager=True)) as dialog:
        wait_until(lambda: len(dialog.service_names()) == 5)
        dialog.edit_service("svc_colour")
        wait_until(lambda: dialog.name_edit.text() == "Colour & style")
        save(dialog, path)


def render_staff(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.people.staff_editor import StaffEditor

    with opened(lambda runner: StaffEditor(ctx.people, runner)) as dialog:
        wait_until(lambda: len(dialog.members) == 2)
        sam = next(m for m in dialog.members if m.name == DEMO_STAFF[0])
        dialog.select_person(sam.id)
        save(dialog, path)


def render_audit(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.people.audit_view import AuditDialog

    with opened(
        lambda runner: AuditDialog(ctx.audit, ctx.people, ctx.config.timezone, runner), SIZE
    ) as dialog:
        wait_until(lambda: dialog.loads >= 1 and dialog.model.rowCount() > 0)
        wait_until(lambda: dialog.person_combo.count() > 1)
        save(dialog, path)


def _render_dashboard_period(ctx: AppContext, path: Path, *, days: int) -> None:
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.reports.dashboard.dashboard_view import DashboardDialog, Page, Preset

    sign_in_as(ctx, DEMO_MANAGER[0])
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
        save(dialog, path)
    finally:
        runner.shutdown()
        dialog.done(0)
        dialog.deleteLater()


def render_dashboard(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    _render_dashboard_period(ctx, path, days=0)


def render_dashboard_range(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    _render_dashboard_period(ctx, path, days=6)


def render_day_close(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.reports.day_close.day_close_view import DayCloseDialog

    sign_in_as(ctx, DEMO_MANAGER[0])
    z = ctx.day_close.preview(ctx.day_close.today())
    expected = z.totals(z.currencies[0].currency)
    counted = expected.money(max(expected.cash_expected - 500, 0)).input_text()  # $5.00 short
    runner = TaskRunner()
    dialog = DayCloseDialog(
        ctx.day_close,
        runner,
        business=ctx.config.business_name,
        timezone=ctx.config.timezone,
    )
    try:
        dialog.show()
        wait_until(lambda: dialog.loads >= 1 and bool(dialog.panels))
        dialog.set_counted(expected.currency, counted)
        dialog.note_edit.setText("Counted twice by Alex; a $5 note missing from the float")
        save(dialog, path)
    finally:
        runner.shutdown()
        dialog.done(0)
        dialog.deleteLater()


def render_reconcile(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.reports.reconcile.reconciliation_view import ReconcileDialog

    sign_in_as(ctx, DEMO_MANAGER[0])
    # Two honest differences: a customer paid on their phone but no sync has run here yet,
    # and a refund Stripe has finished while this station still shows it pending.
    view = ctx.checkout.start(demo.unpaid)
    assert view.url is not None
    pay(view.url)
    with locale_format.ascii_input():
        outcome = ctx.refunds.refund(demo.paid, "10.00", note="Short of time")
    refund = outcome.refunds[0]
    assert refund.stripe_refund_id is not None
    deadline = time.monotonic() + 5
    while ctx.deps.gateway.retrieve_refund(refund.stripe_refund_id).status == "pending":
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    runner = TaskRunner()
    dialog = ReconcileDialog(ctx.reconciliation, runner, timezone=ctx.config.timezone)
    try:
        dialog.resize(*SIZE)
        dialog.show()
        dialog.compare()
        wait_until(lambda: dialog.compares >= 1)
        dialog.table.selectRow(0)
        save(dialog, path)
    finally:
        runner.shutdown()
        dialog.done(0)
        dialog.deleteLater()
