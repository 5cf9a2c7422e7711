"""Every refusal the domain and the services raise reaches the desk in its language (issue 15).

A refusal (a ``PosError`` sentence) is translated where it is built (``gettext(…).format``)
or marked (``N_``) and translated where shown (``user_message``, ``cli.main``). Two shapes
stay English in every language, and this test finds them in the source:

- an f-string: the values are in before anyone could look it up;
- a sentence literal that is in no catalog: nothing marked it.

``NOT_MARKED_YET`` lists the ones left (file, and the start of the sentence with ``{}`` for
its values): the test fails on a new one, and on a listed one that is gone, so the list only
shrinks. (``FormErrors({field: "…"})`` dictionaries are not searched.)
"""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("pos_app/domain", "pos_app/services")
NOT_ERRORS = {"TypeError", "ValueError", "AssertionError", "RuntimeError", "KeyError"}
_KEPT = 60  # a sentence's start names it in the list

NOT_MARKED_YET: set[tuple[str, str]] = {
    ("pos_app/domain/orders.py", "This order is {}; it cannot become {}."),
    ("pos_app/domain/payment.py", "Unknown refund reason {}."),
    ("pos_app/services/backup.py", "The backup could not be written to {}: {}."),
    ("pos_app/services/backup.py", "There is no folder {}; create it first."),
    (
        "pos_app/services/business_settings.py",
        "The database {} holds {} mode records, but the app is in {} ",
    ),
    ("pos_app/services/cash.py", "The customer has just paid {} by card; check the balance bef"),
    ("pos_app/services/cash.py", "This {}, so it cannot be paid."),
    (
        "pos_app/services/checkout.py",
        "A payment link for {} is already open for this {}. Cancel it",
    ),
    ("pos_app/services/orders.py", "An order holds at most {} lines."),
    ("pos_app/services/orders.py", "That customer no longer exists; search again."),
    ("pos_app/services/orders.py", "There is no booking {}."),
    ("pos_app/services/orders.py", "There is no order {}."),
    ("pos_app/services/orders.py", "This order comes to {}, more than one payment can take ({});"),
    ("pos_app/services/orders.py", "With these items the booking comes to {}, more than one paym"),
    ("pos_app/services/payables.py", "There is no booking {}."),
    ("pos_app/services/payables.py", "There is no {} {}."),
    ("pos_app/services/products.py", "Change the stock by 1 to {}."),
    ("pos_app/services/products.py", "That product no longer exists."),
    ("pos_app/services/products.py", "There is no product called {}."),
    ("pos_app/services/promo_codes.py", "That promo code no longer exists."),
    ("pos_app/services/refunds.py", "This {} has no card payment to refund."),
}


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


def english_only_refusals() -> set[tuple[str, str]]:
    """(file, start of the sentence) of each refusal that no catalog can translate."""
    with (ROOT / "pos_app/locale/pos_app.pot").open("rb") as handle:
        marked = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle)}
    found: set[tuple[str, str]] = set()
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = getattr(func, "id", None) or getattr(func, "attr", "")
                if not name.endswith("Error") or name in NOT_ERRORS:
                    continue
                for arg in node.args:
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
