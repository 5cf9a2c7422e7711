"""`pos-app screenshot --screen overpaid`: the main window flagging an overpaid booking.

Today's app never lets cash race a card link, so the demo makes the state as a station of
the previous version did: the demo's card-paid booking gets its price again in cash, written
straight into the throwaway database. Everything else (the flag, the refund) is the real app.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.devtools.capture import SIZE, save, wait_until
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.i18n import _
from pos_app.services import ledger
from pos_app.services.ids import idempotency_key, new_id
from pos_app.ui.kit.tasks import TaskRunner

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.devtools.demo import DemoDay


def add_legacy_cash(ctx: AppContext, booking_id: str) -> None:
    """The booking's price in cash, recorded without closing or checking its card payments
    (what the previous version could do): a card-paid booking becomes overpaid."""
    now = datetime.now().astimezone()
    with ctx.deps.uow(write=True) as uow:
        booking = uow.bookings.get(booking_id, for_update=True)
        if booking is None:
            raise ValueError(f"no demo booking {booking_id}")
        payment_id = new_id("pay")
        uow.payments.add(
            Payment(
                id=payment_id,
                booking_id=booking_id,
                method=PaymentMethod.CASH,
                status=PaymentStatus.SUCCEEDED,
                amount=booking.price_amount,
                currency=booking.currency,
                idempotency_key=idempotency_key("cash", payment_id),
                created_at=now,
                paid_at=now,
                recorded_at=now,
                created_by=ctx.deps.desk.actor.id,
            )
        )
        ledger.recompute(uow, booking, at=now)
        uow.commit()


def render_overpaid(ctx: AppContext, demo: DemoDay, path: Path) -> None:
    """The main window with the overpaid booking selected and its flag showing."""
    from pos_app.ui.shell.main_window import MainWindow

    add_legacy_cash(ctx, demo.paid)
    runner = TaskRunner()
    window = MainWindow(runner)
    try:
        window.resize(*SIZE)
        window.show()
        window.attach(ctx)
        expected = len(ctx.bookings.list_day(ctx.bookings.today()))
        wait_until(lambda: window.model.rowCount() == expected)
        window.select_booking(demo.paid)
        wait_until(lambda: window.detail.booking_id() == demo.paid)
        wait_until(window.overpaid.isVisible)
        wait_until(lambda: window.stripe_status_text() == _("Stripe: connected"))
        save(window, path)
    finally:
        window.detach()
        runner.shutdown()
        window.close()
        window.deleteLater()
