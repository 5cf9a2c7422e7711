"""The services as the people screens see them: only the methods each one calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from pos_app.domain.people import Actor, Resource
from pos_app.services.audit import AuditPage
from pos_app.services.people import ResourceForm, StaffMember, UserForm

# Annotations only: the domain's ports load every model, which the sign-in page (its first
# screen, before the app is open) does not need.
if TYPE_CHECKING:
    from pos_app.domain.ports import AuditQuery


class SignInPeople(Protocol):
    """What the sign-in page asks of the people service."""

    def has_users(self) -> bool:
        """Whether any account exists."""
        ...

    def list_users(self, *, include_inactive: bool = False) -> list[StaffMember]:
        """Accounts by name (active ones unless ``include_inactive``)."""
        ...

    def authenticate(self, user_id: str, pin: str) -> Actor:
        """Check the PIN and sign the person in at this desk."""
        ...


class FirstRunPeople(Protocol):
    """What the first-run dialog asks of the people service."""

    def create_first_manager(self, name: str, pin: str, pin_again: str | None = None) -> Actor:
        """Create the first (manager) account and sign it in."""
        ...


class EarlySignInPeople(SignInPeople, FirstRunPeople, Protocol):
    """The people service before the app is open (``pos_app.app_early.EarlyPeople``): the
    accounts as read from the file, and the calls that wait for the open app."""

    def roster(self) -> tuple[bool, list[StaffMember]]:
        """Whether any account exists, and the active ones by name (no I/O)."""
        ...


class StaffLister(Protocol):
    """Who has an account (the audit log's person filter)."""

    def list_users(self, *, include_inactive: bool = False) -> list[StaffMember]:
        """Accounts by name (active ones unless ``include_inactive``)."""
        ...


class AuditReader(Protocol):
    """Reading the audit log with its bookings named."""

    def page(self, query: AuditQuery) -> AuditPage:
        """Entries matching ``query``, newest first, with booking labels."""
        ...


class StaffDirectory(Protocol):
    """What the staff editor asks of the people service."""

    def list_users(self, *, include_inactive: bool = False) -> list[StaffMember]:
        """Accounts by name (every one with ``include_inactive``)."""
        ...

    def list_resources(self, *, include_inactive: bool = False) -> list[Resource]:
        """The day view's columns (staff and rooms)."""
        ...

    def create_user(self, form: UserForm) -> StaffMember:
        """Add an account (managers only)."""
        ...

    def update_user(self, user_id: str, form: UserForm) -> StaffMember:
        """Change an account (managers only)."""
        ...

    def save_resource(self, form: ResourceForm) -> Resource:
        """Add or change a column (managers only)."""
        ...
