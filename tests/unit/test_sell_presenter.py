"""The Sell screen's cart and figures, without a window: priced as the saved order will be."""

from __future__ import annotations

from pos_app.domain.money import Money
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import Discount, PricingPolicy
from pos_app.ui.sell.sell_presenter import (
    Cart,
    Kind,
    Sellable,
    present,
    scanned,
    search,
)

SHAMPOO = Sellable(
    "prd_1", Kind.PRODUCT, "Shampoo", Money(1200, "usd"), Percent(8875), "SHA-250", 3
)
HAIRCUT = Sellable("svc_haircut", Kind.SERVICE, "Haircut", Money(3500, "usd"), Percent(0))
TILES = [HAIRCUT, SHAMPOO]


def test_a_cart_priced_by_hand() -> None:
    # 2 × 12.00 + 35.00 = 59.00; 10 % off = 5.90 (2.40 on the shampoo, 3.50 on the haircut);
    # tax 8.875 % of 21.60 = 1.917 → 1.92; tip 15 % of 53.10 = 7.965 → 7.97 (half-up);
    # total 59.00 − 5.90 + 1.92 + 7.97 = 62.99.
    cart = Cart().add(SHAMPOO).add(HAIRCUT).add(SHAMPOO).with_discount("10%").with_tip("15%")
    state = present(cart, PricingPolicy(), "usd")
    assert [(v.name, v.quantity, v.amount) for v in state.lines] == [
        ("Shampoo", 2, "$23.52"),  # 21.60 + 1.92 tax
        ("Haircut", 1, "$31.50"),
    ]
    assert (state.subtotal, state.discount, state.tax, state.tip, state.total) == (
        "$59.00", "$5.90", "$1.92", "$7.97", "$62.99",
    )  # fmt: skip
    assert state.total_amount == 6299 and state.can_sell and state.problem == ""


def test_prices_that_include_tax_and_a_fixed_tip() -> None:
    # Tax is inside: 12.00 × 8.875 / 108.875 = 0.978 → 0.98; the total is 12.00 + 2.00 tip.
    state = present(
        Cart().add(SHAMPOO).with_tip("2.00"), PricingPolicy(prices_include_tax=True), "usd"
    )
    assert (state.tax, state.tip, state.total) == ("$0.98", "$2.00", "$14.00")
    assert state.tax_included


def test_more_than_in_stock_is_said_and_cannot_be_sold() -> None:
    cart = Cart()
    for _ in range(4):
        cart = cart.add(SHAMPOO)
    state = present(cart, PricingPolicy(), "usd")
    assert state.lines[0].warning == "Only 3 × Shampoo left in stock."
    assert state.problem == "Only 3 × Shampoo left in stock." and not state.can_sell
    assert present(cart.set_quantity(0, 3), PricingPolicy(), "usd").can_sell


def test_a_bad_discount_is_one_sentence_and_nothing_is_priced() -> None:
    state = present(Cart().add(HAIRCUT).with_discount("ten"), PricingPolicy(), "usd")
    assert not state.can_sell and state.total == "$0.00"
    assert state.problem and "." in state.problem and "Traceback" not in state.problem


def test_a_promo_code_replaces_a_typed_discount_and_back() -> None:
    promo = (
        Cart()
        .add(HAIRCUT)
        .with_discount("5.00")
        .with_promo("SUMMER10", Discount.of_percent(Percent(10_000)))
    )
    assert promo.discount_text == ""
    assert present(promo, PricingPolicy(), "usd").discount == "$3.50"
    typed = promo.with_discount("1.00")
    assert typed.promo_code == "" and present(typed, PricingPolicy(), "usd").discount == "$1.00"


def test_the_subtotal_a_promo_code_is_checked_against() -> None:
    # 2 × 12.00 + 35.00, before the typed discount.
    cart = Cart().add(SHAMPOO).add(SHAMPOO).add(HAIRCUT).with_discount("10%")
    assert cart.subtotal() == Money(5900, "usd") and Cart().subtotal() is None


def test_an_empty_cart_asks_for_an_item_and_quantities_go_to_zero() -> None:
    assert present(Cart(), PricingPolicy(), "usd").problem == "Tap an item to start a sale."
    assert Cart().add(HAIRCUT).set_quantity(0, 0).lines == ()


def test_tiles_are_found_by_name_or_scanned_by_sku() -> None:
    assert search(TILES, "sham") == [SHAMPOO] and search(TILES, "") == TILES
    assert search(TILES, "sha-250") == [SHAMPOO]
    assert scanned(TILES, " sha-250 ") == SHAMPOO and scanned(TILES, "Haircut") is None
    assert SHAMPOO.tile_text == "Shampoo\n$12.00\n3 in stock"
    assert HAIRCUT.tile_text == "Haircut\n$35.00"
