"""Staff accounts and their PINs, signing in (with a lockout), and the rooms bookings occupy.

Every change is for managers only and is written to the audit log in the same transaction,
never with the PIN. PIN checks and their lockout (per station and account) live in
``services.sign_in``; a new PIN set here clears the account's lock at every station.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_app.domain.audit import AuditAction, Detail, DetailValue, joined
from pos_app.domain.errors import (
    FormErrors,
    InvalidStateError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.people import Actor, Resource, ResourceKind, Role, User
from pos_app.domain.text import name_problem
from pos_app.i18n import N_, gettext, ngettext
from pos_app.services import audit, pins
from pos_app.services.audit_words import added, changed, resource_words, user_words
from pos_app.services.context import Deps
from pos_app.services.ids import new_id
from pos_app.services.sign_in import AccountLockedError as AccountLockedError
from pos_app.services.sign_in import SignInService
from pos_app.services.sign_in import WrongPinError as WrongPinError
from pos_app.services.sign_in import say_duration as say_duration

# Annotations only: the domain's ports load every model, which the sign-in page (its first
# screen, before the app is open) does not need.
if TYPE_CHECKING:
    from pos_app.domain.ports import UnitOfWork

log = logging.getLogger(__name__)

# Accounts and columns change one station at a time (UnitOfWork.serialize): their rules
# (unique names, always one active manager) are checked by reading, then writing.
PEOPLE = "people"

MAX_NAME = 120
LOCK_MINUTES_KEY = "station.lock_minutes"  # written by the settings dialog; 0 = never
DEFAULT_LOCK_MINUTES = 5

MANAGERS_ONLY = N_("Only a manager can change staff and rooms.")
LAST_MANAGER = N_("There must always be an active manager. Make someone else a manager first.")


def parse_lock_minutes(value: str | None) -> int:
    """A stored lock setting as whole minutes (0 = never); the default if unset or unreadable."""
    try:
        minutes = int((value or "").strip())
    except ValueError:
        return DEFAULT_LOCK_MINUTES
    return minutes if 0 <= minutes <= 24 * 60 else DEFAULT_LOCK_MINUTES


@dataclass(frozen=True)
class StaffMember:
    """An account as the screens see it (never its PIN hash)."""

    id: str
    name: str
    role: Role
    active: bool
    takes_bookings: bool
    resource_id: str | None

    @property
    def is_manager(self) -> bool:
        """Whether this account may approve refunds and manage the business."""
        return self.role is Role.MANAGER


@dataclass(frozen=True)
class UserForm:
    """The staff editor's fields as typed. An empty ``pin`` on an update keeps the PIN."""

    name: str
    role: Role = Role.STAFF
    pin: str = ""
    pin_again: str = ""
    active: bool = True
    takes_bookings: bool = False


@dataclass(frozen=True)
class ResourceForm:
    """A room, chair or staff column as typed; ``id`` None adds one. ``position`` is the place
    in the day view (0 first); None puts a new one last and leaves an existing one where it is."""

    name: str
    kind: ResourceKind = ResourceKind.ROOM
    active: bool = True
    position: int | None = None
    id: str | None = None


