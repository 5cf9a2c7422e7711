"""The CSV export's statement compiled once per shape (store/copy_statements.py, PostgreSQL's
COPY; SQLite's goes through SQLAlchemy's own cache): a reused statement writes the bytes a
freshly compiled one does, with this export's values, and a statement of another shape (other
currencies' decimals, other columns) is compiled as its own."""

from __future__ import annotations

import csv
import io
from datetime import date, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import literal, select

from pos_app.domain.report_data import ReportWindow
from pos_app.services.reports import zone_name
from pos_app.store import copy_statements, report_export
from pos_app.store.report_queries import SqlReportQueries
from pos_app.store.schema import payments
from tests.integration.csv_reference import write_reference
from tests.integration.report_fixtures import Shop
from tests.integration.test_csv_bytes import shop as odd_shop  # noqa: F401 (a fixture)

NEW_YORK = ZoneInfo("America/New_York")


def _fresh(shop: Shop) -> None:
    """Forget every compiled statement: the next export compiles its own."""
    copy_statements.clear()
    report_export.clear_cells()
    shop.engine.clear_compiled_cache()


def _live(shop: Shop, first: date, last: date, tz: tzinfo = NEW_YORK) -> str:
    """The export's rows of [first, last] in ``tz`` (no day of it kept)."""
    with shop.uow() as r:
        assert isinstance(r.reports, SqlReportQueries)
        window = ReportWindow(first, last, tz)
        return "".join(b.text for b in r.reports.export_csv(window, zone_name(tz)))


def _reference(shop: Shop, first: date, last: date, tz: tzinfo = NEW_YORK) -> str:
    """The same rows written by Python row by row (csv_reference.py), without the header."""
    out = io.StringIO(newline="")
    with shop.uow() as r:
        assert isinstance(r.reports, SqlReportQueries)
        write_reference(r.reports, ReportWindow(first, last, tz), out)
    return out.getvalue().split("\r\n", 1)[1]


def _postgres(shop: Shop) -> bool:
    return shop.engine.dialect.name == "postgresql"


# Both DST days (one more UTC-offset span than other days), and two summer ranges (the
# second with the refund that failed after it succeeded): each pair has one shape, other
# values.
PAIRS = [
    ((date(2026, 3, 8), date(2026, 3, 8)), (date(2026, 11, 1), date(2026, 11, 1))),
    ((date(2026, 6, 10), date(2026, 6, 13)), (date(2026, 7, 1), date(2026, 7, 2))),
]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_a_reused_statement_writes_the_bytes_of_a_fresh_one(
    odd_shop: Shop,  # noqa: F811 (the fixture imported above)
    a: tuple[date, date],
    b: tuple[date, date],
) -> None:
    _fresh(odd_shop)
    first = _live(odd_shop, *a)
    shapes = copy_statements.size()
    reused = _live(odd_shop, *b)  # the statement compiled for ``a``, with ``b``'s values
    if _postgres(odd_shop):
        assert shapes > 0 and copy_statements.size() == shapes  # nothing compiled for b
    _fresh(odd_shop)
    assert reused == _live(odd_shop, *b) == _reference(odd_shop, *b)
    assert first == _reference(odd_shop, *a) and first != reused
    assert reused.count("\r\n") > 1


def test_another_zone_is_its_own_values(odd_shop: Shop) -> None:  # noqa: F811
    """The zone's offsets and its name are values of the one statement: each export shows
    its own, as a fresh statement does."""
    day = (date(2026, 6, 10), date(2026, 6, 11))
    _fresh(odd_shop)
    shown = {}
    for name in ("America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/New_York"):
        shown[name] = _live(odd_shop, *day, ZoneInfo(name))
        assert shown[name] == _reference(odd_shop, *day, ZoneInfo(name))
    assert len(set(shown.values())) == 3
    if _postgres(odd_shop):
        assert copy_statements.size() == 1  # one UTC offset in June in each: one shape


