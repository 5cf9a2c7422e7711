"""The gettext catalogs in ``pos_app/locale`` match the code and each other.

- Every message the code marks (``_``, ``gettext``, ``ngettext``, ``N_``) is in the template
  and in each language's ``.po``: a sentence marked but not extracted (``make translations``
  not run) fails here, as does a stale catalog holding sentences the code no longer has.
- Each committed ``.mo`` is its ``.po`` compiled (the app reads the ``.mo``).
- A translation keeps its message's placeholders (``{amount}``) and at most one ``&``
  mnemonic, so ``.format`` never raises and shortcuts keep working.
- An example number in a translation ("p. ej. 12,00") is one the app accepts when typed in
  that language: Spanish and German type a decimal comma, and "12.00" is refused there.
- Every message has a translation in each shipped language. Languages not finished yet are
  listed in ``UNFINISHED`` with a strict xfail: their test runs, prints what is missing, and
  turns red the day the language is complete (then it leaves the list). See
  docs/translations.md for where each language stands.
"""

from __future__ import annotations

import gettext
import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import pos_app
from pos_app import i18n
from pos_app.domain import locale_format
from pos_app.domain.errors import ValidationError
from pos_app.domain.money import parse_money
from pos_app.domain.percent import parse_percent
from tests.language import language

PACKAGE = Path(pos_app.__file__).resolve().parent
TEMPLATE = i18n.LOCALE_DIR / "pos_app.pot"
LANGUAGES = [lang for lang in i18n.SHIPPED if lang != "en"]
# The same keywords as `make translations` (Makefile).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
    "N_plural": (1, 2),
}
# Languages whose translation is not complete yet (docs/translations.md says how far each is).
UNFINISHED: dict[str, str] = {}

Message = str | tuple[str, str]


def _key(message: str | tuple[str, ...] | list[str]) -> Message:
    if isinstance(message, str):
        return message
    return (message[0], message[1])


@cache
def marked_in_code() -> frozenset[Message]:
    """Every message the package's code marks for translation."""
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return frozenset(_key(message) for _file, _line, message, _comments, _ctx in found)


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog: Catalog) -> set[Message]:
    return {_key(m.id) for m in catalog if m.id}


def _po(lang: str) -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def test_the_template_holds_every_marked_message_and_nothing_else() -> None:
    template = _ids(_read(TEMPLATE))
    code = set(marked_in_code())
    missing = sorted(map(str, code - template))
    stale = sorted(map(str, template - code))
    assert (missing, stale) == ([], []), (
        "run `make translations`: marked but not in the template "
        f"{missing[:20]}, in the template but no longer in the code {stale[:20]}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_every_message_of_the_template(lang: str) -> None:
    assert _ids(_read(_po(lang))) == _ids(_read(TEMPLATE)), "run `make translations`"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalog_is_the_po_compiled(lang: str) -> None:
    po = _read(_po(lang))
    with _po(lang).with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in po:
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            forms = [s for s in message.string if s]
            if forms:
                assert compiled.ngettext(message.id[0], message.id[1], 1) == message.string[0]
            continue
        want = message.string or message.id  # untranslated: gettext gives the English back
        got = (
            compiled.pgettext(message.context, message.id)
            if message.context
            else compiled.gettext(message.id)
        )
        assert got == want, "stale .mo: run `make translations`"


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


_MNEMONIC = re.compile(r"&(?!&)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_placeholders_and_mnemonics(lang: str) -> None:
    wrong: list[str] = []
    for message in _read(_po(lang)):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        texts = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in (t for t in texts if t):
            if _fields(text) != _fields(ids[-1]) and _fields(text) != _fields(ids[0]):
                wrong.append(f"{ids[0]!r} → {text!r}: placeholders differ")
            if len(_MNEMONIC.findall(text)) != len(_MNEMONIC.findall(ids[0])):
                wrong.append(f"{ids[0]!r} → {text!r}: '&' mnemonic count differs")
    assert wrong == []


# A number with a separator ("35.00", "8,875", "1.234,50"), as hints and examples show them.
_EXAMPLE_NUMBER = re.compile(r"\d+(?:[.,]\d+)+")
_ADDRESS = re.compile(r"\d+(?:\.\d+){3}")  # "0.0.0.0": an address, typed as it is everywhere


def _typed_back(number: str, *, command_line: bool = False) -> bool:
    """Whether the app accepts ``number`` typed in the current language, as money or a rate
    (``command_line``: as an option of ``pos-app``, which takes ASCII numbers in every
    language, so scripts never change)."""
    if command_line:
        with locale_format.ascii_input():
            return _typed_back(number)
    for parse in (
        lambda: parse_money(number, "eur"),
        lambda: parse_percent(number, field="example"),
    ):
        try:
            parse()
        except ValidationError:
            continue
        return True
    return False


@pytest.mark.parametrize("lang", LANGUAGES)
def test_example_numbers_are_typed_the_languages_way(lang: str) -> None:
    wrong: list[str] = []
    with language(lang):
        for message in (m for m in _read(_po(lang)) if m.id):  # not the header
            texts = [message.string] if isinstance(message.string, str) else message.string
            # A sentence of the command line alone shows what its options take: "12.00".
            cli = bool(message.locations) and all(
                path.startswith("pos_app/cli/") for path, _ in message.locations
            )
            for text in (t for t in texts if t):
                wrong += [
                    f"{text!r}: {number} is refused when typed in {lang}"
                    for number in _EXAMPLE_NUMBER.findall(text)
                    if not _ADDRESS.fullmatch(number) and not _typed_back(number, command_line=cli)
                ]
    assert wrong == []


def untranslated(lang: str) -> list[str]:
    """The template's messages ``lang`` has no (non-fuzzy) translation for."""
    return [
        str(m.id)
        for m in _read(_po(lang))
        if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
    ]


@pytest.mark.parametrize(
    "lang",
    [
        pytest.param(lang, marks=pytest.mark.xfail(strict=True, reason=UNFINISHED[lang]))
        if lang in UNFINISHED
        else lang
        for lang in LANGUAGES
    ],
)
def test_every_message_is_translated(lang: str) -> None:
    missing = untranslated(lang)
    total = len(_ids(_read(TEMPLATE)))
    assert missing == [], f"{lang}: {len(missing)} of {total} messages untranslated: {missing}"


def test_a_message_missing_from_the_catalog_is_caught(tmp_path: Path) -> None:
    (tmp_path / "screen.py").write_text(
        'from pos_app.i18n import _\nLABEL = _("A sentence nobody extracted")\n', encoding="utf-8"
    )
    found = {
        _key(m)
        for _f, _l, m, _c, _x in extract_from_dir(
            str(tmp_path), method_map=[("**.py", "python")], keywords=KEYWORDS
        )
    }
    assert found - _ids(_read(TEMPLATE)) == {"A sentence nobody extracted"}
