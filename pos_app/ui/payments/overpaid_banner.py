"""The overpaid flag above the booking's details: "Overpaid by $35.00 — refund the excess".

It paints :class:`~pos_app.ui.payments.overpaid_state.OverpaidView` snapshots and forwards
the click; the presenter (``overpaid_state.py``, no Qt) decides what shows and runs the
refund through the task runner. The main window places it with :meth:`OverpaidBanner.column`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.domain.people import Actor
from pos_app.i18n import _
from pos_app.services.bookings import BookingDetail
from pos_app.ui.kit import theme
from pos_app.ui.kit.pin import pin_edit
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.payments.overpaid_state import (
    BUSY_TEXT,
    ExcessRefunder,
    OverpaidPresenter,
    OverpaidView,
)


class OverpaidBanner(QFrame):
    """A coloured band that flags an overpaid booking and refunds the excess in one click."""

    refunded = Signal(object)  # RefundOutcome, once Stripe has the refund

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overpaidBanner")
        self._runner = runner
        self._presenter: OverpaidPresenter | None = None
        self.headline = QLabel()
        self.headline.setObjectName("overpaidHeadline")
        self.headline.setWordWrap(True)
        self.headline.setFont(theme.font(self, scale=1.1, bold=True))
        self.headline.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.note = QLabel()  # why there is no button, the error, or "Refund … sent"
        self.note.setObjectName("overpaidNote")
        self.note.setWordWrap(True)
        self.pin = pin_edit(_("Manager PIN"))
        self.pin.setAccessibleName(_("Manager PIN to approve the refund"))
        self.pin.setMinimumHeight(44)  # a touch target, as tall as the button beside it
        self.pin.returnPressed.connect(self._clicked)
        self.button = QPushButton()
        self.button.setMinimumHeight(44)
        self.button.clicked.connect(self._clicked)
        theme.make_primary(self.button)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.pin, 1)
        row.addWidget(self.button, 0)
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 12)
        box.setSpacing(6)
        box.addWidget(self.headline)
        box.addWidget(self.note)
        box.addLayout(row)
        self.hide()

    def attach(self, refunder: ExcessRefunder, desk_actor: Callable[[], Actor]) -> None:
        """Refund through ``refunder``; ask a PIN unless ``desk_actor()`` is a manager."""
        self._presenter = OverpaidPresenter(
            refunder,
            self._run,
            is_manager=lambda: desk_actor().is_manager,
            describe=user_message,
            on_state=self.paint,
            on_refunded=self.refunded.emit,
        )

    def show_detail(self, detail: BookingDetail | None) -> None:
        """Follow the booking shown in the detail panel (hidden unless it is overpaid)."""
        if self._presenter is not None:
            self._presenter.show(detail)

    def view(self) -> OverpaidView | None:
        """The state painted now, for tests."""
        return None if self._presenter is None else self._presenter.state

    def column(self, detail_panel: QWidget) -> QWidget:
        """The banner above ``detail_panel``, as one widget for the window's splitter."""
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        col.addWidget(self)
        col.addWidget(detail_panel, 1)
        return holder

    def paint(self, view: OverpaidView | None) -> None:
        """Show ``view`` (hide for None)."""
        if view is None:
            self.pin.clear()
            self.hide()
            return
        self.headline.setText(view.headline)
        note = view.error or view.done or view.reason or (_(BUSY_TEXT) if view.busy else "")
        if not note and view.can_refund and view.needs_pin:
            note = _("A manager approves refunds: type a manager PIN.")
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.button.setText(view.button_text)
        self.button.setVisible(view.can_refund)
        self.button.setEnabled(view.can_refund and not view.busy)
        self.button.setToolTip(
            _("Refund exactly {amount} to the customer's card through Stripe").format(
                amount=view.excess.format()
            )
        )
        self.pin.setVisible(view.can_refund and view.needs_pin)
        self.pin.setEnabled(not view.busy)
        if view.error:
            self.pin.clear()
        self.show()

    def text(self) -> str:
        """All text shown, for tests and screen readers."""
        shown = [self.headline.text()]
        if not self.note.isHidden():
            shown.append(self.note.text())
        if not self.button.isHidden():
            shown.append(self.button.text())
        return "\n".join(shown)

    def _run(
        self,
        fn: Callable[[], Any],
        *,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> object:
        # Callbacks are dropped if the banner is gone by the time Stripe answers.
        return self._runner.run(fn, on_success=on_success, on_failure=on_failure, owner=self)

    def _clicked(self) -> None:
        if self._presenter is not None and self.button.isVisible():
            self._presenter.refund(self.pin.text())
