"""The Stripe permissions the app needs from a restricted key (``rk_…``), in Stripe's ids
and in the words its Dashboard shows ("Checkout Sessions: Write").

Stripe names a missing permission in its 403 by id ("Having the 'rak_charge_read'
permission would allow this request to continue"); the ids below are the ones its
restricted-key form takes (``dashboard.stripe.com/apikeys/create?permissions[]=…``).
A Write permission includes Read of the same resource.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pos_app.i18n import N_, gettext, ngettext

#: Where a person grants a permission, for the sentences below.
WHERE_TO_FIX = N_("Stripe Dashboard › Developers › API keys")


@dataclass(frozen=True)
class StripePermission:
    """One permission of a restricted key: Stripe's id, its Dashboard row and level."""

    id: str  # e.g. "rak_checkout_session_write"
    resource: str  # the Dashboard's row, e.g. "Checkout Sessions"
    access: str  # "Read" or "Write"
    purpose: str = ""  # what the app does with it, for the person granting it

    @property
    def label(self) -> str:
        """As the Dashboard shows it: "Checkout Sessions: Write" (in the UI language, as
        Stripe's Dashboard shows it in that language)."""
        return gettext("{resource}: {access}").format(
            resource=gettext(self.resource), access=gettext(self.access)
        )

    @property
    def purpose_words(self) -> str:
        """What the app does with it, in the UI language."""
        return gettext(self.purpose) if self.purpose else ""


#: Exactly what the app needs, in the order a person meets the rows in the Dashboard.
REQUIRED_PERMISSIONS: tuple[StripePermission, ...] = (
    StripePermission(
        "rak_checkout_session_write",
        N_("Checkout Sessions"),
        N_("Write"),
        N_("to open and close payment links"),
    ),
    StripePermission(
        "rak_payment_intent_write",
        N_("PaymentIntents"),
        N_("Write"),
        N_("to ask Stripe to email its receipt"),
    ),
    StripePermission(
        "rak_charge_read", N_("Charges"), N_("Read"), N_("to read card payments and reconcile them")
    ),
    StripePermission("rak_refund_write", N_("Refunds"), N_("Write"), N_("to refund payments")),
    # Stripe's key form has no "Balance transactions" row: listing them and reading a
    # charge's fee come with "Balance transaction sources" (which includes Balance: Read).
    StripePermission(
        "rak_balance_transaction_source_read",
        N_("Balance transaction sources"),
        N_("Read"),
        N_("to read Stripe's fees"),
    ),
    StripePermission(
        "rak_event_read",
        N_("Events"),
        N_("Read"),
        N_("to learn of payments and refunds as they happen"),
    ),
)

#: Permissions the app uses when a key has them and does without otherwise, so a key
#: lacking one is still accepted (``missing_sentence`` names only required ones). Customers:
#: Write lets the app give a customer a Stripe Customer whose ``preferred_locales`` Stripe
#: writes the receipt email in; without it payments are taken as before and the receipt
#: follows the Dashboard's language (``services/stripe_customers``).
OPTIONAL_PERMISSIONS: tuple[StripePermission, ...] = (
    StripePermission(
        "rak_customer_write",
        N_("Customers"),
        N_("Write"),
        N_("to email receipts in the customer's language"),
    ),
)

#: For each optional permission, the whole sentence a person reads when the key lacks it:
#: what still works, what is lost, and how to add it. One sentence each, so a translation
#: never pastes pieces together.
_WITHOUT: dict[str, str] = {
    "rak_customer_write": N_(
        "This restricted key lacks {permission}, which is optional: payments work as they "
        "are, but Stripe emails receipts in the language of your Stripe Dashboard rather "
        "than each customer's. To have them in the customer's language, add it to the key "
        "in {where}."
    ),
}

#: Other permissions a 403 may name for the calls the app makes (Read of a resource it
#: writes, or the narrower Balance), so their words are Stripe's too.
_OTHER_KNOWN: tuple[StripePermission, ...] = (
    StripePermission("rak_checkout_session_read", N_("Checkout Sessions"), N_("Read")),
    StripePermission("rak_payment_intent_read", N_("PaymentIntents"), N_("Read")),
    StripePermission("rak_refund_read", N_("Refunds"), N_("Read")),
    StripePermission("rak_balance_read", N_("Balance"), N_("Read")),
    StripePermission("rak_charge_write", N_("Charges"), N_("Write")),
    StripePermission("rak_webhook_read", N_("Webhook Endpoints"), N_("Read")),
    StripePermission("rak_webhook_write", N_("Webhook Endpoints"), N_("Write")),
)

_BY_ID: dict[str, StripePermission] = {
    p.id: p for p in (*REQUIRED_PERMISSIONS, *OPTIONAL_PERMISSIONS, *_OTHER_KNOWN)
}
_OPTIONAL_IDS = frozenset(p.id for p in OPTIONAL_PERMISSIONS)


def permission(permission_id: str) -> StripePermission:
    """The permission with Stripe's id; one this table does not know is spelled out from its
    id ("rak_tax_rate_read" → "tax rate: Read") rather than hidden."""
    known = _BY_ID.get(permission_id)
    if known is not None:
        return known
    words = permission_id.removeprefix("rak_")
    resource, _, access = words.rpartition("_")
    if access not in ("read", "write") or not resource:
        return StripePermission(permission_id, words.replace("_", " "), "Read")
    return StripePermission(permission_id, resource.replace("_", " "), access.capitalize())


def is_optional(permission_id: str) -> bool:
    """True for a permission the app does without (``OPTIONAL_PERMISSIONS``)."""
    return permission_id in _OPTIONAL_IDS


def _listed(labels: Sequence[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return gettext("{items} and {last}").format(items=", ".join(labels[:-1]), last=labels[-1])


def missing_sentence(missing: Sequence[StripePermission]) -> str:
    """What a person reads when a restricted key lacks permissions, naming each one.

    "This restricted key lacks Charges: Read and Events: Read. Add them to the key in
    Stripe Dashboard › Developers › API keys, then check the key again."
    """
    if not missing:
        return gettext("This key has every permission the app needs.")
    labels = [p.label for p in missing]
    return ngettext(
        "This restricted key lacks {permissions}. Add it to the key in {where}, then check "
        "the key again.",
        "This restricted key lacks {permissions}. Add them to the key in {where}, then check "
        "the key again.",
        len(labels),
    ).format(permissions=_listed(labels), where=gettext(WHERE_TO_FIX))


def denied_sentence(permission_id: str | None) -> str:
    """A 403 met during work: which permission is missing, or (unnamed) what to do."""
    if not permission_id:
        return gettext(
            "This restricted key lacks a permission this needs. Use Check key in Settings "
            "to see which."
        )
    return missing_sentence([permission(permission_id)])


def required_note() -> str:
    """After a restricted key passed the check: what it was checked for, in one sentence."""
    labels = _listed([p.label for p in REQUIRED_PERMISSIONS])
    return gettext(
        "This restricted key has every permission the app needs ({permissions})."
    ).format(permissions=labels)


def optional_missing_sentence(missing: StripePermission) -> str:
    """What a person reads when a restricted key lacks ``missing``, one of
    ``OPTIONAL_PERMISSIONS``: the key is accepted, and the sentence says what still works,
    what is lost and how to add it."""
    return gettext(_WITHOUT[missing.id]).format(
        permission=missing.label, where=gettext(WHERE_TO_FIX)
    )