def test_other_currency_decimals_are_another_statement(
    odd_shop: Shop,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Currencies' decimals are written into the statement (a CASE a group): when they
    differ, the statement is compiled again, not the one kept for the old ones reused."""
    day = (date(2026, 3, 8), date(2026, 11, 2))
    _fresh(odd_shop)
    before = _live(odd_shop, *day)
    shapes = copy_statements.size()
    groups = dict(report_export.exponent_groups())
    groups[(2, 2)] = (*groups.get((2, 2), ()), "jpy")  # yen with cents, as if it had them
    jpy_zero = next(k for k, codes in groups.items() if "jpy" in codes and k != (2, 2))
    groups[jpy_zero] = tuple(c for c in groups[jpy_zero] if c != "jpy")
    groups = {k: v for k, v in groups.items() if v}
    monkeypatch.setattr(report_export, "exponent_groups", lambda: groups)
    after = _live(odd_shop, *day)
    assert ",JPY,500,5.00," in after and ",JPY,500,500," in before
    if _postgres(odd_shop):
        assert copy_statements.size() == shapes + 1
    _fresh(odd_shop)
    assert _live(odd_shop, *day) == after


def test_the_cells_are_built_once_per_shape_and_zone(
    odd_shop: Shop,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PostgreSQL builds the cells over the branches' union once per shape and zone
    (report_export._cells_over): another range of the same shape builds none, another zone
    its own, and each export writes the bytes of the row-by-row reference."""
    if not _postgres(odd_shop):
        pytest.skip("SQLite's branches make their cells (SQLAlchemy's cache spares compiling)")
    _fresh(odd_shop)
    built: list[str] = []
    real = report_export.export_cells

    def spy(c: Any, clock_time: Any, zone: str, sqlite: bool) -> Any:
        built.append(zone)
        return real(c, clock_time, zone, sqlite)

    monkeypatch.setattr(report_export, "export_cells", spy)
    june, july = (date(2026, 6, 10), date(2026, 6, 11)), (date(2026, 7, 1), date(2026, 7, 2))
    berlin = ZoneInfo("Europe/Berlin")
    shown = [_live(odd_shop, *june), _live(odd_shop, *july), _live(odd_shop, *june, berlin)]
    assert built == ["America/New_York", "Europe/Berlin"]
    assert report_export.cells_built() == 2
    assert shown == [
        _reference(odd_shop, *june),
        _reference(odd_shop, *july),
        _reference(odd_shop, *june, berlin),
    ]
    assert len(set(shown)) == 3 and ",Europe/Berlin," in shown[2]


def _copied(shop: Shop, q: Any) -> tuple[str, list[bytes]]:
    """``q``'s COPY statement (as copy_statement gives it) and the rows it writes."""
    with shop.engine.connect() as c:
        statement, values = copy_statements.copy_statement(c, q)
        raw: Any = c.connection.driver_connection
        with raw.cursor() as cur, cur.copy(statement, values) as copy:
            rows = [bytes(data) for data in copy]
        c.rollback()
    return statement, rows


def _line(*cells: str) -> bytes:
    """One row as COPY's CSV writes it (the csv module's minimal quoting, ended by LF)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue().encode()


def test_a_statement_is_kept_per_shape_with_its_values_bound_each_time(
    odd_shop: Shop,  # noqa: F811
) -> None:
    if not _postgres(odd_shop):
        pytest.skip("COPY is PostgreSQL's; SQLite's export runs through SQLAlchemy's execute")
    copy_statements.clear()
    ids = ['+pay,"odd"']
    by_ids = select(payments.c.id, literal("a").label("x")).where(payments.c.id.in_(ids))
    one, rows = _copied(odd_shop, by_ids.order_by(payments.c.id))
    assert rows == [_line('+pay,"odd"', "a")] and copy_statements.size() == 1
    # Another value of the literal, another number of ids: the same statement, its own values.
    known = select(payments.c.id).order_by(payments.c.id).limit(2)
    with odd_shop.engine.connect() as c:
        two_ids = list(c.scalars(known))
    q = select(payments.c.id, literal("b").label("x")).where(payments.c.id.in_(two_ids))
    again, rows = _copied(odd_shop, q.order_by(payments.c.id))
    assert copy_statements.size() == 1
    assert rows == [_line(i, "b") for i in two_ids]
    assert again != one  # the IN list rendered for this call's two ids
    # Another column set: another statement.
    other = select(payments.c.id, payments.c.currency).where(payments.c.id.in_(ids))
    _copied(odd_shop, other)
    assert copy_statements.size() == 2
