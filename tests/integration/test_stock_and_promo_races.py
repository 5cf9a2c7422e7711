"""Two stations racing for the last item in stock and the last use of a promo code.

Station A is stopped right after it has read the row that decides (the product, the code)
and before it writes; station B then takes the last one. A must then be refused with the
sentence naming what is left, never sell what is gone: the conditional UPDATE decides on
the row as it is, not as A read it. On PostgreSQL B finishes while A is stopped (a plain
read takes no lock); on SQLite B waits for A's write lock and is the one refused. Either way
exactly one succeeds and the count ends right. Every test runs on SQLite and PostgreSQL.

A read-then-write implementation (``stock = <what A read> − 1``) sells the last item twice;
an unconditional ``stock = stock − 1`` is stopped by the database's CHECK with an error no
one at the desk can read. Both fail these tests.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pos_app.domain.audit import AuditAction
from pos_app.domain.errors import FormErrors, InvalidStateError, PermissionDeniedError
from pos_app.domain.money import Money
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.domain.products import StockReason
from pos_app.services.products import ProductForm
from pos_app.services.promo_codes import PromoForm
from pos_app.store.products_repo import SqlProductRepository, SqlPromoCodeRepository
from tests.integration.interleave import DB_KINDS, Desk, pause_after, race, two_desks

NO_STRIPE = "http://127.0.0.1:9"


@pytest.fixture(params=DB_KINDS)
def desks(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Desk, Desk]]:
    """Two stations on one fresh database (SQLite, then PostgreSQL)."""
    yield from two_desks(request.param, request, tmp_path, NO_STRIPE, monkeypatch)


def _shampoo(desk: Desk, stock: int) -> str:
    made = desk.services.products.save_product(
        ProductForm(None, "Shampoo", "12.00", "usd", stock=stock, tax_rate_text="8.875")
    )
    return made.id


def test_two_stations_selling_the_last_item_sell_it_once(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks
    product_id = _shampoo(first, 1)
    pause = pause_after(monkeypatch, SqlProductRepository, "get", caller="products.change_stock")
    result = race(
        pause,
        lambda: first.services.products.take(product_id, 1, order_id="ord_a"),
        lambda: second.services.products.take(product_id, 1, order_id="ord_b"),
    )
    sold = [o for o in result.outcomes if o.error is None]
    refused = [o.error for o in result.outcomes if o.error is not None]
    assert len(sold) == 1 and sold[0].value == 0
    assert len(refused) == 1 and isinstance(refused[0], InvalidStateError)
    assert refused[0].message == "Shampoo is out of stock."
    assert first.services.products.find(product_id).stock == 0
    # One sale recorded, by the database's order, after the opening stock.
    moves = first.services.products.adjustments(product_id)
    assert [(m.reason, m.change, m.stock_after) for m in moves] == [(StockReason.SALE, -1, 0)]


def test_asking_for_more_than_is_left_names_what_is_left_and_changes_nothing(
    desks: tuple[Desk, Desk],
) -> None:
    first, second = desks
    product_id = _shampoo(first, 5)
    assert second.services.products.take(product_id, 3) == 2
    with pytest.raises(InvalidStateError) as refused:
        first.services.products.take(product_id, 3)
    assert refused.value.message == "Only 2 × Shampoo left in stock."
    assert first.services.products.find("shampoo").stock == 2
    assert len(first.services.products.adjustments(product_id)) == 1


def test_two_stations_using_the_last_promo_code_use_it_once(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks
    first.services.promo_codes.add_code(PromoForm("LASTONE", "usd", percent_text="10", max_uses=1))
    order = Money(5000, "usd")
    pause = pause_after(
        monkeypatch, SqlPromoCodeRepository, "by_code", caller="promo_codes.check_code"
    )
    result = race(
        pause,
        lambda: first.services.promo_codes.use("lastone", order),
        lambda: second.services.promo_codes.use("LastOne", order),
    )
    used = [o.value for o in result.outcomes if o.error is None]
    refused = [o.error for o in result.outcomes if o.error is not None]
    assert len(used) == 1 and used[0] is not None and used[0].uses == 1
    assert len(refused) == 1 and isinstance(refused[0], InvalidStateError)
    assert refused[0].message == "Promo code LASTONE has been used up: its only use is taken."
    assert [c.uses for c in first.services.promo_codes.list_codes()] == [1]


def test_the_database_refuses_stock_below_zero_and_uses_beyond_the_limit(
    desks: tuple[Desk, Desk],
) -> None:
    first, _ = desks
    product_id = _shampoo(first, 1)
    first.services.promo_codes.add_code(PromoForm("ONCE", "usd", amount_text="5.00", max_uses=1))
    for statement in (
        "UPDATE products SET stock = -1",
        "UPDATE promo_codes SET uses = 2",
    ):
        with first.app.deps.uow(write=True) as uow, pytest.raises(IntegrityError):
            uow.session.execute(text(statement))  # type: ignore[attr-defined]
    assert first.services.products.find(product_id).stock == 1


def test_stock_changes_by_hand_are_audited_and_for_managers_only(
    desks: tuple[Desk, Desk],
) -> None:
    first, second = desks
    product_id = _shampoo(first, 2)
    first.services.products.adjust_stock(product_id, 10, StockReason.RECEIVE, "Delivery 4711")
    first.services.products.count_stock(product_id, 11, "Shelf count")
    second.services.products.adjust_stock(product_id, -1, StockReason.DAMAGE, "Dropped")
    moves = first.services.products.adjustments(product_id)
    assert [(m.reason, m.change, m.stock_after, m.note) for m in moves] == [
        (StockReason.DAMAGE, -1, 10, "Dropped"),
        (StockReason.COUNT, -1, 11, "Shelf count"),
        (StockReason.RECEIVE, 10, 12, "Delivery 4711"),
    ]
    assert moves[0].seq > moves[1].seq > moves[2].seq
    with first.app.deps.uow() as uow:
        entries = uow.audit.query(AuditQuery(actions=frozenset({AuditAction.STOCK_ADJUSTED})))
    assert [e.detail for e in entries] == [
        "Shampoo: Damaged -1 (stock 11 → 10). Dropped",
        "Shampoo: Counted -1 (stock 12 → 11). Shelf count",
        "Shampoo: Received +10 (stock 2 → 12). Delivery 4711",
    ]
    first.app.deps.desk.sign_in(Actor("u_sam", "Sam", Role.STAFF))
    with pytest.raises(PermissionDeniedError):
        first.services.products.adjust_stock(product_id, 5, StockReason.RECEIVE)
    with pytest.raises(PermissionDeniedError):
        first.services.products.count_stock(product_id, 0)
    assert first.services.products.find(product_id).stock == 10


def test_names_skus_and_codes_are_unique_in_any_case(desks: tuple[Desk, Desk]) -> None:
    first, second = desks
    first.services.products.save_product(ProductForm(None, "Shampoo", "12.00", "usd", sku="SH-500"))
    with pytest.raises(FormErrors) as named:
        second.services.products.save_product(ProductForm(None, "SHAMPOO", "9.00", "usd"))
    assert named.value.errors == {"name": "There is already a product called Shampoo."}
    with pytest.raises(FormErrors) as coded:
        second.services.products.save_product(
            ProductForm(None, "Conditioner", "9.00", "usd", sku="sh-500")
        )
    assert coded.value.errors == {"sku": "Shampoo already has the SKU SH-500."}
    first.services.promo_codes.add_code(PromoForm("SUMMER10", "usd", percent_text="10"))
    with pytest.raises(FormErrors) as promo:
        second.services.promo_codes.add_code(PromoForm("summer10", "usd", amount_text="1.00"))
    assert promo.value.errors == {"code": "There is already a promo code SUMMER10."}


def test_promo_dates_are_the_business_days(desks: tuple[Desk, Desk]) -> None:
    first, _ = desks
    today = first.services.promo_codes.today()
    first.services.promo_codes.add_code(
        PromoForm("ENDED", "usd", percent_text="5", valid_until=date(2025, 8, 31))
    )
    first.services.promo_codes.add_code(
        PromoForm("TODAY", "usd", percent_text="5", valid_from=today, valid_until=today)
    )
    with pytest.raises(InvalidStateError) as ended:
        first.services.promo_codes.use("ended", Money(1000, "usd"))
    assert ended.value.message == "Promo code ENDED ended on 31 Aug 2025."
    assert first.services.promo_codes.use("today", Money(1000, "usd")).uses == 1


# -- processes --------------------------------------------------------------------------------

_USE_ONCE = textwrap.dedent(
    """
    import sys, time
    from pos_app.app import open_app
    from pos_app.config import load_config
    from pos_app.domain.errors import PosError
    from pos_app.domain.money import Money
    env = {"POS_DATA_DIR": sys.argv[1], "POS_DATABASE_URL": sys.argv[2],
           "POS_STRIPE_API_BASE": "http://127.0.0.1:9", "POS_TIMEZONE": "UTC"}
    app = open_app(load_config(env), sandbox="none")
    while time.time() < float(sys.argv[3]):  # every process starts at the same moment
        time.sleep(0.001)
    try:
        print("used", app.promo_codes.use("RACE", Money(5000, "usd")).uses)
    except PosError as err:
        print("refused", err.message)
    finally:
        app.close()
    """
)


@pytest.mark.slow
def test_processes_racing_for_the_last_uses_take_exactly_the_uses_left(
    desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    import time

    first, _ = desks
    first.services.promo_codes.add_code(PromoForm("RACE", "usd", percent_text="10", max_uses=2))
    url = first.app.config.database_url
    start = time.time() + 4.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _USE_ONCE, str(tmp_path / f"p{i}"), url, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    lines = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        lines.append(out.strip())
    used = sorted(line for line in lines if line.startswith("used"))
    refused = [line for line in lines if line.startswith("refused")]
    assert used == ["used 1", "used 2"]
    assert refused == ["refused Promo code RACE has been used up: all 2 uses are taken."] * 2
    assert [c.uses for c in first.services.promo_codes.list_codes()] == [2]


def test_editing_a_product_keeps_its_stock_and_a_refund_can_restock(
    desks: tuple[Desk, Desk],
) -> None:
    from pos_app.services.products import restock

    first, second = desks
    product_id = _shampoo(first, 4)
    assert first.services.products.take(product_id, 3, order_id="ord_1") == 1
    edited = second.services.products.save_product(
        ProductForm(product_id, "Shampoo 500 ml", "13.50", "usd", sku="SH-500", low_stock=1)
    )
    # The form's stock is ignored for an existing product: only adjustments change it.
    assert (edited.price.amount, edited.stock, edited.low_stock, edited.is_low) == (
        1350,
        1,
        1,
        True,
    )
    with first.app.deps.uow(write=True) as uow:
        restock(uow, product_id, 2, actor=TEST_ACTOR, at=first.clock.now(), order_id="ord_1")
        uow.commit()
    found = first.services.products.find("sh-500")
    assert (found.name, found.stock, found.is_low) == ("Shampoo 500 ml", 3, False)
    moves = first.services.products.adjustments(product_id)
    assert [(m.reason, m.change, m.order_id) for m in moves] == [
        (StockReason.REFUND_RESTOCK, 2, "ord_1"),
        (StockReason.SALE, -3, "ord_1"),
    ]
    assert first.services.products.low_stock() == []


TEST_ACTOR = Actor(None, "Test manager", Role.MANAGER)
