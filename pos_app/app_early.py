"""The sign-in page's people before the app is open: the desk is ready for input while the
app opens (issue 12: ready for input ≤ 0.6 s).

Opening the app (``app.open_app``) loads SQLAlchemy, checks and migrates the database and
builds the services: about half a second of CPU. The sign-in page needs only who has an
account, which ``store/staff_preview.py`` reads from the SQLite file with the standard library.
:class:`EarlyPeople` answers the page with that, and hands everything that needs the app (the
PIN check, creating the first manager, every account with the inactive ones) to the open app
once it is there. Those calls run on the task runner's threads, which wait for the open; the
GUI thread never does. A database server (PostgreSQL), or a file the preview does not answer
for (missing, to migrate, newer, locked, damaged), gets no early page: the window waits for
the full open as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pos_app.domain.people import Actor
from pos_app.services.people import StaffMember
from pos_app.store.staff_preview import StaffPreview, read_staff

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.config import Config

__all__ = ["EarlyPeople", "early_people"]


class EarlyPeople:
    """The people service as the sign-in page and the first-run dialog use it, before the
    app is open. ``app`` returns the open app, waiting for it (or raises why it did not
    open); it is called on a worker thread only."""

    def __init__(self, preview: StaffPreview, app: Callable[[], AppContext]) -> None:
        self._any = preview.any_users
        self._members = [
            StaffMember(
                id=row.id,
                name=row.name,
                role=row.role,
                active=True,
                takes_bookings=row.takes_bookings,
                resource_id=row.resource_id,
            )
            for row in preview.staff
        ]
        self._app = app

    def roster(self) -> tuple[bool, list[StaffMember]]:
        """Whether any account exists, and the active ones by name: as read, no I/O (the
        page shows them at once, without a round trip through a worker)."""
        return self._any, list(self._members)

    def has_users(self) -> bool:
        """Whether any account existed when the file was read."""
        return self._any

    def list_users(self, *, include_inactive: bool = False) -> list[StaffMember]:
        """The active accounts as read; every account asks the open app (waits for it)."""
        if include_inactive:
            return self._app().people.list_users(include_inactive=True)
        return list(self._members)

    def authenticate(self, user_id: str, pin: str) -> Actor:
        """Check the PIN with the open app, once it is open (waits for it)."""
        return self._app().people.authenticate(user_id, pin)

    def create_first_manager(self, name: str, pin: str, pin_again: str | None = None) -> Actor:
        """Create the first manager with the open app, once it is open (waits for it); refused
        there if an account exists by then."""
        return self._app().people.create_first_manager(name, pin, pin_again)


def early_people(config: Config, app: Callable[[], AppContext]) -> EarlyPeople | None:
    """The sign-in page's people from a read-only look at ``config``'s database, or None when
    the page must wait for the open app (see the module's docstring). Blocking I/O: call it
    on a worker thread."""
    preview = read_staff(config.database_url)
    return None if preview is None else EarlyPeople(preview, app)