class PeopleService:
    """Accounts, PIN sign-in, manager approval, and the rooms and chairs of the day view."""

    def __init__(self, deps: Deps, *, sign_in: SignInService) -> None:
        self._d = deps
        self._sign_in = sign_in  # PIN checks and their throttle (app.py wires it)

    # -- accounts -----------------------------------------------------------------------

    def has_users(self) -> bool:
        """Whether any account exists (none on first run: create the manager first)."""
        with self._d.uow() as uow:
            return uow.users.count() > 0

    def list_users(self, *, include_inactive: bool = False) -> list[StaffMember]:
        """Accounts by name (active ones unless ``include_inactive``)."""
        with self._d.uow() as uow:
            users = uow.users.list(active_only=not include_inactive)
            active_columns = {r.id for r in uow.resources.list()}
        return [_member(u, active_columns) for u in users]

    def get_user(self, user_id: str) -> StaffMember:
        """One account, or NotFoundError."""
        with self._d.uow() as uow:
            user = uow.users.get(user_id)
            active_columns = {r.id for r in uow.resources.list()}
        if user is None:
            raise NotFoundError(N_("That account no longer exists."))
        return _member(user, active_columns)

    def create_first_manager(self, name: str, pin: str, pin_again: str | None = None) -> Actor:
        """On first run only: create the manager account and sign it in.

        Refused (InvalidStateError) once any account exists, so nobody can add a manager
        by reopening the first-run screen.
        """
        form = UserForm(name=name, role=Role.MANAGER, pin=pin, pin_again=pin_again or pin)
        errors = _check_form(form, new=True)
        if errors:
            raise FormErrors(errors)
        pin_hash = pins.hash_pin(pin)
        now = self._d.clock.now()
        with self._d.uow(write=True) as uow:
            uow.serialize(PEOPLE)
            if uow.users.count() > 0:
                raise InvalidStateError(N_("The manager account already exists. Sign in with it."))
            user = User(new_id("usr"), _clean(name), Role.MANAGER, pin_hash, now)
            uow.users.add(user)
            actor = Actor.of(user)
            audit.record(
                uow,
                at=now,
                actor=actor,
                action=AuditAction.USER_CHANGED,
                detail=Detail(N_("Created the first manager account, {name}"), {"name": user.name}),
            )
            audit.record(uow, at=now, actor=actor, action=AuditAction.USER_SIGNED_IN)
            uow.commit()
        self._d.desk.sign_in(actor)
        log.info("user.first_manager user=%s", user.id)
        return actor

    def create_user(self, form: UserForm, *, actor: Actor | None = None) -> StaffMember:
        """Add an account (managers only); FormErrors and nothing changes if a field is wrong."""
        who = self._manager(actor)
        errors = _check_form(form, new=True)
        if errors:
            raise FormErrors(errors)
        pin_hash = pins.hash_pin(form.pin)
        now = self._d.clock.now()
        with self._d.uow(write=True) as uow:
            uow.serialize(PEOPLE)
            name = _clean(form.name)
            self._check_unique_name(uow, name, None)
            user = User(new_id("usr"), name, Role(form.role), pin_hash, now, active=form.active)
            uow.users.add(user)
            self._link_column(uow, user, form.takes_bookings and form.active)
            audit.record(
                uow,
                at=now,
                actor=who,
                action=AuditAction.USER_CHANGED,
                detail=added(_describe(user, form.takes_bookings)),
            )
            active_columns = {r.id for r in uow.resources.list()}
            uow.commit()
        log.info("user.created user=%s role=%s by=%s", user.id, user.role.value, who.id)
        return _member(user, active_columns)

    def update_user(
        self, user_id: str, form: UserForm, *, actor: Actor | None = None
    ) -> StaffMember:
        """Change an account (managers only). An empty PIN keeps the old one; the last
        active manager cannot stop being one."""
        who = self._manager(actor)
        errors = _check_form(form, new=False)
        if errors:
            raise FormErrors(errors)
        pin_hash = pins.hash_pin(form.pin) if form.pin else None
        now = self._d.clock.now()
        with self._d.uow(write=True) as uow:
            uow.serialize(PEOPLE)
            user = uow.users.get(user_id, for_update=True)
            if user is None:
                raise NotFoundError(N_("That account no longer exists."))
            name = _clean(form.name)
            self._check_unique_name(uow, name, user.id)
            stays_manager = Role(form.role) is Role.MANAGER and form.active
            demoted = user.is_manager and user.active and not stays_manager
            if demoted and not self._other_active_managers(uow, user.id):
                raise FormErrors({"active" if not form.active else "role": LAST_MANAGER})
            before = _describe(user, self._takes_bookings(uow, user))
            user.name = name
            user.role = Role(form.role)
            user.active = form.active
            if pin_hash is not None:
                user.pin_hash = pin_hash
                uow.pin_attempts.clear_subject(user.id)  # unlocked at every station
            self._link_column(uow, user, form.takes_bookings and form.active)
            after = _describe(user, form.takes_bookings and form.active)
            changes: list[DetailValue] = []
            if after.english() != before.english():
                changes.append(Detail("{before} → {after}", {"before": before, "after": after}))
            if pin_hash is not None:
                changes.append(Detail(N_("new PIN set")))
            if changes:
                audit.record(
                    uow,
                    at=now,
                    actor=who,
                    action=AuditAction.USER_CHANGED,
                    detail=Detail(
                        N_("Changed {name}: {changes}"),
                        {"name": user.name, "changes": joined(changes)},
                    ),
                )
            active_columns = {r.id for r in uow.resources.list()}
            uow.commit()
        log.info("user.changed user=%s by=%s", user.id, who.id)
        return _member(user, active_columns)

    def deactivate(self, user_id: str, *, actor: Actor | None = None) -> StaffMember:
        """Stop an account from signing in (managers only; never the last active manager)."""
        who = self._manager(actor)
        now = self._d.clock.now()
        with self._d.uow(write=True) as uow:
            uow.serialize(PEOPLE)
            user = uow.users.get(user_id, for_update=True)
            if user is None:
                raise NotFoundError(N_("That account no longer exists."))
            if user.active:
                if user.is_manager and not self._other_active_managers(uow, user.id):
                    raise InvalidStateError(LAST_MANAGER)
                user.active = False
                self._link_column(uow, user, False)
                audit.record(
                    uow,
                    at=now,
                    actor=who,
                    action=AuditAction.USER_CHANGED,
                    detail=Detail(N_("Deactivated {name}"), {"name": user.name}),
                )
            active_columns = {r.id for r in uow.resources.list()}
            uow.commit()
        log.info("user.deactivated user=%s by=%s", user.id, who.id)
        return _member(user, active_columns)

    # -- signing in ---------------------------------------------------------------------

    def lock_minutes(self) -> int:
        """Minutes without input before the station locks itself (0: never; default 5)."""
        with self._d.uow() as uow:
            value = uow.events.get_setting(LOCK_MINUTES_KEY)
        return parse_lock_minutes(value)

    def authenticate(self, user_id: str, pin: str) -> Actor:
        """Check ``pin`` for the account and sign it in at this desk (see ``SignInService``)."""
        return self._sign_in.authenticate(user_id, pin)

    def verify_manager_pin(self, pin: str) -> Actor | None:
        """The active manager whose PIN this is, or None (see ``SignInService``)."""
        return self._sign_in.verify_manager_pin(pin)

    # -- rooms, chairs and columns ------------------------------------------------------

    def list_resources(self, *, include_inactive: bool = False) -> list[Resource]:
        """The day view's columns in display order (active ones unless ``include_inactive``)."""
        with self._d.uow() as uow:
            return uow.resources.list(active_only=not include_inactive)

    def save_resource(self, form: ResourceForm, *, actor: Actor | None = None) -> Resource:
        """Add or change a room, chair or staff column (managers only)."""
        who = self._manager(actor)
        name = _clean(form.name)
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = gettext("Enter a name, e.g. Room 2 or Chair 1.")
        elif len(name) > MAX_NAME:
            errors["name"] = _name_too_long()
        elif problem := name_problem(name):
            errors["name"] = problem
        if form.position is not None and not 0 <= form.position <= 999:
            errors["position"] = gettext("The position is a number from 0 to 999.")
        now = self._d.clock.now()
        with self._d.uow(write=True) as uow:
            uow.serialize(PEOPLE)
            existing = uow.resources.list(active_only=False)
            resource: Resource | None = None
            if form.id is not None:
                resource = next((r for r in existing if r.id == form.id), None)
                if resource is None:
                    raise NotFoundError(N_("That room or column no longer exists."))
            same = [r for r in existing if r.name.casefold() == name.casefold() and r.id != form.id]
            if name and same:
                errors["name"] = gettext("There is already a column called {name}.").format(
                    name=same[0].name
                )
            if errors:
                raise FormErrors(errors)
            before = _describe_resource(resource) if resource is not None else None
            if resource is None:
                resource = Resource(
                    new_id("res"), name, ResourceKind(form.kind), form.active, len(existing)
                )
                uow.resources.add(resource)
                place = len(existing)
            else:
                resource.name = name
                resource.kind = ResourceKind(form.kind)
                resource.active = form.active
                place = existing.index(resource)
            # Positions are places in the day view's order: 0 is the first column.
            ordered = [r for r in existing if r.id != resource.id]
            if form.position is not None:
                place = form.position
            ordered.insert(min(place, len(ordered)), resource)
            for index, column in enumerate(ordered):
                column.position = index
            after = _describe_resource(resource)
            if before is not None and after.english() == before.english():
                return resource
            detail = added(after) if before is None else changed(before, after)
            audit.record(uow, at=now, actor=who, action=AuditAction.CATALOG_CHANGED, detail=detail)
            uow.commit()
        log.info("resource.saved resource=%s by=%s", resource.id, who.id)
        return resource

    # -- internals ----------------------------------------------------------------------

    def _manager(self, actor: Actor | None) -> Actor:
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)
        return who

    @staticmethod
    def _check_unique_name(uow: UnitOfWork, name: str, user_id: str | None) -> None:
        for other in uow.users.list(active_only=False):
            if other.id != user_id and other.name.casefold() == name.casefold():
                raise FormErrors(
                    {
                        "name": gettext("There is already an account named {name}.").format(
                            name=other.name
                        )
                    }
                )

    @staticmethod
    def _other_active_managers(uow: UnitOfWork, user_id: str) -> bool:
        return any(u.is_manager and u.id != user_id for u in uow.users.list())

    @staticmethod
    def _takes_bookings(uow: UnitOfWork, user: User) -> bool:
        if user.resource_id is None:
            return False
        column = uow.resources.get(user.resource_id)
        return column is not None and column.active

    @staticmethod
    def _link_column(uow: UnitOfWork, user: User, takes_bookings: bool) -> None:
        """Give the person their own active column in the day view, or retire it.

        A column already set up under their name (or, if unambiguous, their first name) and
        not yet anyone's is taken over, so the bookings on it stay with them.
        """
        column = uow.resources.get(user.resource_id) if user.resource_id else None
        if not takes_bookings:
            if column is not None:
                column.active = False
            return
        if column is None:
            resources = uow.resources.list(active_only=False)
            claimed = {u.resource_id for u in uow.users.list(active_only=False) if u.resource_id}
            free = [r for r in resources if r.kind is ResourceKind.STAFF and r.id not in claimed]
            column = _same_person(free, user.name)
            if column is None:
                position = max((r.position for r in resources), default=-1) + 1
                column = Resource(new_id("res"), user.name, ResourceKind.STAFF, True, position)
                uow.resources.add(column)
            user.resource_id = column.id
        column.active = True
        column.kind = ResourceKind.STAFF
        column.name = user.name


