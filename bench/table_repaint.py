"""What the day's bookings table costs the GUI thread: a repaint and each kind of reload (issue 12).

    .venv/bin/python bench/table_repaint.py [--rows 166] [--repeats 30] [--theme light|dark]

The main window's day list alone (``DayList``: the ``bookingTable`` with its chip delegate,
the app stylesheet, 1366×768's table size, 900×620), fed ``--rows`` bookings of one busy day
(every status, staff and amount the bench's desk has). Printed, in the GUI thread's own CPU
time (``time.thread_time``, which a busy machine does not inflate), median and minimum over
``--repeats``:

- a full repaint of the table's viewport (``update()`` and the pass that paints it), with the
  Python ``data()`` calls it makes (0 for a model that answers its roles in C++);
- a reload with the same rows (the periodic reload when nothing changed), one row changed,
  a booking added, a booking removed, and a day change (other bookings): ``set_rows`` and every
  event-loop pass until the table settles, with the number of viewport paints, whether the
  model was reset, and the heaviest single pass. Where ``set_rows`` takes another day's items
  (made on the worker by the day's load), they are made before the clock starts.

Run it from a directory without ``pos_app`` with ``PYTHONPATH=<tree>``: it imports that tree.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pos_app.domain.booking import Booking
from pos_app.domain.booking_status import BookingStatus

STAFF = {f"res_{i}": name for i, name in enumerate(("Ana", "Bilal", "Chen", "Dana", "Emil"))}


def day_rows(day: datetime, count: int, prefix: str) -> list[Booking]:
    """``count`` bookings of ``day``, every 5 minutes, with ids starting ``prefix``."""
    statuses = list(BookingStatus)
    rows = []
    for i in range(count):
        starts = day + timedelta(hours=8, minutes=5 * i)
        status = statuses[i % len(statuses)]
        price = 2500 + 125 * (i % 17)
        paid = price if status in (BookingStatus.PAID,) else 0
        rows.append(
            Booking(
                id=f"{prefix}{i:05d}",
                customer_name=f"Customer number {i} with a longer name",
                service_id="svc",
                service_name=("Haircut", "Colour and cut", "Beard trim")[i % 3],
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                price_amount=price,
                currency="EUR",
                created_at=day,
                customer_email=f"c{i}@example.com",
                status=status,
                paid_amount=paid,
                refunded_amount=500 if i % 11 == 0 and paid else 0,
                resource_id=None if i % 9 == 0 else f"res_{i % 5}",
            )
        )
    return rows


def spin_until_quiet(app: object, passes: list[float]) -> None:
    """Run event-loop passes until two in a row find nothing to do; each pass's CPU in ms."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    quiet = 0
    while quiet < 3:
        start = time.thread_time()
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        spent = (time.thread_time() - start) * 1000
        passes.append(spent)
        quiet = quiet + 1 if spent < 0.15 else 0
        time.sleep(0.002)  # Qt's zero timers (the delayed items layout) come due


def main() -> None:
    """Build the table, time its repaint and its reloads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=166)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    args = parser.parse_args()

    from PySide6.QtCore import QEvent, QObject

    from pos_app.ui.day import booking_table
    from pos_app.ui.day.day_list import DayList
    from pos_app.ui.kit import theme
    from pos_app.ui.shell.gui import ensure_application

    booking_items = getattr(booking_table, "booking_items", None)
    app = ensure_application()
    theme.apply_theme(app, dark=args.theme == "dark")
    day = datetime(2026, 12, 7, tzinfo=UTC)
    today = day_rows(day, args.rows, "bk_a")
    tomorrow = day_rows(day + timedelta(days=1), args.rows, "bk_b")

    days = DayList(lambda: None)
    days.resize(900, 620)
    model, table = days.model, days.table
    model.set_resource_names(STAFF)
    model.set_rows(today)
    days.show_rows(len(today))
    days.show()

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                Paints.count += 1
            return False

    paints = Paints()
    table.viewport().installEventFilter(paints)
    resets = [0]
    model.modelReset.connect(lambda: resets.__setitem__(0, resets[0] + 1))
    calls = [0]
    plain_data = model.data

    def counted(index: object, role: int = 0) -> object:
        calls[0] += 1
        return plain_data(index, role)  # type: ignore[arg-type]

    spin_until_quiet(app, [])
    table.selectRow(40)
    table.scrollTo(model.index(40, 0))
    spin_until_quiet(app, [])

    times = []
    for _ in range(args.repeats):
        start = time.thread_time()
        table.viewport().update()
        app.processEvents()
        times.append((time.thread_time() - start) * 1000)
    # Counted apart, and only for a model with a Python data(): patching one in makes every
    # role of a C++ model go through Python too.
    if "data" in vars(type(model)):
        model.data = counted  # type: ignore[method-assign]
        table.viewport().update()
        app.processEvents()
        del model.data  # type: ignore[attr-defined]
    print(
        f"{args.theme}, {args.rows} rows, table {table.viewport().size().toTuple()}, "
        f"{args.repeats} repeats"
    )
    print(
        f"  full repaint          median {statistics.median(times):5.2f} ms  "
        f"min {min(times):5.2f} ms  Python data() calls {calls[0]}"
    )

    def changed_one(rows: list[Booking], n: int) -> list[Booking]:
        out = list(rows)
        b = out[41]
        out[41] = dataclasses.replace(b, paid_amount=b.paid_amount + 100 + n)
        return out

    def added(rows: list[Booking], n: int) -> list[Booking]:
        extra = dataclasses.replace(rows[30], id=f"bk_new{n:05d}", customer_name="Walk-in")
        return [*rows[:31], extra, *rows[31:]]

    def removed(rows: list[Booking], n: int) -> list[Booking]:
        return rows[:30] + rows[31:]

    cases: list[tuple[str, Callable[[list[Booking], int], list[Booking]]]] = [
        ("same rows (fresh copies)", lambda rows, n: [dataclasses.replace(b) for b in rows]),
        ("one row changed", changed_one),
        ("a booking added", added),
        ("a booking removed", removed),
        ("day change", lambda rows, n: tomorrow if rows[0].id.startswith("bk_a") else today),
    ]
    for label, make in cases:
        totals, worst, counts, reset_counts = [], [], [], []
        current = today
        for n in range(args.repeats):
            model.set_rows(current)  # back to the day the case starts from
            table.selectRow(40)
            spin_until_quiet(app, [])
            new = make(current, n)
            cells = [model._row_texts(b) for b in new]
            # Another day's items too, where the model takes them: made on the worker, as the
            # day's load makes them (the shown day's reload leaves the few it needs to the
            # GUI thread, as here).
            another_day = booking_items is not None and label == "day change"
            made = booking_items(new, cells, theme.is_dark()) if another_day else None
            Paints.count, resets[0] = 0, 0
            passes: list[float] = []
            start = time.thread_time()
            if made is not None:
                model.set_rows(new, cells, made)
            else:
                model.set_rows(new, cells)
            passes.append((time.thread_time() - start) * 1000)
            spin_until_quiet(app, passes)
            totals.append(sum(passes))
            worst.append(max(passes))
            counts.append(Paints.count)
            reset_counts.append(resets[0])
        print(
            f"  {label:<22}total median {statistics.median(totals):5.2f} ms "
            f"(min {min(totals):5.2f}); heaviest pass median {statistics.median(worst):5.2f} "
            f"ms; viewport paints {statistics.median(counts):.0f}; resets "
            f"{statistics.median(reset_counts):.0f}"
        )
    days.close()


if __name__ == "__main__":
    main()
