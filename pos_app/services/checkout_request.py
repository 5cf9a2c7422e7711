"""The create request of a payment link, frozen when the attempt is reserved.

Every parameter Stripe receives comes from the JSON stored on the payment row, never from the
booking or the station at send time: a resend (after a crash, from another station, after the
customer's email was edited) is byte for byte the same request, so Stripe answers it with the
same session instead of an idempotency error. Also where the app learns where customers go
after paying (the business setting "After paying, customers go to").
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pos_app.domain.booking import Booking
from pos_app.domain.checkout_lines import CheckoutLine, PartKind, checkout_lines
from pos_app.domain.checkout_locale import AUTO
from pos_app.domain.gateway_types import CheckoutRequest
from pos_app.domain.orders import Order
from pos_app.domain.payment import Payment
from pos_app.i18n import N_, gettext
from pos_app.services.context import Policy

SUCCESS_URL_LABEL = N_("After paying, customers go to")
# The label's words spelled out (not an f-string), so the catalog holds the whole sentence.
SUCCESS_URL_MISSING = N_(
    "Set 'After paying, customers go to' (your website) in Settings before taking card payments."
)
MAX_URL_LENGTH = 2000  # well under Stripe's limit, and any real website's address
# Where the sandbox's hosted page sends customers when the business has no website set.
SANDBOX_THANKS_PATH = "/c/thanks"


def success_url_problem(policy: Policy) -> str | None:
    """None when card payments know where to send customers; else the sentence saying so."""
    return None if policy.success_url else SUCCESS_URL_MISSING


def check_success_url(text: str) -> tuple[str, str | None]:
    """``(cleaned, problem)`` for what was typed as the business's website; ``""`` clears it.

    The problem is one sentence, or None when the address can be used.
    """
    url = text.strip()
    if not url:
        return "", None
    bad = gettext(
        "Enter your website's full address, starting with https://, "
        "for example https://example.com/thank-you."
    )
    if len(url) > MAX_URL_LENGTH:
        return url, gettext("Keep the address to {limit} characters or fewer.").format(
            limit=MAX_URL_LENGTH
        )
    if any(ch.isspace() for ch in url):
        return url, bad
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return url, bad
    # A host name with a dot (or localhost, for a shop's own test page): never "example".
    named = bool(host) and ("." in str(host).strip(".") or host == "localhost")
    if parts.scheme.lower() not in ("http", "https") or not named:
        return url, bad
    return url, None


def sandbox_return_urls(base_url: str) -> tuple[str, str]:
    """The sandbox's own thank-you page, ``(success_url, cancel_url)``, under ``base_url``."""
    base = base_url.rstrip("/")
    return (
        f"{base}{SANDBOX_THANKS_PATH}?session_id={{CHECKOUT_SESSION_ID}}",
        f"{base}{SANDBOX_THANKS_PATH}?left=1",
    )


def freeze(
    booking: Booking,
    payment: Payment,
    policy: Policy,
    *,
    locale: str = AUTO,
    receipt_customer: str | None = None,
) -> str:
    """The create request for ``payment`` as JSON, from what is known at reserve time.

    Metadata names the booking and payment only (no station: any station may resend it).
    ``locale`` is Stripe's page language for the booking's customer (``checkout_locale``);
    ``receipt_customer`` the customer whose Stripe Customer writes the receipt in their
    language (``services.stripe_customers``), if any.
    """
    if payment.expires_at is None:  # pragma: no cover - reserve always sets it
        raise ValueError("a card payment needs expires_at before its request is frozen")
    metadata = {"booking_id": booking.id, "payment_id": payment.id, "app": "pos-app"}
    data: dict[str, Any] = {
        "amount": payment.amount,
        "currency": payment.currency,
        "product_name": booking.service_name,
        "expires_at": int(payment.expires_at.timestamp()),
        "metadata": metadata,
        "customer_email": booking.customer_email,
        "client_reference_id": booking.id,
        "success_url": policy.success_url,
        # The hosted page's back button leads to the same site: nothing to undo there.
        "cancel_url": policy.cancel_url or policy.success_url,
        # Stripe emails its receipt here when the customer pays (in test mode only to the
        # account's verified team members).
        "receipt_email": booking.customer_email,
        "allowed_payment_method_types": ["card"],
        "locale": locale,
    }
    if receipt_customer is not None:  # absent otherwise: such a request is as it always was
        data["receipt_customer_id"] = receipt_customer
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def freeze_order(
    order: Order,
    *,
    payment_id: str,
    amount: int,
    expires_at: datetime,
    policy: Policy,
    part: PartKind = PartKind.DEPOSIT,
    locale: str = AUTO,
    receipt_customer: str | None = None,
) -> str:
    """The create request for charging ``amount`` of ``order`` as JSON, with its line items.

    The whole total is itemised (``domain.checkout_lines``); less is one item named by
    ``part``. The items come from the stored order, whose lines never change once written,
    so a resend is the same request. Metadata names the order (and its booking, if any) and
    the payment.
    """
    metadata = {"order_id": order.id, "payment_id": payment_id, "app": "pos-app"}
    if order.booking_id is not None:
        metadata["booking_id"] = order.booking_id
    lines = checkout_lines(order, amount, part)
    email = order.customer.email or None
    data: dict[str, Any] = {
        "amount": amount,
        "currency": order.currency,
        "product_name": lines[0].name
        if len(lines) == 1
        else f"Order {order.number if order.number is not None else order.id}",
        "lines": [
            {"name": line.name, "amount": line.amount, "description": line.description}
            for line in lines
        ],
        "expires_at": int(expires_at.timestamp()),
        "metadata": metadata,
        "customer_email": email,
        "client_reference_id": order.id,
        "success_url": policy.success_url,
        "cancel_url": policy.cancel_url or policy.success_url,
        "receipt_email": email,
        "allowed_payment_method_types": ["card"],
        "locale": locale,
    }
    if receipt_customer is not None:  # absent otherwise: such a request is as it always was
        data["receipt_customer_id"] = receipt_customer
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def thaw(text: str) -> CheckoutRequest:
    """The request stored by :func:`freeze`."""
    data = json.loads(text)
    return CheckoutRequest(
        amount=int(data["amount"]),
        currency=str(data["currency"]),
        product_name=str(data["product_name"]),
        expires_at=datetime.fromtimestamp(int(data["expires_at"]), UTC),
        metadata={str(k): str(v) for k, v in data["metadata"].items()},
        customer_email=data.get("customer_email"),
        client_reference_id=data.get("client_reference_id"),
        success_url=data.get("success_url"),
        cancel_url=data.get("cancel_url"),
        receipt_email=data.get("receipt_email"),
        allowed_payment_method_types=tuple(data.get("allowed_payment_method_types", ["card"])),
        # A booking's request has none: it is one item named product_name.
        lines=tuple(
            CheckoutLine(str(line["name"]), int(line["amount"]), str(line["description"]))
            for line in data.get("lines", ())
        ),
        locale=data.get("locale"),
        receipt_customer_id=data.get("receipt_customer_id"),
    )


def return_urls(
    success_url: str | None, mode: str, sandbox_base: str | None
) -> tuple[str | None, str | None]:
    """``(success_url, cancel_url)`` for the Policy: the business's website when set; in
    sandbox mode otherwise the sandbox's thank-you page; else none (charging is refused)."""
    if success_url:
        return success_url, None
    if mode == "sandbox" and sandbox_base:
        return sandbox_return_urls(sandbox_base)
    return None, None
