"""Retail products and their stock: the editor's use cases, and stock taken by a sale.

Stock changes in one place, :func:`change_stock`, inside the caller's unit of work: the
conditional UPDATE (never below zero), the adjustment row numbered by the database, and the
audit entry commit together or not at all. The order flow takes stock with it in the same
transaction that records the order paid; the editor's receive, count and damage use it on
their own (managers only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from pos_app.domain import locale_format as lf
from pos_app.domain.audit import AuditAction, Detail
from pos_app.domain.errors import (
    DuplicateError,
    FormErrors,
    InvalidStateError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.money import Money, parse_money, validate_chargeable
from pos_app.domain.people import Actor
from pos_app.domain.percent import Percent, parse_percent
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.products import (
    DEFAULT_LOW_STOCK,
    MAX_STOCK,
    NAME_MAX,
    NOTE_MAX,
    Product,
    StockAdjustment,
    StockReason,
    count_problem,
    not_enough,
    sku_problem,
)
from pos_app.domain.text import bounded, name_problem, strip_forbidden
from pos_app.i18n import N_, gettext
from pos_app.services import audit
from pos_app.services.audit_words import product_words, stock_words
from pos_app.services.catalog import CATALOG, MANAGERS_ONLY, SUPPORTED_CURRENCIES
from pos_app.services.context import Deps
from pos_app.services.ids import new_id

log = logging.getLogger(__name__)

#: Who may change stock by hand (receive, count, damage); sales and restocks need nobody.
STOCK_MANAGERS_ONLY = N_("Only a manager can change stock by hand.")
PRODUCT_GONE = N_("That product no longer exists.")
_BY_HAND = frozenset({StockReason.RECEIVE, StockReason.COUNT, StockReason.DAMAGE})


@dataclass(frozen=True)
class ProductForm:
    """The product editor's fields, as typed; ``id`` None adds a new product (with ``stock``
    as its opening stock; an existing product's stock changes only through adjustments)."""

    id: str | None
    name: str
    price_text: str
    currency: str
    stock: int = 0
    sku: str = ""
    tax_rate_text: str = "0"
    low_stock: int = DEFAULT_LOW_STOCK
    active: bool = True


def change_stock(
    uow: UnitOfWork,
    product_id: str,
    change: int,
    *,
    reason: StockReason,
    actor: Actor,
    at: datetime,
    note: str | Detail = "",
    order_id: str | None = None,
) -> StockAdjustment:
    """Change a product's stock by ``change`` inside ``uow`` (the caller commits), with its
    adjustment row and audit entry; InvalidStateError naming what is left when there is not
    enough (nothing is changed). ``note`` is what a person typed, or the app's own note as a
    ``Detail`` (stored with its template, said in the reader's language)."""
    product = uow.products.get(product_id)
    if product is None:
        raise NotFoundError(PRODUCT_GONE)
    if not -MAX_STOCK <= change <= MAX_STOCK or change == 0:
        raise ValidationError(
            "quantity",
            gettext("Change the stock by 1 to {limit}.").format(limit=lf.number(MAX_STOCK)),
        )
    after = uow.products.change_stock(product_id, change)
    if after is None:
        # Read after the refusal: what another station left, not what this one saw before.
        now = uow.products.get(product_id)
        raise InvalidStateError(not_enough(product.name, now.stock if now else 0))
    template: str | None = None
    params: str | None = None
    if isinstance(note, Detail):
        template, params = note.stored()
        clean = bounded(note.english(), NOTE_MAX)
    else:
        clean = bounded(strip_forbidden(note), NOTE_MAX)
    adjustment = StockAdjustment(
        seq=0,
        product_id=product_id,
        change=change,
        stock_after=after,
        reason=reason,
        actor_name=actor.name,
        at=at,
        note=clean,
        actor_id=actor.id,
        order_id=order_id,
        note_template=template,
        note_params=params,
    )
    seq = uow.products.record(adjustment)
    said: str | Detail = note if isinstance(note, Detail) else clean
    audit.record(
        uow,
        at=at,
        actor=actor,
        action=AuditAction.STOCK_ADJUSTED,
        detail=stock_words(product.name, reason, change, after - change, said),
    )
    return replace(adjustment, seq=seq)


