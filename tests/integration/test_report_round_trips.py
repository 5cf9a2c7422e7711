"""A report's statements (issue 13 item 9: at 10,000,000 payments on PostgreSQL a report's
time is mostly round trips): the planner's settings once per transaction, an open day's
report in a fixed handful of statements, and the late rows' two ways of being found (their
ids, or their query when there are many) giving the same figures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

import pos_app.store.report_queries as report_queries
from pos_app.domain.report_data import ReportWindow
from pos_app.store.report_sources import close_facts
from tests.integration.report_fixtures import Shop

DAY = date(2026, 6, 10)


@contextmanager
def _statements(shop: Shop) -> Iterator[list[str]]:
    """The SQL the shop's engine sends while in the block."""
    sent: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    event.listen(shop.engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(shop.engine, "before_cursor_execute", seen)


def _late_rows(shop: Shop) -> None:
    """Money of DAY, its close at 22:00, then rows dated on or before DAY recorded after
    the close (adjustments on later days), and an open day after it."""
    at = shop.local
    paid = shop.card(
        shop.booking("svc_cut"), 2000, at(2026, 6, 9, 12), recorded_at=at(2026, 6, 9, 12)
    )
    shop.close(DAY - timedelta(days=1), at(2026, 6, 9, 22, 0))
    shop.card(shop.booking("svc_cut", resource_id="res_priya"), 3500, at(2026, 6, 10, 21, 50),
              fee=132, recorded_at=at(2026, 6, 10, 21, 51))  # fmt: skip
    shop.close(DAY, at(2026, 6, 10, 22, 0))
    late = shop.booking("svc_cut", resource_id="res_sam")
    shop.card(late, 3500, at(2026, 6, 10, 21, 58), fee=132, recorded_at=at(2026, 6, 11, 0, 5))
    shop.refund(paid, 2000, at(2026, 6, 10, 21, 30), recorded_at=at(2026, 6, 10, 22, 30))
    shop.cash(shop.booking("svc_cut"), 1000, at(2026, 6, 10, 22, 45))
    # Dated on the 9th (closed), recorded on the 11th: one of the older late rows.
    shop.card(shop.booking("svc_colour"), 9000, at(2026, 6, 9, 20), recorded_at=at(2026, 6, 11, 9))
    shop.cash(shop.booking("svc_cut"), 700, at(2026, 6, 11, 10))


def test_the_planner_is_set_once_per_transaction_on_postgresql(
    tmp_path: Path, postgres_url: str
) -> None:
    shop = Shop(tmp_path, postgres_url)
    _late_rows(shop)
    show = text("SELECT current_setting('jit'), current_setting('random_page_cost')")
    with shop.uow() as fresh:
        untouched = tuple(fresh.session.execute(show).one())  # type: ignore[attr-defined]
    with _statements(shop) as sent, shop.uow() as w:
        shop.reports.range(DAY + timedelta(days=1), DAY + timedelta(days=1), uow=w)
        shop.reports.range(DAY, DAY + timedelta(days=2), uow=w)
        settings = tuple(w.session.execute(show).one())  # type: ignore[attr-defined]
    assert settings == ("off", "1.1")
    assert sum("set_config" in s for s in sent) == 1  # two reports, one transaction
    with _statements(shop) as sent, shop.uow() as w:
        assert tuple(w.session.execute(show).one()) == untouched  # type: ignore[attr-defined]
        shop.reports.daily(DAY + timedelta(days=1), uow=w)
        assert tuple(w.session.execute(show).one()) == ("off", "1.1")  # type: ignore[attr-defined]
    assert sum("set_config" in s for s in sent) == 1  # a new transaction: set again


def test_an_open_day_s_report_is_seven_statements_on_postgresql(
    tmp_path: Path, postgres_url: str
) -> None:
    # Its frozen days with the services' and staff's names, the close facts (with the
    # planner's settings), the late rows, every sales cell, the orders' closes (with whether
    # a refund gave back lines), the orders' figures, the links frozen and live: main had 22
    # before issue 13's work (two SET LOCALs, four per-hour groupings, three order queries…).
    shop = Shop(tmp_path, postgres_url)
    at = shop.local
    paid = shop.card(shop.booking("svc_cut", resource_id="res_priya"), 3500, at(2026, 6, 10, 9))
    shop.refund(paid, 500, at(2026, 6, 10, 11))
    shop.cash(shop.booking("svc_schnitt"), 3000, at(2026, 6, 10, 12), currency="eur")
    with _statements(shop) as sent:
        report = shop.reports.daily(DAY)
    assert (report.currencies["usd"].gross, report.currencies["usd"].refunds) == (3500, 500)
    assert len(sent) == 7, "\n".join(s.split("\n")[0] for s in sent)


def test_many_late_rows_found_by_their_query_give_the_same_report(
    tmp_path: Path, database_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = Shop(tmp_path, database_url)
    _late_rows(shop)
    by_ids = [shop.reports.range(DAY + timedelta(days=1), DAY + timedelta(days=k)) for k in (1, 3)]
    by_ids.append(shop.reports.range(DAY + timedelta(days=2), DAY + timedelta(days=2)))
    assert by_ids[0].currencies["usd"].adjustments == 4
    monkeypatch.setattr(report_queries, "_MAX_IDS", 0)  # every late row by the query
    by_query = [
        shop.reports.range(DAY + timedelta(days=1), DAY + timedelta(days=k)) for k in (1, 3)
    ]
    by_query.append(shop.reports.range(DAY + timedelta(days=2), DAY + timedelta(days=2)))
    assert by_query == by_ids


def test_a_payment_dated_seconds_before_midnight_and_recorded_after_it_is_a_late_row(
    tmp_path: Path, database_url: str | None
) -> None:
    # Eucla is 8 h 45 min ahead of UTC: its midnight is 15:15 UTC. Dated 40 s before it,
    # recorded 10 s after it: the same UTC hour, but two quarter hours (PostgreSQL looks for
    # such rows in migration 0030's index, which holds only those).
    shop = Shop(tmp_path, database_url, timezone="Australia/Eucla")
    at = shop.local
    late = shop.card(shop.booking("svc_cut"), 3500, at(2026, 6, 10, 23, 59) + timedelta(seconds=30),
                     recorded_at=at(2026, 6, 11, 0, 0) + timedelta(seconds=10))  # fmt: skip
    shop.card(
        shop.booking("svc_cut"), 2000, at(2026, 6, 10, 23, 0), recorded_at=at(2026, 6, 10, 23, 1)
    )
    with shop.uow() as w:
        facts = close_facts(
            w.session, ReportWindow(DAY + timedelta(days=1), DAY + timedelta(days=1), shop.tz)
        )  # type: ignore[attr-defined]
    assert facts.seq_from is None  # no close near: only the clock's arm looks
    assert [row[0] for row in facts.strays["payment"]] == [late]
