"""Issue 11 item 9 at the command line: hostile values give one sentence (exit 1) or a usage
error (exit 2), never a traceback; rows stored before the rules reach neither the terminal
nor the CSV with their control characters."""

from __future__ import annotations

import csv
import getpass
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pos_app import cli
from pos_app.domain.people import Role, User
from tests.integration.report_fixtures import Shop

HOSTILE_NAME = "Eve\u202egnp.exe\x1b[2J\x07"


@pytest.fixture
def shop(tmp_path: Path, database_url: str | None, monkeypatch: pytest.MonkeyPatch) -> Shop:
    """A shop whose rows were written before the rules: a customer and a staff member with
    an ESC sequence, a bell and a bidi override in their names."""
    shop = Shop(tmp_path, database_url)
    b = shop.booking("svc_cut", customer=HOSTILE_NAME)
    shop.cash(b, 3500, shop.local(2026, 6, 10, 10))
    with shop.uow(write=True) as w:
        w.users.add(
            User("usr_eve", HOSTILE_NAME, Role.STAFF, "x", datetime(2026, 1, 1, tzinfo=UTC))
        )
        w.commit()
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POS_DATABASE_URL", shop.url)
    monkeypatch.setenv("POS_TIMEZONE", "America/New_York")
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.delenv("POS_STRIPE_API_BASE", raising=False)
    return shop


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["report", "daily", "--date", ""], "--date: '' is not a date"),
        (["report", "daily", "--date", "9999-12-31"], "--date: Choose a date from 2000"),
        (["report", "daily", "--date", "0001-01-01"], "--date: Choose a date from 2000"),
        (["report", "daily", "--date", "99999-01-01"], "--date: '99999-01-01' is not a date"),
        (["report", "range", "--from", "9999-12-31", "--to", "9999-12-31"], "--from: Choose"),
        (["close-day", "--date", "", "--preview"], "--date: '' is not a date"),
        (["close-day", "--date", "9999-12-31", "--preview"], "--date: Choose a date"),
        (["export", "csv", "--from", "0001-01-01", "--to", "0001-01-02", "x.csv"], "--from: "),
        (
            ["close-day", "--date", "2026-06-10", "--cash-counted", "1" + "0" * 33],
            "--cash-counted (USD): The largest amount you can enter is $999,999.99.",
        ),
        (
            ["close-day", "--date", "2026-06-10", "--cash-counted", "99999999999999999999"],
            "--cash-counted (USD): The largest amount",
        ),
        (["close-day", "--date", "2026-06-10", "--cash-counted", "1e3"], "--cash-counted (USD)"),
        (["close-day", "--date", "2026-06-10", "--cash-counted", "-5"], "--cash-counted (USD)"),
        (
            ["close-day", "--date", "2026-06-10", "--cash-counted", "٣٥"],
            "--cash-counted (USD): Type the amount with the digits 0–9.",
        ),
    ],
)
def test_hostile_values_are_one_sentence(
    shop: Shop, capsys: pytest.CaptureFixture[str], args: list[str], flag: str
) -> None:
    code, out, err = _run(capsys, *args)
    assert (code, out) == (1, "")
    assert err.startswith(flag) and err.count("\n") == 1 and "Traceback" not in err
    with shop.uow() as uow:  # nothing was closed
        assert uow.day_closes.between(date(2026, 6, 10), date(2026, 6, 10)) == []


@pytest.mark.parametrize(
    "counts",
    [["eur=5"], ["5", "usd=5"], ["=5"]],
)
def test_a_count_for_another_currency_is_a_usage_error(
    shop: Shop, capsys: pytest.CaptureFixture[str], counts: list[str]
) -> None:
    # 12 June has no cash: a count for the wrong currency used to close it with none.
    args = ["close-day", "--date", "2026-06-12"]
    for value in counts:
        args += ["--cash-counted", value]
    code, out, err = _run(capsys, *args)
    assert (code, out) == (2, "") and err.startswith("pos-app: ") and err.count("\n") == 1
    with shop.uow() as uow:  # a typo never closes the day as if no cash was counted
        assert uow.day_closes.between(date(2026, 6, 12), date(2026, 6, 12)) == []


def test_a_port_in_other_digits_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["sandbox", "--port", "١٢١١١"])
    assert exited.value.code == 2 and "is not a port number" in capsys.readouterr().err


def test_old_rows_reach_the_terminal_without_their_control_characters(
    shop: Shop, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "users")
    assert code == 0 and err == ""
    assert "Eve\ufffdgnp.exe\ufffd[2J\ufffd" in out
    assert not any(ch in out for ch in "\x1b\x07\u202e")
    code, out, _err = _run(capsys, "users", "--json")
    names = [u["name"] for u in json.loads(out)["users"]]
    assert HOSTILE_NAME in names  # JSON escapes them: the data itself is unchanged


def test_old_rows_reach_the_csv_without_their_control_characters(
    shop: Shop, tmp_path: Path
) -> None:
    out = tmp_path / "sales.csv"
    shop.export.export(date(2026, 6, 10), date(2026, 6, 10), out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["customer"] == "Eve\ufffdgnp.exe\ufffd[2J\ufffd"
    raw = out.read_text(encoding="utf-8-sig")
    assert not any(ch in raw for ch in "\x1b\x07\u202e")


def test_the_command_lines_actor_name_fits_the_audit_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "\x1b[2J" + "x" * 300)
    actor = cli.cli_actor()
    assert len(actor.name) <= 120 and "\x1b" not in actor.name
    assert actor.name.startswith("command line ([2Jxxx") and actor.name.endswith("…)")
    monkeypatch.setattr(getpass, "getuser", lambda: "\u202e")
    assert cli.cli_actor().name == "command line (unknown)"
