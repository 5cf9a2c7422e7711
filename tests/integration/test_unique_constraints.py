"""One customer per email address, held by the database (issue 13 item 8).

The service checks "someone already has this email" and then writes; two stations on one
PostgreSQL can both pass the check before either writes. Since migration 0012 a unique index
on ``lower(email)`` refuses the second, and the service says what it says for a duplicate it
saw itself. Every test runs on SQLite and on PostgreSQL (on SQLite a writing unit of work
already waits for the other's write lock; the outcome must be the same).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from pos_app.domain.booking import Service
from pos_app.domain.errors import DuplicateError, FormErrors, InvalidStateError
from pos_app.domain.people import Customer, Resource, Role
from pos_app.services.bookings import BookingRequest
from pos_app.services.catalog import DEMO_SERVICES, ServiceForm
from pos_app.services.people import LAST_MANAGER, ResourceForm, StaffMember, UserForm
from pos_app.store.database import make_engine, migrate
from pos_app.store.repositories import (
    SqlCustomerRepository,
    SqlResourceRepository,
    SqlServiceRepository,
    SqlUserRepository,
)
from pos_app.store.schema import customers
from tests.integration.interleave import DB_KINDS, Desk, Race, pause_after, race, two_desks
from tests.migrate_to import empty_database_url, upgrade_to

# Never called: these tests make no Stripe call.
NO_STRIPE = "http://127.0.0.1:9"


@pytest.fixture(params=DB_KINDS)
def desks(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Desk, Desk]]:
    """Two stations on one fresh database (SQLite, then PostgreSQL)."""
    yield from two_desks(request.param, request, tmp_path, NO_STRIPE, monkeypatch)


def _customer(desk: Desk, name: str, email: str | None = None) -> Customer:
    now = datetime.now(UTC)
    found = Customer(
        id=f"cus_{name.split()[0].lower()}_{now.timestamp():.0f}",
        name=name,
        created_at=now,
        email=email,
        search_key=name.casefold(),
    )
    with desk.app.deps.uow(write=True) as uow:
        uow.customers.add(found)
        uow.commit()
    return found


def _with_email(desk: Desk, email: str) -> list[str]:
    with desk.app.deps.uow() as uow:
        rows = uow.session.execute(  # type: ignore[attr-defined]
            text("SELECT id FROM customers WHERE lower(email) = :e ORDER BY id"),
            {"e": email.lower()},
        )
        return [row[0] for row in rows]


def test_the_database_refuses_a_second_customer_with_one_email_in_any_case(
    desks: tuple[Desk, Desk],
) -> None:
    first, _ = desks
    _customer(first, "Sam Carter", "sam@example.com")
    with pytest.raises(DuplicateError) as refused:
        _customer(first, "Samantha Carter", "SAM@Example.com")
    assert refused.value.rule == "customer_email"
    # Customers without an email are not limited.
    for name in ("Ann One", "Bob Two"):
        _customer(first, name, None)
    assert len(_with_email(first, "sam@example.com")) == 1


def test_two_stations_giving_one_email_to_two_customers_get_the_services_sentence(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks
    ann = _customer(first, "Ann Lee")
    bea = _customer(first, "Bea Moss")
    # Station A has checked that nobody has the address, and stops before writing.
    pause = pause_after(monkeypatch, SqlCustomerRepository, "by_email", caller="customers.update")
    result = race(
        pause,
        lambda: first.services.customers.update(ann.id, "Ann Lee", "desk@example.com", ""),
        lambda: second.services.customers.update(bea.id, "Bea Moss", "Desk@Example.com", ""),
    )
    refused = [o.error for o in result.outcomes if o.error is not None]
    saved = [o.value for o in result.outcomes if o.error is None]
    assert len(saved) == 1 and saved[0] is not None
    assert len(refused) == 1 and isinstance(refused[0], FormErrors)
    # The sentence the service gives for a duplicate it sees itself, naming who has it.
    assert refused[0].errors == {"email": f"{saved[0].name} already has this email address."}
    assert _with_email(first, "desk@example.com") == [saved[0].id]


def test_two_stations_booking_one_new_customer_link_both_bookings_to_one_customer(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks
    haircut = first.services.catalog.find("haircut")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)

    def book(desk: Desk, hours: int) -> str:
        booking = desk.services.bookings.create(
            BookingRequest(
                customer_name="Nora New",
                service_id=haircut.id,
                starts_at=soon + timedelta(hours=hours),
                customer_email="nora@example.com",
            )
        )
        assert booking.customer_id is not None
        return booking.customer_id

    # Station A has looked the address up (nobody has it) and stops before adding Nora.
    pause = pause_after(
        monkeypatch, SqlCustomerRepository, "by_email", caller="customers.find_or_add"
    )
    result = race(pause, lambda: book(first, 1), lambda: book(second, 3))
    ids = [o.get() for o in result.outcomes]
    assert ids[0] == ids[1]
    assert _with_email(first, "nora@example.com") == [ids[0]]


# -- the migration, on a database that already holds duplicates ----------------------------


@pytest.fixture(params=DB_KINDS)
def at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database migrated to 0011 (before the index)."""
    with empty_database_url(request.param, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0011")
            yield engine
        finally:
            engine.dispose()


def test_the_migration_keeps_the_oldest_customers_email_and_moves_the_others_to_notes(
    at_0011: Engine,
) -> None:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    rows = [
        # id, name, email, created, notes
        ("cus_b", "Bo Second", "Pat@Example.com", start + timedelta(days=1), "Likes tea"),
        ("cus_a", "Al First", "pat@example.com", start, ""),
        ("cus_c", "Cy Third", "PAT@EXAMPLE.COM", start + timedelta(days=2), ""),
        ("cus_d", "Di Alone", "di@example.com", start, ""),
        ("cus_e", "Ed Blank", "", start, ""),
        ("cus_f", "Fi Blank", "", start, ""),
        ("cus_g", "Gus None", None, start, ""),
    ]
    with at_0011.begin() as conn:
        for cid, name, email, created, notes in rows:
            conn.execute(
                customers.insert().values(
                    id=cid,
                    name=name,
                    email=email,
                    created_at=created,
                    notes=notes,
                    search_key=f"{name} {email or ''}".casefold(),
                )
            )

    migrate(at_0011)

    with at_0011.connect() as conn:
        got = {
            r.id: (r.email, r.notes, r.search_key)
            for r in conn.execute(customers.select().order_by(customers.c.id))
        }
    assert got["cus_a"] == ("pat@example.com", "", "al first pat@example.com")
    assert got["cus_b"] == (
        None,
        "Likes tea\nEmail Pat@Example.com moved here from the email field: Al First has the "
        "same address (pos-app keeps one customer per email address).",
        "bo second pat@example.com",  # typing the address still finds both
    )
    assert got["cus_c"][0] is None
    assert got["cus_c"][1] == (
        "Email PAT@EXAMPLE.COM moved here from the email field: Al First has the same "
        "address (pos-app keeps one customer per email address)."
    )
    assert [got[c][0] for c in ("cus_d", "cus_e", "cus_f", "cus_g")] == [
        "di@example.com",
        "",
        "",
        None,
    ]
    # And the index now holds the rule.
    with pytest.raises(Exception, match="ux_customers_email_lower"), at_0011.begin() as conn:
        conn.execute(text("UPDATE customers SET email = 'DI@example.com' WHERE id = 'cus_a'"))


# -- the other rules the services check alone (serialized per topic) -----------------------


def _one_saved_one_refused(result: Race[Any]) -> tuple[Any, BaseException]:
    refused = [o.error for o in result.outcomes if o.error is not None]
    saved = [o.value for o in result.outcomes if o.error is None]
    assert len(saved) == 1 and len(refused) == 1, result
    return saved[0], refused[0]


def test_two_stations_adding_one_service_name_save_one(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks

    def add(desk: Desk, name: str) -> Service:
        return desk.services.catalog.save_service(ServiceForm(None, name, 30, "40.00", "EUR"))

    pause = pause_after(monkeypatch, SqlServiceRepository, "list", caller="catalog.save_service")
    result = race(pause, lambda: add(first, "Hot stones"), lambda: add(second, "hot stones"))
    _, refused = _one_saved_one_refused(result)
    assert isinstance(refused, FormErrors)
    # Said by the station refused, with the name it typed.
    said = {f"There is already a service called {n}." for n in ("Hot stones", "hot stones")}
    assert set(refused.errors) == {"name"} and refused.errors["name"] in said
    names = [s.name.casefold() for s in first.services.catalog.list_services(True)]
    assert names.count("hot stones") == 1


def test_two_stations_adding_one_account_name_save_one(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks

    def add(desk: Desk, name: str) -> StaffMember:
        return desk.services.people.create_user(UserForm(name, pin="4821", pin_again="4821"))

    pause = pause_after(monkeypatch, SqlUserRepository, "list", caller="people._check_unique_name")
    result = race(pause, lambda: add(first, "Kim Park"), lambda: add(second, "kim park"))
    saved, refused = _one_saved_one_refused(result)
    assert isinstance(refused, FormErrors)
    assert refused.errors == {"name": f"There is already an account named {saved.name}."}
    names = [u.name.casefold() for u in first.services.people.list_users(include_inactive=True)]
    assert names.count("kim park") == 1


def test_two_stations_adding_one_column_name_save_one(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks

    def add(desk: Desk, name: str) -> Resource:
        return desk.services.people.save_resource(ResourceForm(name))

    pause = pause_after(monkeypatch, SqlResourceRepository, "list", caller="people.save_resource")
    result = race(pause, lambda: add(first, "Room 9"), lambda: add(second, "ROOM 9"))
    saved, refused = _one_saved_one_refused(result)
    assert isinstance(refused, FormErrors)
    assert refused.errors == {"name": f"There is already a column called {saved.name}."}
    names = [r.name.casefold() for r in first.services.people.list_resources(include_inactive=True)]
    assert names.count("room 9") == 1


def test_two_managers_deactivating_each_other_leave_one_active_manager(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks
    people = first.services.people
    ada = people.create_user(UserForm("Ada Boss", Role.MANAGER, "4821", "4821"))
    bea = people.create_user(UserForm("Bea Boss", Role.MANAGER, "4822", "4822"))

    # Station A has seen another active manager (Bea) and stops before deactivating Ada.
    pause = pause_after(
        monkeypatch, SqlUserRepository, "list", caller="people._other_active_managers"
    )
    result = race(
        pause,
        lambda: first.services.people.deactivate(ada.id),
        lambda: second.services.people.deactivate(bea.id),
    )
    _, refused = _one_saved_one_refused(result)
    assert isinstance(refused, InvalidStateError) and refused.message == LAST_MANAGER
    active = [u for u in people.list_users() if u.role is Role.MANAGER]
    assert len(active) == 1


def test_two_stations_starting_on_an_empty_catalogue_seed_the_demo_once(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks
    with first.app.deps.uow(write=True) as uow:  # as on a fresh install, before any seeding
        uow.session.execute(text("DELETE FROM services"))  # type: ignore[attr-defined]
        uow.commit()
    pause = pause_after(monkeypatch, SqlServiceRepository, "list", caller="catalog.seed_demo")
    result = race(pause, first.services.catalog.seed_demo, second.services.catalog.seed_demo)
    assert sorted(o.get() for o in result.outcomes) == [False, True]
    assert len(first.services.catalog.list_services(True)) == len(DEMO_SERVICES)


def test_two_stations_on_the_first_run_screen_create_one_first_manager(
    desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = desks
    assert not first.services.people.has_users()
    pause = pause_after(
        monkeypatch, SqlUserRepository, "count", caller="people.create_first_manager"
    )
    result = race(
        pause,
        lambda: first.services.people.create_first_manager("Ada Owner", "4821"),
        lambda: second.services.people.create_first_manager("Bo Owner", "4822"),
    )
    _, refused = _one_saved_one_refused(result)
    assert isinstance(refused, InvalidStateError)
    assert refused.message == "The manager account already exists. Sign in with it."
    assert len(first.services.people.list_users(include_inactive=True)) == 1
