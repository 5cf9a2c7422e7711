"""Writing and reading the audit log: every money action with who, what, when and Stripe ids."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.errors import PermissionDeniedError
from pos_app.domain.people import Actor
from pos_app.domain.ports import AuditQuery, UnitOfWork
from pos_app.services.context import Deps

log = logging.getLogger(__name__)


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
    detail: str = "",
) -> AuditEntry:
    """Append one entry inside the caller's unit of work, so it commits with the change itself."""
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
    )
    uow.audit.append(entry)
    return entry


class AuditService:
    """Reading the audit log, for managers only."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def query(self, query: AuditQuery, *, actor: Actor | None = None) -> list[AuditEntry]:
        """Entries matching ``query``, newest first; PermissionDeniedError unless a manager asks."""
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError("Only a manager can read the audit log.")
        with self._d.uow() as uow:
            return uow.audit.query(query)
