"""POS_LANGUAGE and the command line (issue 15): human output in the language, options and
``--json`` the same in every language."""

from __future__ import annotations

from tests.integration.test_cli import run

NB = "\u00a0"


def test_human_output_follows_pos_language_and_options_stay_ascii(
    app_env: dict[str, str],
) -> None:
    german = {**app_env, "POS_LANGUAGE": "de"}
    # "1234.50" is an ASCII option: the same script works under every language.
    added = run(german, "product", "add", "Shampoo", "--price", "1234.50", "--tax-rate", "7.5")
    assert added.returncode == 0, added.stderr
    assert f"1.234,50{NB}$" in added.stdout
    assert f"7,5{NB}%" in added.stdout
    # "1234,50" is not an ASCII amount, even in German.
    refused = run(german, "product", "add", "Gel", "--price", "1234,50")
    assert refused.returncode == 1
    english = run(app_env, "product", "list")
    assert "$1,234.50" in english.stdout


def test_json_is_identical_in_every_language(app_env: dict[str, str]) -> None:
    made = run(app_env, "product", "add", "Shampoo", "--price", "1234.50", "--json")
    assert made.returncode == 0, made.stderr
    outputs = {
        lang: run({**app_env, "POS_LANGUAGE": lang}, "product", "list", "--json")
        for lang in ("en", "de", "bn", "es")
    }
    assert all(o.returncode == 0 for o in outputs.values())
    assert outputs["en"].stdout.isascii()
    assert {o.stdout for o in outputs.values()} == {outputs["en"].stdout}
    assert '"price": 123450' in outputs["de"].stdout


def test_an_unknown_language_is_one_sentence(app_env: dict[str, str]) -> None:
    result = run({**app_env, "POS_LANGUAGE": "fr"}, "product", "list")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "POS_LANGUAGE 'fr' is not a language pos-app speaks: use bn, de, en or es "
        "(or leave it unset for the computer's language)."
    )
    assert "Traceback" not in result.stderr
