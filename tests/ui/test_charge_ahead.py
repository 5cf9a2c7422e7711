"""The charge screen built ahead (issue 14): Charge only fills it in and shows it, and what it
shows is the new charge's, never the last customer's."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_app.domain.money import Money
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments.charge_presenter import ChargeSettings, Page
from pos_app.ui.payments.charge_view import ChargeDialog
from tests.ui.qr import decode
from tests.ui.test_charge_with_fakes import FakeCheckout, _view

SETTINGS = ChargeSettings(mode="test", hold_minutes=10)


def _parent(qtbot: QtBot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    return parent


def _spare(qtbot: QtBot) -> ChargeDialog:
    qtbot.waitUntil(lambda: ChargeDialog.built_ahead() is not None)
    spare = ChargeDialog.built_ahead()
    assert spare is not None
    qtbot.wait(50)  # its second step (polish and layout) runs in the turn after
    return spare


def _shown(qtbot: QtBot, dialog: ChargeDialog, url: str) -> None:
    qtbot.waitUntil(lambda: dialog.current_view() is not None)
    assert dialog.stack.currentIndex() == Page.QR
    assert dialog.qr.url() == url
    assert decode(dialog.qr.grab().toImage()) == [url]


def test_a_charge_screen_built_ahead_shows_each_new_charge_and_is_used_once(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    parent = _parent(qtbot)
    checkout = FakeCheckout(_view(amount=Money(3500, "usd"), url="https://pay.test/cs_first"))
    ChargeDialog.build_ahead(checkout, runner, parent, SETTINGS)
    spare = _spare(qtbot)
    assert not spare.isVisible() and spare.parentWidget() is parent
    assert checkout.calls == []  # built, but nothing asked of Stripe before Charge

    first = ChargeDialog.start(checkout, runner, "ord_1", parent, settings=SETTINGS)
    assert first is spare and first.isVisible()
    assert ChargeDialog.built_ahead() is None  # taken: never handed out twice
    assert first.booking_id() == "ord_1"
    assert first.title_label.text() == "Charge"
    _shown(qtbot, first, "https://pay.test/cs_first")
    assert first.amount_label.text() == "$35.00"
    remaining = first.ring.remaining_seconds()
    assert remaining is not None and 590 < remaining <= 600

    # Closing it builds the next one ahead; the next charge (a deposit of another sale,
    # another link) gets that fresh screen, with none of the first one's words or code.
    checkout.view = replace(
        checkout.view, payment_id="pay_2", amount=Money(1000, "usd"), url="https://pay.test/cs_2"
    )
    first.close()
    second_spare = _spare(qtbot)
    assert second_spare is not first
    second = ChargeDialog.start(
        checkout, runner, "ord_2", parent, settings=SETTINGS, deposit_text="10.00"
    )
    assert second is second_spare
    assert second.booking_id() == "ord_2" and second.deposit_text() == "10.00"
    assert second.title_label.text() == "Charge deposit"
    _shown(qtbot, second, "https://pay.test/cs_2")
    assert second.amount_label.text() == "$10.00"
    assert checkout.calls == ["start", "start"]
    second.close()


def test_a_screen_built_for_other_services_or_another_window_is_not_used(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    parent, other_parent = _parent(qtbot), _parent(qtbot)
    built_for = FakeCheckout(_view(url="https://pay.test/cs_old"))
    ChargeDialog.build_ahead(built_for, runner, parent, SETTINGS)
    spare = _spare(qtbot)

    asked = FakeCheckout(_view(url="https://pay.test/cs_new"))
    dialog = ChargeDialog.start(asked, runner, "ord_1", parent, settings=SETTINGS)
    assert dialog is not spare
    _shown(qtbot, dialog, "https://pay.test/cs_new")
    assert (built_for.calls, asked.calls) == ([], ["start"])
    dialog.close()

    ChargeDialog.build_ahead(asked, runner, parent, SETTINGS)
    spare = _spare(qtbot)
    elsewhere = ChargeDialog.start(asked, runner, "ord_2", other_parent, settings=SETTINGS)
    assert elsewhere is not spare and elsewhere.parentWidget() is other_parent
    live = ChargeDialog.start(
        asked, runner, "ord_3", parent, settings=replace(SETTINGS, mode="live")
    )
    assert live is not spare  # (the spare was dropped when it did not fit)
    for shown in (elsewhere, live):
        shown.close()


def test_a_screen_still_being_built_ahead_is_never_handed_out(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    # Built a step per quiet turn: Charge pressed between the steps gets a whole new screen.
    parent = _parent(qtbot)
    checkout = FakeCheckout(_view(url="https://pay.test/cs_now"))
    ChargeDialog.build_ahead(checkout, runner, parent, SETTINGS)
    qtbot.waitUntil(lambda: bool(parent.findChildren(ChargeDialog)))  # its first step
    (halfway,) = parent.findChildren(ChargeDialog)
    assert ChargeDialog.built_ahead() is None
    dialog = ChargeDialog.start(checkout, runner, "ord_1", parent, settings=SETTINGS)
    assert dialog is not halfway
    _shown(qtbot, dialog, "https://pay.test/cs_now")
    dialog.close()
