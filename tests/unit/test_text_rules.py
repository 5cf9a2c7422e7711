"""domain/text.py, rule by rule: which characters text may hold, how free text is stripped,
how Stripe's text is bounded and how stored text is printed. `make mutation` found these
functions judged only through the services; each case here pins one behaviour exactly."""

from __future__ import annotations

import pytest

from pos_app.domain.text import (
    ELLIPSIS,
    REPLACEMENT,
    STRIPE_TEXT_MAX,
    bounded,
    has_forbidden,
    is_forbidden,
    name_problem,
    one_line,
    outside_text,
    printable,
    strip_forbidden,
)

ESC, BEL, RLO, ZWSP, ZWJ, ZWNJ = "\x1b", "\x07", "\u202e", "\u200b", "\u200d", "\u200c"
LINE_SEP, PARA_SEP, LONE_SURROGATE = "\u2028", "\u2029", "\ud800"


@pytest.mark.parametrize("ch", [ESC, BEL, "\x00", "\x7f", "\x85", RLO, ZWSP, "\ufeff",
                                LINE_SEP, PARA_SEP, LONE_SURROGATE])  # fmt: skip
def test_controls_formats_separators_and_surrogates_are_forbidden(ch: str) -> None:
    assert is_forbidden(ch) and is_forbidden(ch, multiline=True)


@pytest.mark.parametrize("ch", ["a", "é", "ß", "中", "১", " ", "€", "😀", ZWJ, ZWNJ])
def test_letters_digits_spaces_and_joiners_are_allowed(ch: str) -> None:
    assert not is_forbidden(ch) and not is_forbidden(ch, multiline=True)


@pytest.mark.parametrize("ch", ["\n", "\t"])
def test_line_breaks_and_tabs_only_in_multiline_text(ch: str) -> None:
    assert is_forbidden(ch)  # the default is single-line
    assert is_forbidden(ch, multiline=False)
    assert not is_forbidden(ch, multiline=True)


def test_carriage_return_is_forbidden_even_in_multiline_text() -> None:
    assert is_forbidden("\r", multiline=True)


def test_has_forbidden_looks_at_every_character() -> None:
    assert not has_forbidden("Ana Silva")
    assert has_forbidden("Ana" + ESC + "Silva")
    assert has_forbidden("Ana Silva" + BEL)  # the last character counts
    assert has_forbidden("Ana\nSilva") and not has_forbidden("Ana\nSilva", multiline=True)
    assert not has_forbidden("")


def test_one_line_collapses_every_run_of_whitespace() -> None:
    assert one_line("  Ana \t\n Silva  ") == "Ana Silva"
    assert one_line("") == ""


def test_a_name_with_a_control_character_is_refused_in_one_sentence() -> None:
    assert name_problem("Ana Silva") is None
    assert name_problem("Ana" + RLO + "Silva", "customer's name") == (
        "The customer's name has an invisible control character in it (it often comes with "
        "pasted text). Type it again by hand."
    )
    assert name_problem("Ana\nSilva") is not None  # a name is one line


def test_a_name_longer_than_its_limit_is_refused_and_one_at_the_limit_is_not() -> None:
    assert name_problem("x" * 40, "tax id", limit=40) is None
    assert (
        name_problem("x" * 41, "tax id", limit=40) == "Keep the tax id to 40 characters or fewer."
    )
    assert name_problem("x" * 5000) is None  # no limit given: only the characters count


def test_single_line_free_text_loses_controls_and_collapses_whitespace() -> None:
    assert strip_forbidden("  Paid " + ESC + "[31mcash" + BEL + "\r\n\tthanks ") == (
        "Paid [31mcash thanks"
    )
    assert strip_forbidden("a\nb") == "a b"  # a pasted line break becomes a space
    assert strip_forbidden("a" + LINE_SEP + "b") == "a b"  # a separator is whitespace too
    assert strip_forbidden("a" + ZWSP + "b") == "ab"  # not whitespace: just removed


def test_multiline_free_text_keeps_its_lines_and_tabs_with_crlf_made_lf() -> None:
    assert strip_forbidden(" Allergic to latex\r\nPrefers\tPriya\rNo perfume ", multiline=True) == (
        "Allergic to latex\nPrefers\tPriya\nNo perfume"
    )
    assert strip_forbidden("a" + ESC + "b\n\nc" + PARA_SEP + "d", multiline=True) == "ab\n\nc d"
    assert strip_forbidden("a  b", multiline=True) == "a  b"  # inner spaces kept


def test_bounded_cuts_to_the_limit_with_an_ellipsis() -> None:
    assert bounded("abcdef", 6) == "abcdef"
    assert bounded("abcdefg", 6) == "abcde" + ELLIPSIS
    assert len(bounded("x" * 50, 10)) == 10
    assert bounded("abc", 1) == ELLIPSIS  # never longer than the limit
    assert bounded("abc", 0) == ELLIPSIS  # no room at all: still marked as cut


def test_stripes_text_is_one_line_clean_and_bounded() -> None:
    assert outside_text(None) is None
    assert outside_text("Your card was\r\ndeclined." + BEL) == "Your card was declined."
    long = outside_text("x" * (STRIPE_TEXT_MAX + 5))
    assert long is not None and len(long) == STRIPE_TEXT_MAX and long.endswith(ELLIPSIS)
    assert outside_text("abcdef", 4) == "abc" + ELLIPSIS


def test_printable_shows_each_forbidden_character_as_a_replacement() -> None:
    assert printable("Eve" + RLO + "gnp.exe") == "Eve" + REPLACEMENT + "gnp.exe"
    assert printable("plain text") == "plain text"
    assert printable("a\nb\tc") == "a\nb\tc"  # multi-line output by default keeps them
    assert printable("a" + ESC + "\nb", multiline=True) == "a" + REPLACEMENT + "\nb"


def test_single_line_printable_turns_breaks_into_spaces_and_marks_the_rest() -> None:
    assert printable("a\nb\tc", multiline=False) == "a b c"
    assert printable("a\r\nb", multiline=False) == "a  b"  # each break, one space
    assert printable("a" + ESC + "\nb", multiline=False) == "a" + REPLACEMENT + " b"
    assert printable("a" + LINE_SEP + "b", multiline=False) == "a b"
    assert printable("a" + ZWSP + "b", multiline=False) == "a" + REPLACEMENT + "b"
