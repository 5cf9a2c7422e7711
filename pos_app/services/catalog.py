"""The service catalogue: listing, lookup, editing by managers, and the demo data."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Service
from pos_app.domain.errors import (
    FormErrors,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.money import Money, parse_money, validate_chargeable
from pos_app.domain.people import Resource, ResourceKind
from pos_app.domain.percent import Percent, parse_percent
from pos_app.domain.text import name_problem
from pos_app.i18n import N_, gettext
from pos_app.services import audit
from pos_app.services.audit_words import added, changed, service_words
from pos_app.services.context import Deps
from pos_app.services.currencies import PRICEABLE
from pos_app.services.ids import new_id

log = logging.getLogger(__name__)

# The catalogue changes one station at a time (UnitOfWork.serialize): a service's name is
# checked unique by reading, and two stations starting on an empty database seed it once.
CATALOG = "catalog"

DEMO_SERVICES: list[tuple[str, str, int, int, str]] = [
    ("svc_haircut", "Haircut", 30, 3500, "usd"),
    ("svc_colour", "Colour & style", 90, 12000, "usd"),
    ("svc_beard", "Beard trim", 15, 1500, "usd"),
    ("svc_massage", "Massage (60 min)", 60, 8000, "usd"),
    ("svc_consult", "Consultation", 20, 2500, "usd"),
]
# Three people and a room: the day view's columns on a fresh install.
DEMO_RESOURCES: list[tuple[str, str, ResourceKind]] = [
    ("res_jordan", "Jordan", ResourceKind.STAFF),
    ("res_priya", "Priya", ResourceKind.STAFF),
    ("res_sam", "Sam", ResourceKind.STAFF),
    ("res_room", "Treatment room", ResourceKind.ROOM),
]
# Currencies a service may be priced in: Stripe's that CLDR can name and format.
SUPPORTED_CURRENCIES: tuple[str, ...] = PRICEABLE
MIN_MINUTES, MAX_MINUTES, STEP_MINUTES = 5, 480, 5
MANAGERS_ONLY = N_("Only a manager can change the catalogue.")


@dataclass(frozen=True)
class ServiceForm:
    """The service editor's fields, as typed; ``id`` None adds a new service."""

    id: str | None
    name: str
    duration_minutes: int
    price_text: str
    currency: str
    active: bool = True
    tax_rate_text: str = "0"  # percent, up to three decimals (8.875)


class CatalogService:
    """Read, edit and seed the services a booking can be for; read the bookable resources."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def list_services(self, include_inactive: bool = False) -> list[Service]:
        """Services by name (active ones only unless ``include_inactive``)."""
        with self._d.uow() as uow:
            return uow.services.list(active_only=not include_inactive)

    def list_resources(self, include_inactive: bool = False) -> list[Resource]:
        """Staff members and rooms in display order (active ones only by default)."""
        with self._d.uow() as uow:
            return uow.resources.list(active_only=not include_inactive)

    def find(self, id_or_name: str) -> Service:
        """A service by id or by name (case-insensitive), or NotFoundError."""
        key = id_or_name.strip()
        with self._d.uow() as uow:
            found = uow.services.get(key)
            if found is not None:
                return found
            for service in uow.services.list(active_only=False):
                if service.name.casefold() == key.casefold():
                    return service
        raise NotFoundError(
            gettext("There is no service called {name}.").format(name=repr(id_or_name))
        )

    def find_resource(self, id_or_name: str) -> Resource:
        """An active staff member or room by id or name (case-insensitive), or NotFoundError."""
        key = id_or_name.strip()
        with self._d.uow() as uow:
            for resource in uow.resources.list():
                if key == resource.id or resource.name.casefold() == key.casefold():
                    return resource
        raise NotFoundError(
            gettext("There is nobody called {name} to book.").format(name=repr(id_or_name))
        )

    def save_service(self, form: ServiceForm) -> Service:
        """Add or change a service (managers only), or raise FormErrors and change nothing.

        Bookings already made keep the price and duration they were made with.
        """
        actor = self._d.desk.actor
        if not actor.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)
        errors: dict[str, str] = {}
        name = " ".join(form.name.split())
        if not name:
            errors["name"] = gettext("Enter the service's name.")
        elif len(name) > 120:
            errors["name"] = gettext("The name is too long (120 characters at most).")
        elif problem := name_problem(name, "service's name"):
            errors["name"] = problem
        minutes = form.duration_minutes
        if not MIN_MINUTES <= minutes <= MAX_MINUTES or minutes % STEP_MINUTES:
            errors["duration_minutes"] = gettext(
                "Choose a duration from {least} to {most} minutes, in steps of {step}."
            ).format(least=MIN_MINUTES, most=MAX_MINUTES, step=STEP_MINUTES)
        currency = form.currency.strip().lower()
        price: Money | None = None
        if currency not in SUPPORTED_CURRENCIES:
            errors["currency"] = gettext("Choose a currency from the list.")
        else:
            try:
                price = parse_money(form.price_text, currency)
                validate_chargeable(price)
            except ValidationError as err:
                errors["price"] = err.message
        tax_rate = Percent(0)
        try:
            tax_rate = parse_percent(form.tax_rate_text, field="tax_rate", what="tax rate")
        except ValidationError as err:
            errors["tax_rate"] = err.message
        with self._d.uow(write=True) as uow:
            uow.serialize(CATALOG)
            existing = uow.services.list(active_only=False)
            service = None
            if form.id is not None:
                service = next((s for s in existing if s.id == form.id), None)
                if service is None:
                    raise NotFoundError(N_("That service no longer exists."))
            if name and any(
                s.name.casefold() == name.casefold() and s.id != form.id for s in existing
            ):
                errors["name"] = gettext("There is already a service called {name}.").format(
                    name=name
                )
            if errors:
                raise FormErrors(errors)
            assert price is not None
            if service is None:
                service = Service(
                    new_id("svc"),
                    name,
                    minutes,
                    price.amount,
                    currency,
                    form.active,
                    tax_rate.thousandths,
                )
                uow.services.add(service)
                detail = added(service_words(service))
            else:
                before = service_words(service)
                service.name = name
                service.duration_minutes = minutes
                service.price_amount = price.amount
                service.currency = currency
                service.active = form.active
                service.tax_rate_thousandths = tax_rate.thousandths
                after = service_words(service)
                if after.english() == before.english():
                    return service
                detail = changed(before, after)
            audit.record(
                uow,
                at=self._d.clock.now(),
                actor=actor,
                action=AuditAction.CATALOG_CHANGED,
                amount=price.amount,
                currency=currency,
                detail=detail,
            )
            uow.commit()
        log.info("catalog.changed service=%s by=%s", service.id, actor.id)
        return service

    def seed_demo(self) -> bool:
        """On a fresh install, add the demo services, and demo staff when nobody is set up
        yet; True if it did. A business upgrading keeps its own data untouched."""
        # Asked at every start, answered "no" at all but the first: a read answers it without
        # the write lock (another station's writes wait for none, and the start is shorter).
        with self._d.uow() as uow:
            if uow.services.list(active_only=False):
                return False
        with self._d.uow(write=True) as uow:
            uow.serialize(CATALOG)
            if uow.services.list(active_only=False):
                return False
            for sid, name, minutes, price, currency in DEMO_SERVICES:
                uow.services.add(Service(sid, name, minutes, price, currency))
            if not uow.resources.list(active_only=False):
                for position, (rid, name, kind) in enumerate(DEMO_RESOURCES):
                    uow.resources.add(Resource(rid, name, kind, True, position))
            uow.commit()
        return True
