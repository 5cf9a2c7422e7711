"""The day's bookings table takes a reload as the changes it carries: changed rows repainted,
added and removed bookings inserted and removed, no model reset (which would repaint the whole
table twice and drop the selection) unless the list is another day's or its order changed."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.ui.day.booking_table import BookingTableModel, Column
from pos_app.ui.day.day_load_state import row_texts
from tests.ui.day_rows import plain_booking


def _booking(n: int, *, day: int = 1, prefix: str = "bk") -> Booking:
    return plain_booking(n, day=day, prefix=prefix)


class _Log:
    """What the model told its views."""

    def __init__(self, model: BookingTableModel) -> None:
        self.events: list[tuple[str, int, int]] = []
        model.modelReset.connect(lambda: self.events.append(("reset", -1, -1)))
        model.layoutChanged.connect(lambda *_a: self.events.append(("layout", -1, -1)))
        model.dataChanged.connect(
            lambda top, bottom, *_a: self.events.append(("data", top.row(), bottom.row()))
        )
        model.rowsInserted.connect(
            lambda _p, first, last: self.events.append(("insert", first, last))
        )
        model.rowsRemoved.connect(
            lambda _p, first, last: self.events.append(("remove", first, last))
        )


def _table(qtbot: QtBot, rows: list[Booking]) -> tuple[QTableView, BookingTableModel, _Log]:
    model = BookingTableModel(UTC)
    model.set_rows(rows)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    return view, model, _Log(model)


def _selected(view: QTableView, model: BookingTableModel) -> str | None:
    rows = view.selectionModel().selectedRows()
    booking = model.booking_at(rows[0].row()) if rows else None
    return None if booking is None else booking.id


def _reload(model: BookingTableModel, rows: list[Booking]) -> None:
    """As the day controller does after a background load: fresh objects, texts made."""
    fresh = [dataclasses.replace(b) for b in rows]
    model.set_rows(fresh, [row_texts(b, model.timezone(), {}) for b in fresh])


def _texts(model: BookingTableModel) -> list[list[object]]:
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_a_reload_with_the_same_rows_tells_the_view_nothing(qtbot: QtBot) -> None:
    rows = [_booking(n) for n in range(6)]
    view, model, log = _table(qtbot, rows)
    view.selectRow(3)
    _reload(model, rows)
    model.set_rows([dataclasses.replace(b) for b in rows])  # texts worked out here
    assert log.events == []
    assert _selected(view, model) == "bk_003"


def test_a_changed_booking_repaints_its_row_only_and_shows_the_change(qtbot: QtBot) -> None:
    rows = [_booking(n) for n in range(6)]
    view, model, log = _table(qtbot, rows)
    view.selectRow(1)
    rows[4] = dataclasses.replace(rows[4], status=BookingStatus.PAID, paid_amount=3500)
    _reload(model, rows)
    assert log.events == [("data", 4, 4)]
    assert model.index(4, Column.STATUS).data() == "Paid"
    assert model.index(4, Column.PAID).data() == "$35.00"
    assert _selected(view, model) == "bk_001"
    # Two rows apart: two repaints of one row each, not every row between them.
    rows[0] = dataclasses.replace(rows[0], customer_name="Ada")
    rows[5] = dataclasses.replace(rows[5], customer_name="Grace")
    _reload(model, rows)
    assert log.events[1:] == [("data", 0, 0), ("data", 5, 5)]
    assert model.index(0, Column.CUSTOMER).data() == "Ada"
    assert model.index(5, Column.CUSTOMER).data() == "Grace"
    # A change no cell's text shows (the e-mail in the customer's tooltip) still repaints.
    rows[2] = dataclasses.replace(rows[2], customer_email="new@example.com")
    _reload(model, rows)
    assert log.events[3:] == [("data", 2, 2)]
    assert model.index(2, Column.CUSTOMER).data(Qt.ItemDataRole.ToolTipRole) == (
        "Customer 2 · new@example.com"
    )


def test_an_added_booking_is_inserted_and_the_selection_stays_on_its_booking(
    qtbot: QtBot,
) -> None:
    rows = [_booking(n) for n in range(0, 12, 2)]  # bk_000, bk_002 … bk_010
    view, model, log = _table(qtbot, rows)
    view.selectRow(3)  # bk_006
    view.setCurrentIndex(model.index(3, Column.CUSTOMER))
    rows = sorted([*rows, _booking(3), _booking(5)], key=lambda b: b.starts_at)
    _reload(model, rows)
    assert log.events == [("insert", 2, 2), ("insert", 4, 4)]
    assert [b.id for b in model.rows()] == [b.id for b in rows]
    assert model.index(2, Column.CUSTOMER).data() == "Customer 3"
    assert _selected(view, model) == "bk_006"
    assert view.currentIndex().row() == 5  # the keyboard goes on from the same booking


def test_a_removed_booking_is_removed_and_the_selection_stays_on_its_booking(
    qtbot: QtBot,
) -> None:
    rows = [_booking(n) for n in range(8)]
    view, model, log = _table(qtbot, rows)
    view.selectRow(6)
    _reload(model, rows[:2] + rows[4:])
    assert log.events == [("remove", 2, 3)]
    assert [b.id for b in model.rows()] == [
        "bk_000",
        "bk_001",
        "bk_004",
        "bk_005",
        "bk_006",
        "bk_007",
    ]
    assert _selected(view, model) == "bk_006"


def test_another_day_or_a_new_order_resets_the_list(qtbot: QtBot) -> None:
    rows = [_booking(n) for n in range(4)]
    view, model, log = _table(qtbot, rows)
    view.selectRow(1)
    moved = [rows[0], rows[2], rows[1], rows[3]]
    _reload(model, moved)
    assert log.events == [("reset", -1, -1)]
    assert [b.id for b in model.rows()] == [b.id for b in moved]
    other = [_booking(n, day=2, prefix="bt") for n in range(3)]
    _reload(model, other)
    assert log.events[1:] == [("reset", -1, -1)]
    assert _selected(view, model) is None  # another day's row is not selected in its place


def test_any_mix_of_changes_ends_as_a_fresh_list(qtbot: QtBot) -> None:
    """Random reloads (bookings added, removed and changed at once) leave the table showing
    what a table filled afresh with the same rows shows, and the selected booking selected
    while it is there."""
    rng = random.Random(12)
    pool = [_booking(n) for n in range(40)]
    rows = pool[::3]
    view, model, log = _table(qtbot, rows)
    resets = 0
    for _ in range(60):
        kept = [b for b in rows if rng.random() > 0.2]
        shown = {b.id for b in rows}
        added = [b for b in pool if b.id not in shown and rng.random() < 0.1]
        new = sorted(kept + added, key=lambda b: b.starts_at)
        new = [
            dataclasses.replace(b, customer_name=f"Renamed {rng.random():.3f}")
            if rng.random() < 0.15
            else b
            for b in new
        ]
        if model.rowCount():
            view.selectRow(rng.randrange(model.rowCount()))
        chosen = _selected(view, model)
        log.events.clear()
        _reload(model, new)
        fresh = BookingTableModel(UTC)
        fresh.set_rows(new)
        assert _texts(model) == _texts(fresh)
        assert model.rows() == new
        if chosen in {b.id for b in new}:
            assert _selected(view, model) == chosen
        if {b.id for b in new} & shown:
            assert ("reset", -1, -1) not in log.events
        resets += ("reset", -1, -1) in log.events
        rows = new
    assert model.rowCount(QModelIndex()) == len(rows)
    assert resets <= 2  # the list emptied now and then: the next bookings come in afresh
