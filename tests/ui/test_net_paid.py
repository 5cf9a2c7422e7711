"""The "Net paid" cell of refunded bookings, wherever the desk sees it: the day's list (with
its tooltip) and a customer's booking history. Paid by card through the sandbox, refunded
through the service, settled by Stripe: the cells show what was kept, never the gross."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.ui.day.booking_table import BOOKING_ID_ROLE, BookingTableModel, Column
from pos_app.ui.shell.main_window import MainWindow
from tests.payments import pay
from tests.ui.conftest import make_booking
from tests.ui.day_rows import spoken_rows


def _paid(ctx: AppContext, minutes: int) -> Booking:
    booking = make_booking(ctx, "Maya Thompson", minutes=minutes)
    view = ctx.checkout.start(booking.id)
    assert view.url is not None
    pay(view.url)
    ctx.checkout.refresh(view.payment_id)
    return booking


def _settled(ctx: AppContext, booking_id: str, refunded: int) -> None:
    """Sandbox refunds start pending; a sync pass reads them succeeded."""
    deadline = time.monotonic() + 15
    while ctx.bookings.detail(booking_id).booking.refunded_amount != refunded:
        assert time.monotonic() < deadline, "the refund did not settle"
        ctx.sync.sync_once(full=True)
        time.sleep(0.2)


def _refunded_day(ctx: AppContext) -> tuple[str, str, str]:
    """Three 35.00 bookings paid by card: untouched, 10.00 refunded, refunded in full."""
    kept, partly, fully = (_paid(ctx, m) for m in (60, 90, 120))
    ctx.refunds.refund(partly.id, "10.00", reason="requested_by_customer")
    ctx.refunds.refund(fully.id, None, reason="requested_by_customer")
    _settled(ctx, partly.id, 1000)
    _settled(ctx, fully.id, 3500)
    return kept.id, partly.id, fully.id


def _cell(window: MainWindow, booking_id: str, column: Column, role: int) -> object:
    model = window.model
    [row] = [r for r in range(model.rowCount()) if model.booking_at(r).id == booking_id]  # type: ignore[union-attr]
    return model.index(row, column).data(role)


def test_the_days_list_shows_what_was_kept(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    kept, partly, fully = _refunded_day(ui_app)
    window.reload()
    display = Qt.ItemDataRole.DisplayRole
    qtbot.waitUntil(
        lambda: window.model.rowCount() == 3 and _cell(window, fully, Column.PAID, display) == "—",
        timeout=10_000,
    )
    assert window.model.headerData(Column.PAID, Qt.Orientation.Horizontal) == "Net paid"
    assert _cell(window, kept, Column.PAID, display) == "$35.00"
    assert _cell(window, partly, Column.PAID, display) == "$25.00"
    assert _cell(window, fully, Column.PAID, display) == "—"
    tip = Qt.ItemDataRole.ToolTipRole
    assert _cell(window, kept, Column.PAID, tip) is None
    assert _cell(window, partly, Column.PAID, tip) == "Paid $35.00, refunded $10.00"
    assert _cell(window, fully, Column.PAID, tip) == "Paid $35.00, refunded $35.00"
    assert _cell(window, partly, Column.STATUS, display) == "Partially refunded"
    assert _cell(window, fully, Column.STATUS, display) == "Refunded"
    # What a screen reader says is what the cell shows.
    [row] = [
        r for r in range(3) if window.model.index(r, Column.TIME).data(BOOKING_ID_ROLE) == partly
    ]
    assert spoken_rows(window.table)[row][Column.PAID] == "$25.00"


def test_a_customers_history_shows_what_was_kept(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _kept, _partly, fully = _refunded_day(ui_app)
    customer_id = ui_app.bookings.detail(fully).booking.customer_id
    view = window.open_customers(customer_id)
    assert view is not None
    qtbot.waitUntil(lambda: len(view.history_rows()) == 3, timeout=10_000)
    by_time = sorted(view.history_rows(), key=lambda row: row[1])
    assert [(row[4], row[5]) for row in by_time] == [
        ("Paid", "$35.00"),
        ("Partially refunded", "$25.00"),
        ("Refunded", "—"),
    ]
    assert "$60.00 paid" in view.summary_label.text()  # 35 + 25 + 0: net, not gross


def _booking(status: BookingStatus, paid: int, refunded: int, *, cancelled: bool) -> Booking:
    start = datetime(2030, 6, 1, 14, tzinfo=UTC)
    return Booking(
        id=f"bk_{status.value}_{paid}_{refunded}",
        customer_name="Ada",
        service_id="svc_haircut",
        service_name="Haircut",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        price_amount=3500,
        currency="usd",
        created_at=start,
        status=status,
        paid_amount=paid,
        refunded_amount=refunded,
        cancelled=cancelled,
    )


def test_the_cell_rule_for_every_refund_shape(qtbot: QtBot) -> None:
    """Net of refunds, shown only when something was kept; a cancelled booking that kept
    money says how much."""
    model = BookingTableModel(ZoneInfo("UTC"))
    rows = [
        _booking(BookingStatus.PAID, 3500, 0, cancelled=False),
        _booking(BookingStatus.PARTIALLY_REFUNDED, 3500, 1, cancelled=False),
        _booking(BookingStatus.PARTIALLY_REFUNDED, 3500, 3499, cancelled=False),
        _booking(BookingStatus.REFUNDED, 3500, 3500, cancelled=False),
        _booking(BookingStatus.PARTIALLY_REFUNDED, 3500, 1000, cancelled=True),
        _booking(BookingStatus.REFUNDED, 3500, 3500, cancelled=True),
    ]
    model.set_rows(rows)
    cells = [
        (model.index(r, Column.PAID).data(), model.index(r, Column.STATUS).data())
        for r in range(len(rows))
    ]
    assert cells == [
        ("$35.00", "Paid"),
        ("$34.99", "Partially refunded"),
        ("$0.01", "Partially refunded"),
        ("—", "Refunded"),
        ("$25.00", "Cancelled · $25.00 kept"),
        ("—", "Cancelled · Refunded"),
    ]
