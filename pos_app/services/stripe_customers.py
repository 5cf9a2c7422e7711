"""A customer's Stripe Customer, so Stripe writes their receipt email in their language.

Stripe writes a payment's receipt in the preferred locale of the payment's Customer, else in
the Dashboard's language (docs.stripe.com/payments/advanced/receipts, "Localization"); a
Checkout Session has no parameter for it (its ``locale`` is the page's). So a customer with
an email and a language Stripe writes (``receipt_locale``: German, Spanish, not Bangla) gets
one Stripe Customer with ``email``, ``name`` and ``preferred_locales``, made the first time
they pay by card and reused after; the session is then made for that Customer (``customer``
instead of ``customer_email``).

Rule 3: the create call's idempotency key and its request are stored on the customer row
before the call, and every send uses them, so a resend (after a crash, from another station,
after the customer's details were edited) is the same request and gets the same Customer.
When the desk later changes the customer's email, name or language, the next card payment
first sends an update the same way (its own key and request stored first), so the receipt
follows the customer's language as it is now.
The payment's own request names the customer (frozen when it was reserved); the Stripe id it
sends comes from the customer's row, where it never changes once stored.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace

from pos_app.domain.booking import Booking
from pos_app.domain.checkout_locale import receipt_locale
from pos_app.domain.errors import (
    GatewayPermissionError,
    GatewayRejected,
    GatewayStoredFailure,
)
from pos_app.domain.gateway_types import CheckoutRequest, CustomerRequest, StripeCustomerLink
from pos_app.domain.orders import Order
from pos_app.domain.people import Customer
from pos_app.domain.ports import UnitOfWork
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key, new_id

log = logging.getLogger(__name__)


def customer_request(customer: Customer) -> CustomerRequest | None:
    """The Stripe Customer to create for ``customer``, or None when Stripe could not write
    their receipt in their language (no email, or a language Stripe does not write)."""
    locale = receipt_locale(customer.language)
    if not customer.email or locale is None:
        return None
    return CustomerRequest(
        email=customer.email,
        name=customer.name,
        preferred_locales=(locale,),
        metadata={"customer_id": customer.id, "app": "pos-app"},
    )


def receipt_customer(uow: UnitOfWork, sale: Booking | Order) -> str | None:
    """The id of the sale's customer when their receipt needs a Stripe Customer (read once,
    when the payment's request is frozen), else None."""
    customer_id = sale.customer_id if isinstance(sale, Booking) else sale.customer.customer_id
    customer = uow.customers.get(customer_id) if customer_id else None
    if customer is None or customer_request(customer) is None:
        return None
    return customer.id


def for_checkout(deps: Deps, request: CheckoutRequest) -> CheckoutRequest:
    """``request`` made for its customer's Stripe Customer, created first if need be.

    Unchanged when it names none, or when Stripe refused the Customer (the payment is taken
    as before; the receipt speaks the Dashboard's language). Network trouble is raised: the
    payment stays to be sent, and the next send reuses the stored key and request.
    """
    if request.receipt_customer_id is None:
        return request
    stripe_id = _ensure(deps, request.receipt_customer_id)
    return request if stripe_id is None else replace(request, customer=stripe_id)


def forget_if_gone(deps: Deps, request: CheckoutRequest, refusal: GatewayRejected) -> None:
    """After Stripe refused a session for a Customer it no longer has ("No such customer":
    deleted in the Dashboard, or a sandbox whose data was reset), forget it on the
    customer's row, so the customer's next payment makes a new one instead of failing for
    ever. Only that id is forgotten: a row another station has moved on from is left alone."""
    if request.customer is None or request.receipt_customer_id is None:
        return
    if refusal.code != "resource_missing":
        return
    with deps.uow(write=True) as uow:
        uow.customers.forget_stripe_customer(request.receipt_customer_id, request.customer)
        uow.commit()
    log.warning(
        "stripe.customer.gone customer=%s stripe_customer=%s",
        request.receipt_customer_id,
        request.customer,
    )


