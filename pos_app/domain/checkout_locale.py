"""Which language Stripe's hosted payment page speaks to a customer: Stripe's list, not ours.

Stripe's Checkout takes ``locale`` from a fixed list (the ``locale`` enum of ``POST
/v1/checkout/sessions``, copied from the stripe SDK's create params and the "Checkout"
column of https://docs.stripe.com/js/appendix/supported_locales); it has Spanish and German
but not Bangla. A customer whose language it lacks gets ``auto``: the page follows
the customer's browser, which is what Stripe does when the parameter is left out.
"""

from __future__ import annotations

from pos_app.i18n import N_, gettext

#: Stripe Checkout's ``locale`` values (``auto`` is "the browser's").
STRIPE_CHECKOUT_LOCALES: frozenset[str] = frozenset(
    [
        "auto",
        "bg",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "en-GB",
        "es",
        "es-419",
        "et",
        "fi",
        "fil",
        "fr",
        "fr-CA",
        "hi-IN",
        "hr",
        "hu",
        "id",
        "it",
        "ja",
        "ko",
        "lt",
        "lv",
        "ms",
        "mt",
        "nb",
        "nl",
        "pl",
        "pt",
        "pt-BR",
        "ro",
        "ru",
        "sk",
        "sl",
        "sv",
        "th",
        "tr",
        "vi",
        "zh",
        "zh-HK",
        "zh-TW",
    ]
)
AUTO = "auto"
#: Longest language tag a customer row keeps ("pt-BR", "zh-Hant-TW"); anything longer is junk.
MAX_LANGUAGE_TAG = 16


def customer_languages() -> list[str]:
    """The languages a customer can be given: Stripe's page languages (not ``auto``) and
    the app's own (Bangla too, though Stripe's page falls back to the browser's for it)."""
    return sorted((STRIPE_CHECKOUT_LOCALES - {AUTO}) | {"bn"}, key=str.lower)


# Marked: a form's refusal, said in the desk's language where it is made.
LANGUAGE_TAG_PROBLEM = N_("Choose a language such as de, es or pt-BR.")


def language_tag_problem(tag: str) -> str | None:
    """The sentence refusing a customer language that is not a short language tag, or None."""
    parts = tag.replace("_", "-").split("-")
    ok = 0 < len(tag) <= MAX_LANGUAGE_TAG and all(
        p.isascii() and p.isalnum() and 0 < len(p) <= 8 for p in parts
    )
    if ok and parts[0].isalpha() and 2 <= len(parts[0]) <= 3:
        return None
    return gettext(LANGUAGE_TAG_PROBLEM)


def checkout_locale(language: str | None) -> str:
    """Stripe's ``locale`` for a customer's language tag ("de" → "de", "es_MX" → "es",
    "bn" → "auto", None → "auto")."""
    if not language:
        return AUTO
    tag = language.strip().replace("_", "-")[:MAX_LANGUAGE_TAG]
    by_lower = {code.lower(): code for code in STRIPE_CHECKOUT_LOCALES}
    exact = by_lower.get(tag.lower())
    if exact:
        return exact
    base = tag.split("-")[0].lower()
    return by_lower.get(base, AUTO)


def receipt_locale(language: str | None) -> str | None:
    """The language Stripe writes a customer's receipt emails in, as a Customer's
    ``preferred_locales`` entry ("de" → "de", "es_MX" → "es"), or None where Stripe's list
    lacks it ("bn") or none is known: the receipt then follows the Dashboard's language.

    Stripe's list for emails is taken to be its page's (``STRIPE_CHECKOUT_LOCALES``): the
    receipts page names no other list (docs.stripe.com/payments/advanced/receipts).
    """
    locale = checkout_locale(language)
    return None if locale == AUTO else locale
