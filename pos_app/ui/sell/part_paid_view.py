"""The Sell screen's list of walk-in sales paid in part, read from the database.

A split's cash (or card) part may be taken at one station and the rest at another, or after
the Sell screen was closed: so the list is the database's (``OrderService.part_paid``), not
this screen's memory. It is read in the background when the screen opens and whenever an
order changes anywhere (live updates, ``Topic.ORDER``, through ``SellDialog.reload_orders``);
each sale is one :class:`~pos_app.ui.sell.split_view.SplitPanel` line with its two buttons
("Charge the rest (QR)", "Cash for the rest"). The sale this screen's own split line follows
is left out (it is shown there, with its charge screen's state).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from pos_app.services.orders import OrderMoneyDetail
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.sell.split_view import SplitPanel, SplitServices


class PartPaidServices(SplitServices, Protocol):
    """What the list asks of the app (and each line, of ``SplitServices``)."""

    def part_paid(self) -> list[OrderMoneyDetail]:
        """Walk-in sales paid in part, oldest first (from the database)."""
        ...


#: The list's height at most (one line and a bit): more scroll, so the cart keeps its room.
MAX_HEIGHT = 118


class PartPaidList(QScrollArea):
    """One split line per walk-in sale paid in part, as stored; hidden when there is none."""

    charge_rest = Signal(str)  # order id: open the charge screen for the stored balance

    def __init__(
        self, services: PartPaidServices, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sellPartPaid")
        self._services = services
        self._runner = runner
        self._lines: dict[str, SplitPanel] = {}
        self._charging: set[str] = set()  # listed sales whose charge screen is open here
        self.skip_id: str | None = None  # the sale the screen's own split line shows
        inner = self._inner = QWidget()
        self._box = QVBoxLayout(inner)
        self._box.setContentsMargins(0, 0, 0, 0)
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)  # the card's own ground shows through
        inner.setAutoFillBackground(False)
        self.setMaximumHeight(MAX_HEIGHT)
        self.hide()

    def order_ids(self) -> list[str]:
        """The sales listed, in order."""
        return list(self._lines)

    def line(self, order_id: str) -> SplitPanel | None:
        """The line of ``order_id``, if listed."""
        return self._lines.get(order_id)

    def reload(self) -> None:
        """Read the part-paid sales again, in the background."""
        services = self._services
        self._runner.run(
            lambda: services.part_paid(),
            on_success=self._on_read,
            on_failure=lambda _err: None,  # a hint to re-read only: the lines stay as they are
            owner=self,
            latest=self,  # an older read answering late is dropped: a newer one is on its way
        )

    def follow(self, order_id: str, *, charging: bool) -> None:
        """The charge screen of a listed sale opened, changed or closed: read its line again."""
        line = self._lines.get(order_id)
        if line is None:
            return
        if charging:
            self._charging.add(order_id)
        else:
            self._charging.discard(order_id)
        line.follow(order_id, charging=charging)

    def _on_read(self, found: list[OrderMoneyDetail]) -> None:
        wanted = [d for d in found if d.payable.id != self.skip_id]
        ids = {d.payable.id for d in wanted}
        for order_id in [i for i in self._lines if i not in ids]:
            gone = self._lines.pop(order_id)  # paid in full, voided, or refunded meanwhile
            self._box.removeWidget(gone)
            gone.deleteLater()
        for position, detail in enumerate(wanted):
            line = self._lines.get(detail.payable.id)
            if line is None:
                line = SplitPanel(self._services, self._runner, self._inner)
                line.charge_rest.connect(self.charge_rest)
                self._lines[detail.payable.id] = line
            self._box.insertWidget(position, line)  # oldest first, as read
            line.show_detail(detail, charging=detail.payable.id in self._charging)
        self._lines = {d.payable.id: self._lines[d.payable.id] for d in wanted}
        self._charging &= set(self._lines)
        # As tall as its lines, up to MAX_HEIGHT (then it scrolls): no empty band under one.
        self.setMaximumHeight(min(MAX_HEIGHT, self._inner.sizeHint().height()))
        self.setVisible(bool(self._lines))


__all__ = ["PartPaidList", "PartPaidServices"]
