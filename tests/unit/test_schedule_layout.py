"""The schedule's Qt-free maths: columns, lanes, the grid's geometry and where a drag lands."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pos_app.domain.booking import Booking
from pos_app.domain.people import Resource
from pos_app.ui.day.schedule_layout import (
    UNASSIGNED_TITLE,
    Grid,
    drop_target,
    empty_layout,
    layout_day,
    slot_start,
)

DAY = date(2030, 5, 6)


def _booking(bid: str, hour: int, minutes: int, resource: str | None) -> Booking:
    start = datetime(2030, 5, 6, hour, tzinfo=UTC)
    return Booking(
        id=bid,
        customer_name="Ana Silva",
        service_id="svc",
        service_name="Cut",
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        price_amount=3500,
        currency="usd",
        created_at=start,
        resource_id=resource,
    )


def _grid(columns: int = 2) -> Grid:
    return Grid(
        gutter=60, column_width=100, quarter=20, first_hour=8, last_hour=20, columns=columns
    )


def test_grid_turns_points_into_slots_and_back() -> None:
    grid = _grid()
    assert grid.column_at(59) is None  # the hour labels
    assert grid.column_at(60) == 0 and grid.column_at(160) == 1
    assert grid.column_at(260) is None  # right of the last column
    assert grid.minute_at(-1) is None
    assert grid.minute_at(0) == 8 * 60
    assert grid.minute_at(39) == 8 * 60 + 15  # the second quarter
    assert grid.minute_at(12 * 4 * 20) is None  # 20:00 is past the day
    assert grid.y(9 * 60) == 80


def test_slot_start_is_aware_in_the_business_zone() -> None:
    assert slot_start(DAY, 10 * 60 + 30, UTC) == datetime(2030, 5, 6, 10, 30, tzinfo=UTC)


def test_a_drag_snaps_to_the_quarter_hour_and_stays_in_the_day() -> None:
    lay = layout_day(DAY, [_booking("a", 10, 60, "r1")], [Resource("r1", "Priya")], UTC)
    block = lay.blocks[0]
    grid = _grid()
    # Dropped 1 h 07 m lower in the next column (Unassigned): snaps to 11:00.
    assert drop_target(grid, lay, block, 170, grid.y(11 * 60 + 7)) == (1, 11 * 60)
    assert drop_target(grid, lay, block, 170, grid.y(11 * 60 + 8)) == (1, 11 * 60 + 15)
    # Where it already is: no move.
    assert drop_target(grid, lay, block, 70, grid.y(10 * 60 + 3)) is None
    # Above the first hour: the first slot; off the columns: nothing.
    assert drop_target(grid, lay, block, 70, -500) == (0, 8 * 60)
    assert drop_target(grid, lay, block, 20, grid.y(12 * 60)) is None
    # Below the last hour: kept inside the day.
    assert drop_target(grid, lay, block, 70, 10_000) == (0, 20 * 60 - 15)


def test_empty_layout_and_block_lookup() -> None:
    lay = empty_layout(DAY)
    assert [c.title for c in lay.columns] == [UNASSIGNED_TITLE] and lay.blocks == []
    full = layout_day(DAY, [_booking("a", 9, 30, None)], [], UTC)
    found = full.block("a")
    assert found is not None and found.start_min == 9 * 60
    assert full.block("missing") is None
