"""Which permissions the app needs (or uses, when a key has them) a key holds, each tried
with one harmless call.

Reads are tried with a one-item list. A Write permission is tried by writing to an object
that cannot exist (``…_pos_app_permission_check``): Stripe checks a restricted key's
permissions before it looks the object up, so a key with the permission is told
``resource_missing`` (404, or 400 on a parameter) and one without it gets the 403 that names
the permission. Nothing is created, changed or charged, in test or live mode; the SDK's own
idempotency key on these posts is enough, as there is nothing a resend could duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

import stripe

from pos_app.domain.gateway_types import PermissionCheck
from pos_app.domain.stripe_permissions import (
    OPTIONAL_PERMISSIONS,
    REQUIRED_PERMISSIONS,
    StripePermission,
    optional_missing_sentence,
    permission,
)
from pos_app.gateway import messages
from pos_app.i18n import gettext

log = logging.getLogger(__name__)

#: The tail of object ids that never exist, for the write probes.
PROBE_ID = "pos_app_permission_check"


def probes(client: stripe.StripeClient) -> dict[str, Callable[[], object]]:
    """One harmless call per required and optional permission, by Stripe's permission id."""
    v1 = client.v1
    return {
        "rak_checkout_session_write": lambda: v1.checkout.sessions.expire(f"cs_{PROBE_ID}"),
        "rak_payment_intent_write": lambda: v1.payment_intents.update(f"pi_{PROBE_ID}", {}),
        "rak_charge_read": lambda: v1.charges.list({"limit": 1}),
        "rak_refund_write": lambda: v1.refunds.create({"payment_intent": f"pi_{PROBE_ID}"}),
        "rak_balance_transaction_source_read": lambda: v1.balance_transactions.list({"limit": 1}),
        "rak_event_read": lambda: v1.events.list({"limit": 1}),
        # An update with no parameters: nothing to change even if the id existed.
        "rak_customer_write": lambda: v1.customers.update(f"cus_{PROBE_ID}", {}),
    }


def check_permissions(
    client: stripe.StripeClient, errors: Callable[[], AbstractContextManager[None]]
) -> list[PermissionCheck]:
    """Try each of ``REQUIRED_PERMISSIONS``, then each of ``OPTIONAL_PERMISSIONS`` (marked
    ``optional``); ``errors`` turns any other Stripe error into the gateway's domain error (a
    key Stripe refuses outright raises GatewayAuthError)."""
    calls = probes(client)
    required = [_check(p, calls[p.id], errors) for p in REQUIRED_PERMISSIONS]
    return required + [_check_optional(p, calls[p.id], errors) for p in OPTIONAL_PERMISSIONS]


def _check_optional(
    wanted: StripePermission,
    call: Callable[[], object],
    errors: Callable[[], AbstractContextManager[None]],
) -> PermissionCheck:
    found = _check(wanted, call, errors)
    if found.ok:
        detail = gettext("Has {permission} (optional), used {purpose}.").format(
            permission=wanted.label, purpose=wanted.purpose_words
        )
    else:
        detail = optional_missing_sentence(wanted)
    return PermissionCheck(wanted.id, found.ok, detail, optional=True)


def _check(
    needed: StripePermission,
    call: Callable[[], object],
    errors: Callable[[], AbstractContextManager[None]],
) -> PermissionCheck:
    with errors():
        try:
            call()
        except stripe.PermissionError as err:
            # Stripe names what it missed; it may be narrower than the row asked for.
            named = permission(messages.missing_permission(err.user_message) or needed.id)
            log.info("stripe.permission_missing permission=%s", named.id)
            return PermissionCheck(
                needed.id,
                False,
                gettext("Lacks {permission}, needed {purpose}.").format(
                    permission=named.label, purpose=needed.purpose_words
                ),
            )
        except stripe.InvalidRequestError as err:
            if err.code != "resource_missing":
                raise
    return PermissionCheck(
        needed.id,
        True,
        gettext("Has {permission}, needed {purpose}.").format(
            permission=needed.label, purpose=needed.purpose_words
        ),
    )
