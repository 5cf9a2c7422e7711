"""Charge, pay on the 'phone', see Paid without a click; then refund; plus failure paths."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.booking import BookingStatus
from pos_app.domain.errors import GatewayUnavailable
from pos_app.domain.payment import PaymentStatus
from pos_app.services.bookings import BookingRequest
from pos_app.ui.day.booking_table import Column
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments import charge_presenter as charge_view
from pos_app.ui.payments.charge_presenter import (
    ChargePhase,
    ChargeSettings,
    ChargeState,
    mailto_url,
)
from pos_app.ui.payments.charge_view import ChargeDialog
from pos_app.ui.shell.main_window import MainWindow
from tests.payments import DECLINED, pay
from tests.ui.conftest import ServiceGuard, in_thread, make_booking

INSUFFICIENT_FUNDS = "4000 0000 0000 9995"


def _start(ctx: AppContext, runner: TaskRunner, booking_id: str, **kw: object) -> ChargeDialog:
    settings = ChargeSettings.from_config(ctx.config)
    return ChargeDialog.start(ctx.checkout, runner, booking_id, settings=settings, **kw)  # type: ignore[arg-type]


def _charge(qtbot: QtBot, window: MainWindow, booking_id: str) -> ChargeDialog:
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(booking_id))
    qtbot.waitUntil(lambda: window.charge_action.isEnabled())
    qtbot.keyClick(window.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = window.charge_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.qr.url() is not None, timeout=10000)
    return dialog


def test_charge_pay_paid_then_refund(qtbot: QtBot, window: MainWindow, ui_app: AppContext) -> None:
    booking = make_booking(ui_app, "Grace Hopper")
    dialog = _charge(qtbot, window, booking.id)

    view = dialog.current_view()
    assert view is not None and view.status is PaymentStatus.OPEN
    # The QR shows exactly the session URL the service stored.
    stored = ui_app.checkout.view(view.payment_id)
    assert stored.url and dialog.qr.url() == stored.url
    assert dialog.status_text() == charge_view.WAITING
    assert dialog.amount_label.text() == "$35.00"
    assert "SANDBOX" in dialog.badge.text()
    assert dialog.ring.isVisible() and dialog.ring.text() != "--:--"
    assert dialog.ring.sentence().startswith("Link expires in ")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == stored.url

    # The customer pays on their phone; the screen turns Paid by itself.
    paid = in_thread(lambda: pay(stored.url or ""))
    qtbot.waitUntil(lambda: dialog.status_text() == charge_view.PAID, timeout=8000)
    paid.join(5)
    assert dialog.stack.currentIndex() == charge_view.Page.PAID
    assert dialog.qr.url() is None and not dialog.cancel_button.isVisible()
    # …and so does the table, without any click.
    row = window.model.row_of(booking.id)
    qtbot.waitUntil(lambda: window.model.index(row, Column.STATUS).data() == "Paid", timeout=8000)
    assert window.model.index(row, Column.PAID).data() == "$35.00"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)

    # Refund it all.
    qtbot.waitUntil(lambda: window.refund_action.isEnabled())
    window.activateWindow()  # shortcuts need the window active again after the dialog
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    refund = window.refund_dialog
    assert refund is not None
    qtbot.waitUntil(lambda: refund.amount_edit.text() == "35.00")
    assert refund.preview_text() == "Refund $35.00 of $35.00 — the booking will show Refunded"
    assert refund.reason_combo.currentData() == "requested_by_customer"
    with qtbot.waitSignal(refund.accepted, timeout=8000):
        qtbot.mouseClick(refund.refund_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.model.index(row, Column.STATUS).data() == "Refunded", timeout=10000
    )
    qtbot.waitUntil(lambda: "Refunded" in window.detail.text())


def test_refund_errors_show_under_amount(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app, "Alan Turing")
    view = ui_app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    ui_app.checkout.refresh(view.payment_id)
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(booking.id))
    qtbot.waitUntil(lambda: window.refund_action.isEnabled())
    refund = window.refund_selected()
    assert refund is not None
    qtbot.waitUntil(lambda: refund.refund_button.isEnabled())
    refund.amount_edit.setText("50")
    # The preview says exactly what the domain's rule (and so the service) says.
    assert refund.preview_text() == "You can refund at most $35.00 (what is left of the payment)."
    refund.submit()
    qtbot.waitUntil(lambda: refund.amount_error() != "")
    assert refund.amount_error() == "You can refund at most $35.00 (what is left of the payment)."
    assert refund.isVisible()
    assert ui_app.refunds.refundable(booking.id).amount == 3500  # nothing was refunded
    refund.amount_edit.setText("10")
    assert refund.amount_error() == ""
    assert refund.preview_text().endswith("Partially refunded")


def test_refresh_errors_show_reconnecting_line(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking = make_booking(ui_app)
    dialog = _start(ui_app, runner, booking.id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.qr.url() is not None, timeout=10000)

    def offline(payment_id: str) -> None:
        raise GatewayUnavailable("Cannot reach Stripe right now.")

    monkeypatch.setattr(ui_app.checkout, "refresh", offline)
    qtbot.waitUntil(lambda: dialog.notice_text() == charge_view.RECONNECTING, timeout=5000)
    assert dialog.qr.url() is not None  # the link is still shown and payable
    assert dialog.status_text() == charge_view.WAITING
    monkeypatch.undo()
    qtbot.waitUntil(lambda: dialog.notice_text() == "", timeout=5000)

    # Cancel link (a red button, pressed twice): the link stops being payable, Regenerate
    # appears.
    assert dialog.cancel_button.property("role") == "danger"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.text() == "Yes, cancel link"  # armed, nothing sent yet
    assert dialog.current_view().status is PaymentStatus.OPEN  # type: ignore[union-attr]
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status_text() == charge_view.CANCELLED, timeout=5000)
    assert dialog.qr.url() is None and dialog.regenerate_button.isVisible()
    old_url = ui_app.checkout.view(dialog.current_view().payment_id).url  # type: ignore[union-attr]
    assert old_url is None
    qtbot.mouseClick(dialog.regenerate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status_text() == charge_view.WAITING, timeout=8000)
    assert dialog.qr.url() is not None
    dialog.done(0)


def test_start_failure_is_a_sentence_in_the_dialog(
    qtbot: QtBot, runner: TaskRunner, ui_env: dict[str, str]
) -> None:
    # Stripe unreachable: nothing listens on port 9 (discard) on the test machine.
    env = {**ui_env, "POS_STRIPE_API_BASE": "http://127.0.0.1:9"}
    ctx = open_app(load_config(env), sandbox="none")
    try:
        booking = make_booking(ctx)
        dialog = _start(ctx, runner, booking.id)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(
            lambda: dialog.stack.currentIndex() == charge_view.Page.ERROR, timeout=30000
        )
        assert dialog.error_label.text() == (
            "Cannot reach Stripe right now. Check the connection; the app keeps trying."
        )
        assert "Traceback" not in dialog.status_text()
        assert dialog.retry_button.isVisible()
        assert ctx.bookings.detail(booking.id).booking.status in (
            BookingStatus.NEW,
            BookingStatus.AWAITING_PAYMENT,
        )
        dialog.done(0)
    finally:
        runner.shutdown(timeout=5)
        ctx.close()


def _open(
    qtbot: QtBot, runner: TaskRunner, ctx: AppContext, booking_id: str, **kw: object
) -> ChargeDialog:
    dialog = _start(ctx, runner, booking_id, **kw)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.qr.url() is not None, timeout=10000)
    return dialog


def test_declined_card_shows_the_reason_and_keeps_the_link_open(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app, "Grace Hopper")
    dialog = _open(qtbot, runner, ui_app, booking.id)
    states: list[ChargeState] = []
    dialog.state_changed.connect(states.append)
    url = dialog.qr.url() or ""

    # Stripe's generic decline: the customer's card was refused, the session stays open.
    in_thread(lambda: pay(url, DECLINED)).join(10)
    qtbot.waitUntil(lambda: dialog.charge_state().phase is ChargePhase.DECLINED, timeout=8000)
    assert dialog.status_text() == "Card declined — ask for another card or take cash"
    assert dialog.attempt_caption.isVisible() and dialog.hint_label.isVisible()
    assert dialog.take_cash_button.isVisible()
    assert dialog.qr.url() == url and dialog.ring.isVisible()  # still payable
    assert dialog.copy_button.isVisible() and dialog.cancel_button.isEnabled()
    view = dialog.current_view()
    assert view is not None and view.status is PaymentStatus.OPEN
    assert view.last_attempt_error is not None
    assert (view.last_attempt_error.code, view.last_attempt_error.decline_code) == (
        "card_declined",
        "generic_decline",
    )
    assert states[-1].attempt_error == "Your card was declined." and states[-1].url == url

    # Another card, declined for a reason the bank gives.
    in_thread(lambda: pay(url, INSUFFICIENT_FUNDS)).join(10)
    qtbot.waitUntil(
        lambda: (
            dialog.status_text()
            == "Card declined (insufficient funds) — ask for another card or take cash"
        ),
        timeout=8000,
    )
    # Then a good card: paid, and the decline is gone.
    with qtbot.waitSignal(dialog.payment_succeeded, timeout=8000) as paid:
        in_thread(lambda: pay(url))
    assert paid.args is not None and paid.args[0].payment_id == view.payment_id
    qtbot.waitUntil(lambda: dialog.status_text() == charge_view.PAID, timeout=8000)
    assert not dialog.attempt_caption.isVisible() and not dialog.hint_label.isVisible()
    assert not dialog.take_cash_button.isVisible()
    assert dialog.charge_state().phase is ChargePhase.PAID
    dialog.done(0)
    assert dialog.charge_state().phase is ChargePhase.CLOSED


def test_take_cash_instead_opens_the_cash_dialog_for_the_declined_booking(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    other = make_booking(ui_app, "Ada Lovelace")
    booking = make_booking(ui_app, "Grace Hopper")
    dialog = _charge(qtbot, window, booking.id)
    url = dialog.qr.url() or ""
    assert not dialog.take_cash_button.isVisible()  # only once a card was declined
    in_thread(lambda: pay(url, INSUFFICIENT_FUNDS)).join(10)
    qtbot.waitUntil(lambda: dialog.take_cash_button.isVisible(), timeout=8000)
    assert window.select_booking(other.id) or True  # the shell opens cash for the charged one
    qtbot.mouseClick(dialog.take_cash_button, Qt.MouseButton.LeftButton)
    cash = window.cash_dialog
    assert cash is not None and cash.isVisible() and cash.booking_id() == booking.id
    assert not dialog.isVisible()
    # The cash flow's own checks still run: recording closes the open link first.
    with qtbot.waitSignal(cash.accepted, timeout=10000):
        qtbot.mouseClick(cash.record_button, Qt.MouseButton.LeftButton)
    detail = ui_app.bookings.detail(booking.id)
    assert detail.booking.status is BookingStatus.PAID
    assert [p.status for p in detail.payments if p.method.value == "card"] == [
        PaymentStatus.EXPIRED
    ]


def test_mailto_url_is_percent_encoded() -> None:
    url = mailto_url(
        "zoë+desk@example.com", "Pay & go?", "Hello Zoë,\nLink: https://x.test/p?a=1&b=2#f\n"
    )
    assert url.isascii() and " " not in url and "\n" not in url
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == "zoë+desk@example.com"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Pay & go?"]
    assert query["body"] == ["Hello Zoë,\r\nLink: https://x.test/p?a=1&b=2#f"]
    assert "%0D%0A" in url and "%26" in url and "%23" in url  # CRLF, &, # encoded


def test_send_link_by_email_opens_a_mailto(
    qtbot: QtBot, runner: TaskRunner, ui_env: dict[str, str]
) -> None:
    ctx = open_app(load_config({**ui_env, "POS_BUSINESS_NAME": "Studio Nord"}), sandbox="none")
    guard = ServiceGuard(ctx)
    opened: list[QUrl] = []
    try:
        booking = make_booking(ctx, "Ada Lovelace")
        dialog = _open(qtbot, runner, ctx, booking.id, open_url=lambda u: opened.append(u) or True)
        assert dialog.email_button.isVisible() and dialog.email_button.isEnabled()
        assert "ada@example.com" in dialog.email_button.toolTip()
        qtbot.mouseClick(dialog.email_button, Qt.MouseButton.LeftButton)
        assert len(opened) == 1
        encoded = opened[0].toEncoded().data().decode("ascii")
        link = dialog.qr.url() or ""
        assert encoded.startswith("mailto:ada@example.com?subject=")
        query = parse_qs(urlsplit(encoded).query)
        assert query["subject"] == ["Studio Nord: payment link for Haircut ($35.00)"]
        body = query["body"][0]
        assert body.startswith("Hello Ada,\r\n")
        assert f"pay $35.00 for Haircut:\r\n{link}\r\n" in body
        assert body.endswith("Thank you,\r\nStudio Nord")
        assert dialog.notice_text() == "Email opened in your mail program."

        # No mail program: say so, suggest the alternative.
        dialog.open_url = lambda _u: False
        assert dialog.email_link() is False
        assert dialog.notice_text() == "No mail program opened. Use Copy link instead."
        dialog.done(0)
    finally:
        runner.shutdown(timeout=5)
        ctx.close()
    assert guard.violations == []


def test_send_link_by_email_is_disabled_without_an_address(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    starts = datetime.now(ui_app.config.timezone).replace(second=0, microsecond=0)
    booking = ui_app.bookings.create(
        BookingRequest("Walk In", "svc_haircut", starts + timedelta(minutes=60))
    )
    opened: list[QUrl] = []
    dialog = _open(qtbot, runner, ui_app, booking.id, open_url=lambda u: opened.append(u) or True)
    assert dialog.email_button.isVisible() and not dialog.email_button.isEnabled()
    assert dialog.email_button.toolTip() == charge_view.NO_EMAIL_TIP
    assert dialog.email_link() is False and opened == []
    dialog.done(0)
