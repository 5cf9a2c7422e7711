"""The Sell screen's handlers one by one, in CPU time, with 500 products (issue 14).

    .venv/bin/python bench/sell_handlers.py [--products 500] [--rounds 5]

The Sell screen is built on services that answer from memory (no database, no sandbox), so
what is measured is the screen's own work on the GUI thread: opening it, a search typed a
key at a time, a scan (the code and Enter), a tap on a tile, a tip, +, a discount, a reload
after a sale at another station (one product's stock changed), a clear, and Charge (QR): the
charge screen opening over the Sell screen, the Checkout Session's answer landing (its QR
code made on the worker, as the app does), the screen closed, and the quiet time after it
(when a charge screen for the next sale is built ahead); and the screen closed and opened
again (kept, as the shell does). For each:

- ``handler``: ``time.process_time`` around the call itself;
- ``worst pass``: the GUI thread's CPU (``time.thread_time``) in the longest pass of the
  event loop that follows (the view's layout and paint, which Qt runs after the handler);
- ``passes``: the GUI thread's CPU in all the passes that follow until the screen is idle
  again (0.15 s), less what idle passes cost on their own (measured first).

CPU time, not wall time, so a busy machine does not inflate the figures; the longest wall
stall over a whole session is bench/gui_responsiveness.py's. Single process, one thread of
work besides the task runner's.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pos_app.domain.booking import Service
from pos_app.domain.money import Money
from pos_app.domain.payment import PaymentStatus
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import PricingPolicy
from pos_app.domain.products import Product
from pos_app.services.checkout import CheckoutView
from pos_app.services.orders import OrderMoneyDetail

SETTLE_S = 0.15


class Shelf:
    """The reads the Sell screen makes, from memory."""

    def __init__(self, count: int) -> None:
        self.products = [
            Product(
                f"prd_{i}", f"Product {i:04d}", Money(500 + i, "usd"), 50 + i % 7,
                Percent(8875 if i % 3 else 0), f"SKU-{i:05d}",
            )
            for i in range(count)
        ]  # fmt: skip

    def list_products(self, include_inactive: bool = False) -> list[Product]:
        """Every product."""
        return list(self.products)

    def list_services(self, include_inactive: bool = False) -> list[Service]:
        """No services: the tiles are the products."""
        return []

    def pricing_policy(self) -> PricingPolicy:
        """Prices before tax."""
        return PricingPolicy()

    def tip_on_display(self) -> bool:
        """The desk sets the tip."""
        return False

    def part_paid(self) -> list[OrderMoneyDetail]:
        """No sale paid in part."""
        return []


class Till:
    """The checkout service from memory: ``start`` answers once ``answer`` is set, so the
    screen opening and the answer landing are measured apart."""

    def __init__(self) -> None:
        self.answer = threading.Event()
        self.made = 0

    def start(self, booking_id: str, deposit_text: str | None = None) -> CheckoutView:
        """An open link for the order, once the bench lets it answer."""
        self.answer.wait(5)
        self.made += 1
        now = datetime.now(UTC)
        return CheckoutView(
            f"pay_{self.made}", None, PaymentStatus.OPEN, Money(4213 + self.made, "usd"),
            "3 items", "Walk-in", f"http://127.0.0.1:12111/c/pay/cs_test_{self.made:024d}",
            f"cs_test_{self.made}", now + timedelta(minutes=10), now + timedelta(minutes=30),
            0.0, order_id=booking_id,
        )  # fmt: skip

    def refresh(self, payment_id: str) -> CheckoutView:
        """Not called within the bench's second (the screen polls once a second)."""
        raise NotImplementedError

    cancel = regenerate = refresh


