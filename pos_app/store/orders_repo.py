"""Orders and their lines in SQL: Core statements on the unit of work's session.

An order is written once, whole (its row, its number, its lines) inside the caller's
transaction; its number comes from ``order_numbers``' autoincrement key, so the database
decides the order of numbers, not a station. Later steps change only its status (and, when
payments move onto orders, what was paid), never its lines or figures.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from pos_app.domain.booking import Booking
from pos_app.domain.changes import Change, Topic
from pos_app.domain.money import Money
from pos_app.domain.orders import (
    LineKind,
    Order,
    OrderCustomer,
    OrderStatus,
    SoldLine,
    discount_of,
    tip_of,
)
from pos_app.domain.payable import OrderMoney, RefundLine
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import Discount, OrderLine, Tip, TipBase, price_order
from pos_app.store import change_notes, money_order
from pos_app.store.schema import (
    UTCDateTime,
    order_lines,
    order_numbers,
    orders,
    payments,
    refund_lines,
    refunds,
)

# Orders are written with Core statements, which no flush sees: each write that changes what
# a station shows of an order says so itself (store/change_notes.py announces it at commit).
_ORDER = Change(topics=frozenset({Topic.ORDER}))


def _split(discount: Discount | Tip | None) -> tuple[int | None, int | None]:
    """A discount or tip as stored: (percent in thousandths, amount)."""
    if discount is None:
        return None, None
    if discount.percent is not None:
        return discount.percent.thousandths, None
    assert discount.amount is not None
    return None, discount.amount.amount


class SqlOrderRepository:
    """Orders in SQL (see the module)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, order: Order) -> int:
        """Insert the order and its lines; the number the database gave it."""
        done = cast(
            CursorResult[Any],
            self._s.execute(insert(order_numbers).values(order_id=order.id)),
        )
        key = done.inserted_primary_key
        assert key is not None
        number = int(key[0])
        discount_percent, discount_fixed = _split(order.order_discount)
        tip_percent, tip_fixed = _split(order.tip_input)
        who = order.customer
        self._s.execute(
            insert(orders).values(
                id=order.id,
                number=number,
                booking_id=order.booking_id,
                customer_name=who.name,
                customer_email=who.email or None,
                customer_phone=who.phone or None,
                customer_id=who.customer_id,
                currency=order.currency,
                status=order.status,
                discount_percent=discount_percent,
                discount_fixed=discount_fixed,
                promo_code_id=order.promo_code_id,
                promo_code=order.promo_code,
                tip_percent=tip_percent,
                tip_fixed=tip_fixed,
                prices_include_tax=order.prices_include_tax,
                tip_base=order.tip_base,
                subtotal=order.subtotal,
                discount=order.discount,
                tax=order.tax,
                tip=order.tip,
                total=order.total,
                created_at=order.created_at,
                created_by=order.created_by,
                created_by_name=order.created_by_name,
            )
        )
        self._s.execute(insert(order_lines), [_line_row(order.id, sold) for sold in order.lines])
        change_notes.note(self._s, _ORDER)
        return number

    def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        """One order with its lines, or None; ``for_update`` holds its row until the end."""
        q = select(orders).where(orders.c.id == order_id)
        if for_update:
            q = q.with_for_update()
        row = self._s.execute(q).first()
        return None if row is None else self._order(row)

    def for_booking(self, booking_id: str) -> Order | None:
        """The order a booking owns, or None."""
        row = self._s.execute(select(orders).where(orders.c.booking_id == booking_id)).first()
        return None if row is None else self._order(row)

    def part_paid_walk_ins(self, limit: int) -> list[str]:
        """Walk-in orders (no booking) still open with something paid: ids, oldest number
        first, at most ``limit`` (the status is indexed; few orders are open at once)."""
        o = orders.c
        q = (
            select(o.id)
            .where(
                o.booking_id.is_(None),
                o.status == OrderStatus.OPEN,
                o.paid_amount > 0,
                o.paid_amount < o.total,
            )
            .order_by(o.number)
            .limit(limit)
        )
        return [str(order_id) for order_id in self._s.execute(q).scalars()]

    def set_money(self, order_id: str, *, paid: int, refunded: int, status: str) -> None:
        """Store the order's money summary and status (ledger.recompute's to write); announced
        only when it changed (a payment read again changes nothing)."""
        o = orders.c
        differs = or_(o.paid_amount != paid, o.refunded_amount != refunded, o.status != status)
        done = cast(
            CursorResult[Any],
            self._s.execute(
                update(orders)
                .where(o.id == order_id, differs)
                .values(paid_amount=paid, refunded_amount=refunded, status=status)
            ),
        )
        if done.rowcount:
            change_notes.note(self._s, _ORDER)

    def ensure_for_booking(self, booking_id: str) -> str:
        """The id of the order a booking owns. A booking stored without one (written row by
        row, as 0018 found old ones) is given one now, as 0018 did: its service at its price,
        0 % tax; so every payment has an order (NOT NULL since 0020)."""
        found = self._s.execute(
            select(orders.c.id).where(orders.c.booking_id == booking_id)
        ).scalar()
        if found is not None:
            return str(found)
        booking = self._s.get(Booking, booking_id)
        if booking is None:
            raise ValueError(f"no booking {booking_id}")
        totals = price_order(
            [OrderLine(booking.service_name, booking.price, 1)],
            order_discount=None,
            tip=None,
            prices_include_tax=False,
            tip_base=TipBase.BEFORE_TAX,
        )
        order = Order.build(
            id=f"ord_{uuid.uuid4().hex}",
            items=[(LineKind.SERVICE, booking.service_id)],
            totals=totals,
            tip_base=TipBase.BEFORE_TAX,
            created_at=booking.created_at,
            created_by_name="",
            customer=OrderCustomer(
                booking.customer_name,
                booking.customer_email or "",
                booking.customer_phone or "",
                booking.customer_id,
            ),
            booking_id=booking.id,
        )
        self.add(order)
        return order.id

    def add_refund_lines(self, refund_id: str, lines: Sequence[RefundLine]) -> None:
        """Say which lines (how many of each) a refund gives back, and which go back on the
        shelf when it succeeds."""
        self._s.flush()  # the refund row first: the lines refer to it
        self._s.execute(
            insert(refund_lines),
            [
                {
                    "refund_id": refund_id,
                    "position": x.position,
                    "quantity": x.quantity,
                    "restock": x.restock,
                }
                for x in lines
            ],
        )

    def refunded_quantities(self, order_id: str) -> dict[int, int]:
        """How many of each line (by position) refunds holding money give back."""
        held = [s.value for s in RefundStatus if s.holds_money]
        q = (
            select(refund_lines.c.position, func.sum(refund_lines.c.quantity))
            .join(refunds, refunds.c.id == refund_lines.c.refund_id)
            .where(refunds.c.order_id == order_id, refunds.c.status.in_(held))
            .group_by(refund_lines.c.position)
        )
        return {int(p): int(n) for p, n in self._s.execute(q)}

    def claim_restock(self, order_id: str) -> list[tuple[str, RefundLine]]:
        """The lines of the order's succeeded refunds still to go back on the shelf, marked
        done (each once: the conditional UPDATE decides), as (refund id, line)."""
        q = (
            select(refund_lines)
            .join(refunds, refunds.c.id == refund_lines.c.refund_id)
            .where(
                refunds.c.order_id == order_id,
                refunds.c.status == RefundStatus.SUCCEEDED.value,
                refund_lines.c.restock.is_(True),
                refund_lines.c.restocked.is_(False),
            )
            .order_by(refund_lines.c.refund_id, refund_lines.c.position)
        )
        due: list[tuple[str, RefundLine]] = []
        for row in self._s.execute(q).all():
            done = cast(
                CursorResult[Any],
                self._s.execute(
                    update(refund_lines)
                    .where(
                        refund_lines.c.refund_id == row.refund_id,
                        refund_lines.c.position == row.position,
                        refund_lines.c.restocked.is_(False),
                    )
                    .values(restocked=True)
                ),
            )
            if done.rowcount == 1:
                due.append((row.refund_id, RefundLine(row.position, row.quantity, True)))
        return due

    def money(self, order_id: str) -> OrderMoney:
        """The order's stored money summary, claim and promo flag (read in the caller's
        transaction: lock the order first to rely on it)."""
        row = self._s.execute(
            select(
                orders.c.paid_amount,
                orders.c.refunded_amount,
                orders.c.cash_claim,
                orders.c.cash_claim_until,
                orders.c.promo_use_taken,
                orders.c.status,
            ).where(orders.c.id == order_id)
        ).one()
        return OrderMoney(
            paid_amount=int(row.paid_amount),
            refunded_amount=int(row.refunded_amount),
            cash_claim=row.cash_claim,
            cash_claim_until=row.cash_claim_until,
            promo_use_taken=bool(row.promo_use_taken),
            voided=row.status == OrderStatus.VOID,
        )

    def set_claim(self, order_id: str, claim: str | None, until: datetime | None) -> None:
        """Store the order's "cash is being taken" claim (None ends it)."""
        self._s.execute(
            update(orders)
            .where(orders.c.id == order_id)
            .values(cash_claim=claim, cash_claim_until=until)
        )

    def mark_promo_use(self, order_id: str, *, taken: bool) -> bool:
        """Flip the order's promo flag to ``taken``; False when it already was (once each)."""
        done = cast(
            CursorResult[Any],
            self._s.execute(
                update(orders)
                .where(orders.c.id == order_id, orders.c.promo_use_taken.is_(not taken))
                .values(promo_use_taken=taken)
            ),
        )
        return done.rowcount == 1

    def void(self, order_id: str) -> bool:
        """Void an open order with nothing paid; False when it was not (paid, or void)."""
        done = cast(
            CursorResult[Any],
            self._s.execute(
                update(orders)
                .where(
                    orders.c.id == order_id,
                    orders.c.status == OrderStatus.OPEN,
                    orders.c.paid_amount == 0,
                )
                .values(status=OrderStatus.VOID)
            ),
        )
        if done.rowcount == 1:
            change_notes.note(self._s, _ORDER)
        return done.rowcount == 1

    def claim_stock(self, order_id: str) -> bool:
        """Mark the order's stock taken; False when it already was (take it once)."""
        done = cast(
            CursorResult[Any],
            self._s.execute(
                update(orders)
                .where(orders.c.id == order_id, orders.c.stock_taken.is_(False))
                .values(stock_taken=True)
            ),
        )
        return done.rowcount == 1

    def mark_paid(self, order_id: str, *, at: datetime) -> bool:
        """Record once that the order is paid in full (docs/orders.md 4.5): the next number of
        the database's order of money (store/money_order.py, under the lock a day close
        takes), the latest time among its succeeded payments (``at`` when none is stored)
        and the payment numbered last (the one that completed it). False when it was."""
        marked = select(orders.c.paid_seq).where(orders.c.id == order_id)
        if self._s.execute(marked).scalar() is not None:  # (flushes this transaction's money)
            return False
        paid = payments.c.status == PaymentStatus.SUCCEEDED.value
        latest = (
            select(func.max(payments.c.paid_at))
            .where(payments.c.order_id == order_id, paid)
            .scalar_subquery()
        )
        completing = (
            select(payments.c.id)
            .where(payments.c.order_id == order_id, paid)
            .order_by(func.coalesce(payments.c.record_seq, 0).desc(), payments.c.paid_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        seq = money_order.take_number(self._s)
        done = cast(
            CursorResult[Any],
            self._s.execute(
                update(orders)
                .where(orders.c.id == order_id, orders.c.paid_seq.is_(None))
                .values(
                    paid_seq=seq,
                    paid_at=func.coalesce(latest, _as_stored(at)),
                    paid_payment_id=completing,
                )
            ),
        )
        return done.rowcount == 1

    def replace_lines(self, order: Order) -> None:
        """Store an unpaid order's new lines and figures (add-ons), in place of the old."""
        self._s.execute(delete(order_lines).where(order_lines.c.order_id == order.id))
        self._s.execute(
            update(orders)
            .where(orders.c.id == order.id)
            .values(
                subtotal=order.subtotal,
                discount=order.discount,
                tax=order.tax,
                tip=order.tip,
                total=order.total,
            )
        )
        self._s.execute(insert(order_lines), [_line_row(order.id, sold) for sold in order.lines])
        change_notes.note(self._s, _ORDER)

    def _order(self, row: Any) -> Order:
        q = (
            select(order_lines)
            .where(order_lines.c.order_id == row.id)
            .order_by(order_lines.c.position)
        )
        currency = row.currency
        lines = tuple(_sold(r, currency) for r in self._s.execute(q))
        return Order(
            id=row.id,
            currency=currency,
            status=OrderStatus(row.status),
            lines=lines,
            subtotal=int(row.subtotal),
            discount=int(row.discount),
            tax=int(row.tax),
            tip=int(row.tip),
            total=int(row.total),
            prices_include_tax=bool(row.prices_include_tax),
            tip_base=TipBase(row.tip_base),
            created_at=row.created_at,
            created_by_name=row.created_by_name,
            created_by=row.created_by,
            customer=OrderCustomer(
                row.customer_name,
                row.customer_email or "",
                row.customer_phone or "",
                row.customer_id,
            ),
            booking_id=row.booking_id,
            order_discount=discount_of(row.discount_percent, row.discount_fixed, currency),
            promo_code_id=row.promo_code_id,
            promo_code=row.promo_code,
            tip_input=tip_of(row.tip_percent, row.tip_fixed, currency),
            number=int(row.number),
        )


def _line_row(order_id: str, sold: SoldLine) -> dict[str, Any]:
    line = sold.line
    percent, fixed = _split(line.discount)
    product = sold.kind is LineKind.PRODUCT
    return {
        "order_id": order_id,
        "position": sold.position,
        "kind": sold.kind,
        "product_id": sold.item_id if product else None,
        "service_id": None if product else sold.item_id,
        "name": line.name,
        "unit_amount": line.unit_amount.amount,
        "quantity": line.quantity,
        "tax_rate_thousandths": line.tax_rate.thousandths,
        "discount_percent": percent,
        "discount_fixed": fixed,
        "line_discount": sold.line_discount,
        "order_discount": sold.order_discount,
        "tax": sold.tax,
        "amount": sold.amount,
    }


def _sold(row: Any, currency: str) -> SoldLine:
    kind = LineKind(row.kind)
    return SoldLine(
        position=int(row.position),
        kind=kind,
        item_id=row.product_id if kind is LineKind.PRODUCT else row.service_id,
        line=OrderLine(
            name=row.name,
            unit_amount=Money(int(row.unit_amount), currency),
            quantity=int(row.quantity),
            tax_rate=Percent(int(row.tax_rate_thousandths)),
            discount=discount_of(row.discount_percent, row.discount_fixed, currency),
        ),
        line_discount=int(row.line_discount),
        order_discount=int(row.order_discount),
        tax=int(row.tax),
        amount=int(row.amount),
    )


def _as_stored(at: datetime) -> Any:
    """An aware time as the column stores it (naive UTC), for use inside an expression."""
    return literal(at.astimezone(UTC), UTCDateTime())
