"""`pos-app product …` and `pos-app promo add` as a script runs them (through the same
`cli.main` in this process, tests/cli_here.py; the process boundary is tested in
tests/integration/test_cli.py), one JSON object on stdout, one sentence on stderr and exit
code 1 when refused."""

from __future__ import annotations

from typing import Any

from tests.cli_here import run_here, run_json_here

PRODUCT_KEYS = {"id", "name", "sku", "price", "currency", "stock", "tax_rate", "active"}


def _products(env: dict[str, str]) -> list[dict[str, Any]]:
    listed = run_json_here(env, "product", "list")
    assert set(listed) == {"products"}
    products: list[dict[str, Any]] = listed["products"]
    return products


def test_add_list_and_change_stock(app_env: dict[str, str]) -> None:
    made = run_json_here(
        app_env,
        "product",
        "add",
        "Shampoo",
        "--price",
        "12.00",
        "--stock",
        "5",
        "--sku",
        "SH-500",
        "--tax-rate",
        "8.875",
    )
    assert set(made) == PRODUCT_KEYS
    assert made["id"].startswith("prod_")
    # Amounts in minor units; the rate as an exact decimal string.
    assert {k: made[k] for k in PRODUCT_KEYS - {"id"}} == {
        "name": "Shampoo",
        "sku": "SH-500",
        "price": 1200,
        "currency": "usd",
        "stock": 5,
        "tax_rate": "8.875",
        "active": True,
    }
    plain = run_here(app_env, "product", "add", "Hair gel", "--price", "7.99")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.strip() == "Added Hair gel: $7.99, tax 0%, 0 in stock."
    listed = _products(app_env)
    assert [(p["name"], p["sku"], p["stock"], p["tax_rate"]) for p in listed] == [
        ("Hair gel", None, 0, "0"),
        ("Shampoo", "SH-500", 5, "8.875"),
    ]
    assert all(set(p) == PRODUCT_KEYS for p in listed)

    # By SKU in any case: a delivery of 3, then a count of 6 (one found missing).
    received = run_here(app_env, "product", "stock", "sh-500", "--add", "3", "--reason", "Delivery")
    assert received.returncode == 0, received.stderr
    assert received.stdout.strip() == "Shampoo: Received +3, 8 in stock."
    counted = run_json_here(app_env, "product", "stock", "SHAMPOO", "--set", "6")
    assert counted["product"]["stock"] == 6
    assert {k: counted["adjustment"][k] for k in ("change", "stock_after", "reason")} == {
        "change": -2,
        "stock_after": 6,
        "reason": "count",
    }
    damaged = run_here(app_env, "product", "stock", "Shampoo", "--add", "-4", "--reason", "Broken")
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stdout.splitlines() == [
        "Shampoo: Damaged -4, 2 in stock.",
        "Only 2 × Shampoo left: time to order more.",
    ]
    assert [p["stock"] for p in _products(app_env)] == [0, 2]


def test_refusals_are_one_sentence_exit_1_and_change_nothing(app_env: dict[str, str]) -> None:
    run_json_here(app_env, "product", "add", "Shampoo", "--price", "12.00", "--stock", "2")
    cases = [
        (
            ("product", "add", "SHAMPOO", "--price", "3.00"),
            "name: There is already a product called Shampoo.",
        ),
        (
            ("product", "add", "Serum", "--price", "12.001", "--tax-rate", "8.8751"),
            "--price: USD amounts have at most 2 decimal places. "
            "--tax-rate: The tax rate has at most 3 decimals, like 8.875.",
        ),
        (
            ("product", "add", "Serum", "--price", "9.00", "--tax-rate", "101"),
            "--tax-rate: The tax rate can be at most 100 %.",
        ),
        (("product", "stock", "Shampoo", "--add", "-3"), "Only 2 × Shampoo left in stock."),
        (
            ("product", "stock", "Conditioner", "--set", "1"),
            "There is no product called 'Conditioner'.",
        ),
        (
            ("product", "stock", "Shampoo", "--set", "2000000"),
            "--stock: The count must be a whole number from 0 to 1,000,000.",
        ),
        (
            ("promo", "add", "S", "--percent", "10"),
            "CODE: A promo code is 3 to 32 letters or digits (and - or _), like SUMMER10.",
        ),
        (
            (
                "promo",
                "add",
                "WINTER",
                "--percent",
                "10",
                "--from",
                "2026-12-31",
                "--until",
                "2026-12-01",
            ),
            "--until: The last day comes before the first; swap them.",
        ),
        (
            ("promo", "add", "WINTER", "--amount", "5.00", "--max-uses", "0"),
            "--max-uses: Allow from 1 to 1,000,000 uses (or leave it empty).",
        ),
    ]
    for args, sentence in cases:
        result = run_here(app_env, *args)
        assert (result.returncode, result.stdout, result.stderr.strip()) == (1, "", sentence)
    assert [(p["name"], p["stock"]) for p in _products(app_env)] == [("Shampoo", 2)]
    # Usage errors are argparse's (exit 2): --set and --add together, or neither.
    assert (
        run_here(app_env, "product", "stock", "Shampoo", "--set", "1", "--add", "1").returncode == 2
    )
    assert run_here(app_env, "product", "stock", "Shampoo").returncode == 2
    assert (
        run_here(app_env, "promo", "add", "X10", "--percent", "1", "--amount", "1").returncode == 2
    )


def test_promo_add(app_env: dict[str, str]) -> None:
    made = run_json_here(
        app_env,
        "promo",
        "add",
        "SUMMER10",
        "--percent",
        "10",
        "--max-uses",
        "100",
        "--from",
        "2026-06-01",
        "--until",
        "2026-08-31",
        "--min-order",
        "20.00",
    )
    assert made["id"].startswith("promo_")
    assert {k: v for k, v in made.items() if k != "id"} == {
        "code": "SUMMER10",
        "percent": "10",
        "amount": None,
        "currency": "usd",
        "max_uses": 100,
        "uses": 0,
        "valid_from": "2026-06-01",
        "valid_until": "2026-08-31",
        "min_order": 2000,
        "active": True,
    }
    five = run_here(app_env, "promo", "add", "five-off", "--amount", "5.00")
    assert five.returncode == 0, five.stderr
    assert five.stdout.strip() == "Added promo code five-off ($5.00 off)."
    again = run_here(app_env, "promo", "add", "Summer10", "--amount", "1.00")
    assert (again.returncode, again.stderr.strip()) == (
        1,
        "CODE: There is already a promo code SUMMER10.",
    )
