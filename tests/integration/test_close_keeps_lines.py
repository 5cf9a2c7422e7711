"""A day's CSV lines are kept when the day is closed (services/export_csv.keep_closed), so no
export pays for making them; a failure to keep them never fails or undoes the close, and
the first export then makes and keeps them, as before."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from pos_app.app import AppContext
from pos_app.store.export_days import ExportDayQueries
from tests.integration.test_day_close import CLOSED_AT, DAY, MANAGER, Day, service
from tests.integration.test_day_close import day as paid_day  # noqa: F401 (a fixture)


def _kept(app: AppContext) -> dict[str, tuple[int, int, str]]:
    with app.deps.uow() as uow:
        rows = uow.session.execute(  # type: ignore[attr-defined]
            text("SELECT business_date, payments, refunds, lines FROM export_days")
        ).all()
    return {str(d)[:10]: (int(p), int(r), str(lines)) for d, p, r, lines in rows}


def _export(app: AppContext) -> str:
    out = io.StringIO(newline="")
    app.csv_export.write(DAY, DAY, out, actor=MANAGER)
    return out.getvalue()


def test_closing_a_day_keeps_its_lines(app: AppContext, paid_day: Day) -> None:  # noqa: F811
    assert _kept(app) == {}
    service(app, CLOSED_AT).close(DAY, {"usd": "45.00", "eur": ""}, actor=MANAGER)
    kept = _kept(app)  # no export yet: the close kept them
    assert list(kept) == [DAY.isoformat()]
    payments, refunds, lines = kept[DAY.isoformat()]
    assert (payments, refunds) == (5, 1)  # 3 card and 2 cash payments, 1 refund
    header, rest = _export(app).split("\r\n", 1)
    assert header.startswith("type,business_date,") and rest == lines  # what the export copies


def test_the_close_stands_when_keeping_its_lines_fails(
    app: AppContext,
    paid_day: Day,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object) -> int:
        raise OperationalError("INSERT INTO export_days", {}, Exception("disk full"))

    with monkeypatch.context() as m:
        m.setattr(ExportDayQueries, "keep_export_days", broken)
        with caplog.at_level(logging.WARNING, logger="pos_app.services.export_csv"):
            z = service(app, CLOSED_AT).close(DAY, {"usd": "45.00", "eur": ""}, actor=MANAGER)
    assert z.is_closed
    with app.deps.uow() as uow:
        assert [c.currency for c in uow.day_closes.between(DAY, DAY)] == ["eur", "usd"]
    assert _kept(app) == {}
    assert any("export.keep_failed" in r.getMessage() for r in caplog.records)
    made = _export(app)  # the first export makes and keeps them, as before the close kept any
    assert made.count("\r\npayment,2026-03-03,") == 5 and made.count("\r\nrefund,") == 1
    assert made.split("\r\n", 1)[1] == _kept(app)[DAY.isoformat()][2]
