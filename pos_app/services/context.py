"""What every use case is handed: ports and settings, injected by the composition root."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from pos_app.domain.people import SYSTEM_ACTOR, Actor

# Annotations only: the domain's ports load every model, which the sign-in page (its first
# screen, before the app is open) does not need.
if TYPE_CHECKING:
    from pos_app.domain.ports import Clock, PaymentGateway, UnitOfWorkFactory


@dataclass(frozen=True)
class Policy:
    """Business settings the use cases follow."""

    station_id: str
    timezone: tzinfo
    hold_minutes: int = 10
    business_name: str = "pos-app"
    # Printed on receipts under the name ("" leaves the line off); Settings ▸ Business.
    business_address: str = ""
    business_tax_id: str = ""
    # Where the hosted page sends customers after paying ("After paying, customers go to"):
    # the business's website, or the sandbox's thank-you page in sandbox mode. Card payments
    # are refused while it is None. ``cancel_url`` (the page's back button) defaults to it.
    success_url: str | None = None
    cancel_url: str | None = None


class Desk:
    """Who is signed in at this station; services attribute their audit entries to them."""

    def __init__(self, actor: Actor = SYSTEM_ACTOR) -> None:
        self._lock = threading.Lock()
        self._actor = actor

    @property
    def actor(self) -> Actor:
        """The signed-in person (or the program itself when nobody is)."""
        with self._lock:
            return self._actor

    def sign_in(self, actor: Actor) -> None:
        """Attribute what happens from now on to ``actor``."""
        with self._lock:
            self._actor = actor

    def sign_out(self) -> None:
        """Nobody is signed in."""
        with self._lock:
            self._actor = SYSTEM_ACTOR


@dataclass(frozen=True)
class Deps:
    """Adapters behind the domain's ports."""

    uow: UnitOfWorkFactory
    gateway: PaymentGateway
    clock: Clock
    policy: Policy
    desk: Desk = field(default_factory=Desk)

    def server_now(self) -> datetime:
        """Now by Stripe's clock: the local clock corrected by the last Date header seen."""
        return self.clock.now() + timedelta(seconds=self.gateway.server_clock_offset())