def _ensure(deps: Deps, customer_id: str) -> str | None:
    link = _claim(deps, customer_id)
    if link is None:
        return None
    if link.stripe_id is None:
        return _create(deps, customer_id, link)
    if link.request != link.synced:  # the desk changed the customer: Stripe hears it first
        _update(deps, customer_id, link.stripe_id, link)
    return link.stripe_id


def _claim(deps: Deps, customer_id: str) -> StripeCustomerLink | None:
    """The row's link, with a create (no Customer yet) or an update (the customer's email,
    name or language changed since Stripe applied the last request) claimed on it first:
    its key and request stored and committed before any call."""
    with deps.uow(write=True) as uow:
        link = uow.customers.stripe_customer(customer_id)
        customer = uow.customers.get(customer_id)
        wanted = None if customer is None else customer_request(customer)
        # A key of its own per claim: a Customer forgotten after Stripe lost it is made
        # anew, and an update is never answered with an earlier call's stored result.
        key = idempotency_key("customer", new_id(customer_id))
        if link is None:
            if wanted is None:  # gone, or no longer has an email or a language Stripe writes
                return None
            link = uow.customers.claim_stripe_customer(customer_id, key, _freeze(wanted))
            uow.commit()
        elif (
            wanted is not None
            and link.stripe_id is not None
            and link.request == link.synced  # no update of another station still on its way
            and _freeze(wanted) != link.synced
        ):
            link = uow.customers.claim_stripe_customer_update(
                customer_id, link.request, key, _freeze(wanted)
            )
            uow.commit()
    return link


def _create(deps: Deps, customer_id: str, link: StripeCustomerLink) -> str | None:
    try:
        stripe_id = deps.gateway.create_customer(
            _thaw(link.request), idempotency_key=link.idempotency_key
        )
    except GatewayPermissionError as err:
        _log_without_permission(customer_id, err)
        return None
    except (GatewayRejected, GatewayStoredFailure) as err:
        # The same key would be refused the same way: pay without a Customer.
        log.warning("stripe.customer.refused customer=%s reason=%s", customer_id, err.message)
        return None
    with deps.uow(write=True) as uow:
        uow.customers.set_stripe_customer_id(customer_id, stripe_id)
        stored = uow.customers.stripe_customer(customer_id)
        uow.commit()
    return stripe_id if stored is None or stored.stripe_id is None else stored.stripe_id


def _update(deps: Deps, customer_id: str, stripe_id: str, link: StripeCustomerLink) -> None:
    try:
        deps.gateway.update_customer(
            stripe_id, _thaw(link.request), idempotency_key=link.idempotency_key
        )
    except GatewayPermissionError as err:
        _log_without_permission(customer_id, err)
        return
    except (GatewayRejected, GatewayStoredFailure) as err:
        # The Customer keeps what it had (its receipts too); the payment goes ahead.
        log.warning(
            "stripe.customer.update_refused customer=%s reason=%s", customer_id, err.message
        )
        return
    with deps.uow(write=True) as uow:
        uow.customers.set_stripe_customer_synced(customer_id, link.request)
        uow.commit()


def _log_without_permission(customer_id: str, err: GatewayPermissionError) -> None:
    """A restricted key without Customers: Write (optional, see ``stripe_permissions``):
    one line for whoever reads the log, with no key in it; the payment goes ahead."""
    log.warning(
        "stripe.customer.permission_missing permission=%s customer=%s: paying without a "
        "Stripe Customer, so Stripe's receipt follows the Dashboard's language",
        err.permission or "unnamed",
        customer_id,
    )


def _freeze(request: CustomerRequest) -> str:
    data = {
        "email": request.email,
        "name": request.name,
        "preferred_locales": list(request.preferred_locales),
        "metadata": request.metadata,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def _thaw(text: str) -> CustomerRequest:
    data = json.loads(text)
    return CustomerRequest(
        email=str(data["email"]),
        name=str(data["name"]),
        preferred_locales=tuple(str(x) for x in data["preferred_locales"]),
        metadata={str(k): str(v) for k, v in data["metadata"].items()},
    )
