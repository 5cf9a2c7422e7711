"""Fees under asynchronous capture: the balance transaction comes after the payment.

The sandbox's test control holds a successful charge's balance transaction back for a while
(``balance_transaction: null`` until then), then books it and sends ``charge.updated``, as
Stripe does under ``capture_method=automatic_async``. The app shows "fees pending" until
then, never a net after fees that leaves the fee out, and the event fills fee and net.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.payment import PaymentStatus
from pos_app.domain.reports import FEES_PENDING
from pos_app.reports.render.sales import figures
from pos_app.reports.render.sales_text import render_text
from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import book
from tests.payments import pay

DELAY = 3600  # an hour on the sandbox clock: nothing books it unless the clock is advanced


@pytest.fixture
def delayed(tmp_path: Path) -> Iterator[tuple[AppContext, ControlsClient]]:
    handle: SandboxHandle = start_in_thread(tmp_path / "sandbox.sqlite3", enable_controls=True)
    env = {
        "POS_DATA_DIR": str(tmp_path / "app"),
        "POS_STRIPE_API_BASE": handle.url,
        "POS_TIMEZONE": "UTC",
    }
    ctx = open_app(load_config(env), sandbox="none")
    ctx.deps.desk.sign_in(TEST_MANAGER)
    controls = ControlsClient(handle.url)
    assert controls.set_balance_transaction_delay(DELAY) == DELAY
    yield ctx, controls
    controls.close()
    ctx.close()
    handle.stop()


def test_charge_updated_fills_the_fee_that_was_pending(
    delayed: tuple[AppContext, ControlsClient],
) -> None:
    app, controls = delayed
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.sync.sync_once()  # checkout.session.completed: paid, but Stripe has no fee yet
    (payment,) = app.bookings.detail(booking.id).payments
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.stripe_charge_id and payment.fee_amount is None

    day = app.day_close.today()
    usd = app.reports.daily(day).currencies["usd"]
    assert (usd.gross, usd.fees, usd.fees_pending, usd.fees_pending_amount) == (3500, 0, 1, 3500)
    assert not usd.fees_known
    assert usd.to_json()["net_after_fees"] is None  # no figure that leaves the fee out
    tiles = {caption: value for caption, value, _hint in figures(usd)}
    assert tiles["Stripe fees"] == tiles["Net after fees"] == FEES_PENDING
    assert "not reported the fee of 1 card payment ($35.00)" in render_text(app.reports.daily(day))
    z = app.day_close.preview(day).totals("usd")
    assert z.fee_figures() == (FEES_PENDING, FEES_PENDING)

    # The balance transaction is booked: the sandbox sends charge.updated, the next ordinary
    # pass (not a full reconciliation) applies it.
    controls.advance_clock(DELAY + 1)
    report = app.sync.sync_once()
    assert report.errors == [] and report.events_applied >= 1
    (payment,) = app.bookings.detail(booking.id).payments
    assert payment.fee_amount is not None and payment.fee_amount > 0
    assert payment.net_amount == 3500 - payment.fee_amount
    assert payment.stripe_balance_transaction_id

    usd = app.reports.daily(day).currencies["usd"]
    assert (usd.fees, usd.fees_pending, usd.net_after_fees) == (
        payment.fee_amount,
        0,
        3500 - payment.fee_amount,
    )
    tiles = {caption: value for caption, value, _hint in figures(usd)}
    assert FEES_PENDING not in tiles.values()
    assert app.day_close.preview(day).totals("usd").fees_known


def test_without_the_delay_the_fee_is_known_at_once(
    delayed: tuple[AppContext, ControlsClient],
) -> None:
    app, controls = delayed
    controls.set_balance_transaction_delay(0)
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.sync.sync_once()
    (payment,) = app.bookings.detail(booking.id).payments
    assert payment.fee_amount is not None
