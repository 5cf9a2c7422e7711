"""Retail products and their stock: what is on the shelf, why it changed, and what to say.

Stock is a count the database keeps: it never goes below zero (a CHECK on the column), and
taking some is one conditional UPDATE (``… SET stock = stock − n WHERE stock >= n``), so two
stations selling the last one cannot both succeed. Every change is a row of its own
(``StockAdjustment``) with its reason and who made it, numbered by the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pos_app.domain import locale_format as lf
from pos_app.domain.audit import Detail
from pos_app.domain.money import Money
from pos_app.domain.percent import ZERO, Percent
from pos_app.i18n import N_, gettext

#: Below or at this many left, the desk is warned (per product; this is the default).
DEFAULT_LOW_STOCK = 3
#: The most one product can hold, and the most one adjustment can move: a typo is refused.
MAX_STOCK = 1_000_000
NAME_MAX = 120
SKU_MAX = 64
NOTE_MAX = 200
# What a barcode scanner types: letters, digits and a few separators.
_SKU = re.compile(r"^[A-Za-z0-9._/-]+$")


class StockReason(StrEnum):
    """Why stock changed."""

    RECEIVE = "receive"  # a delivery came in
    COUNT = "count"  # a count of the shelf set the figure
    DAMAGE = "damage"  # broken, expired, lost
    SALE = "sale"  # sold on a paid order
    REFUND_RESTOCK = "refund_restock"  # a refunded item went back on the shelf

    @property
    def label(self) -> str:
        """Words for the screen and the audit log, in the current language."""
        return gettext(_REASON_WORDS[self])


def reason_words(reason: StockReason) -> str:
    """The reason's marked words (English, a msgid), for a detail said when it is shown."""
    return _REASON_WORDS[reason]


_REASON_WORDS = {
    StockReason.RECEIVE: N_("Received"),
    StockReason.COUNT: N_("Counted"),
    StockReason.DAMAGE: N_("Damaged"),
    StockReason.SALE: N_("Sold"),
    StockReason.REFUND_RESTOCK: N_("Restocked after a refund"),
}


@dataclass(frozen=True, slots=True)
class Product:
    """Something sold off the shelf, e.g. a bottle of shampoo."""

    id: str
    name: str
    price: Money
    stock: int
    tax_rate: Percent = ZERO
    sku: str | None = None
    active: bool = True
    low_stock: int = DEFAULT_LOW_STOCK

    @property
    def is_low(self) -> bool:
        """Whether the desk should be warned that it is running out."""
        return self.stock <= self.low_stock


@dataclass(frozen=True, slots=True)
class StockAdjustment:
    """One change of a product's stock; ``seq`` is the database's order of them."""

    seq: int
    product_id: str
    change: int  # + in, − out
    stock_after: int
    reason: StockReason
    actor_name: str
    at: datetime
    note: str = ""  # as written: what a person typed, or the app's own note in English
    actor_id: str | None = None
    order_id: str | None = None
    # The app's own note as a marked template and its values (``Detail``, migration 0026),
    # said in the reader's language; None for a note a person typed and for older rows.
    note_template: str | None = field(default=None, compare=False)
    note_params: str | None = field(default=None, compare=False)


def not_enough(name: str, left: int) -> str:
    """The refusal when an order asks for more ``name`` than the ``left`` in stock."""
    if left <= 0:
        return gettext("{name} is out of stock.").format(name=name)
    return gettext("Only {count} × {name} left in stock.").format(count=left, name=name)


def low_stock_warning(product: Product) -> str | None:
    """The warning the desk sees for a product running out, or None."""
    if not product.is_low:
        return None
    if product.stock <= 0:
        return gettext("{name} is out of stock.").format(name=product.name)
    return gettext("Only {count} × {name} left: time to order more.").format(
        count=product.stock, name=product.name
    )


def sku_problem(sku: str) -> str | None:
    """The sentence refusing a SKU (what a scanner types), or None."""
    if len(sku) > SKU_MAX or not _SKU.match(sku) or not sku.isascii():
        return gettext(
            "A SKU is up to {count} letters or digits (and . _ / -), as printed under the barcode."
        ).format(count=SKU_MAX)
    return None


#: Which stock figure a refusal names: a product's stock, a shelf count, or its low-stock warning.
CountFigure = Literal["stock", "count", "low_stock"]
# One whole sentence per figure, never "The {what} must be …" with a pasted English noun: a
# translator cannot give a pasted noun its gender or case ("Der Bestand", "La cantidad").
_COUNT_PROBLEMS: dict[CountFigure, str] = {
    "stock": N_("The stock must be a whole number from 0 to {limit}."),
    "count": N_("The count must be a whole number from 0 to {limit}."),
    "low_stock": N_("The low-stock warning must be a whole number from 0 to {limit}."),
}


def count_problem(value: int, what: CountFigure = "stock") -> str | None:
    """The sentence refusing a stock figure outside 0 … MAX_STOCK, in the UI language, or None."""
    if not 0 <= value <= MAX_STOCK:
        return gettext(_COUNT_PROBLEMS[what]).format(limit=lf.number(MAX_STOCK))
    return None


# Rows written before migration 0026 stored the app's own notes (services/order_money.py)
# in English only: these patterns read those back in the reader's language. Rows written
# since carry their template and values (``note_template``) and never come here.
_APP_NOTES = (
    (re.compile(r"sold on order (?P<order>\S+)"), N_("sold on order {order}")),
    (
        re.compile(r"oversold by (?P<short>\d+) on order (?P<order>\S+)"),
        N_("oversold by {short} on order {order}"),
    ),
    (
        re.compile(r"refund (?P<refund>\S+) on order (?P<order>\S+)"),
        N_("refund {refund} on order {order}"),
    ),
)


def note_words(adjustment: StockAdjustment) -> str:
    """A stock change's note as the reader reads it: the app's own notes in the reader's
    language, a note a person typed as typed."""
    if adjustment.note_template:
        try:
            return Detail.from_stored(adjustment.note_template, adjustment.note_params).words()
        except (ValueError, KeyError, IndexError, TypeError):
            return adjustment.note
    if adjustment.order_id is not None:  # only rows from before 0026 (see _APP_NOTES)
        for pattern, template in _APP_NOTES:
            found = pattern.fullmatch(adjustment.note)
            if found:
                return gettext(template).format(**found.groupdict())
    return adjustment.note
