"""The CSV export: BOM, CRLF, the documented columns, formula-injection guard, non-ASCII
names, streaming, ties out to the report, and the CLI command."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pos_app import cli
from pos_app.domain.errors import FormErrors, PermissionDeniedError, PosError
from pos_app.domain.people import Actor, Role
from pos_app.domain.report_data import ExportBatch, ReportWindow
from pos_app.services.export_csv import COLUMNS
from pos_app.store import report_export
from pos_app.store.report_queries import SqlReportQueries
from tests.integration.report_fixtures import Shop

DOCS = Path(__file__).resolve().parents[2] / "docs" / "csv-export.md"
DAY = date(2026, 6, 10)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def shop(tmp_path: Path, database_url: str | None) -> Shop:
    """A card sale partly refunded the next day, cash, and a customer with an odd name."""
    shop = Shop(tmp_path, database_url)
    at = shop.local
    a = shop.booking("svc_cut", resource_id="res_priya", customer="Zoë Ångström 王")
    pay = shop.card(a, 3500, at(2026, 6, 10, 10, 15), fee=132, created_by="usr_priya")
    shop.refund(pay, 1000, at(2026, 6, 11, 9, 0), fee=0, created_by="usr_priya")
    b = shop.booking("svc_colour", customer='=HYPERLINK("http://evil.example","click")')
    shop.cash(b, 9000, at(2026, 6, 10, 23, 30))
    c = shop.booking("svc_cut", customer="@SUM(A1:A2)")
    shop.card(c, 3500, at(2026, 6, 11, 12, 0))  # fee not reported by Stripe yet
    shop.cash(
        shop.booking("svc_schnitt", customer="-2+3"), 3000, at(2026, 6, 11, 13), currency="eur"
    )
    return shop


def test_bom_crlf_columns_and_rows(shop: Shop, tmp_path: Path) -> None:
    out = tmp_path / "sales.csv"
    result = shop.export.export(DAY, date(2026, 6, 11), out)
    assert (result.rows, result.payments, result.refunds) == (5, 4, 1)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads it as UTF-8
    assert raw.count(b"\r\n") == 6 and b"\n" not in raw.replace(b"\r\n", b"")
    assert not (tmp_path / "sales.csv.part").exists()
    header = raw[3:].split(b"\r\n", 1)[0].decode()
    assert tuple(header.split(",")) == COLUMNS

    rows = _read(out)
    assert [(r["type"], r["business_date"], r["local_time"]) for r in rows] == [
        ("payment", "2026-06-10", "10:15:00"),
        ("payment", "2026-06-10", "23:30:00"),  # 03:30 UTC on the 11th: still the 10th
        ("refund", "2026-06-11", "09:00:00"),
        ("payment", "2026-06-11", "12:00:00"),
        ("payment", "2026-06-11", "13:00:00"),
    ]
    card, cash, refund, unsettled, eur = rows
    assert card["utc_time"] == "2026-06-10T14:15:00Z" and card["timezone"] == "America/New_York"
    assert cash["utc_time"] == "2026-06-11T03:30:00Z"
    assert card["customer"] == "Zoë Ångström 王"  # non-ASCII survives the round trip
    assert (card["service"], card["staff"], card["method"], card["currency"]) == (
        "Haircut",
        "Priya",
        "card",
        "USD",
    )
    assert (card["amount"], card["amount_display"], card["fee"], card["net"]) == (
        "3500",
        "35.00",
        "132",
        "3368",
    )
    assert card["stripe_payment_intent_id"].startswith("pi_") and card["recorded_by"] == "Priya"
    assert (card["status"], card["adjustment"], card["stripe_refund_id"]) == ("succeeded", "no", "")
    assert (cash["method"], cash["fee"], cash["net"], cash["staff"]) == ("cash", "0", "9000", "")
    assert (refund["amount"], refund["amount_display"], refund["fee"], refund["net"]) == (
        "-1000",
        "-10.00",
        "0",
        "-1000",
    )
    assert refund["stripe_refund_id"].startswith("re_")
    assert refund["stripe_payment_intent_id"] == card["stripe_payment_intent_id"]
    assert refund["refund_reason"] == "requested_by_customer"
    assert (unsettled["fee"], unsettled["net"]) == ("", "")  # blank, not a made-up zero
    assert (eur["currency"], eur["amount_display"]) == ("EUR", "30.00")


def test_formulas_are_neutralised_numbers_keep_their_sign(shop: Shop, tmp_path: Path) -> None:
    out = tmp_path / "sales.csv"
    shop.export.export(DAY, date(2026, 6, 11), out)
    customers = [r["customer"] for r in _read(out)]
    assert customers[1] == '\'=HYPERLINK("http://evil.example","click")'
    assert customers[3] == "'@SUM(A1:A2)"
    assert customers[4] == "'-2+3"
    assert customers[0] == "Zoë Ångström 王"  # plain text untouched
    refund = _read(out)[2]
    assert refund["amount"] == "-1000"  # a number of ours, not a formula: no quote


def test_ties_out_to_the_report(shop: Shop, tmp_path: Path) -> None:
    out = tmp_path / "sales.csv"
    shop.export.export(DAY, date(2026, 6, 11), out)
    rows = _read(out)
    report = shop.reports.range(DAY, date(2026, 6, 11))
    for code, totals in report.currencies.items():
        mine = [r for r in rows if r["currency"] == code.upper()]
        payments = [int(r["amount"]) for r in mine if r["type"] == "payment"]
        refunds = [-int(r["amount"]) for r in mine if r["type"] == "refund"]
        assert (sum(payments), len(payments)) == (totals.gross, totals.count)
        assert (sum(refunds), len(refunds)) == (totals.refunds, totals.refund_count)
        assert sum(int(r["fee"] or 0) for r in mine) == totals.fees


def test_adjustments_carry_their_business_day_and_flag(shop: Shop, tmp_path: Path) -> None:
    at = shop.local
    shop.close(DAY, at(2026, 6, 10, 22, 0))
    late = shop.booking("svc_cut")
    shop.card(late, 3500, at(2026, 6, 10, 21, 58), fee=132, recorded_at=at(2026, 6, 11, 0, 5))
    out = tmp_path / "sales.csv"
    shop.export.export(DAY, date(2026, 6, 11), out)
    rows = {(r["local_time"], r["business_date"], r["adjustment"]) for r in _read(out)}
    assert ("21:58:00", "2026-06-11", "yes") in rows  # really paid at 21:58 on the 10th
    assert ("23:30:00", "2026-06-11", "yes") in rows  # cash after the close: carried over
    only_day = _read(out)
    shop.export.export(DAY, DAY, out)
    assert [r["record_id"] for r in _read(out)] == [
        r["record_id"] for r in only_day if r["business_date"] == "2026-06-10"
    ]


def test_fall_back_night_both_0130s(tmp_path: Path, database_url: str | None) -> None:
    shop = Shop(tmp_path, database_url)
    b = shop.booking("svc_cut")
    shop.cash(b, 100, shop.local(2026, 11, 1, 1, 30))
    shop.cash(b, 200, shop.local(2026, 11, 1, 1, 30, fold=1))
    out = tmp_path / "dst.csv"
    shop.export.export(date(2026, 11, 1), date(2026, 11, 1), out)
    assert [(r["local_time"], r["utc_time"]) for r in _read(out)] == [
        ("01:30:00", "2026-11-01T05:30:00Z"),
        ("01:30:00", "2026-11-01T06:30:00Z"),
    ]


def test_rows_are_streamed_not_loaded(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every batch is written before the next one is read from the database.
    for _ in range(40):
        shop.cash(shop.booking("svc_cut"), 100, shop.local(2026, 6, 10, 12))
    read = 0
    original = SqlReportQueries.export_csv

    def counting(self: SqlReportQueries, window: ReportWindow, zone: str) -> Iterator[ExportBatch]:
        nonlocal read
        for batch in original(self, window, zone):
            read += batch.payments + batch.refunds
            yield batch

    monkeypatch.setattr(SqlReportQueries, "export_csv", counting)
    lags: list[int] = []

    class Watching(io.StringIO):
        def write(self, s: str) -> int:
            lags.append(read - self.getvalue().count("\r\n"))
            return super().write(s)

    monkeypatch.setattr(report_export, "BATCH", 4)
    written = shop.export.write(DAY, date(2026, 6, 11), Watching())
    assert written == 45 and read == 45
    # Written in batches as they are read: never more than one batch ahead of the file.
    assert len(lags) > 10 and max(lags) <= 4


def test_refusals_and_a_failed_write_leave_nothing(shop: Shop, tmp_path: Path) -> None:
    with pytest.raises(FormErrors):
        shop.export.export(DAY, date(2026, 6, 1), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
    with pytest.raises(PermissionDeniedError):
        shop.export.export(DAY, DAY, tmp_path / "x.csv", actor=Actor(None, "Sam", Role.STAFF))
    with pytest.raises(PosError, match=r"could not be written to .*missing.*\.$"):
        shop.export.export(DAY, DAY, tmp_path / "missing" / "x.csv")
    assert not list(tmp_path.glob("**/*.part"))


def test_no_secrets_in_the_file(shop: Shop, tmp_path: Path) -> None:
    out = tmp_path / "sales.csv"
    shop.export.export(DAY, date(2026, 6, 11), out)
    text = out.read_text(encoding="utf-8-sig")
    assert "key_" not in text  # idempotency keys
    assert not re.search(r"\b(sk|rk|whsec)_", text)


def test_documented_columns_are_the_written_ones() -> None:
    documented = re.findall(r"^\| `([a-z_]+)` \|", DOCS.read_text(encoding="utf-8"), re.M)
    assert tuple(documented) == COLUMNS


def test_cli_export_csv(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POS_DATABASE_URL", shop.url)
    monkeypatch.setenv("POS_TIMEZONE", "America/New_York")
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.delenv("POS_STRIPE_API_BASE", raising=False)
    out = tmp_path / "cli.csv"
    args = ["export", "csv", "--from", "2026-06-10", "--to", "2026-06-11", str(out)]
    assert cli.main(args) == 0
    assert capsys.readouterr().out == f"Wrote 5 rows (4 payments, 1 refund) to {out}.\n"
    assert len(_read(out)) == 5
    assert cli.main(["export", "csv", "--from", "2026-06-10", "--to", "June", str(out)]) == 1
    assert capsys.readouterr().err.startswith("--to: 'June' is not a date")