class ProductService:
    """Add and edit products (managers), find them, and change their stock."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def list_products(self, include_inactive: bool = False) -> list[Product]:
        """Products by name (active ones only unless ``include_inactive``)."""
        with self._d.uow() as uow:
            return uow.products.list(active_only=not include_inactive)

    def low_stock(self) -> list[Product]:
        """Active products at or below their low-stock threshold, by name."""
        return [p for p in self.list_products() if p.is_low]

    def find(self, name_or_sku: str) -> Product:
        """A product by id, name or SKU (any case), or NotFoundError."""
        key = name_or_sku.strip()
        with self._d.uow() as uow:
            found = uow.products.get(key) or uow.products.find(key)
        if found is None:
            raise NotFoundError(
                gettext("There is no product called '{name}'.").format(name=bounded(key, 60))
            )
        return found

    def adjustments(self, product_id: str, *, limit: int = 100) -> list[StockAdjustment]:
        """A product's stock changes, newest first."""
        with self._d.uow() as uow:
            return uow.products.adjustments(product_id, limit=limit)

    def save_product(self, form: ProductForm) -> Product:
        """Add or change a product (managers only), or raise FormErrors and change nothing."""
        actor = self._d.desk.actor
        if not actor.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)
        errors, fields = _check(form)
        with self._d.uow(write=True) as uow:
            uow.serialize(CATALOG)
            existing = None
            if form.id is not None:
                existing = uow.products.get(form.id, for_update=True)
                if existing is None:
                    raise NotFoundError(PRODUCT_GONE)
            errors.update(_taken(uow, fields, form.id))
            if errors:
                raise FormErrors(errors)
            product = _product(form, fields, existing)
            now = self._d.clock.now()
            after = product_words(product)
            try:
                if existing is None:
                    uow.products.add(product, created_at=now)
                    detail = Detail(N_("Added product {product}"), {"product": after})
                else:
                    before = product_words(existing)
                    if before.english() == after.english():
                        return existing
                    uow.products.update(product)
                    detail = Detail(
                        N_("Changed product {before} → {after}"),
                        {"before": before, "after": after},
                    )
            except DuplicateError as err:
                raise FormErrors({_FIELD_OF_RULE.get(err.rule, "name"): err.message}) from err
            audit.record(
                uow,
                at=now,
                actor=actor,
                action=AuditAction.CATALOG_CHANGED,
                amount=product.price.amount,
                currency=product.price.currency,
                detail=detail,
            )
            uow.commit()
        log.info("product.saved product=%s by=%s", product.id, actor.id)
        return product

    def adjust_stock(
        self, product_id: str, change: int, reason: StockReason, note: str = ""
    ) -> StockAdjustment:
        """Receive (+), remove as damaged (−), or any change by hand (managers only)."""
        actor = self._d.desk.actor
        if reason in _BY_HAND and not actor.is_manager:
            raise PermissionDeniedError(STOCK_MANAGERS_ONLY)
        with self._d.uow(write=True) as uow:
            done = change_stock(
                uow,
                product_id,
                change,
                reason=reason,
                actor=actor,
                at=self._d.clock.now(),
                note=note,
            )
            uow.commit()
        log.info("stock.adjusted product=%s change=%d seq=%d", product_id, change, done.seq)
        return done

    def count_stock(self, product_id: str, counted: int, note: str = "") -> StockAdjustment | None:
        """Set the stock to what a count of the shelf found (managers only); None when it
        already was that (nothing is recorded)."""
        actor = self._d.desk.actor
        if not actor.is_manager:
            raise PermissionDeniedError(STOCK_MANAGERS_ONLY)
        if problem := count_problem(counted, "count"):
            raise FormErrors({"stock": problem})
        with self._d.uow(write=True) as uow:
            # Held until commit: a sale on another station waits, then takes from the count.
            product = uow.products.get(product_id, for_update=True)
            if product is None:
                raise NotFoundError(PRODUCT_GONE)
            if product.stock == counted:
                return None
            done = change_stock(
                uow,
                product_id,
                counted - product.stock,
                reason=StockReason.COUNT,
                actor=actor,
                at=self._d.clock.now(),
                note=note,
            )
            uow.commit()
        return done

    def take(self, product_id: str, quantity: int, *, order_id: str | None = None) -> int:
        """Take ``quantity`` off the shelf for a sale, in a transaction of its own; the stock
        left, or InvalidStateError naming what is left (the order flow calls
        :func:`change_stock` inside its own transaction instead)."""
        with self._d.uow(write=True) as uow:
            done = change_stock(
                uow,
                product_id,
                -quantity,
                reason=StockReason.SALE,
                actor=self._d.desk.actor,
                at=self._d.clock.now(),
                order_id=order_id,
            )
            uow.commit()
        return done.stock_after


