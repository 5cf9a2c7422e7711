"""The service catalogue: listing, lookup by id or name, and the demo services."""

from __future__ import annotations

from pos_app.domain.booking import Service
from pos_app.domain.errors import NotFoundError
from pos_app.services.context import Deps

DEMO_SERVICES: list[tuple[str, str, int, int, str]] = [
    ("svc_haircut", "Haircut", 30, 3500, "usd"),
    ("svc_colour", "Colour & style", 90, 12000, "usd"),
    ("svc_beard", "Beard trim", 15, 1500, "usd"),
    ("svc_massage", "Massage (60 min)", 60, 8000, "usd"),
    ("svc_consult", "Consultation", 20, 2500, "usd"),
]


class CatalogService:
    """Read and seed the services a booking can be for."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def list_services(self) -> list[Service]:
        """Active services, by name."""
        with self._d.uow() as uow:
            return uow.services.list()

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
        raise NotFoundError(f"There is no service called {id_or_name!r}.")

    def seed_demo(self) -> bool:
        """Add the demo services to an empty catalogue; True if it did."""
        with self._d.uow(write=True) as uow:
            if uow.services.list(active_only=False):
                return False
            for sid, name, minutes, price, currency in DEMO_SERVICES:
                uow.services.add(Service(sid, name, minutes, price, currency))
            uow.commit()
        return True
