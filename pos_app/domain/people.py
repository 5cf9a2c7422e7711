"""Who works here: bookable resources (staff members, rooms), user accounts and customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_app.i18n import N_, gettext


class Role(StrEnum):
    """What an account may do. Managers also edit the catalogue, approve refunds, read the audit."""

    STAFF = "staff"
    MANAGER = "manager"

    @property
    def label(self) -> str:
        """Words for the screen, in the current language."""
        return gettext(N_("Manager")) if self is Role.MANAGER else gettext(N_("Staff"))


class ResourceKind(StrEnum):
    """A column of the day view: a person who serves, or a room or chair that is booked."""

    STAFF = "staff"
    ROOM = "room"


@dataclass
class Resource:
    """Something a booking occupies; two bookings may not hold one resource at the same time."""

    id: str
    name: str
    kind: ResourceKind = ResourceKind.STAFF
    active: bool = True
    position: int = 0


@dataclass
class User:
    """A person who signs in at the desk with a PIN; ``pin_hash`` is a memory-hard KDF hash."""

    id: str
    name: str
    role: Role
    pin_hash: str
    created_at: datetime
    active: bool = True
    resource_id: str | None = None  # the staff member's own column in the day view

    @property
    def is_manager(self) -> bool:
        """Whether this account may approve refunds and manage the business."""
        return self.role is Role.MANAGER


@dataclass
class Customer:
    """Someone who books; remembered so the desk can find them again by name, email or phone."""

    id: str
    name: str
    created_at: datetime
    email: str | None = None
    phone: str | None = None
    search_key: str = ""  # casefolded name, email and phone digits, for search as you type
    notes: str = ""  # allergies, preferences: what the desk should know before the visit
    language: str | None = None  # a language tag ("de"); None: not known (page follows browser)


def customer_search_key(name: str, email: str | None, phone: str | None) -> str:
    """The text a customer is found by: casefolded name and email, and the phone's digits."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    return " ".join(part for part in (name.casefold(), (email or "").casefold(), digits) if part)


@dataclass(frozen=True)
class Actor:
    """Who did something, as the audit log records it."""

    id: str | None
    name: str
    role: Role | None = None

    @property
    def is_manager(self) -> bool:
        """Whether this actor may approve refunds."""
        return self.role is Role.MANAGER

    @classmethod
    def of(cls, user: User) -> Actor:
        """The actor for a signed-in user."""
        return cls(user.id, user.name, user.role)


# Actions no person took at the desk.
STRIPE_ACTOR = Actor(None, "Stripe")
SYSTEM_ACTOR = Actor(None, "pos-app")
