"""The audit log's search finds a customer's bookings by the customer's name or email, in the
database (case-insensitive, whatever the alphabet), and takes what is typed literally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from pos_app.app import AppContext
from pos_app.domain.audit import SEARCH_TEXT_MAX, AuditAction, AuditEntry
from pos_app.domain.booking import Booking
from pos_app.domain.ports import AuditQuery
from pos_app.services.bookings import BookingRequest
from tests.integration.helpers import book


def _book(app: AppContext, name: str, email: str, hours: int) -> Booking:
    return app.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id=app.catalog.find("haircut").id,
            starts_at=datetime.now(UTC) + timedelta(hours=hours),
            customer_email=email,
        )
    )


def _search(app: AppContext, text: str) -> list[AuditEntry]:
    with app.deps.uow() as uow:
        return uow.audit.query(AuditQuery(text=text))


def test_a_customers_name_or_email_finds_the_entries_of_their_bookings(app: AppContext) -> None:
    zoe = _book(app, "Zoë Ørsted", "zoe@example.com", 1)
    other = _book(app, "Grace Hopper", "grace@example.com", 2)
    app.cash.record(zoe.id, "5.00")
    app.checkout.start(zoe.id)  # "Payment link opened": its detail names nobody
    app.cash.record(other.id, "5.00")

    found = _search(app, "ZOË ØRSTED")  # SQLite's lower() knows only A-Z: the key is casefolded
    assert {e.booking_id for e in found} == {zoe.id}
    actions = {e.action for e in found}
    assert AuditAction.CHECKOUT_CREATED in actions
    assert {AuditAction.BOOKING_CREATED, AuditAction.CASH_RECEIVED} <= actions
    # The customer's email is not written in any entry; the customer record finds it.
    assert _search(app, "ZOE@EXAMPLE.COM") == _search(app, "zoe@example") == found
    assert {e.booking_id for e in _search(app, "@example.com")} == {zoe.id, other.id}
    assert {e.booking_id for e in _search(app, "hopper")} == {other.id}


def test_what_is_typed_is_taken_literally_and_cut_to_a_bound(app: AppContext) -> None:
    booking = book(app, name="Ada Lovelace")
    app.cash.record(booking.id, "5.00")
    assert _search(app, "%") == []  # a wildcard is a character like any other
    assert _search(app, "Ada_Lovelace") == []
    assert {e.booking_id for e in _search(app, "ADA LOVELACE")} == {booking.id}

    sent: list[Any] = []
    engine = app.deps.uow.engine  # type: ignore[attr-defined]

    def note(_conn: Any, _cursor: Any, _sql: str, params: Any, *_rest: Any) -> None:
        sent.append(params)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert _search(app, "x" * 100_000) == []
    finally:
        event.remove(engine, "before_cursor_execute", note)
    # A pasted page reaches the database cut to the bound ("%" on each side), never whole.
    patterns = [p for params in sent for p in _values(params) if "xxx" in p]
    assert patterns and max(len(p) for p in patterns) == SEARCH_TEXT_MAX + 2


def _values(params: Any) -> list[str]:
    items = params.values() if isinstance(params, dict) else params
    return [v for v in items if isinstance(v, str)]
