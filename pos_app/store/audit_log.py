"""The audit log in SQL: appended with each change, searched by the manager's screen."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pos_app.domain.audit import SEARCH_TEXT_MAX, AuditEntry
from pos_app.domain.ports import AuditQuery
from pos_app.store.schema import audit_log, bookings, customers


def contains(text: str) -> str:
    """A LIKE pattern (escape character backslash) finding ``text`` anywhere, its own
    ``%`` and ``_`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlAuditLog:
    """The append-only audit log in SQL (the database refuses updates and deletes)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def append(self, entry: AuditEntry) -> None:
        """Add one entry; it is written with the rest of the unit of work."""
        self._s.add(entry)

    def query(self, query: AuditQuery) -> list[AuditEntry]:
        """Matching entries, newest first."""
        q = select(AuditEntry)
        if query.start is not None:
            q = q.where(audit_log.c.at >= query.start)
        if query.end is not None:
            q = q.where(audit_log.c.at < query.end)
        if query.actor_id is not None:
            q = q.where(audit_log.c.actor_id == query.actor_id)
        if query.actions is not None:
            q = q.where(audit_log.c.action.in_(sorted(query.actions)))
        if query.booking_id is not None:
            q = q.where(audit_log.c.booking_id == query.booking_id)
        text = (query.text or "").strip()[:SEARCH_TEXT_MAX]
        if text:
            like = contains(text)
            # A customer's name finds the entries of their bookings: the name the booking was
            # made under, or the customer's own (casefolded) name, email and phone.
            theirs = (
                select(bookings.c.id)
                .select_from(
                    bookings.outerjoin(customers, customers.c.id == bookings.c.customer_id)
                )
                .where(
                    or_(
                        bookings.c.customer_name.ilike(like, escape="\\"),
                        customers.c.search_key.like(contains(text.casefold()), escape="\\"),
                    )
                )
            )
            q = q.where(
                or_(
                    audit_log.c.detail.ilike(like, escape="\\"),
                    audit_log.c.stripe_ids.ilike(like, escape="\\"),
                    audit_log.c.actor_name.ilike(like, escape="\\"),
                    audit_log.c.booking_id.ilike(like, escape="\\"),
                    audit_log.c.booking_id.in_(theirs),
                )
            )
        q = q.order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(query.limit)
        return list(self._s.scalars(q))
