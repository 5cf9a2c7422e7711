"""The payments dialogs and the customer display driven by small fake services, no app.

The dialogs take narrow service Protocols (``ui/payments/ports.py``), so these tests hand them
a few lines of fake instead of a wired AppContext, a database and the sandbox.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import Booking
from pos_app.domain.errors import PosError
from pos_app.domain.gateway_types import PaymentAttemptError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.payment import Payment, PaymentStatus, check_cash, check_refund
from pos_app.services.checkout import CheckoutView
from pos_app.ui.kit import theme
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments.cash_dialog import CashDialog
from pos_app.ui.payments.charge_presenter import ChargeSettings
from pos_app.ui.payments.charge_view import ChargeDialog
from pos_app.ui.payments.customer_display import CustomerDisplay, View
from pos_app.ui.payments.display_presenter import DECLINED, TEST_MARKER
from pos_app.ui.payments.refund_dialog import RefundDialog

NOW = datetime.now(UTC)


def _booking(balance: int = 3500) -> Booking:
    return Booking(
        id="bk_1",
        customer_name="Grace Hopper",
        service_id="svc_haircut",
        service_name="Haircut",
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
        price_amount=balance,
        currency="usd",
        created_at=NOW,
        customer_email="grace@example.com",
    )


def _view(**kw: object) -> CheckoutView:
    view = CheckoutView(
        payment_id="pay_1",
        booking_id="bk_1",
        status=PaymentStatus.OPEN,
        amount=Money(3500, "usd"),
        service_name="Haircut",
        customer_name="Grace Hopper",
        url="https://pay.test/cs_1",
        session_id="cs_1",
        hold_until=datetime.now(UTC) + timedelta(minutes=10),
        expires_at=datetime.now(UTC) + timedelta(minutes=30),
        clock_offset=0.0,
        customer_email="grace@example.com",
    )
    return replace(view, **kw)  # type: ignore[arg-type]


class FakeCheckout:
    """The charge screen's four calls; ``view`` is what the next read returns."""

    def __init__(self, view: CheckoutView) -> None:
        self.view = view
        self.calls: list[str] = []
        self.gui_thread_calls = 0

    def _answer(self, name: str) -> CheckoutView:
        self.calls.append(name)
        if threading.current_thread() is threading.main_thread():
            self.gui_thread_calls += 1
        return self.view

    def start(self, booking_id: str, deposit_text: str | None = None) -> CheckoutView:
        return self._answer("start")

    def refresh(self, payment_id: str) -> CheckoutView:
        return self._answer("refresh")

    def cancel(self, payment_id: str) -> CheckoutView:
        self.view = replace(self.view, status=PaymentStatus.EXPIRED, url=None)
        return self._answer("cancel")

    def regenerate(self, payment_id: str) -> CheckoutView:
        return self._answer("regenerate")


class FakeCash:
    """Records what it was asked, under the same rule the real service applies."""

    def __init__(self) -> None:
        self.recorded: list[tuple[str, str | None]] = []

    def record(self, booking_id: str, amount_text: str | None = None) -> Payment:
        amount = parse_money(amount_text or "", "usd", field="amount")
        check_cash(amount, Money(3500, "usd"))
        self.recorded.append((booking_id, amount_text))
        raise PosError("Recorded by the fake.")  # the dialog stays open to read


class FakeRefunder:
    def __init__(self, left: int) -> None:
        self.left = Money(left, "usd")

    def refundable(self, booking_id: str) -> Money:
        return self.left

    def refund(self, booking_id: str, amount_text: str | None = None, **kw: object) -> object:
        raise AssertionError("not pressed in these tests")


def _charge(qtbot: QtBot, runner: TaskRunner, checkout: FakeCheckout) -> ChargeDialog:
    dialog = ChargeDialog.start(
        checkout, runner, "bk_1", booking=_booking(), settings=ChargeSettings(mode="test")
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.current_view() is not None)
    return dialog