def _taken(uow: UnitOfWork, fields: _Clean, own_id: str | None) -> dict[str, str]:
    """The name or SKU another product already has, by field."""
    errors: dict[str, str] = {}
    others = [p for p in uow.products.list(active_only=False) if p.id != own_id]
    name, sku = (fields.name or "").casefold(), (fields.sku or "").casefold()
    for other in others:
        if name and other.name.casefold() == name:
            errors["name"] = gettext("There is already a product called {name}.").format(
                name=other.name
            )
        if sku and (other.sku or "").casefold() == sku:
            errors["sku"] = gettext("{name} already has the SKU {sku}.").format(
                name=other.name, sku=other.sku
            )
    return errors


def restock(
    uow: UnitOfWork,
    product_id: str,
    quantity: int,
    *,
    actor: Actor,
    at: datetime,
    order_id: str | None = None,
) -> StockAdjustment:
    """Put ``quantity`` of a refunded item back on the shelf inside ``uow`` (the refund's
    transaction; the caller commits)."""
    return change_stock(
        uow,
        product_id,
        quantity,
        reason=StockReason.REFUND_RESTOCK,
        actor=actor,
        at=at,
        order_id=order_id,
    )


_FIELD_OF_RULE = {"product_name": "name", "product_sku": "sku"}


@dataclass
class _Clean:
    """A form's values once checked (None where the field was refused or left empty)."""

    name: str | None = None
    sku: str | None = None
    price: Money | None = None
    tax_rate: Percent | None = None


def _check(form: ProductForm) -> tuple[dict[str, str], _Clean]:
    """The form's problems by field, and its clean values."""
    errors: dict[str, str] = {}
    fields = _Clean()
    name = " ".join(form.name.split())
    if not name:
        errors["name"] = gettext("Enter the product's name.")
    elif problem := name_problem(name, "product's name", limit=NAME_MAX):
        errors["name"] = problem
    else:
        fields.name = name
    sku = form.sku.strip()
    if sku:
        if problem := sku_problem(sku):
            errors["sku"] = problem
        else:
            fields.sku = sku
    currency = form.currency.strip().lower()
    if currency not in SUPPORTED_CURRENCIES:
        errors["currency"] = gettext("Choose a currency from the list.")
    else:
        try:
            price = parse_money(form.price_text, currency)
            validate_chargeable(price)
            fields.price = price
        except ValidationError as err:
            errors["price"] = err.message
    try:
        fields.tax_rate = parse_percent(form.tax_rate_text, field="tax_rate", what="tax rate")
    except ValidationError as err:
        errors["tax_rate"] = err.message
    if form.id is None and (problem := count_problem(form.stock)):
        errors["stock"] = problem
    if problem := count_problem(form.low_stock, "low_stock"):
        errors["low_stock"] = problem
    return errors, fields


def _product(form: ProductForm, fields: _Clean, existing: Product | None) -> Product:
    assert fields.name is not None and fields.price is not None and fields.tax_rate is not None
    return Product(
        id=existing.id if existing else new_id("prod"),
        name=fields.name,
        price=fields.price,
        stock=existing.stock if existing else form.stock,
        tax_rate=fields.tax_rate,
        sku=fields.sku,
        active=form.active,
        low_stock=form.low_stock,
    )
