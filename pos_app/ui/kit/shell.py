"""The Shell protocol: what feature controllers may ask of the main window.

Features (``ui/day``, ``ui/payments``, ``ui/reports``, ``ui/people``, ``ui/manage``) sit
below ``ui/shell`` and never import it; a controller receives a :class:`Shell` instead of
the ``MainWindow``, so it uses only these members and never the window's private state.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QWidget

    from pos_app.app import AppContext
    from pos_app.domain.booking import Booking
    from pos_app.ui.kit.tasks import TaskRunner

MenuName = Literal["booking", "view", "manage", "account"]
Tone = Literal["danger", "warning", "success", "info"]


class Shell(Protocol):
    """The main window, as a feature sees it."""

    @property
    def runner(self) -> TaskRunner:
        """Runs service calls off the GUI thread."""
        ...

    def dialog_parent(self) -> QWidget:
        """The widget dialogs and pop-ups are parented to."""
        ...

    def context(self) -> AppContext | None:
        """The open app (services, config), or None while starting or after a failure."""
        ...

    def show_notice(self, message: str, tone: str = "danger") -> None:
        """One sentence in the window's notice bar."""
        ...

    def reload(self) -> None:
        """Reload the day's bookings (off the GUI thread)."""
        ...

    def selected_booking(self) -> Booking | None:
        """The booking selected in the day's list, if any."""
        ...

    def selected_booking_id(self) -> str | None:
        """The selected booking's id, if any."""
        ...

    def select_booking(self, booking_id: str) -> bool:
        """Select a booking on the shown day; False when it is not there."""
        ...

    def select_after_reload(self, booking_id: str) -> None:
        """Select this booking once the next reload has finished."""
        ...

    def set_day(self, day: date) -> None:
        """Show another business day (the caller reloads)."""
        ...

    def new_booking(
        self,
        *,
        starts_at: datetime | None = None,
        resource_id: str | None = None,
        again: Booking | None = None,
    ) -> object:
        """Open the new-booking dialog, optionally at a time and column, or pre-filled with
        ``again``'s service, staff member and customer ("Book again")."""
        ...

    def charge_selected(self) -> object:
        """Open the charge screen for the selected booking (when it can be charged)."""
        ...

    def menu(self, name: MenuName) -> QMenu:
        """One of the window's menus, for a feature to add its actions to."""
        ...

    def add_shortcut(self, action: QAction) -> None:
        """Make an action's shortcut work anywhere in the window."""
        ...

    # -- the desk's lock (ui/people/desk_access.py) ------------------------------------

    def show_lock_page(self, page: QWidget) -> None:
        """Cover the day with ``page`` (the sign-in page); the menus and top bar go off."""
        ...

    def show_ready_page(self) -> None:
        """Uncover the day: menus and top bar back on, the day's list focused."""
        ...

    def set_corner_widget(self, widget: QWidget) -> None:
        """Put ``widget`` at the right end of the menu bar (who is signed in)."""
        ...

    def open_charge_dialog(self) -> QWidget | None:
        """The charge screen while one is open (locking never closes it), else None."""
        ...
