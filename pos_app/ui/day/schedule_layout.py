"""Where each booking goes on the schedule: columns, lanes and minutes (Qt-free).

Computed once per reload by :func:`layout_day`, so a day of 200 bookings paints in a few
milliseconds and the layout is testable without a window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cached_property

from pos_app.domain.booking import Booking
from pos_app.domain.people import Resource, ResourceKind
from pos_app.i18n import N_, _

UNASSIGNED = ""  # the column key of bookings nobody in particular is booked for
UNASSIGNED_TITLE = N_("Unassigned")
DAY_START_HOUR, DAY_END_HOUR = 8, 20
SLOT_MINUTES = 15  # the grid's step: a tap books, and a drop lands, on a quarter hour


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the grid: a resource (or the unassigned bookings)."""

    key: str  # resource id, or UNASSIGNED
    title: str
    caption: str  # "Room", or "" for people


@dataclass(frozen=True)
class Block:
    """Where one booking goes: its column, its lane among overlapping ones, its minutes."""

    booking: Booking
    column: int
    lane: int
    lanes: int
    start_min: int  # minutes since the day's midnight, in the business's time zone
    end_min: int


@dataclass(frozen=True)
class DayLayout:
    """The whole grid for one day."""

    day: date
    columns: list[ColumnSpec]
    blocks: list[Block]
    first_hour: int
    last_hour: int  # exclusive

    def block(self, booking_id: str | None) -> Block | None:
        """The block of ``booking_id``, or None when it is not on this grid."""
        return self._by_id.get(booking_id) if booking_id is not None else None

    @cached_property
    def _by_id(self) -> dict[str, Block]:
        # Each select asks for its block, and a scan read every booking's id, an ORM
        # attribute (~0.4 µs each): a few hundred reads per select for a busy day.
        by_id: dict[str, Block] = {}
        for block in self.blocks:
            by_id.setdefault(block.booking.id, block)  # the first, as the scan found
        return by_id


def empty_layout(day: date) -> DayLayout:
    """A grid with no bookings and only the Unassigned column (before the first load)."""
    return DayLayout(
        day, [ColumnSpec(UNASSIGNED, _(UNASSIGNED_TITLE), "")], [], DAY_START_HOUR, DAY_END_HOUR
    )


def layout_day(
    day: date,
    bookings: Sequence[Booking],
    resources: Sequence[Resource],
    tz: tzinfo,
    *,
    only: str | None = None,
) -> DayLayout:
    """Columns (resources in order, then Unassigned), each booking's lane, and the hours to
    show (08:00–20:00, widened to fit every booking). ``only`` keeps one resource's column."""
    columns = [
        ColumnSpec(r.id, r.name, _("Room") if r.kind is ResourceKind.ROOM else "")
        for r in resources
        if only is None or r.id == only
    ]
    if only is None:
        columns.append(ColumnSpec(UNASSIGNED, _(UNASSIGNED_TITLE), ""))
    index = {c.key: i for i, c in enumerate(columns)}
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    per_column: dict[int, list[tuple[int, int, Booking]]] = {}
    for booking in bookings:
        key = booking.resource_id or UNASSIGNED
        if key not in index:
            if only is not None:
                continue
            key = UNASSIGNED  # a resource that is no longer listed
        start = int((booking.starts_at - midnight).total_seconds() // 60)
        end = math.ceil((booking.ends_at - midnight).total_seconds() / 60)
        start = max(0, min(start, 24 * 60 - 5))
        end = max(start + 5, min(end, 24 * 60))
        per_column.setdefault(index[key], []).append((start, end, booking))
    blocks: list[Block] = []
    for column, items in per_column.items():
        blocks.extend(_lanes(column, items))
    first, last = DAY_START_HOUR, DAY_END_HOUR
    if blocks:
        first = min(first, min(b.start_min for b in blocks) // 60)
        last = max(last, -(-max(b.end_min for b in blocks) // 60))
    blocks.sort(key=lambda b: (b.start_min, b.column, b.lane))
    return DayLayout(day, columns, blocks, first, min(last, 24))


def _lanes(column: int, items: list[tuple[int, int, Booking]]) -> list[Block]:
    """Side by side where bookings overlap (cancelled ones, or several unassigned): each
    cluster of overlapping bookings shares the column's width between its lanes."""
    items.sort(key=lambda t: (t[0], -t[1], t[2].id))
    out: list[Block] = []
    cluster: list[tuple[int, int, int, Booking]] = []  # (start, end, lane, booking)
    cluster_end = -1

    def flush() -> None:
        lanes = 1 + max((lane for _s, _e, lane, _b in cluster), default=0)
        out.extend(Block(b, column, lane, lanes, s, e) for s, e, lane, b in cluster)

    for start, end, booking in items:
        if cluster and start >= cluster_end:
            flush()
            cluster = []
        busy = {lane for s, e, lane, _b in cluster if e > start}
        lane = next(i for i in range(len(cluster) + 1) if i not in busy)
        cluster.append((start, end, lane, booking))
        cluster_end = max(cluster_end, end) if len(cluster) > 1 else end
    if cluster:
        flush()
    return out


@dataclass(frozen=True)
class Grid:
    """The grid's geometry in pixels: enough to turn a point into a slot and back."""

    gutter: float  # width of the hour labels on the left
    column_width: float
    quarter: float  # height of one quarter hour
    first_hour: int
    last_hour: int
    columns: int

    def y(self, minute: float) -> float:
        """The y of ``minute`` (since midnight)."""
        return (minute - self.first_hour * 60) * self.quarter / SLOT_MINUTES

    def column_at(self, x: float) -> int | None:
        """The column under ``x``, or None outside the columns."""
        if x < self.gutter or self.column_width <= 0:
            return None
        column = int((x - self.gutter) // self.column_width)
        return column if column < self.columns else None

    def minute_at(self, y: float) -> int | None:
        """The quarter hour (minutes since midnight) under ``y``, or None outside the day."""
        if y < 0:
            return None
        minute = self.first_hour * 60 + int(y / self.quarter) * SLOT_MINUTES
        return minute if minute < self.last_hour * 60 else None


def slot_start(day: date, minute: int, tz: tzinfo) -> datetime:
    """The aware start of the slot ``minute`` minutes after ``day``'s midnight in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz) + timedelta(minutes=minute)


def drop_target(
    grid: Grid, layout: DayLayout, block: Block, x: float, y_top: float
) -> tuple[int, int] | None:
    """Where a dragged ``block`` lands when its top edge is at ``y_top`` over ``x``: the
    column and the start minute, snapped to the quarter hour and kept inside the day; None
    off the grid or where it already is."""
    column = grid.column_at(x)
    if column is None:
        return None
    length = block.end_min - block.start_min
    raw = grid.first_hour * 60 + y_top * SLOT_MINUTES / grid.quarter
    minute = round(raw / SLOT_MINUTES) * SLOT_MINUTES
    latest = layout.last_hour * 60 - min(length, SLOT_MINUTES)
    minute = max(layout.first_hour * 60, min(minute, latest))
    if column == block.column and minute == block.start_min:
        return None
    return column, minute
