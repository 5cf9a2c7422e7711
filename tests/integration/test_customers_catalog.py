"""Customers remembered across bookings (linking, search as you type, history, corrections)
and the catalogue edited by managers only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.errors import FormErrors, NotFoundError, PermissionDeniedError
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.services.bookings import BookingRequest
from pos_app.services.catalog import SUPPORTED_CURRENCIES, ServiceForm
from pos_app.services.customers import NOTES_CONTROL, NOTES_LIMIT, NOTES_TOO_LONG

MANAGER = Actor("usr_lee", "Lee", Role.MANAGER)
STAFF = Actor("usr_riley", "Riley", Role.STAFF)


def at(days: int, hour: int) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def book(
    app: AppContext,
    name: str,
    *,
    email: str = "",
    phone: str = "",
    days: int = 1,
    hour: int = 10,
    customer_id: str | None = None,
    service: str = "svc_haircut",
) -> Booking:
    return app.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id=service,
            starts_at=at(days, hour),
            customer_email=email,
            customer_phone=phone,
            customer_id=customer_id,
        )
    )


# -- customers --------------------------------------------------------------------------------


def test_bookings_link_to_one_customer_by_email_phone_or_choice(app: AppContext) -> None:
    first = book(app, "Maya Thompson", email="Maya@Example.com")
    second = book(app, "Maya T.", email="maya@example.COM", phone="+1 555 0100", hour=11)
    assert first.customer_id is not None and second.customer_id == first.customer_id
    # The phone learnt on the second visit is remembered; the name stays as first given.
    maya = app.customers.detail(first.customer_id).customer
    assert (maya.name, maya.email, maya.phone) == (
        "Maya Thompson",
        "Maya@Example.com",
        "+1 555 0100",
    )

    by_phone = book(app, "Daniel Okafor", phone="+1 (555) 0134")
    again = book(app, "Daniel", phone="1 555 0134", hour=12)
    assert again.customer_id == by_phone.customer_id != first.customer_id

    chosen = book(app, "Maya", customer_id=first.customer_id, hour=13)
    assert chosen.customer_id == first.customer_id
    # Without email or phone, a new customer is made (names alone are not unique).
    a = book(app, "Liam Chen", hour=14)
    b = book(app, "Liam Chen", hour=15)
    assert a.customer_id != b.customer_id

    with pytest.raises(FormErrors) as caught:
        book(app, "Ghost", customer_id="cus_gone", hour=16)
    assert caught.value.errors == {"customer_name": "That customer no longer exists; search again."}


def test_search_as_you_type_by_name_email_and_phone_digits(app: AppContext) -> None:
    book(app, "Maya Thompson", email="maya@example.com")
    book(app, "Daniel Okafor", phone="+1 (555) 0134", hour=11)
    book(app, "Sofia Rossi", email="sofia.rossi@example.com", phone="020 7946 0958", hour=12)

    def names(text: str) -> list[str]:
        return [c.name for c in app.customers.search(text)]

    assert names("ma") == ["Maya Thompson"]
    assert names("ROSSI") == ["Sofia Rossi"]
    assert names("example.com") == ["Maya Thompson", "Sofia Rossi"]
    assert names("555-0134") == ["Daniel Okafor"]  # typed with a dash, stored with spaces
    assert names("(555) 01") == ["Daniel Okafor"]
    assert names("7946") == ["Sofia Rossi"]
    assert names("sofia 0958") == ["Sofia Rossi"]  # every word must match
    assert names("maya 0958") == []
    assert names("100%") == []  # LIKE wildcards are plain text
    assert len(names("")) == 3  # an empty box lists everyone by name
    assert len(app.customers.search("", limit=2)) == 2


def test_detail_lists_history_newest_first_with_status_and_amounts(app: AppContext) -> None:
    old = book(app, "Maya Thompson", email="maya@example.com", days=1)
    new = book(app, "Maya Thompson", email="maya@example.com", days=3, service="svc_colour")
    app.cash.record(old.id)
    app.bookings.cancel(new.id)
    assert old.customer_id is not None
    detail = app.customers.detail(old.customer_id)
    assert [b.id for b in detail.bookings] == [new.id, old.id]
    assert [b.status for b in detail.bookings] == [BookingStatus.CANCELLED, BookingStatus.PAID]
    assert [b.price.format() for b in detail.bookings] == ["$120.00", "$35.00"]
    assert detail.visits == 1
    with pytest.raises(NotFoundError, match="no longer exists"):
        app.customers.detail("cus_nobody")


def test_update_checks_fields_and_carries_to_upcoming_bookings(app: AppContext) -> None:
    maya = book(app, "Maya Thompson", email="maya@example.com")
    book(app, "Sofia Rossi", email="sofia@example.com", hour=11)
    assert maya.customer_id is not None
    with pytest.raises(FormErrors) as caught:
        app.customers.update(maya.customer_id, " ", "not-an-email", "call me")
    assert caught.value.errors == {
        "name": "Enter the customer's name.",
        "email": "Enter an email address like name@example.com, or leave it empty.",
        "phone": "Enter a phone number with digits only, or leave it empty.",
    }
    with pytest.raises(FormErrors) as caught:
        app.customers.update(maya.customer_id, "Maya", "SOFIA@example.com", "")
    assert caught.value.errors == {"email": "Sofia Rossi already has this email address."}
    assert app.customers.detail(maya.customer_id).customer.name == "Maya Thompson"  # unchanged

    updated = app.customers.update(maya.customer_id, "  Maya   Okafor ", "maya.o@example.com", "")
    assert (updated.name, updated.email, updated.phone) == (
        "Maya Okafor",
        "maya.o@example.com",
        None,
    )
    assert [c.name for c in app.customers.search("okafor")] == ["Maya Okafor"]
    assert app.customers.search("thompson") == []
    stored = app.bookings.detail(maya.id).booking  # upcoming: receipts go to the new address
    assert (stored.customer_name, stored.customer_email) == ("Maya Okafor", "maya.o@example.com")


def test_notes_are_kept_bounded_and_refused_with_control_characters(app: AppContext) -> None:
    maya = book(app, "Maya Thompson", email="maya@example.com")
    assert maya.customer_id is not None
    cid = maya.customer_id
    assert app.customers.detail(cid).customer.notes == ""  # migration 0011's default
    saved = app.customers.set_notes(cid, "  Allergic to latex.\r\nLikes it short.\t(ask)  ")
    assert saved.notes == "Allergic to latex.\nLikes it short.\t(ask)"
    assert app.customers.detail(cid).customer.notes == saved.notes
    for bad, sentence in (
        ("Ring \x1b[31mred", NOTES_CONTROL),
        ("Eve \u202egnp.exe", NOTES_CONTROL),
        ("x" * (NOTES_LIMIT + 1), NOTES_TOO_LONG.format(limit="1,000")),
    ):
        with pytest.raises(FormErrors) as caught:
            app.customers.set_notes(cid, bad)
        assert caught.value.errors == {"notes": sentence}
        with pytest.raises(FormErrors) as caught:
            app.customers.update(cid, "Maya Thompson", "maya@example.com", "", bad)
        assert caught.value.errors == {"notes": sentence}
    assert app.customers.detail(cid).customer.notes == saved.notes  # nothing changed
    assert app.customers.set_notes(cid, "x" * NOTES_LIMIT).notes == "x" * NOTES_LIMIT
    updated = app.customers.update(cid, "Maya Okafor", "maya@example.com", "", "Prefers Priya")
    assert (updated.name, updated.notes) == ("Maya Okafor", "Prefers Priya")
    kept = app.customers.update(cid, "Maya O.", "maya@example.com", "")  # notes not given
    assert kept.notes == "Prefers Priya"
    with pytest.raises(NotFoundError):
        app.customers.set_notes("cus_missing", "hello")


# -- catalogue --------------------------------------------------------------------------------


def test_only_managers_change_the_catalogue(app: AppContext) -> None:
    form = ServiceForm(None, "Blow-dry", 30, "25.00", "usd")
    for actor in (None, STAFF):
        if actor is None:
            app.deps.desk.sign_out()
        else:
            app.deps.desk.sign_in(actor)
        with pytest.raises(PermissionDeniedError) as caught:
            app.catalog.save_service(form)
        assert caught.value.message == "Only a manager can change the catalogue."
    assert "Blow-dry" not in [s.name for s in app.catalog.list_services(include_inactive=True)]


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        (
            ServiceForm(None, "  ", 7, "abc", "usd"),
            {
                "name": "Enter the service's name.",
                "duration_minutes": "Choose a duration from 5 to 480 minutes, in steps of 5.",
                "price": "Enter an amount as a number, like 35.00.",
            },
        ),
        (
            ServiceForm(None, "Long", 485, "0.20", "usd"),
            {
                "duration_minutes": "Choose a duration from 5 to 480 minutes, in steps of 5.",
                "price": "The smallest amount you can charge is $0.50.",
            },
        ),
        (
            ServiceForm(None, "haircut", 30, "35", "usd"),
            {"name": "There is already a service called haircut."},
        ),
        (
            ServiceForm(None, "Yen cut", 30, "35.5", "jpy"),
            {"price": "JPY amounts are whole numbers, with no decimals."},
        ),
        (
            ServiceForm(None, "Odd", 30, "35", "xyz"),
            {"currency": "Choose a currency from the list."},
        ),
        (
            ServiceForm(None, "Zero", 0, "35", "usd"),
            {"duration_minutes": "Choose a duration from 5 to 480 minutes, in steps of 5."},
        ),
        (
            ServiceForm(None, "Taxed", 30, "35", "usd", tax_rate_text="8.8755"),
            {"tax_rate": "The tax rate has at most 3 decimals, like 8.875."},
        ),
    ],
)
def test_service_form_sentences_change_nothing(
    app: AppContext, form: ServiceForm, errors: dict[str, str]
) -> None:
    app.deps.desk.sign_in(MANAGER)
    before = app.catalog.list_services(include_inactive=True)
    with pytest.raises(FormErrors) as caught:
        app.catalog.save_service(form)
    assert caught.value.errors == errors
    assert app.catalog.list_services(include_inactive=True) == before


def test_managers_add_and_edit_services_and_bookings_keep_their_price(app: AppContext) -> None:
    app.deps.desk.sign_in(MANAGER)
    assert {"usd", "eur", "gbp", "jpy"} <= set(SUPPORTED_CURRENCIES)
    booked = book(app, "Maya Thompson")
    added = app.catalog.save_service(ServiceForm(None, "Blow-dry", 45, "28.50", "EUR"))
    assert (added.duration_minutes, added.price_amount, added.currency) == (45, 2850, "eur")
    assert "Blow-dry" in [s.name for s in app.catalog.list_services()]

    changed = app.catalog.save_service(ServiceForm("svc_haircut", "Haircut", 40, "40.00", "usd"))
    assert (changed.duration_minutes, changed.price_amount) == (40, 4000)
    stored = app.bookings.detail(booked.id).booking
    assert stored.price_amount == 3500 and stored.ends_at - stored.starts_at == timedelta(
        minutes=30
    )

    app.catalog.save_service(ServiceForm("svc_beard", "Beard trim", 15, "15.00", "usd", False))
    taxed = app.catalog.save_service(
        ServiceForm("svc_massage", "Massage (60 min)", 60, "80.00", "usd", tax_rate_text="8.875")
    )
    assert taxed.tax_rate_thousandths == 8875 and str(taxed.tax_rate) == "8.875%"
    assert app.catalog.find("svc_massage").tax_rate_thousandths == 8875
    assert "Beard trim" not in [s.name for s in app.catalog.list_services()]
    assert "Beard trim" in [s.name for s in app.catalog.list_services(include_inactive=True)]
    with pytest.raises(FormErrors) as caught:  # an inactive service cannot be booked
        book(app, "Liam Chen", service="svc_beard", hour=12)
    assert caught.value.errors == {"service_id": "Choose a service."}

    with app.deps.uow() as uow:
        entries = uow.audit.query(AuditQuery(actions=frozenset({AuditAction.CATALOG_CHANGED})))
    details = [e.detail for e in reversed(entries)]
    assert details == [
        "Added Blow-dry (45 min, €28.50)",
        "Changed Haircut (30 min, $35.00) → Haircut (40 min, $40.00)",
        "Changed Beard trim (15 min, $15.00) → Beard trim (15 min, $15.00, inactive)",
        "Changed Massage (60 min) (60 min, $80.00) → Massage (60 min) (60 min, $80.00, tax 8.875%)",
    ]
    assert {e.actor_name for e in entries} == {"Lee"}
    with pytest.raises(NotFoundError):
        app.catalog.save_service(ServiceForm("svc_gone", "Gone", 30, "10", "usd"))


def test_fresh_install_has_demo_staff_and_a_room(app: AppContext) -> None:
    names = [(r.name, r.kind.value) for r in app.catalog.list_resources()]
    assert names == [
        ("Jordan", "staff"),
        ("Priya", "staff"),
        ("Sam", "staff"),
        ("Treatment room", "room"),
    ]
    assert app.catalog.seed_demo() is False  # never twice
    assert app.catalog.find_resource("priya").id == "res_priya"
    with pytest.raises(NotFoundError, match="nobody called 'Alex'"):
        app.catalog.find_resource("Alex")
