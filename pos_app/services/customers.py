"""Customers the desk remembers: found as you type, linked to bookings, with their history."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking
from pos_app.domain.checkout_locale import language_tag_problem
from pos_app.domain.errors import DuplicateError, FormErrors, NotFoundError
from pos_app.domain.people import Customer, customer_search_key
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.text import has_forbidden, name_problem, strip_forbidden
from pos_app.i18n import N_, gettext
from pos_app.services.context import Deps
from pos_app.services.ids import new_id

log = logging.getLogger(__name__)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,20}$")
HISTORY_LIMIT = 200
NOTES_LIMIT = 1000  # a few paragraphs: allergies, preferences, what worked last time
NOTES_CONTROL = N_(
    "The notes have an invisible control character in them (it often comes with pasted "
    "text). Type that part again by hand."
)
NOTES_TOO_LONG = N_("Keep the notes to {limit} characters or fewer.")


@dataclass(frozen=True)
class Contact:
    """A customer's name, email and phone, tidied up (empty strings for missing parts)."""

    name: str
    email: str
    phone: str


def check_contact(
    name: str, email: str, phone: str, *, prefix: str = "customer_"
) -> tuple[Contact, dict[str, str]]:
    """Tidy what was typed and say what is wrong with it, keyed ``{prefix}name`` etc."""
    errors: dict[str, str] = {}
    clean_name = " ".join(name.split())
    if not clean_name:
        errors[f"{prefix}name"] = gettext("Enter the customer's name.")
    elif len(clean_name) > 200:
        errors[f"{prefix}name"] = gettext("The name is too long (200 characters at most).")
    elif problem := name_problem(clean_name, "customer's name"):
        errors[f"{prefix}name"] = problem
    clean_email = email.strip()
    bad_email = not _EMAIL.match(clean_email) or has_forbidden(clean_email)
    if clean_email and (bad_email or len(clean_email) > 254):
        errors[f"{prefix}email"] = gettext(
            "Enter an email address like name@example.com, or leave it empty."
        )
    clean_phone = phone.strip()
    if clean_phone and not _PHONE.match(clean_phone):
        errors[f"{prefix}phone"] = gettext(
            "Enter a phone number with digits only, or leave it empty."
        )
    return Contact(clean_name, clean_email, clean_phone), errors


def check_notes(notes: str) -> tuple[str, str | None]:
    """Tidy a customer's notes (Windows line ends made plain, blank edges trimmed) and say
    what is wrong with them: a control character other than a line break or tab, or more
    than :data:`NOTES_LIMIT` characters."""
    clean = notes.replace("\r\n", "\n").replace("\r", "\n").strip()
    if has_forbidden(clean, multiline=True):
        return strip_forbidden(clean, multiline=True), NOTES_CONTROL
    if len(clean) > NOTES_LIMIT:
        return clean, gettext(NOTES_TOO_LONG).format(limit=lf.number(NOTES_LIMIT))
    return clean, None


def phone_digits(phone: str | None) -> str:
    """Only the digits of a phone number ("+1 (555) 0134" → "15550134")."""
    return "".join(ch for ch in (phone or "") if ch.isdigit())


def find_or_add(uow: UnitOfWork, contact: Contact, *, now: datetime) -> Customer:
    """The customer with this email (any case) or, without one, this phone number; a new
    customer otherwise. Runs inside the caller's unit of work, so it commits with the booking.
    """
    found: Customer | None = None
    if contact.email:
        found = uow.customers.by_email(contact.email)
    elif contact.phone:
        digits = phone_digits(contact.phone)
        found = next(
            (c for c in uow.customers.search(digits, limit=50) if phone_digits(c.phone) == digits),
            None,
        )
    if found is not None:
        # Fill in what the desk learnt this time; never overwrite what is already known.
        changed = False
        if contact.phone and not found.phone:
            found.phone, changed = contact.phone, True
        if contact.email and not found.email:
            found.email, changed = contact.email, True
        if changed:
            found.search_key = customer_search_key(found.name, found.email, found.phone)
        return found
    customer = Customer(
        id=new_id("cus"),
        name=contact.name,
        created_at=now,
        email=contact.email or None,
        phone=contact.phone or None,
        search_key=customer_search_key(contact.name, contact.email, contact.phone),
    )
    if not customer.email:
        uow.customers.add(customer)
    else:
        # Two stations adding the same new customer at once: the second links to the first's.
        added = uow.customers.add_or_same_email(customer)
        if added is not customer:
            log.info("customer.found_after_race customer=%s", added.id)
            return added
    log.info("customer.created customer=%s", customer.id)
    return customer


def _email_taken(name: str) -> str:
    """The refusal of an email another customer has."""
    return f"{name} already has this email address."


