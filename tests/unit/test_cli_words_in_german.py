"""The command line's own frame speaks the UI language too (issue 15): argparse's words
("usage:", "options", its refusals), a form's language-tag refusal, a report's heading date.
(An example amount in a CLI sentence stays ASCII in every language: test_catalogs.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pos_app import cli
from pos_app.domain.checkout_locale import language_tag_problem
from pos_app.domain.reports import SalesReport
from pos_app.reports.render.sales_text import render_text
from pos_app.services.reports import roll_up
from tests.language import language


def _run(argv: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: str) -> None:
    monkeypatch.setenv("POS_LANGUAGE", code)
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(SystemExit):
        cli.main(argv)


def test_help_and_refusals_of_argparse_speak_german(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(["report", "--help"], monkeypatch, tmp_path, "de")
    shown = capsys.readouterr().out
    assert shown.startswith("Aufruf: pos-app report")
    assert "\nOptionen:\n" in shown and "diese Hilfe zeigen und beenden" in shown
    assert "usage:" not in shown and "options:" not in shown
    _run(["report", "day"], monkeypatch, tmp_path, "de")
    said = capsys.readouterr().err
    assert "pos-app report: Fehler: Argument KIND: ungültige Wahl: 'day'" in said
    # English is argparse's own, unchanged.
    _run(["report", "day"], monkeypatch, tmp_path, "en")
    assert "pos-app report: error: argument KIND: invalid choice: 'day'" in capsys.readouterr().err


def test_a_language_tag_is_refused_in_the_desks_language() -> None:
    assert language_tag_problem("x") == "Choose a language such as de, es or pt-BR."
    with language("de"):
        assert language_tag_problem("x") == "Wählen Sie eine Sprache wie de, es oder pt-BR."
    assert language_tag_problem("pt-BR") is None


def test_a_reports_heading_dates_the_day_in_the_language() -> None:
    report = SalesReport(
        date(2026, 6, 10), date(2026, 6, 10), "UTC", roll_up([], services={}, staff={})
    )
    assert render_text(report).startswith("Sales 2026-06-10 (UTC)\n")
    with language("de"):
        assert render_text(report).startswith("Umsatz 10. Juni 2026 (UTC)\n")
