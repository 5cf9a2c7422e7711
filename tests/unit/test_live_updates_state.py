"""Which open screens another station's change reloads (ui/shell/live_updates_state.py)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from pos_app.domain.changes import Change, Topic
from pos_app.ui.shell.live_updates_state import (
    DashboardShown,
    DayCloseShown,
    DayShown,
    reloads_for,
)

DAY = date(2026, 12, 5)
SHOWN = DayShown(DAY, ZoneInfo("UTC"), frozenset({"bk_shown"}))
PAYMENT_ELSEWHERE = Change(topics=frozenset({Topic.PAYMENT}), booking_ids=frozenset({"bk_x"}))
NEW_CUSTOMER = Change(topics=frozenset({Topic.CUSTOMER}))


def test_the_day_reloads_for_its_own_bookings_not_for_others() -> None:
    mine = Change(topics=frozenset({Topic.PAYMENT}), booking_ids=frozenset({"bk_shown"}))
    assert reloads_for(mine, day=SHOWN, dashboard=None, day_close=None).day
    assert not reloads_for(PAYMENT_ELSEWHERE, day=SHOWN, dashboard=None, day_close=None).day


def test_a_day_not_loaded_yet_is_loaded() -> None:
    assert reloads_for(NEW_CUSTOMER, day=None, dashboard=None, day_close=None).day


def test_the_dashboard_reloads_when_money_may_differ() -> None:
    idle = DashboardShown(busy=False)
    assert reloads_for(PAYMENT_ELSEWHERE, day=SHOWN, dashboard=idle, day_close=None).dashboard
    assert not reloads_for(NEW_CUSTOMER, day=SHOWN, dashboard=idle, day_close=None).dashboard
    assert not reloads_for(PAYMENT_ELSEWHERE, day=SHOWN, dashboard=None, day_close=None).dashboard


def test_a_busy_dashboard_is_asked_again_later() -> None:
    got = reloads_for(PAYMENT_ELSEWHERE, day=SHOWN, dashboard=DashboardShown(True), day_close=None)
    assert not got.dashboard
    assert got.later


def test_the_day_close_reloads_unless_counts_are_typed() -> None:
    untouched = DayCloseShown(DAY, typed=False, closing=False)
    typed = DayCloseShown(DAY, typed=True, closing=False)
    assert reloads_for(PAYMENT_ELSEWHERE, day=SHOWN, dashboard=None, day_close=untouched).day_close
    kept = reloads_for(PAYMENT_ELSEWHERE, day=SHOWN, dashboard=None, day_close=typed)
    assert not kept.day_close
    assert not kept.later
    # SQLite says "everything" after any commit: typed counts stay there too.
    assert not reloads_for(Change.all("x"), day=SHOWN, dashboard=None, day_close=typed).day_close


def test_the_day_close_reloads_when_another_station_closed_that_day() -> None:
    typed = DayCloseShown(DAY, typed=True, closing=False)
    closed = Change(topics=frozenset({Topic.DAY_CLOSE}), closed_days=frozenset({DAY}))
    other = Change(topics=frozenset({Topic.DAY_CLOSE}), closed_days=frozenset({date(2026, 12, 4)}))
    assert reloads_for(closed, day=SHOWN, dashboard=None, day_close=typed).day_close
    assert not reloads_for(other, day=SHOWN, dashboard=None, day_close=typed).day_close


def test_a_day_close_closing_now_is_asked_again_later() -> None:
    closing = DayCloseShown(DAY, typed=True, closing=True)
    got = reloads_for(PAYMENT_ELSEWHERE, day=SHOWN, dashboard=None, day_close=closing)
    assert not got.day_close
    assert got.later


def test_an_open_sell_screen_reloads_when_an_order_or_the_catalogue_changed() -> None:
    """Issue 14: a sale paid, refunded or voided elsewhere (its status), or stock moved (the
    tiles); not for a customer, and never when the Sell screen is not open."""
    order = Change(topics=frozenset({Topic.ORDER}))
    stock = Change(topics=frozenset({Topic.CATALOG}))
    for change in (order, stock, Change.all("reconnected")):
        assert reloads_for(change, day=SHOWN, dashboard=None, day_close=None, sell=True).sell
        assert not reloads_for(change, day=SHOWN, dashboard=None, day_close=None).sell
    assert not reloads_for(NEW_CUSTOMER, day=SHOWN, dashboard=None, day_close=None, sell=True).sell
    # An order alone is no money: the dashboard waits for the payment's own announcement.
    idle = DashboardShown(busy=False)
    assert not reloads_for(order, day=SHOWN, dashboard=idle, day_close=None).dashboard