def main() -> None:
    """Build the screen, run each handler ``--rounds`` times, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.payments.charge_presenter import ChargeSettings
    from pos_app.ui.payments.charge_view import ChargeDialog
    from pos_app.ui.sell.sell_view import SellDialog
    from pos_app.ui.shell.gui import ensure_application

    app = ensure_application()
    runner = TaskRunner()
    shelf = Shelf(args.products)

    def passes(seconds: float) -> list[float]:
        spent = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            cpu = time.thread_time()
            app.processEvents()
            QApplication.sendPostedEvents()
            spent.append((time.thread_time() - cpu) * 1000)
            time.sleep(0.0005)
        return spent

    idle = passes(0.3)
    idle_per_pass = sorted(idle)[len(idle) // 2]
    figures: dict[str, list[tuple[float, float, float]]] = {}

    def measure(label: str, action: Callable[[], object], settle: float = SETTLE_S) -> None:
        cpu = time.process_time()
        action()
        handler = (time.process_time() - cpu) * 1000
        after = passes(settle)
        work = sum(after) - idle_per_pass * len(after)
        figures.setdefault(label, []).append((handler, max(after), max(0.0, work)))

    dialogs: list[SellDialog] = []

    def open_screen() -> None:
        dialog = SellDialog(shelf, runner, currency="usd")  # type: ignore[arg-type]
        dialog.resize(1366, 768)
        dialog.show()
        dialogs.append(dialog)

    measure("open", open_screen)
    dialog = dialogs[0]
    till = Till()
    charges: list[ChargeDialog] = []

    def reopen() -> None:
        """F2 on a closed Sell screen: the shell shows the kept one afresh (open_sell)."""
        dialog.start_afresh()
        dialog.show()

    def open_charge(order_id: str) -> ChargeDialog:
        """What the shell does for Sell's Charge (openers.charge_order), the cart emptied in
        the next pass as the Sell screen does."""
        QTimer.singleShot(0, dialog, dialog.clear)
        return ChargeDialog.start(till, runner, order_id, dialog, settings=ChargeSettings())

    # As DialogOpeners.open_sell does: the first Charge finds its screen built ahead.
    ChargeDialog.build_ahead(till, runner, dialog, ChargeSettings())
    deadline = time.monotonic() + 30
    while len(dialog.tile_names()) < args.products and time.monotonic() < deadline:
        passes(0.05)
    passes(0.8)
    for n in range(args.rounds):
        for typed in ("Prod", "Product", "Product 0", "Product 01", ""):
            label = f"search {typed!r}" if os.environ.get("BENCH_VERBOSE") else "search (a key)"
            measure(label, lambda typed=typed: dialog.search_edit.setText(typed))

        def scan(n: int = n) -> None:
            dialog.search_edit.setText(f"SKU-{(n * 37) % args.products:05d}")
            dialog.search_edit.returnPressed.emit()

        measure("scan (code and Enter)", scan)
        shown = dialog.tile_names()
        tapped = shown[(n * 13) % len(shown)]
        measure("tap a tile", lambda tapped=tapped: dialog.add_named(tapped))
        measure("tip 15%", lambda: dialog.choose_tip(15))
        measure("+", lambda: dialog.plus_button.click())
        measure("discount 10%", lambda: dialog.discount_edit.textEdited.emit("10%"))
        sold = (n * 7) % args.products  # sold at another station: its stock is one less
        shelf.products[sold] = replace(shelf.products[sold], stock=shelf.products[sold].stock - 1)
        measure("reload (live update)", dialog.reload_orders)
        measure("clear", dialog.clear)
        measure("charge: screen opens", lambda n=n: charges.append(open_charge(f"ord_{n}")))
        measure("charge: answer lands", till.answer.set)
        measure("charge: screen closes", lambda: charges.pop().close())
        till.answer.clear()
        measure("charge: quiet 1 s after", lambda: None, settle=1.0)
        dialog.close()
        passes(0.1)
        measure("open again (kept)", reopen)
        passes(0.5)
    runner.shutdown()
    dialog.close()
    print(
        f"Sell screen, {args.products} products, {args.rounds} rounds; CPU ms "
        f"(idle pass {idle_per_pass:.2f} ms, taken off 'after'):"
    )
    print(f"  {'':24s} {'handler':>15s} {'worst pass':>15s} {'after':>15s}")
    for label, rows in figures.items():
        cells = []
        for k in range(3):
            values = sorted(row[k] for row in rows)
            cells.append(f"{values[len(values) // 2]:6.1f} /{values[-1]:6.1f}")
        print(f"  {label:24s} " + " ".join(f"{c:>15s}" for c in cells))
    print("  (median / worst over the rounds)")


if __name__ == "__main__":
    main()
