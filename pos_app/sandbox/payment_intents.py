"""``POST /v1/payment_intents/{id}``: description, metadata and ``receipt_email``.

Setting ``receipt_email`` on a succeeded PaymentIntent is how Stripe is asked to email its
receipt after the payment. The sandbox sends no mail (nor does Stripe's test mode): it logs
a "would send" line and keeps the send in the PaymentIntent's internal record.
"""

from __future__ import annotations

import logging
from typing import Any

from pos_app.sandbox import behaviour
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.errors import param_error, resource_missing
from pos_app.sandbox.expand import expand
from pos_app.sandbox.params import ParamReader
from pos_app.sandbox.store import Record, Tx

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]

KIND = "payment_intent"

_UNSET = object()


def mask_email(email: str) -> str:
    """``maya@example.com`` → ``m***@example.com``: enough for a log, not an address."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def would_send_receipt(tx: Tx, ctx: Ctx, pi: Record, email: str) -> None:
    """Record a receipt Stripe would email for ``pi`` (live mode), and point its charge at it."""
    charge_id = pi.body.get("latest_charge")
    charge = tx.get(charge_id, "charge") if isinstance(charge_id, str) else None
    if charge is not None and behaviour.RECEIPT_EMAIL_COPIED_TO_CHARGE:
        charge.body["receipt_email"] = email
        tx.update(charge)
    sent = list(pi.internal.get("receipts_sent", []))
    sent.append({"to": email, "at": ctx.ts, "charge": charge_id})
    pi.internal["receipts_sent"] = sent
    log.info(
        "sandbox.receipt would_send payment_intent=%s charge=%s to=%s (no mail is sent)",
        pi.id,
        charge_id,
        mask_email(email),
    )


def update(tx: Tx, ctx: Ctx, pi_id: str, params: ParamReader) -> JsonDict:
    """``POST /v1/payment_intents/{id}`` for the parameters the sandbox implements."""
    # Parameters first, as Stripe validates them before looking the object up.
    description = params.string("description", max_length=1000)
    receipt_email: object = _UNSET
    if params.has("receipt_email"):
        # An empty string unsets it, as with every Stripe field typed ``Literal['']|str``.
        raw = params.raw("receipt_email")
        receipt_email = None if raw == "" else params.email("receipt_email")
    metadata_update = params.metadata()  # validates keys and values; None when absent
    raw_metadata = params.raw("metadata")
    to_expand = params.expand()

    pi = tx.get(pi_id, KIND)
    if pi is None:
        raise resource_missing(KIND, pi_id, param="intent")
    if description is not None:
        pi.body["description"] = description
    if metadata_update is not None:
        pi.body["metadata"] = _merged_metadata(pi.body.get("metadata") or {}, raw_metadata)
    if receipt_email is not _UNSET:
        previous = pi.body.get("receipt_email")
        pi.body["receipt_email"] = receipt_email
        resend = receipt_email != previous or behaviour.RECEIPT_RESENT_ON_SAME_EMAIL
        if isinstance(receipt_email, str) and pi.status == "succeeded" and resend:
            would_send_receipt(tx, ctx, pi, receipt_email)
    tx.update(pi)
    return expand(tx, pi.body, to_expand)


def _merged_metadata(current: dict[str, str], raw: object) -> dict[str, str]:
    """Stripe's update semantics: keys are set, an empty value removes its key, and an empty
    ``metadata`` removes them all."""
    if not isinstance(raw, dict):
        return {}
    merged = dict(current)
    for key, value in raw.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    if len(merged) > behaviour.METADATA_MAX_KEYS:
        raise param_error(
            f"Metadata can have at most {behaviour.METADATA_MAX_KEYS} keys.",
            code=None,
            param="metadata",
        )
    return merged
