"""Every refusal the domain and the services raise reaches the desk in its language (issue 15).

A refusal (a ``PosError`` sentence) is translated where it is built (``gettext(…).format``)
or marked (``N_``) and translated where shown (``user_message``, ``cli.main``). Two shapes
stay English in every language, and this test finds them in the source:

- an f-string: the values are in before anyone could look it up;
- a sentence literal that is in no catalog: nothing marked it.

``NOT_MARKED_YET`` lists the ones left (file, and the start of the sentence with ``{}`` for
its values): the test fails on a new one, and on a listed one that is gone, so the list only
shrinks.

Four places are searched: the arguments of a ``…Error(…)`` call in domain/ and services/,
the sentences a form's refusal is made of (``errors[field] = …`` and ``FormErrors({field:
…})``, both branches of a ``… if … else …``), what a ``…_problem`` function returns (the
sentence a form shows under a field), and ``ConfigError(…)`` in ``config.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("pos_app/domain", "pos_app/services", "pos_app/config.py")
NOT_ERRORS = {"TypeError", "ValueError", "AssertionError", "RuntimeError", "KeyError"}
_KEPT = 60  # a sentence's start names it in the list

NOT_MARKED_YET: set[tuple[str, str]] = set()


def _template(node: ast.expr) -> str | None:
    """The English of an f-string or a literal argument, with ``{}`` for values."""
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _sentence(text: str) -> bool:
    return text[:1].isupper() and " " in text


def _branches(node: ast.expr) -> list[ast.expr]:
    """``node``, or each value a conditional expression may give."""
    if isinstance(node, ast.IfExp):
        return _branches(node.body) + _branches(node.orelse)
    return [node]


def _form_sentences(node: ast.AST) -> list[ast.expr]:
    """The sentences ``node`` puts into a form's refusal: ``errors[field] = …`` (any name
    ending in ``errors``) or the values of ``FormErrors({…})``."""
    if isinstance(node, ast.Assign):
        return [
            node.value
            for target in node.targets
            if isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id.endswith("errors")
        ]
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "FormErrors":
        return [
            value
            for arg in node.args
            if isinstance(arg, ast.Dict)
            for value in arg.values
            if value is not None
        ]
    return []


def _problem_sentences(node: ast.AST) -> list[ast.expr]:
    """What a ``…_problem`` function returns (alone or first in a tuple): the sentence a
    service puts under a form's field (``name_problem``, ``address_problem``)."""
    if not isinstance(node, ast.FunctionDef) or not node.name.endswith("problem"):
        return []
    found: list[ast.expr] = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Return) and inner.value is not None:
            value = inner.value
            found += value.elts if isinstance(value, ast.Tuple) else [value]
    return found


def _refusal_arguments(node: ast.AST) -> list[ast.expr]:
    """The arguments of a ``…Error(…)`` call that carries a sentence to a person."""
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    name = getattr(func, "id", None) or getattr(func, "attr", "")
    if not name.endswith("Error") or name in NOT_ERRORS:
        return []
    return list(node.args)


def _sources() -> list[Path]:
    paths: list[Path] = []
    for layer in LAYERS:
        where = ROOT / layer
        paths += [where] if where.is_file() else sorted(where.rglob("*.py"))
    return paths


def english_only_refusals() -> set[tuple[str, str]]:
    """(file, start of the sentence) of each refusal that no catalog can translate."""
    with (ROOT / "pos_app/locale/pos_app.pot").open("rb") as handle:
        marked = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle)}
    found: set[tuple[str, str]] = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            sentences = _refusal_arguments(node) + _form_sentences(node)
            for given in sentences + _problem_sentences(node):
                for arg in _branches(given):
                    text = _template(arg)
                    if text is None or not _sentence(text):
                        continue
                    if isinstance(arg, ast.JoinedStr) or text not in marked:
                        found.add((str(path.relative_to(ROOT)), text[:_KEPT]))
    return found


def test_no_refusal_is_english_only() -> None:
    found = english_only_refusals()
    new = sorted(found - NOT_MARKED_YET)
    gone = sorted(NOT_MARKED_YET - found)
    assert new == [], "English-only refusals: gettext(…).format(…) them, or N_ a constant"
    assert gone == [], "marked now: take them off NOT_MARKED_YET"
