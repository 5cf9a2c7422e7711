"""The booking's next steps beside it: the detail panel's primary button and actions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain import eligibility as el
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.services.bookings import BookingDetail
from pos_app.ui.day.detail_panel import TOUCH_PX, DetailPanel
from pos_app.ui.day.detail_presenter import NOT_READY, ActionKey
from pos_app.ui.kit import theme
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking

NOW = datetime.now(UTC)


def _booking(status: BookingStatus = BookingStatus.NEW, **kw: object) -> Booking:
    base = Booking(
        id="bk_1",
        customer_name="Ana Silva",
        service_id="svc_1",
        service_name="Cut & colour",
        starts_at=NOW + timedelta(hours=1),
        ends_at=NOW + timedelta(hours=2),
        price_amount=3500,
        currency="usd",
        created_at=NOW - timedelta(days=1),
        status=status,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def _panel(qtbot: QtBot, booking: Booking, *, ready: bool = True) -> DetailPanel:
    panel = DetailPanel(UTC)
    qtbot.addWidget(panel)
    panel.resize(380, 900)
    panel.show()
    panel.set_ready(attached=True, ready=ready)
    panel.show_detail(BookingDetail(booking, [], []))
    return panel


def test_unpaid_booking_shows_charge_with_the_balance_as_the_primary_button(
    qtbot: QtBot,
) -> None:
    panel = _panel(qtbot, _booking())
    primary = panel.primary_button
    assert primary is not None
    assert primary.text() == "Charge $35.00"
    assert primary.isEnabled() and primary.property("role") == "primary"
    texts = [panel.buttons[k].text() for k in ActionKey if panel.buttons[k] is not primary]
    assert texts == ["Refund…", "Cash…", "Deposit…", "Move…", "No-show…", "Cancel…", "Receipt…"]
    qtbot.waitUntil(lambda: all(b.height() >= TOUCH_PX for b in panel.buttons.values()))
    with qtbot.waitSignal(panel.action_requested) as signal:
        qtbot.mouseClick(primary, Qt.MouseButton.LeftButton)
    assert signal.args == ["charge"]


def test_disabled_actions_say_why_in_the_domain_words(qtbot: QtBot) -> None:
    panel = _panel(qtbot, _booking())
    no_show = panel.buttons[ActionKey.NO_SHOW]
    assert not no_show.isEnabled() and no_show.toolTip() == el.NOT_STARTED_NO_SHOW
    assert panel.buttons[ActionKey.REFUND].toolTip() == el.UNPAID_NO_REFUND
    assert panel.receipt_button is None  # nothing received yet


def test_paid_booking_puts_refund_first_and_charge_says_why_not(qtbot: QtBot) -> None:
    panel = _panel(qtbot, _booking(BookingStatus.PAID, paid_amount=3500))
    primary = panel.primary_button
    assert primary is not None and primary.text() == "Refund…" and primary.isEnabled()
    charge = panel.buttons[ActionKey.CHARGE]
    assert not charge.isEnabled()
    assert charge.toolTip() == "Already paid in full — nothing to charge."
    assert panel.receipt_button is panel.buttons[ActionKey.RECEIPT]
    with qtbot.waitSignal(panel.receipt_requested) as signal:
        qtbot.mouseClick(panel.buttons[ActionKey.RECEIPT], Qt.MouseButton.LeftButton)
    assert signal.args == ["bk_1"]


def test_a_disabled_primary_says_why_under_it_for_touch_screens(qtbot: QtBot) -> None:
    panel = _panel(qtbot, _booking(), ready=False)
    primary = panel.primary_button
    assert primary is not None and not primary.isEnabled()
    assert primary.toolTip() == NOT_READY
    assert NOT_READY in panel.text().split("\n")
    panel.set_ready(attached=True, ready=True)  # the first sync ended: repainted
    assert panel.primary_button is not None and panel.primary_button.isEnabled()
    assert NOT_READY not in panel.text()


def test_window_panel_buttons_drive_the_same_actions(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app, "Grace Hopper")
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(booking.id))
    qtbot.waitUntil(lambda: window.detail.booking_id() == booking.id)
    qtbot.waitUntil(lambda: window.cash_action.isEnabled())
    qtbot.waitUntil(lambda: window.detail.buttons[ActionKey.CASH].isEnabled())
    primary = window.detail.primary_button
    assert primary is not None and primary.text() == "Charge $35.00"
    qtbot.mouseClick(window.detail.buttons[ActionKey.CASH], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.cash_dialog is not None)
    assert window.cash_dialog is not None
    window.cash_dialog.reject()
    # The menu's Refund is off for an unpaid booking, with the panel's sentence as its tip.
    assert not window.refund_action.isEnabled()
    assert window.refund_action.toolTip() == el.UNPAID_NO_REFUND
    assert window.refund_button.toolTip() == el.UNPAID_NO_REFUND
    assert window.days.no_show_action.toolTip() == el.NOT_STARTED_NO_SHOW

    ui_app.cash.record(booking.id)
    window.reload()
    qtbot.waitUntil(
        lambda: (
            window.detail.primary_button is not None
            and window.detail.primary_button.text() == "Refund…"
        )
    )
    # The window's actions follow the same reload (updated once its rules arrive).
    qtbot.waitUntil(lambda: window.charge_action.toolTip() == el.PAID_NO_CHARGE)
    assert window.charge_selected() is None  # the rule refuses it behind the shortcut too


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """The app-wide stylesheet (what makes each widget costly to build), restored after."""
    sheet, font, pal = qapp.styleSheet(), qapp.font(), qapp.palette()
    theme.apply_theme(qapp, dark=False)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setPalette(pal)


def test_selecting_another_booking_reuses_the_panels_widgets(
    qtbot: QtBot, themed: QApplication
) -> None:
    # Rebuilding ~30 styled widgets per selection stalled the GUI thread: the panel keeps its
    # widgets and only changes their texts, visibility and enabled state.
    def payment(n: int, status: PaymentStatus, failure: str | None = None) -> Payment:
        return Payment(
            id=f"pay_{n}",
            booking_id="bk_2",
            method=PaymentMethod.CARD,
            amount=3500,
            currency="usd",
            status=status,
            idempotency_key=f"k{n}",
            created_at=NOW,
            paid_at=NOW if status is PaymentStatus.SUCCEEDED else None,
            failure_message=failure,
        )

    a = BookingDetail(_booking(), [], [])
    b = BookingDetail(
        _booking(
            BookingStatus.PAID,
            id="bk_2",
            customer_name="Bo Chen",
            customer_id="cus_2",
            paid_amount=3500,
        ),
        [
            payment(1, PaymentStatus.FAILED, "The card was declined."),
            payment(2, PaymentStatus.SUCCEEDED),
        ],
        [],
    )
    panel = _panel(qtbot, a.booking)
    first_text = panel.text()
    first_widgets = panel.findChildren(QWidget)
    first_buttons = dict(panel.buttons)

    panel.show_detail(b)
    assert "Bo Chen" in panel.text() and "The card was declined." in panel.text()
    # The reused chip takes the new status's whole style, its padding too, as a new one would.
    chip = panel.findChild(QLabel, "statusChip")
    fresh = QLabel(BookingStatus.PAID.label, panel)
    theme.set_role(fresh, "chip", status=BookingStatus.PAID.value)
    fresh.ensurePolished()
    assert chip is not None and chip.contentsMargins().left() > 0
    assert chip.contentsMargins() == fresh.contentsMargins()
    fresh.setParent(None)
    assert "All bookings of Bo Chen…" in panel.text()
    after_b = panel.findChildren(QWidget)
    kept = {id(w) for w in after_b}
    assert all(id(w) in kept for w in first_widgets)  # A's widgets are B's (more lines added)

    panel.show_detail(a)
    assert panel.text() == first_text  # the spare payment lines are hidden, not shown
    assert {id(w) for w in panel.findChildren(QWidget)} == kept  # nothing built, none dropped
    assert all(panel.buttons[k] is button for k, button in first_buttons.items())
