"""What every use case is handed: ports and settings, injected by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from pos_app.domain.ports import Clock, PaymentGateway, UnitOfWorkFactory


@dataclass(frozen=True)
class Policy:
    """Business settings the use cases follow."""

    station_id: str
    timezone: tzinfo
    hold_minutes: int = 10
    business_name: str = "pos-app"


@dataclass(frozen=True)
class Deps:
    """Adapters behind the domain's ports."""

    uow: UnitOfWorkFactory
    gateway: PaymentGateway
    clock: Clock
    policy: Policy

    def server_now(self) -> datetime:
        """Now by Stripe's clock: the local clock corrected by the last Date header seen."""
        return self.clock.now() + timedelta(seconds=self.gateway.server_clock_offset())
