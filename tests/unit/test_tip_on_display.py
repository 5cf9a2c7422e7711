"""The tip the customer chooses on the customer display, without a window: when Charge asks,
the offer priced by hand, the display's buttons, and the station setting that turns it on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_app import i18n
from pos_app.config import StationSettings, load_station, save_station
from pos_app.domain.money import Money
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import PricingPolicy, TipBase
from pos_app.services.settings_words import station_words
from pos_app.ui.payments.display_presenter import Business, View, tip_buttons, tip_state
from pos_app.ui.sell.sell_presenter import Cart, Kind, Sellable, asks_for_tip, tip_offer

SHAMPOO = Sellable(
    "prd_1", Kind.PRODUCT, "Shampoo", Money(1200, "usd"), Percent(8875), "SHA-250", 3
)
HAIRCUT = Sellable("svc_haircut", Kind.SERVICE, "Haircut", Money(3500, "usd"), Percent(0))


def _usd(amount: int) -> Money:
    return Money(amount, "usd")


def test_charge_asks_only_when_the_station_does_and_the_desk_set_no_tip() -> None:
    cart = Cart().add(SHAMPOO)
    assert asks_for_tip(cart, tip_on_display=True)
    assert not asks_for_tip(cart, tip_on_display=False)
    assert not asks_for_tip(cart.with_tip("15%"), tip_on_display=True)
    assert not asks_for_tip(cart.with_tip("2.00"), tip_on_display=True)
    assert not asks_for_tip(Cart(), tip_on_display=True)


def test_the_offer_is_priced_as_the_order_will_be() -> None:
    # 2 × 12.00 + 35.00 = 59.00, 10 % off = 53.10 after discounts; tax 1.92 on the shampoo
    # (8.875 % of 21.60); total before a tip 55.02. Tips are of 53.10 (before tax), half-up:
    # 10 % = 5.31, 15 % = 7.965 → 7.97, 20 % = 10.62. Never taxed or discounted.
    cart = Cart().add(SHAMPOO).add(HAIRCUT).add(SHAMPOO).with_discount("10%")
    offer = tip_offer(cart, PricingPolicy(), "usd")
    assert offer is not None and offer.before_tip == _usd(5502)
    assert [(o.percent, o.tip, o.total) for o in offer.options] == [
        (0, _usd(0), _usd(5502)),
        (10, _usd(531), _usd(6033)),
        (15, _usd(797), _usd(6299)),  # the Sell screen's own 62.99 with a 15 % tip
        (20, _usd(1062), _usd(6564)),
    ]
    assert offer.option(15).total == _usd(6299)
    with pytest.raises(ValueError):
        offer.option(25)


def test_a_tip_after_tax_and_a_cart_that_cannot_be_sold() -> None:
    # After tax: 12.00 + 1.07 = 13.07; 20 % = 2.614 → 2.61.
    after = PricingPolicy(tip_base=TipBase.AFTER_TAX)
    offer = tip_offer(Cart().add(SHAMPOO), after, "usd")
    assert offer is not None and offer.option(20).tip == _usd(261)
    # Four shampoos with three on the shelf: nothing to offer, the screen says why.
    too_many = Cart().add(SHAMPOO).add(SHAMPOO).add(SHAMPOO).add(SHAMPOO)
    assert tip_offer(too_many, PricingPolicy(), "usd") is None
    assert tip_offer(Cart(), PricingPolicy(), "usd") is None


def test_the_display_shows_each_preset_with_its_amount_then_no_tip() -> None:
    offer = tip_offer(Cart().add(SHAMPOO), PricingPolicy(), "usd")
    assert offer is not None
    assert [(b.percent, b.text) for b in tip_buttons(offer)] == [
        (10, "10%\n$1.20"), (15, "15%\n$1.80"), (20, "20%\n$2.40"), (0, "No tip"),
    ]  # fmt: skip
    shown = tip_state(offer, Business("Studio Nord", mode="sandbox"))
    assert shown.view is View.TIP and shown.amount == "Total $13.07"
    assert shown.business_name == "Studio Nord" and shown.test_marker
    assert shown.url is None and shown.payment_id is None  # nothing to pay yet
    try:
        i18n.set_language("de")
        assert tip_buttons(offer)[1].text == "15\xa0%\n1,80\xa0$"
    finally:
        i18n.set_language("en")


def test_the_station_setting_is_off_by_default_kept_and_audited(tmp_path: Path) -> None:
    assert not load_station(tmp_path).tip_on_display
    save_station(tmp_path, StationSettings(tip_on_display=True))
    assert load_station(tmp_path).tip_on_display
    (tmp_path / "station.json").write_text(json.dumps({"tip_on_display": "yes"}))
    assert not load_station(tmp_path).tip_on_display  # a hand-edited value that is no bool
    assert [
        w.english() for w in station_words(StationSettings(), StationSettings(tip_on_display=True))
    ] == ["tip on the customer display: off → on"]
