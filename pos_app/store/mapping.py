"""The domain's dataclasses mapped onto the tables (SQLAlchemy's imperative mapping).

Mapping imperatively keeps ``domain/`` free of SQLAlchemy while the ORM still tracks changes;
the repositories load and save the dataclasses as objects. The tables are in ``schema``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import registry

from pos_app.domain.audit import AuditEntry
from pos_app.domain.booking import Booking, Service
from pos_app.domain.payment import Payment, Refund
from pos_app.domain.people import Customer, Resource, User
from pos_app.domain.reports import DayClose
from pos_app.domain.sign_in import PinAttempts
from pos_app.store.schema import (
    audit_log,
    bookings,
    customers,
    day_closes,
    metadata,
    payments,
    pin_attempts,
    refunds,
    resources,
    services,
    users,
)

mapper_registry = registry(metadata=metadata)
_mapped = False
# A customer's Stripe Customer columns (0027): written by statement, never through the ORM,
# so a Customer loaded and saved by a station that does not know them leaves them alone.
STRIPE_CUSTOMER_COLUMNS = [
    "stripe_customer_key",
    "stripe_customer_request",
    "stripe_customer_id",
    "stripe_customer_synced",
]


def map_domain() -> None:
    """Map the domain classes onto the tables, once per process."""
    global _mapped
    if _mapped:
        return
    kw: dict[str, Any] = {}
    mapper_registry.map_imperatively(Service, services, **kw)
    mapper_registry.map_imperatively(Booking, bookings, **kw)
    mapper_registry.map_imperatively(Payment, payments, **kw)
    mapper_registry.map_imperatively(Refund, refunds, **kw)
    mapper_registry.map_imperatively(Resource, resources, **kw)
    mapper_registry.map_imperatively(User, users, **kw)
    mapper_registry.map_imperatively(
        Customer, customers, exclude_properties=STRIPE_CUSTOMER_COLUMNS, **kw
    )
    mapper_registry.map_imperatively(AuditEntry, audit_log, **kw)
    mapper_registry.map_imperatively(DayClose, day_closes, **kw)
    mapper_registry.map_imperatively(PinAttempts, pin_attempts, **kw)
    _mapped = True
