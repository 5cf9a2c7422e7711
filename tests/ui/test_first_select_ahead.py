"""A fresh window's first select, and its first switch to the schedule, find their widgets
shown, laid out and painted ahead, unseen (issue 12).

The detail panel warms up with a stand-in booking (``DetailPanel.warm_up``) and puts its
hint back; the schedule page is laid out at its real size behind the list
(``kit/page_ahead.py``), so its blocks are drawn in the background before its first show.
"""

from __future__ import annotations

from datetime import UTC

from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import BookingStatus
from pos_app.domain.people import Resource
from pos_app.services.bookings import BookingDetail
from pos_app.ui.day.detail_panel import PREBUILT_ROWS, DetailPanel
from pos_app.ui.day.detail_presenter import HINT, ActionKey
from pos_app.ui.day.detail_warmup import warm_up_state
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking
from tests.ui.hidden_schedule import schedule_behind_a_list
from tests.ui.test_detail_actions import _booking
from tests.ui.test_schedule import DAY, _short


def _panel(qtbot: QtBot) -> DetailPanel:
    panel = DetailPanel(UTC)
    qtbot.addWidget(panel)
    panel.resize(380, 600)
    panel.show()
    panel.set_ready(attached=True, ready=True)
    return panel


def _stand_in_words() -> set[str]:
    state = warm_up_state(PREBUILT_ROWS)
    # (Not its title, "Anyone": a booking with no staff member shows that word too.)
    lines = (*state.notes, *state.payments, *state.refunds)
    return {state.customer_link, *(value for _key, value in state.rows)} | {
        line.text for line in lines
    }


def test_the_warm_up_puts_the_hint_back_and_shows_no_stand_in(qtbot: QtBot) -> None:
    panel = _panel(qtbot)
    shown: list[object] = []
    panel.shown.connect(shown.append)
    assert panel.warm_up()
    assert panel.state() is None and panel.booking_id() is None
    assert panel.text() == HINT  # the hint, as before the warm-up
    assert panel.buttons == {} and panel.primary_button is None and panel.receipt_button is None
    qtbot.wait(60)  # the warm-up's paint, a turn later
    assert panel.text() == HINT
    assert shown == [None]  # no booking was announced (the overpaid banner listens)
    assert not panel.warm_up()  # once


def test_after_the_warm_up_the_first_booking_shows_alone(qtbot: QtBot) -> None:
    panel = _panel(qtbot)
    assert panel.warm_up()
    qtbot.wait(60)
    made = panel.widget_count()
    panel.show_detail(BookingDetail(_booking(), [], []))
    text = panel.text()
    assert "Ana Silva" in text
    assert not any(word in text for word in _stand_in_words())
    state = panel.state()
    assert state is not None
    shown = [b for b in panel.findChildren(QPushButton) if not b.isHidden()]
    assert len(shown) == 1 + len(state.actions)  # no stand-in button left showing
    for action in (state.primary, *state.actions):
        assert panel.buttons[action.key].isEnabled() == action.enabled
        assert panel.buttons[action.key].text() == action.label
    assert panel.widget_count() == made


def test_no_warm_up_over_a_booking_shown(qtbot: QtBot) -> None:
    panel = _panel(qtbot)
    panel.show_detail(BookingDetail(_booking(), [], []))
    assert not panel.warm_up()
    assert panel.booking_id() is not None
    assert "Ana Silva" in panel.text()


def test_a_select_updates_texts_and_buttons_in_place(qtbot: QtBot) -> None:
    panel = _panel(qtbot)
    panel.warm_up()
    panel.show_detail(BookingDetail(_booking(), [], []))
    made = panel.widget_count()
    buttons = dict(panel.buttons)
    charge_enabled = buttons[ActionKey.CHARGE].isEnabled()
    paid = _booking(
        BookingStatus.PAID, id="bk_2", customer_name="Bo Lee", paid_amount=3500, price_amount=3500
    )
    panel.show_detail(BookingDetail(paid, [], []))
    assert "Bo Lee" in panel.text() and "Ana Silva" not in panel.text()
    assert panel.widget_count() == made  # nothing built
    # The same buttons, their state moved: charging a paid booking is refused now.
    assert set(map(id, panel.buttons.values())) == set(map(id, buttons.values()))
    assert charge_enabled and not panel.buttons[ActionKey.CHARGE].isEnabled()


def test_a_fresh_window_warms_its_panel_up_by_itself(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.detail
    qtbot.waitUntil(lambda: panel.warmed, timeout=10_000)
    assert panel.state() is None
    assert panel.text() == HINT


def test_the_schedule_is_laid_out_behind_the_list(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    make_booking(ui_app, "Grace Hopper", minutes=30)
    window.reload()  # its blocks are drawn in the background for the size the page has now
    days, ahead = window.days, window.day_build.schedule_ahead
    assert ahead is not None
    qtbot.waitUntil(days.stack.isVisible)
    assert days.mode() == "list"
    window.table.setFocus()
    # Before the load lands the list may still show its empty page, whose button keeps the
    # focus: what counts is that laying the schedule out moves it nowhere.
    focused = QApplication.focusWidget()
    # Laid out before that load lands (the page's size changes under it), or after.
    ahead.run()
    assert ahead.done
    view = days.view
    assert days.stack.currentWidget() is days.list and not view.isVisible()
    assert view.size() == days.list.size()  # its real size, though never shown
    assert QApplication.focusWidget() is focused
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    # Its blocks are drawn in the background for that size, hidden, before the first switch
    # (a load drawn for the old size is drawn again).
    qtbot.waitUntil(view.drawn_in_background)
    assert not view.isVisible()
    days.show_schedule()
    assert view.drawn_in_background()


def test_a_hidden_schedule_laid_out_ahead_asks_for_its_blocks(qtbot: QtBot) -> None:
    # A day that lands while the schedule is hidden behind the list, after the page was laid
    # out ahead, is drawn in the background for it (once the list has painted): its first
    # show finds it drawn.
    stack, view = schedule_behind_a_list(qtbot)
    assert not view.isVisible() and view.size() == stack.size()
    with qtbot.waitSignal(view.render_wanted, timeout=2000):
        view.set_day(DAY, [_short(BookingStatus.NEW)], [Resource("r1", "Priya")])
    assert not view.isVisible()


def test_the_hidden_schedule_follows_the_window_s_size(qtbot: QtBot, window: MainWindow) -> None:
    days, ahead = window.days, window.day_build.schedule_ahead
    assert ahead is not None
    qtbot.waitUntil(lambda: ahead.done, timeout=10_000)  # by itself, after the first show
    view = days.view
    assert view.size() == days.list.size()
    window.resize(window.width() + 120, window.height() + 40)
    qtbot.waitUntil(lambda: days.list.size() != view.size())  # the stack sized the list only
    qtbot.waitUntil(lambda: view.size() == days.list.size(), timeout=10_000)
    assert not view.isVisible() and days.mode() == "list"
