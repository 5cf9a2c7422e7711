"""Writing and reading the audit log: every money action with who, what, when and Stripe ids."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from pos_app.domain.audit import AuditAction, AuditEntry, Detail
from pos_app.domain.errors import PermissionDeniedError
from pos_app.domain.people import Actor
from pos_app.i18n import N_
from pos_app.services.context import Deps

# Annotations only: the domain's ports load every model, which the sign-in page (its first
# screen, before the app is open) does not need.
if TYPE_CHECKING:
    from pos_app.domain.ports import AuditQuery, UnitOfWork

log = logging.getLogger(__name__)
MANAGERS_ONLY = N_("Only a manager can read the audit log.")


def record(
    uow: UnitOfWork,
    *,
    at: datetime,
    actor: Actor,
    action: AuditAction,
    booking_id: str | None = None,
    payment_id: str | None = None,
    refund_id: str | None = None,
    amount: int | None = None,
    currency: str | None = None,
    stripe_ids: Iterable[str | None] = (),
    detail: str | Detail = "",
) -> AuditEntry:
    """Append one entry inside the caller's unit of work, so it commits with the change itself.

    A ``Detail`` is stored as its English sentence and as its marked template and values, so
    the audit screen says it in the reader's language; a plain string is stored as it is."""
    template: str | None = None
    params: str | None = None
    if isinstance(detail, Detail):
        template, params = detail.stored()
        detail = detail.english()
    entry = AuditEntry(
        at=at,
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        booking_id=booking_id,
        payment_id=payment_id,
        refund_id=refund_id,
        amount=amount,
        currency=currency,
        stripe_ids=" ".join(sid for sid in stripe_ids if sid),
        detail=detail[:2000],
        detail_template=template,
        detail_params=params,
    )
    uow.audit.append(entry)
    return entry


@dataclass(frozen=True)
class AuditPage:
    """Audit entries with their bookings in words, for a screen that shows both."""

    entries: list[AuditEntry]
    # booking id → "Ana Silva · Cut & colour" (absent for a booking that no longer exists)
    booking_labels: Mapping[str, str] = field(default_factory=dict)


def booking_label(customer_name: str, service_name: str) -> str:
    """A booking as the desk names it: "Ana Silva · Cut & colour"."""
    return f"{customer_name} · {service_name}"


class AuditService:
    """Reading the audit log, for managers only."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def query(self, query: AuditQuery, *, actor: Actor | None = None) -> list[AuditEntry]:
        """Entries matching ``query``, newest first; PermissionDeniedError unless a manager asks."""
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)
        with self._d.uow() as uow:
            return uow.audit.query(query)

    def page(self, query: AuditQuery, *, actor: Actor | None = None) -> AuditPage:
        """Entries matching ``query`` (as :meth:`query`), each booking named by its customer
        and service, read in the same transaction."""
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)
        with self._d.uow() as uow:
            entries = uow.audit.query(query)
            labels: dict[str, str] = {}
            for booking_id in dict.fromkeys(e.booking_id for e in entries if e.booking_id):
                booking = uow.bookings.get(booking_id)
                if booking is not None:
                    labels[booking_id] = booking_label(booking.customer_name, booking.service_name)
        return AuditPage(entries, labels)