def _same_person(columns: list[Resource], name: str) -> Resource | None:
    """The column named exactly ``name``, else the only one named by its first word."""
    exact = [c for c in columns if c.name.casefold() == name.casefold()]
    if exact:
        return exact[0]
    first = name.split()[0].casefold() if name.split() else ""
    by_first = [c for c in columns if c.name.casefold() == first]
    return by_first[0] if len(by_first) == 1 else None


def _clean(name: str) -> str:
    return " ".join(name.split())


def _check_form(form: UserForm, *, new: bool) -> dict[str, str]:
    """Field sentences for what is wrong with ``form`` (empty when it is fine)."""
    errors: dict[str, str] = {}
    name = _clean(form.name)
    if not name:
        errors["name"] = gettext("Enter the person's name.")
    elif len(name) > MAX_NAME:
        errors["name"] = _name_too_long()
    elif problem := name_problem(name):
        errors["name"] = problem
    if form.pin or new:
        if not form.pin:
            errors["pin"] = gettext("Choose a PIN of 4 to 8 digits.")
        else:
            try:
                pins.check_pin(form.pin)
                pins.check_pin_strength(form.pin)
            except ValidationError as err:
                errors["pin"] = err.message
        if "pin" not in errors and form.pin_again != form.pin:
            errors["pin_again"] = gettext("The two PINs are not the same. Type the PIN again.")
    return errors


def _member(user: User, active_columns: set[str]) -> StaffMember:
    return StaffMember(
        id=user.id,
        name=user.name,
        role=user.role,
        active=user.active,
        takes_bookings=user.resource_id is not None and user.resource_id in active_columns,
        resource_id=user.resource_id,
    )


def _describe(user: User, takes_bookings: bool) -> Detail:
    return user_words(user.name, user.role, user.active, takes_bookings)


def _describe_resource(resource: Resource) -> Detail:
    return resource_words(resource.name, resource.kind, resource.position, resource.active)


def _name_too_long() -> str:
    """The refusal of a name longer than ``MAX_NAME``, in the UI language."""
    return ngettext(
        "A name can be at most {count} character.",
        "A name can be at most {count} characters.",
        MAX_NAME,
    ).format(count=MAX_NAME)
