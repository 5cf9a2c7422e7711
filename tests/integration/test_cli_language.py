"""POS_LANGUAGE and the command line (issue 15): human output in the language, options and
``--json`` the same in every language."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.cli_here import run_here, run_json_here

NB = "\u00a0"


def test_human_output_follows_pos_language_and_options_stay_ascii(
    app_env: dict[str, str],
) -> None:
    german = {**app_env, "POS_LANGUAGE": "de"}
    # "1234.50" is an ASCII option: the same script works under every language.
    added = run_here(german, "product", "add", "Shampoo", "--price", "1234.50", "--tax-rate", "7.5")
    assert added.returncode == 0, added.stderr
    assert f"1.234,50{NB}$" in added.stdout
    assert f"7,5{NB}%" in added.stdout
    # "1234,50" is not an ASCII amount, even in German.
    refused = run_here(german, "product", "add", "Gel", "--price", "1234,50")
    assert refused.returncode == 1
    english = run_here(app_env, "product", "list")
    assert "$1,234.50" in english.stdout


def test_json_is_identical_in_every_language(app_env: dict[str, str]) -> None:
    made = run_here(app_env, "product", "add", "Shampoo", "--price", "1234.50", "--json")
    assert made.returncode == 0, made.stderr
    outputs = {
        lang: run_here({**app_env, "POS_LANGUAGE": lang}, "product", "list", "--json")
        for lang in ("en", "de", "bn", "es")
    }
    assert all(o.returncode == 0 for o in outputs.values())
    assert outputs["en"].stdout.isascii()
    assert {o.stdout for o in outputs.values()} == {outputs["en"].stdout}
    assert '"price": 123450' in outputs["de"].stdout


def test_an_unknown_language_is_one_sentence(app_env: dict[str, str]) -> None:
    result = run_here({**app_env, "POS_LANGUAGE": "fr"}, "product", "list")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "POS_LANGUAGE 'fr' is not a language pos-app speaks: use bn, de, en or es "
        "(or leave it unset for the computer's language)."
    )
    assert "Traceback" not in result.stderr


def _de(env: dict[str, str]) -> dict[str, str]:
    return {**env, "POS_LANGUAGE": "de"}


def _booked_and_paid_in_cash(env: dict[str, str]) -> str:
    at = (datetime.now().astimezone() + timedelta(hours=2)).replace(microsecond=0).isoformat()
    booked = run_json_here(env, "book", "--customer", "Ada", "--service", "haircut", "--at", at)
    run_json_here(env, "pay-cash", booked["id"], "--amount", "20.00")
    return str(booked["id"])


def test_status_speaks_german_and_its_json_is_the_same(app_env: dict[str, str]) -> None:
    booking = _booked_and_paid_in_cash(app_env)
    shown = run_here(_de(app_env), "status", booking)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    # The booking's status, German words and German money ("35,00 $").
    assert lines[0].endswith(f"35,00{NB}$  Anzahlung bezahlt"), lines[0]
    assert lines[1] == f"bezahlt 20,00{NB}$  erstattet 0,00{NB}$"
    assert lines[2].startswith("  Zahlung pay_") and f"20,00{NB}$" in lines[2]
    english = run_here(app_env, "status", booking)
    assert english.stdout.splitlines()[1] == "paid $20.00  refunded $0.00"
    # --json: byte for byte the same in every language (English and ASCII minor units).
    outputs = {
        lang: run_here({**app_env, "POS_LANGUAGE": lang}, "status", booking, "--json")
        for lang in ("en", "de", "bn")
    }
    assert {o.stdout for o in outputs.values()} == {outputs["en"].stdout}
    assert '"paid_amount": 2000' in outputs["de"].stdout


def test_a_sale_and_its_figures_speak_german(app_env: dict[str, str]) -> None:
    made = run_here(
        app_env, "product", "add", "Shampoo", "--price", "12.00", "--stock", "9", "--json"
    )
    assert made.returncode == 0, made.stderr
    sold = run_here(_de(app_env), "sell", "--item", "Shampoo x2", "--tip", "3.00")
    assert sold.returncode == 0, sold.stderr
    words = [line.split() for line in sold.stdout.splitlines()]
    assert words[0][0] == "Bestellung"
    assert ["Zwischensumme", "24,00", "$"] in words
    assert ["Trinkgeld", "3,00", "$"] in words
    assert ["Gesamt", "27,00", "$"] in words
    assert sold.stdout.splitlines()[-1].startswith("Als offene Bestellung gespeichert")
    # A refusal the domain builds (domain/products.not_enough), in German too.
    short = run_here(_de(app_env), "sell", "--item", "Shampoo x20")
    assert short.returncode == 1
    assert short.stderr.strip() == "Nur noch 9 × Shampoo auf Lager."


def test_refusals_and_help_speak_german(app_env: dict[str, str]) -> None:
    # A sentence the command line builds: the flag, then the German sentence.
    bad_day = run_here(_de(app_env), "report", "daily", "--date", "gestern")
    assert bad_day.returncode == 1
    assert bad_day.stderr.strip() == (
        "--date: 'gestern' ist kein Datum; verwenden Sie YYYY-MM-DD (Jahr-Monat-Tag), "
        "z. B. 2026-11-22."
    )
    # A service's refusal marked with N_ (services/receipts.py), translated where printed.
    booking = _booked_and_paid_in_cash(app_env)
    no_card = run_here(_de(app_env), "receipt", booking, "--email", "ada@example.com")
    assert no_card.returncode == 1
    assert no_card.stderr.startswith("Diese Buchung hat keine Kartenzahlung")
    # The grammar's help: POS_LANGUAGE's words, argparse's own ("usage:") left to Python.
    helped = run_here(_de(app_env), "--help")
    assert helped.returncode == 0
    assert "eine Buchung anlegen" in helped.stdout
    assert "create a booking" not in helped.stdout
