"""Products, their stock and promo codes in SQL: Core statements on the unit of work's session.

The counts that two stations may race for (a product's stock, a promo code's uses) change
only in one conditional UPDATE each, whose WHERE holds the rule (``stock >= n``, ``uses <
max_uses``). The database evaluates it on the row as it is when the UPDATE gets the row's
lock (PostgreSQL re-checks it after waiting for another writer; SQLite has one writer at a
time), so no station decides from a figure it read earlier. The CHECK constraints of
migration 0016 refuse what slips past anyway.

These rows are not ORM-mapped, so each write notes the catalogue as changed for the other
stations itself (``change_notes.note``).
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pos_app.domain.changes import Change, Topic
from pos_app.domain.errors import DuplicateError
from pos_app.domain.money import Money
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import Discount
from pos_app.domain.products import Product, StockAdjustment, StockReason
from pos_app.domain.promo import PromoCode
from pos_app.store import change_notes
from pos_app.store.schema import products, promo_codes, stock_adjustments

_CATALOG = Change(topics=frozenset({Topic.CATALOG}))
# Unique indexes (0016) whose refusal is a rule the services put in words: index → rule.
UNIQUE_RULES = {
    "ux_products_name_lower": "product_name",
    "ux_products_sku_lower": "product_sku",
    "ux_promo_codes_code_lower": "promo_code",
}


def _write_unique(session: Session, statement: Executable) -> None:
    """Execute an INSERT or UPDATE; a unique rule the database enforces (another station
    saved the same a moment earlier) is DuplicateError naming the rule."""
    try:
        session.execute(statement)
    except IntegrityError as err:
        text = str(err.orig)
        rule = next((r for index, r in UNIQUE_RULES.items() if index in text), None)
        if rule is None:
            raise
        raise DuplicateError("Another station has just saved the same.", rule) from err


def _product(row: Any) -> Product:
    return Product(
        id=row.id,
        name=row.name,
        price=Money(int(row.price_amount), row.currency),
        stock=int(row.stock),
        tax_rate=Percent(int(row.tax_rate_thousandths)),
        sku=row.sku,
        active=bool(row.active),
        low_stock=int(row.low_stock),
    )


class SqlProductRepository:
    """Retail products in SQL (see the module for how stock changes)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def list(self, *, active_only: bool = True) -> list[Product]:
        """Products by name."""
        q = select(products).order_by(func.lower(products.c.name), products.c.id)
        if active_only:
            q = q.where(products.c.active.is_(True))
        return [_product(row) for row in self._s.execute(q)]

    def get(self, product_id: str, *, for_update: bool = False) -> Product | None:
        """One product, or None; ``for_update`` holds its row until the transaction ends."""
        q = select(products).where(products.c.id == product_id)
        if for_update:
            q = q.with_for_update()
        row = self._s.execute(q).first()
        return None if row is None else _product(row)

    def find(self, name_or_sku: str) -> Product | None:
        """The product with this name or SKU, in any case, or None (a name first)."""
        key = name_or_sku.strip().lower()
        q = (
            select(products)
            .where((func.lower(products.c.name) == key) | (func.lower(products.c.sku) == key))
            .order_by((func.lower(products.c.name) == key).desc())
        )
        row = self._s.execute(q).first()
        return None if row is None else _product(row)

    def add(self, product: Product, *, created_at: datetime) -> None:
        """Insert a new product with its opening stock."""
        _write_unique(
            self._s,
            insert(products).values(
                id=product.id,
                stock=product.stock,
                created_at=created_at,
                **_editable(product),
            ),
        )
        change_notes.note(self._s, _CATALOG)

    def update(self, product: Product) -> None:
        """Write everything but the stock."""
        _write_unique(
            self._s,
            update(products).where(products.c.id == product.id).values(**_editable(product)),
        )
        change_notes.note(self._s, _CATALOG)

    def change_stock(self, product_id: str, change: int) -> int | None:
        """Add ``change`` unless the stock would go below zero; the stock after, or None."""
        done = self._s.execute(
            update(products)
            .where(products.c.id == product_id, products.c.stock + change >= 0)
            .values(stock=products.c.stock + change)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
        change_notes.note(self._s, _CATALOG)
        # This transaction holds the row now (the UPDATE locked it): the figure is ours.
        after = self._s.execute(select(products.c.stock).where(products.c.id == product_id))
        return int(after.scalar_one())

    def record(self, adjustment: StockAdjustment) -> int:
        """Append one adjustment; the database gives its number."""
        done = cast(
            CursorResult[Any],
            self._s.execute(
                insert(stock_adjustments).values(
                    product_id=adjustment.product_id,
                    change=adjustment.change,
                    stock_after=adjustment.stock_after,
                    reason=adjustment.reason,
                    note=adjustment.note,
                    actor_id=adjustment.actor_id,
                    actor_name=adjustment.actor_name,
                    at=adjustment.at,
                    order_id=adjustment.order_id,
                    note_template=adjustment.note_template,
                    note_params=adjustment.note_params,
                )
            ),
        )
        key = done.inserted_primary_key
        assert key is not None
        return int(key[0])

    def adjustments(self, product_id: str, *, limit: int = 100) -> builtins.list[StockAdjustment]:
        """A product's adjustments, newest first."""
        q = (
            select(stock_adjustments)
            .where(stock_adjustments.c.product_id == product_id)
            .order_by(stock_adjustments.c.seq.desc())
            .limit(limit)
        )
        return [
            StockAdjustment(
                seq=int(r.seq),
                product_id=r.product_id,
                change=int(r.change),
                stock_after=int(r.stock_after),
                reason=StockReason(r.reason),
                actor_name=r.actor_name,
                at=r.at,
                note=r.note,
                actor_id=r.actor_id,
                order_id=r.order_id,
                note_template=r.note_template,
                note_params=r.note_params,
            )
            for r in self._s.execute(q)
        ]


def _editable(product: Product) -> dict[str, Any]:
    return {
        "name": product.name,
        "sku": product.sku,
        "price_amount": product.price.amount,
        "currency": product.price.currency,
        "tax_rate_thousandths": product.tax_rate.thousandths,
        "low_stock": product.low_stock,
        "active": product.active,
    }


def _promo(row: Any) -> PromoCode:
    if row.percent_thousandths is not None:
        discount = Discount.of_percent(Percent(int(row.percent_thousandths)))
    else:
        discount = Discount.of_amount(Money(int(row.amount), row.currency))
    minimum = (
        None if row.min_order_amount is None else Money(int(row.min_order_amount), row.currency)
    )
    return PromoCode(
        id=row.id,
        code=row.code,
        discount=discount,
        uses=int(row.uses),
        max_uses=None if row.max_uses is None else int(row.max_uses),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        min_order=minimum,
        active=bool(row.active),
    )


class SqlPromoCodeRepository:
    """Promo codes in SQL; a use is counted by one conditional UPDATE (see the module)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def list(self) -> list[PromoCode]:
        """Every code, by code."""
        q = select(promo_codes).order_by(func.lower(promo_codes.c.code))
        return [_promo(row) for row in self._s.execute(q)]

    def by_code(self, code: str) -> PromoCode | None:
        """The code, in any case, or None."""
        q = select(promo_codes).where(func.lower(promo_codes.c.code) == code.strip().lower())
        row = self._s.execute(q).first()
        return None if row is None else _promo(row)

    def add(self, promo: PromoCode, *, created_at: datetime) -> None:
        """Insert a new code (no uses yet)."""
        amount = promo.discount.amount
        priced = amount or promo.min_order  # the one currency both are in (the service checks)
        _write_unique(
            self._s,
            insert(promo_codes).values(
                id=promo.id,
                code=promo.code,
                percent_thousandths=(
                    None if promo.discount.percent is None else promo.discount.percent.thousandths
                ),
                amount=None if amount is None else amount.amount,
                currency=None if priced is None else priced.currency,
                max_uses=promo.max_uses,
                uses=promo.uses,
                valid_from=promo.valid_from,
                valid_until=promo.valid_until,
                min_order_amount=None if promo.min_order is None else promo.min_order.amount,
                active=promo.active,
                created_at=created_at,
            ),
        )
        change_notes.note(self._s, _CATALOG)

    def set_active(self, promo_id: str, active: bool) -> bool:
        """Switch a code on or off; False when there is no such code."""
        done = self._s.execute(
            update(promo_codes).where(promo_codes.c.id == promo_id).values(active=active)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return False
        change_notes.note(self._s, _CATALOG)
        return True

    def take_use(self, promo_id: str) -> int | None:
        """Count one use if the code is active and has one left; the uses after, or None."""
        c = promo_codes.c
        done = self._s.execute(
            update(promo_codes)
            .where(
                c.id == promo_id,
                c.active.is_(True),
                c.max_uses.is_(None) | (c.uses < c.max_uses),
            )
            .values(uses=c.uses + 1)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
        change_notes.note(self._s, _CATALOG)
        return int(self._s.execute(select(c.uses).where(c.id == promo_id)).scalar_one())

    def give_back_use(self, promo_id: str) -> None:
        """Uncount one use (never below zero)."""
        c = promo_codes.c
        self._s.execute(
            update(promo_codes).where(c.id == promo_id, c.uses > 0).values(uses=c.uses - 1)
        )
        change_notes.note(self._s, _CATALOG)
