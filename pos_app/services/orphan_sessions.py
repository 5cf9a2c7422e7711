"""Closing a session nobody watches: an open one whose payment is already FAILED or EXPIRED.

A create's answer can arrive after its attempt was replaced (a slow network, another station
sending the same stored request): Stripe then holds a second open link for the booking, which
no hold ever closes. It is expired at once; if it was paid meanwhile, the payment stands.
"""

from __future__ import annotations

import logging

from pos_app.domain.errors import GatewayError, GatewayRejected
from pos_app.domain.gateway_types import CheckoutSessionInfo
from pos_app.domain.payment import Payment, PaymentStatus
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key

log = logging.getLogger(__name__)

# Payments whose session must not stay payable (SUCCEEDED already has its money).
_CLOSED = frozenset({PaymentStatus.FAILED, PaymentStatus.EXPIRED})


def is_orphan(payment: Payment, session: CheckoutSessionInfo) -> bool:
    """The session is open though its payment is over: nobody would ever close it."""
    return (
        session.status == "open"
        and payment.status in _CLOSED
        and payment.stripe_session_id == session.id
    )


def close(deps: Deps, payment: Payment, session: CheckoutSessionInfo) -> CheckoutSessionInfo | None:
    """Expire the orphan session at Stripe; Stripe's fresh snapshot of it, or None when Stripe
    could not be reached (the link stays hidden; a payment on it is still recorded as paid)."""
    try:
        try:
            # The same key cancel() uses: derived from the stored payment id, so a resend is
            # the very same request.
            closed = deps.gateway.expire_checkout_session(
                session.id, idempotency_key=idempotency_key("expire", payment.id)
            )
        except GatewayRejected:
            # Not open any more (paid or expired meanwhile): Stripe's current state decides.
            closed = deps.gateway.retrieve_checkout_session(session.id)
    except GatewayError as err:
        log.warning(
            "payment.orphan_session_left_open booking=%s payment=%s session=%s reason=%s",
            payment.booking_id,
            payment.id,
            session.id,
            err.message,
        )
        return None
    log.warning(
        "payment.orphan_session_closed booking=%s payment=%s status=%s session=%s now=%s",
        payment.booking_id,
        payment.id,
        payment.status.value,
        session.id,
        closed.status,
    )
    return closed
