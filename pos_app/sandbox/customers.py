"""Customers: created with an email, a name and the languages their emails are written in.

The app creates one so Stripe writes a customer's receipt in their language: Stripe's
receipts use the Customer's ``preferred_locales`` when a Customer is set on the payment,
else the Dashboard's language (docs.stripe.com/payments/advanced/receipts, "Localization").
The sandbox keeps what was sent and answers with Stripe's ``customer`` object (the shape of
``fixtures3.json``'s ``customer``, with the values a new customer has); it sends no email.
"""

from __future__ import annotations

import secrets
from typing import Any

from pos_app.sandbox.context import Ctx
from pos_app.sandbox.errors import resource_missing
from pos_app.sandbox.expand import expand
from pos_app.sandbox.ids import new_id
from pos_app.sandbox.params import ParamReader
from pos_app.sandbox.store import Record, Tx

JsonDict = dict[str, Any]

KIND = "customer"
# Stripe's limits on these strings (its API reference: "Maximum 256 characters" for name;
# an email is at most 512). Kept loose: the sandbox refuses nothing Stripe would take.
_NAME_MAX = 256


def create(tx: Tx, ctx: Ctx, params: ParamReader) -> JsonDict:
    """``POST /v1/customers`` (email, name, preferred_locales, metadata)."""
    # Which names may appear was checked by schema.check before this handler ran.
    customer_id = new_id("cus")
    body: JsonDict = {
        "id": customer_id,
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": ctx.ts,
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": None,
        "discount": None,
        "email": params.email("email"),
        # Stripe gives each customer its own invoice number prefix: 7-8 upper-case hex.
        "invoice_prefix": secrets.token_hex(4).upper(),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": params.metadata() or {},
        "name": params.string("name", max_length=_NAME_MAX),
        "next_invoice_sequence": 1,
        "phone": None,
        "preferred_locales": params.string_array("preferred_locales") or [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }
    tx.insert(Record(customer_id, KIND, ctx.ts, body, {}))
    return expand(tx, body, params.expand())


def update(tx: Tx, ctx: Ctx, customer_id: str, params: ParamReader) -> JsonDict:
    """``POST /v1/customers/{id}``: a sent field replaces the stored one (email, name,
    preferred_locales: what the app keeps up to date)."""
    rec = tx.get(customer_id, KIND)
    if rec is None:
        raise resource_missing(KIND, customer_id, param="customer")
    if params.has("email"):
        rec.body["email"] = params.email("email")
    if params.has("name"):
        rec.body["name"] = params.string("name", max_length=_NAME_MAX)
    if params.has("preferred_locales"):
        rec.body["preferred_locales"] = params.string_array("preferred_locales") or []
    tx.update(rec)
    return expand(tx, rec.body, params.expand())


def named(tx: Tx, customer_id: str) -> Record:
    """The customer a request names in its ``customer`` parameter, or Stripe's 400
    ("No such customer: 'cus_…'", ``resource_missing``, param ``customer``)."""
    rec = tx.get(customer_id, KIND)
    if rec is None:
        raise resource_missing(KIND, customer_id, param="customer", status=400)
    return rec


def retrieve(tx: Tx, customer_id: str, params: ParamReader) -> JsonDict:
    """``GET /v1/customers/{id}``."""
    rec = tx.get(customer_id, KIND)
    if rec is None:
        raise resource_missing(KIND, customer_id, param="customer")
    return expand(tx, rec.body, params.expand())
