"""`pos-app sell` as a script runs it: the exact JSON shape, orders whose figures were worked
out by hand (the arithmetic is in the comments), and refusals that are one sentence, exit 1
and leave nothing stored. Every command runs the same `cli.main` in this process
(tests/cli_here.py), which is the same code without a start-up; the process boundary itself is
tested in tests/integration/test_cli.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from pos_app.app import open_app
from pos_app.config import load_config
from pos_app.domain.pricing import TipBase
from pos_app.domain.promo import day_words
from pos_app.store.schema import order_lines, orders
from tests.cli_here import run_here, run_json_here
from tests.conftest import TEST_MANAGER

ORDER_KEYS = {
    "id",
    "lines",
    "subtotal",
    "discount",
    "tax",
    "tip",
    "total",
    "currency",
    "status",
}
LINE_KEYS = {"name", "quantity", "unit_amount", "discount", "tax", "amount"}


def _shop(env: dict[str, str]) -> None:
    """Shampoo $12.00 at 8.875 % (5 in stock), Gel $3.33 untaxed, Serum $9.99 at 20 %; the
    demo services (Haircut $35.00, untaxed) come with every fresh database."""
    for name, *flags in (
        ("Shampoo", "--price", "12.00", "--stock", "5", "--sku", "SH-500", "--tax-rate", "8.875"),
        ("Gel", "--price", "3.33", "--stock", "10", "--sku", "GEL-1"),
        ("Serum", "--price", "9.99", "--stock", "3", "--tax-rate", "20"),
    ):
        run_json_here(env, "product", "add", name, *flags)


def _sell(env: dict[str, str], *args: str) -> dict[str, Any]:
    made = run_json_here(env, "sell", *args)
    assert set(made) == ORDER_KEYS
    assert all(set(line) == LINE_KEYS for line in made["lines"])
    assert made["id"].startswith("ord_") and made["status"] == "open"
    assert made["currency"] == "usd"
    return made


def _lines(made: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (x["name"], x["quantity"], x["unit_amount"], x["discount"], x["tax"], x["amount"])
        for x in made["lines"]
    ]


def _figures(made: dict[str, Any]) -> tuple[int, ...]:
    return tuple(made[k] for k in ("subtotal", "discount", "tax", "tip", "total"))


def _stored(env: dict[str, str]) -> tuple[int, int]:
    """How many orders and order lines the database holds."""
    ctx = open_app(load_config(env), sandbox="none")
    try:
        with ctx.deps.uow() as uow:
            session = uow.session  # type: ignore[attr-defined]
            return (
                session.execute(select(func.count()).select_from(orders)).scalar_one(),
                session.execute(select(func.count()).select_from(order_lines)).scalar_one(),
            )
    finally:
        ctx.close()


def _stock(env: dict[str, str]) -> dict[str, int]:
    listed = run_json_here(env, "product", "list")["products"]
    return {p["name"]: p["stock"] for p in listed}


def test_several_lines_percent_discount_percent_tip_tax_added(app_env: dict[str, str]) -> None:
    _shop(app_env)
    made = _sell(
        app_env,
        "--item",
        "shampoo x2",
        "--item",
        "HAIRCUT",
        "--discount",
        "10%",
        "--tip",
        "15%",
        "--customer",
        "Ada Lovelace",
    )
    # Shampoo 2 × 1200 = 2400, Haircut 3500: subtotal 5900. 10 % of 5900 = 590, shared
    # 2400:3500 → 240 and 350 exactly. Shampoo's net 2160 × 8.875 % = 191.7 → 192 tax,
    # added: 2352. Haircut 3150, untaxed. Tip 15 % of 5310 (after discounts, before tax)
    # = 796.5 → 797. Total 5900 − 590 + 192 + 797 = 6299.
    assert _lines(made) == [
        ("Shampoo", 2, 1200, 240, 192, 2352),
        ("Haircut", 1, 3500, 350, 0, 3150),
    ]
    assert _figures(made) == (5900, 590, 192, 797, 6299)
    # Saved open: no stock is taken until it is paid.
    assert _stock(app_env)["Shampoo"] == 5
    assert _stored(app_env) == (1, 2)


def test_fixed_discount_allocated_by_largest_remainder_and_fixed_tip(
    app_env: dict[str, str],
) -> None:
    _shop(app_env)
    made = _sell(
        app_env, "--item", "gel-1 x3", "--item", "SH-500", "--discount", "5.00", "--tip", "3.00"
    )
    # By SKU in any case. Gel 3 × 333 = 999, Shampoo 1200: subtotal 2199. 500 off, shared
    # by weight: Gel 500 × 999 / 2199 = 227 r 327, Shampoo 500 × 1200 / 2199 = 272 r 1872;
    # the one unit left goes to the larger remainder (Shampoo): 227 and 273.
    # Nets 772 and 927; Shampoo's tax 927 × 8.875 % = 82.27 → 82. Tip 300.
    # Total 2199 − 500 + 82 + 300 = 2081.
    assert _lines(made) == [
        ("Gel", 3, 333, 227, 0, 772),
        ("Shampoo", 1, 1200, 273, 82, 1009),
    ]
    assert _figures(made) == (2199, 500, 82, 300, 2081)


def test_promo_code_with_prices_including_tax(app_env: dict[str, str]) -> None:
    _shop(app_env)
    run_json_here(app_env, "promo", "add", "SAVE10", "--percent", "10", "--max-uses", "1")
    station = open_app(load_config(app_env), sandbox="none")
    try:
        station.deps.desk.sign_in(TEST_MANAGER)
        station.pricing.save(
            prices_include_tax=True, tip_base=TipBase.BEFORE_TAX, manager_discount_text="20"
        )
    finally:
        station.close()
    made = _sell(
        app_env, "--item", "Shampoo x2", "--item", "serum", "--promo", "save10", "--tip", "10%"
    )
    # Shampoo 2400, Serum 999: subtotal 3399; 10 % = 339.9 → 340, shared 2400:999 →
    # 240 r 240 and 99 r 3159, the unit left to Serum: 240 and 100. Nets 2160 and 899.
    # Tax included: 2160 × 8.875 / 108.875 = 176.07 → 176; 899 × 20 / 120 = 149.83 → 150.
    # Tip 10 % of the nets without their tax: 3059 − 326 = 2733 → 273.3 → 273.
    # Total 3399 − 340 + 273 = 3332 (the tax is inside the prices).
    assert _lines(made) == [
        ("Shampoo", 2, 1200, 240, 176, 2160),
        ("Serum", 1, 999, 100, 150, 899),
    ]
    assert _figures(made) == (3399, 340, 326, 273, 3332)
    # Checked, not counted: the use is taken when the order is paid.
    again = run_here(app_env, "sell", "--item", "Gel", "--promo", "SAVE10")
    assert again.returncode == 0, again.stderr


def test_text_output_says_the_order_is_open(app_env: dict[str, str]) -> None:
    _shop(app_env)
    shown = run_here(
        app_env, "sell", "--item", "Shampoo x2", "--discount", "10%", "--customer", "Ada"
    )
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout.splitlines()
    assert out[0].startswith("Order 1 (ord_") and out[0].endswith(") for Ada")
    assert [line.split() for line in out[1:-1]] == [
        ["2", "×", "Shampoo", "$23.52", "(−$2.40)"],
        ["Subtotal", "$24.00"],
        ["Discount", "(10%", "off)", "−$2.40"],
        ["Tax", "$1.92"],
        ["Total", "$23.52"],
    ]
    assert out[-1] == (
        "Saved as an open order: nothing is charged, and no stock is taken until it is paid."
    )


def test_the_command_line_is_a_manager_so_a_large_discount_is_given(
    app_env: dict[str, str],
) -> None:
    _shop(app_env)
    # Above the 20 % a member of staff may give; the command line acts as a manager.
    made = _sell(app_env, "--item", "Gel", "--discount", "50%")
    # 333 × 50 % = 166.5 → 167 off; 166 left.
    assert _figures(made) == (333, 167, 0, 0, 166)


def test_refusals_are_one_sentence_exit_1_and_store_nothing(app_env: dict[str, str]) -> None:
    _shop(app_env)
    today = datetime.now(UTC).date()
    ended = today - timedelta(days=1)
    run_json_here(
        app_env,
        "promo",
        "add",
        "OLD10",
        "--percent",
        "10",
        "--from",
        (today - timedelta(days=30)).isoformat(),
        "--until",
        ended.isoformat(),
    )
    day = day_words(ended)
    cases = [
        (
            ("--item", "Shampo"),
            "There is no product or service called 'Shampo'; check the spelling or the SKU.",
        ),
        (("--item", "Shampoo x6"), "Only 5 × Shampoo left in stock."),
        # Over two lines of one product: 3 + 3 of the 5 left.
        (("--item", "Shampoo x3", "--item", "SH-500 x3"), "Only 5 × Shampoo left in stock."),
        (("--item", "Gel", "--promo", "OLD10"), f"Promo code OLD10 ended on {day}."),
        (
            ("--item", "Gel", "--promo", "NOPE"),
            "There is no promo code NOPE; check the spelling.",
        ),
        (("--item", "Gel x0"), "--item: Choose a quantity from 1 to 999 for Gel."),
        (("--item", "Gel x1000"), "--item: Choose a quantity from 1 to 999 for Gel."),
        (
            ("--item", "Gel", "--discount", "5.001"),
            "--discount: USD amounts have at most 2 decimal places.",
        ),
        (
            ("--item", "Gel", "--tip", "150%"),
            "--tip: The tip can be at most 100 %.",
        ),
        (
            ("--item", "Gel", "--discount", "100%"),
            "This order comes to $0.00: there is nothing to charge. Take off some discount.",
        ),
    ]
    for args, sentence in cases:
        for json_flag in ((), ("--json",)):
            result = run_here(app_env, "sell", *args, *json_flag)
            assert (result.returncode, result.stdout, result.stderr.strip()) == (
                1,
                "",
                sentence,
            ), args
    assert _stored(app_env) == (0, 0)
    assert _stock(app_env) == {"Gel": 10, "Serum": 3, "Shampoo": 5}
    # Usage errors are argparse's (exit 2): a promo code and a discount, or no item.
    both = run_here(app_env, "sell", "--item", "Gel", "--promo", "X10", "--discount", "1.00")
    assert both.returncode == 2
    assert run_here(app_env, "sell").returncode == 2
