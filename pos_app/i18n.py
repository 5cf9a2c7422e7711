"""The app's one translation system: gettext catalogs shipped in ``pos_app/locale``.

Every layer (domain sentences, services, CLI human output, widgets) translates through
``gettext``/``ngettext`` here, so one extraction (``make translations``) feeds them all. The
language is chosen once per process (Settings ▸ This station ▸ Language, or ``POS_LANGUAGE``)
and read by the CLDR formatting in ``domain`` through ``current_locale``.
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

#: Languages the package ships a catalog for; English is the source language.
SHIPPED: tuple[str, ...] = ("en", "bn", "es", "de")
DOMAIN = "pos_app"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_state: dict[str, object] = {
    "language": "en",
    "translation": _gettext.NullTranslations(),
}


def set_language(code: str) -> str:
    """Use ``code``'s catalog from now on; an unshipped code falls back to English. Returns
    the language in use."""
    lang = code if code in SHIPPED else "en"
    translation: _gettext.NullTranslations = _gettext.NullTranslations()
    if lang != "en":
        translation = _gettext.translation(
            DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True
        )
    _state["language"] = lang
    _state["translation"] = translation
    return lang


def use_translation(translation: _gettext.NullTranslations, language: str = "en") -> None:
    """Translate through ``translation`` from now on (tests' pseudo-translation; tools)."""
    _state["language"] = language
    _state["translation"] = translation


def current_language() -> str:
    """The language in use: one of ``SHIPPED``."""
    return str(_state["language"])


def gettext(message: str) -> str:
    """``message`` in the current language (itself when it has no translation)."""
    if not message:
        return message  # gettext("") is the catalog's header, never a sentence
    translation = _state["translation"]
    assert isinstance(translation, _gettext.NullTranslations)
    return translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language's plural rules."""
    translation = _state["translation"]
    assert isinstance(translation, _gettext.NullTranslations)
    return translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language where the same English needs other words in
    another place (``context`` tells them apart: "New booking" is a button and a window
    title, "Buchen" and "Neue Buchung" in German)."""
    translation = _state["translation"]
    assert isinstance(translation, _gettext.NullTranslations)
    return translation.pgettext(context, message)


def N_(message: str) -> str:
    """Marks ``message`` for extraction without translating it now (module constants)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a sentence's singular and plural for extraction without translating them now:
    the form is picked by ``ngettext`` where it is shown (an audit detail that counts)."""
    return (singular, plural)


_ = gettext
