"""The last sentences that stayed English in every language (issue 15): each is a whole
marked sentence, translated where its values go in."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_app.domain.errors import PosError, ValidationError
from pos_app.domain.money import Money, parse_money, validate_chargeable
from pos_app.domain.percent import parse_percent
from pos_app.domain.percent_words import PercentWhat
from pos_app.domain.products import MAX_STOCK, count_problem
from pos_app.services import safe_file
from tests.language import language


def test_each_stock_figure_is_refused_with_its_own_whole_sentence() -> None:
    # Not "Die {what} muss …" with an English noun pasted in: German needs "Der Bestand" and
    # "Die gezählte Menge", and the limit is written the language's way (1.000.000).
    assert count_problem(MAX_STOCK) is None and count_problem(0, "count") is None
    with language("de"):
        assert count_problem(-1) == "Der Bestand muss eine ganze Zahl von 0 bis 1.000.000 sein."
        assert count_problem(MAX_STOCK + 1, "count") == (
            "Die gezählte Menge muss eine ganze Zahl von 0 bis 1.000.000 sein."
        )
        low = count_problem(-1, "low_stock")
        assert low is not None and low.startswith("Die Warnschwelle für niedrigen Bestand")
    with language("es"):
        assert count_problem(-1) == "Las existencias deben ser un número entero de 0 a 1.000.000."
    assert count_problem(-1, "low_stock") == (
        "The low-stock warning must be a whole number from 0 to 1,000,000."
    )


def test_an_export_refused_by_its_target_says_so_in_the_ui_language(tmp_path: Path) -> None:
    with language("de"), pytest.raises(PosError) as device:
        safe_file.check_target(Path("/dev/null"), "CSV")
    assert device.value.message == (
        "/dev/null ist ein Gerät, eine Pipe oder ein Socket, keine Datei, daher wurde die "
        "CSV-Datei dort nicht gespeichert. Wählen Sie einen Dateinamen."
    )
    with language("es"), pytest.raises(PosError) as folder:
        safe_file.check_target(tmp_path, "PDF")
    assert folder.value.message == (
        f"{tmp_path} es una carpeta. Elija dentro de ella un nombre para el archivo PDF."
    )
    link = tmp_path / "sales.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    with language("bn"), pytest.raises(PosError) as linked:
        safe_file.check_target(link, "CSV")
    assert linked.value.message.startswith(f"{link} অন্য একটি ফাইলের লিংক")


def test_an_export_that_cannot_be_written_says_why_in_the_ui_language(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "sales.csv"
    with language("de"), pytest.raises(PosError) as failed:  # noqa: SIM117 (the write is the point)
        with safe_file.replacing(missing, "CSV") as part:
            part.write_text("never")
    assert failed.value.message.startswith(f"Die CSV-Datei konnte nicht nach {missing} ")
    assert failed.value.message.endswith("ob Sie dort speichern dürfen.")


def test_an_amount_typed_wrong_is_refused_in_the_ui_language() -> None:
    # parse_money's and validate_chargeable's refusals were English in every language.
    with language("de"):
        for typed, currency, said in [
            ("", "eur", "Geben Sie einen Betrag ein."),
            ("-5", "eur", "Der Betrag muss größer als null sein."),
            ("1,234", "eur", "Beträge in EUR haben höchstens 2 Nachkommastellen."),
            ("12,5", "jpy", "Beträge in JPY sind ganze Zahlen, ohne Nachkommastellen."),
        ]:
            with pytest.raises(ValidationError) as refused:
                parse_money(typed, currency)
            assert refused.value.message == said
        with pytest.raises(ValidationError) as small:
            validate_chargeable(Money(10, "eur"))
        assert (
            small.value.message == "Der kleinste Betrag, den Sie berechnen können, ist 0,50\u00a0€."
        )
    with language("es"), pytest.raises(ValidationError) as refused:
        parse_money("1,2345", "kwd")  # four decimals of three: "decimales", plural
    assert refused.value.message == "Los importes en KWD tienen como máximo 3 decimales."


@pytest.mark.parametrize(
    ("lang", "typed", "what", "said"),
    [
        # German gives each field its own gender and case: no noun could be pasted in.
        ("de", "", "tip", "Geben Sie das Trinkgeld als Zahl ein, z. B. 8,875."),
        ("de", "-1", "discount limit", "Die Rabattgrenze kann nicht unter 0 % liegen."),
        ("de", "101", "tax rate", "Der Steuersatz kann höchstens 100 % betragen."),
        ("es", "8,8751", "tip", "La propina tiene como máximo 3 decimales, p. ej. 8,875."),
        ("bn", "٨", "discount", "ছাড় 0–9 বা ০–৯ অঙ্ক দিয়ে লিখুন।"),
        ("en", "eight", "tax rate", "Enter the tax rate as a number, like 8.875."),
    ],
)
def test_a_percentage_typed_wrong_is_refused_in_a_whole_sentence_of_its_own(
    lang: str, typed: str, what: PercentWhat, said: str
) -> None:
    with language(lang), pytest.raises(ValidationError) as refused:
        parse_percent(typed, field="x", what=what)
    assert refused.value.message == said


def test_the_sale_and_refund_rules_refuse_in_the_ui_language() -> None:
    # Sell's item line, a deposit asked and a refund typed: English f-strings until now.
    from pos_app.domain.orders import parse_item
    from pos_app.domain.payment import check_deposit, check_refund

    with language("de"):
        with pytest.raises(ValidationError) as empty:
            parse_item("  ")
        assert empty.value.message == "Nennen Sie einen Artikel zum Verkaufen, z. B. „Shampoo x2“."
        with pytest.raises(ValidationError) as many:
            parse_item("Shampoo x1000")
        assert many.value.message == "Wählen Sie für Shampoo eine Menge von 1 bis 999."
        with pytest.raises(ValidationError) as deposit:
            check_deposit(Money(5000, "eur"), Money(3500, "eur"))
        assert deposit.value.message == (
            "Die Anzahlung kann höchstens der offene Betrag sein, 35,00\u00a0€."
        )
    with language("es"), pytest.raises(ValidationError) as refund:
        check_refund(Money(5000, "eur"), Money(3500, "eur"), None)
    assert (
        refund.value.message == "Puede reembolsar como máximo 35,00\u00a0€ (lo que queda del pago)."
    )