@dataclass(frozen=True)
class CustomerDetail:
    """A customer and their bookings, newest first."""

    customer: Customer
    bookings: list[Booking]

    @property
    def visits(self) -> int:
        """Bookings that were not cancelled."""
        return sum(1 for b in self.bookings if not b.cancelled)


class CustomerService:
    """Search, show and correct the customers the desk has met."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def search(self, text: str, limit: int = 20) -> list[Customer]:
        """Customers whose name, email or phone digits contain every word typed, by name.

        Empty text lists the first ``limit`` customers by name.
        """
        with self._d.uow() as uow:
            return uow.customers.search(text.strip()[:100], limit=max(1, min(limit, 200)))

    def detail(self, customer_id: str) -> CustomerDetail:
        """The customer with their booking history (newest first), or NotFoundError."""
        with self._d.uow() as uow:
            customer = uow.customers.get(customer_id)
            if customer is None:
                raise NotFoundError(N_("That customer no longer exists."))
            return CustomerDetail(
                customer, uow.bookings.for_customer(customer_id, limit=HISTORY_LIMIT)
            )

    def update(
        self,
        customer_id: str,
        name: str,
        email: str,
        phone: str,
        notes: str | None = None,
        language: str | None = None,
    ) -> Customer:
        """Correct a customer's details (and notes and language, when given; language ""
        is "not known"), or raise FormErrors (keys name, email, phone, notes, language).

        Upcoming bookings of the customer take the new details too (receipts go to the new
        email); past bookings keep what was true then.
        """
        contact, errors = check_contact(name, email, phone, prefix="")
        clean_notes = None
        if notes is not None:
            clean_notes, problem = check_notes(notes)
            if problem:
                errors["notes"] = problem
        tag = None if language is None else language.strip()
        if tag and (tag_problem := language_tag_problem(tag)):
            errors["language"] = tag_problem
        with self._d.uow(write=True) as uow:
            customer = uow.customers.get(customer_id)
            if customer is None:
                raise NotFoundError(N_("That customer no longer exists."))
            if contact.email and "email" not in errors:
                other = uow.customers.by_email(contact.email)
                if other is not None and other.id != customer_id:
                    errors["email"] = _email_taken(other.name)
            if errors:
                raise FormErrors(errors)
            # Read before changing the customer: a query flushes the change, and the email's
            # unique index must answer at commit, where its refusal is caught below.
            now = self._d.clock.now()
            upcoming = [
                b
                for b in uow.bookings.for_customer(customer_id, limit=HISTORY_LIMIT)
                if b.starts_at >= now and not b.cancelled
            ]
            customer.name = contact.name
            customer.email = contact.email or None
            customer.phone = contact.phone or None
            customer.search_key = customer_search_key(customer.name, customer.email, customer.phone)
            if clean_notes is not None:
                customer.notes = clean_notes
            if tag is not None:
                customer.language = tag or None
            for booking in upcoming:
                booking.customer_name = customer.name
                booking.customer_email = customer.email
                booking.customer_phone = customer.phone
            try:
                uow.commit()
            except DuplicateError as err:
                if err.rule != "customer_email":
                    raise
                # Another station gave this email to another customer after the check above.
                raise FormErrors({"email": self._email_holder(contact.email)}) from err
        log.info("customer.updated customer=%s", customer_id)
        return customer

    def _email_holder(self, email: str) -> str:
        """The sentence naming who has ``email`` now (read afresh, after a refusal)."""
        with self._d.uow() as uow:
            other = uow.customers.by_email(email)
        return _email_taken(other.name if other is not None else "Another customer")

    def set_language(self, customer_id: str, language: str | None) -> Customer:
        """Set the language a customer reads ("de"; None or "" for not known), which
        Stripe's payment page uses where it can; FormErrors (key language) if it is no tag."""
        tag = (language or "").strip() or None
        if tag is not None and (problem := language_tag_problem(tag)):
            raise FormErrors({"language": problem})
        with self._d.uow(write=True) as uow:
            customer = uow.customers.get(customer_id)
            if customer is None:
                raise NotFoundError(N_("That customer no longer exists."))
            customer.language = tag
            uow.commit()
        log.info("customer.language customer=%s language=%s", customer_id, tag)
        return customer

    def set_notes(self, customer_id: str, notes: str) -> Customer:
        """Replace a customer's notes (allergies, preferences), or raise FormErrors (key
        notes) and change nothing."""
        clean, problem = check_notes(notes)
        if problem:
            raise FormErrors({"notes": problem})
        with self._d.uow(write=True) as uow:
            customer = uow.customers.get(customer_id)
            if customer is None:
                raise NotFoundError(N_("That customer no longer exists."))
            customer.notes = clean
            uow.commit()
        log.info("customer.notes_updated customer=%s", customer_id)
        return customer
