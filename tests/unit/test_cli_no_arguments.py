"""`pos-app` alone (the desktop app) skips building the command-line grammar (issue 12: about
10 ms before the window's first frame), and reads the same as the grammar would."""

from __future__ import annotations

import sys

import pytest

from pos_app import cli
from pos_app.cli import parser


def test_no_words_read_as_the_grammar_reads_them() -> None:
    assert vars(cli.parse_command_line([])) == vars(parser.build_parser().parse_args([]))


def test_no_words_build_no_grammar(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_grammar() -> None:
        raise AssertionError("the grammar was built")

    monkeypatch.setattr(parser, "build_parser", no_grammar)
    monkeypatch.setattr(sys, "argv", ["pos-app"])
    assert cli.parse_command_line(None).command is None
    assert cli.parse_command_line([]).verbose is False
    with pytest.raises(AssertionError, match="grammar"):
        cli.parse_command_line(["gui"])  # a word to parse: the grammar is built


def test_words_are_parsed_by_the_grammar() -> None:
    args = cli.parse_command_line(["-v", "gui"])
    assert (args.command, args.verbose) == ("gui", True)