def test_decline_offers_cash_and_hands_the_booking_to_the_shell(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    attempt = PaymentAttemptError("card_declined", "insufficient_funds", "Your card was declined.")
    checkout = FakeCheckout(_view(last_attempt_error=attempt))
    dialog = _charge(qtbot, runner, checkout)
    assert dialog.status_text() == (
        "Card declined (insufficient funds) — ask for another card or take cash"
    )
    assert dialog.take_cash_button.isVisible() and dialog.take_cash_button.text() == (
        "Take cash instead"
    )
    assert dialog.take_cash_button.height() >= 44
    with qtbot.waitSignal(dialog.take_cash_requested) as asked:
        qtbot.mouseClick(dialog.take_cash_button, Qt.MouseButton.LeftButton)
    assert asked.args == ["bk_1"]
    assert not dialog.isVisible()  # the charge screen steps aside for the cash dialog
    assert checkout.gui_thread_calls == 0


def test_cancel_link_is_red_and_asks_for_a_second_press(qtbot: QtBot, runner: TaskRunner) -> None:
    checkout = FakeCheckout(_view())
    dialog = _charge(qtbot, runner, checkout)
    assert dialog.cancel_button.property("role") == "danger"
    assert dialog.ring.sentence().startswith("Link expires in ")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.text() == "Yes, cancel link"
    assert "cancel" not in checkout.calls  # nothing sent on the first press
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cancel" in checkout.calls)
    qtbot.waitUntil(lambda: dialog.status_text() == "Link cancelled")
    assert dialog.cancel_button.text() == "Cancel link"
    dialog.done(0)


def test_cash_dialog_with_a_fake_service_previews_the_domains_sentence(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    cash = FakeCash()
    dialog = CashDialog(cash, runner, _booking())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.amount_edit.setText("40")
    with pytest.raises(PosError) as rule:
        check_cash(Money(4000, "usd"), Money(3500, "usd"))
    assert dialog.preview_text() == rule.value.message  # the domain's words, exactly
    dialog.amount_edit.setText("20")
    assert dialog.preview_text() == "Record $20.00 in cash — the booking will show Deposit paid"
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.amount_error() == "Recorded by the fake.")
    assert cash.recorded == [("bk_1", "20")]


def test_refund_dialog_with_a_fake_service_previews_the_domains_sentence(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    dialog = RefundDialog(FakeRefunder(2000), runner, "bk_1", needs_pin=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.amount_edit.text() == "20.00")
    dialog.amount_edit.setText("25")
    with pytest.raises(PosError) as rule:
        check_refund(Money(2500, "usd"), Money(2000, "usd"), "requested_by_customer")
    assert dialog.preview_text() == rule.value.message
    assert dialog.pin_row.isHidden()


# -- the customer display ---------------------------------------------------------------


@pytest.fixture
def display(qtbot: QtBot) -> CustomerDisplay:
    d = CustomerDisplay("Studio Nord", thanks_ms=60_000, mode="sandbox")
    qtbot.addWidget(d)
    d.resize(1366, 768)
    d.show()
    return d


def test_display_names_the_business_and_marks_test_mode(
    display: CustomerDisplay, tmp_path: Path
) -> None:
    assert display.business_label.text() == "Studio Nord" and display.business_label.isVisible()
    assert display.test_label.isVisible() and display.test_label.text() == TEST_MARKER
    display.set_mode("live")
    assert display.test_label.isHidden()

    logo = tmp_path / "logo.png"
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d4ed8"))
    assert image.save(str(logo))
    display.set_logo(str(logo))
    assert display.logo_label.isVisible() and display.logo_label.pixmap().height() == 96
    # A file that is gone (or is no image) shows no logo and no error.
    display.set_logo(str(tmp_path / "missing.png"))
    assert display.logo_label.isHidden()
    (tmp_path / "junk.png").write_text("not an image")
    display.set_logo(str(tmp_path / "junk.png"))
    assert display.logo_label.isHidden()


def test_display_declined_then_paid_with_a_masked_receipt(
    qtbot: QtBot, runner: TaskRunner, display: CustomerDisplay
) -> None:
    attempt = PaymentAttemptError("card_declined", "lost_card", "Your card was declined.")
    checkout = FakeCheckout(_view(last_attempt_error=attempt))
    dialog = _charge(qtbot, runner, checkout)
    display.follow(dialog)
    assert display.view() is View.CHARGE
    assert display.amount_label.text() == "$35.00"
    assert display.attempt_label.isVisible() and display.attempt_label.text() == DECLINED
    assert not display.ring.urgent()  # ten minutes left: calm

    checkout.view = _view(
        status=PaymentStatus.SUCCEEDED, url=None, receipt_email="grace@example.com"
    )
    dialog.regenerate()  # any read will do: the next answer is "paid"
    qtbot.waitUntil(lambda: display.view() is View.THANKS)
    assert display.receipt_label.isVisible()
    assert display.receipt_label.text() == "Receipt sent to g•••@e…"
    assert "grace@example.com" not in display.receipt_label.text()
    dialog.done(0)


def test_display_says_nothing_of_a_receipt_nobody_asked_for(
    qtbot: QtBot, runner: TaskRunner, display: CustomerDisplay
) -> None:
    checkout = FakeCheckout(_view(status=PaymentStatus.SUCCEEDED, url=None))
    dialog = _charge(qtbot, runner, checkout)
    display.follow(dialog)
    assert display.view() is View.THANKS
    assert display.receipt_label.isHidden()
    dialog.done(0)


def test_display_countdown_is_emphasised_only_in_the_last_two_minutes(
    display: CustomerDisplay,
) -> None:
    ring = display.ring
    ring.set_deadline(datetime.now(UTC) + timedelta(minutes=9), 0.0, 600)
    assert not ring.urgent()
    # Calm: a quiet grey, not the accent; then amber when time runs short.
    quiet = ring.palette().color(QPalette.ColorRole.PlaceholderText)
    assert ring.color() == quiet and ring.color() != theme.semantic("accent", ring)
    ring.set_deadline(datetime.now(UTC) + timedelta(seconds=90), 0.0, 600)
    assert ring.urgent() and ring.color() == theme.semantic("warning", ring)
