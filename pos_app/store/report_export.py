"""The CSV export made by the database: its cells come out of SQL as the file's text.

Per-row Python cost more than the database's reading (20–25 µs a row), so the cells are
SQL expressions (domain/csv_cells.py holds the rules they are generated from):

* times: the local wall-clock time from the window's UTC-offset spans (report_sql.Clock,
  the same spans that date the row's business day: exact across DST changes), the UTC time
  as text, seconds cut as Python cuts them;
* amounts: ``amount_text`` as CASEs over the currencies whose decimals differ;
* text, on PostgreSQL: a cell of printable ASCII gets the formula guard in SQL (a leading
  ``'`` before ``= + - @``); any other cell has the characters ``shown_pattern`` names
  replaced with U+FFFD and then every formula start guarded.

PostgreSQL streams ``COPY (SELECT …) TO STDOUT (FORMAT csv)`` (its quoting is the csv
module's minimal quoting; a NULL is written as an empty field and an empty text is made
NULL, so nothing is written ``""``); each row comes as its own message, ended by LF, made
CRLF here. Its dates and times are their own ISO text (DateStyle ISO, set for the export's
transaction: cheaper than to_char), and its sort into business order has SORT_MEMORY (at
the default 4 MB a year of a busy shop was sorted on disk). Its branches (a row's own day,
the day before's late rows, older late rows; payments, refunds, reversals) give raw values
and the cells are made once over their union, and the statement is compiled once per shape
in the process (store/copy_statements.py): with the cells in every branch it was 65 KB,
built, compiled and planned again for every export (~0.1 s, the open week's fixed cost).
The cells themselves are built once per shape and zone too, over the union named as a CTE
(``_cells_over``; PostgreSQL inlines a CTE used once, so the plan is a subquery's).

SQLite has no regular expressions and its per-cell functions (a GLOB, a CASE) cost more
than Python's look at a whole row (measured: the export at 27,000 rows/s with every text
cell guarded in SQL, 51,000–57,000 as below). So there the cells up to the time zone and
from method to adjustment come joined by SQL (one printf each), the text cells as stored
(the statement run by SQLAlchemy, whose cache spares its compiling), and each row is one
f-string: its nine ids (the order's too) as they are when they are printable ASCII with no
formula start, comma or quote (one look at the joined ids), else through ``csv_field``
(``guard_cell`` and the csv module's quoting, remembered), as are the names.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    select,
    table,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from pos_app.domain.csv_cells import (
    ASCII_FORMULA_START,
    FORMULA_START,
    SHOWN_FOR_CONTROL,
    exponent_groups,
    guard_cell,
    shown_pattern,
)
from pos_app.domain.report_data import ExportBatch, ExportRow, Movement, ReportWindow
from pos_app.store.copy_statements import copy_statement
from pos_app.store.report_sql import (
    as_date,
    aware_parser,
    concat,
    date_text,
    time_text,
    utc_text,
)

#: PostgreSQL's columns: the 30 cells of a row, in the file's order (export_csv.COLUMNS).
CELLS = tuple(f"c{i:02d}" for i in range(30))
#: SQLite's: kind, business day, the cells up to the time zone joined, four text cells as
#: stored, the cells from method to adjustment joined, eight text cells as stored, then the
#: order's id as stored, its discount, tax and tip joined, and its promo code as stored.
SQLITE_CELLS = ("kind", "day", "head", *(f"t{i}" for i in range(4)), "mid",
                *(f"t{i}" for i in range(4, 12)), "t12", "ord", "t13")  # fmt: skip
#: The union's order: business day, time, kind, id, time recorded.
KEYS = ("k_day", "k_at", "k_kind", "k_id", "k_recorded")
BATCH = 2000
#: PostgreSQL's memory for the export's sort (work_mem, this transaction only): one sort
#: at a time, for a station's one export; beyond it the sort goes on to disk.
SORT_MEMORY = "64MB"


def _int_div(value: Any, by: int) -> ColumnElement[Any]:
    """Integer division as both databases do it for integers (truncating)."""
    quotient: ColumnElement[Any] = value.op("/", return_type=Integer)(literal(by, Integer))
    return quotient


# _guard's constants, one parameter each for all its cells (56 in an export): as literals
# and IN lists they were ~1,200 of the statement's 1,660 parameters, most of the ~0.1 s of
# this process's CPU that building and compiling it took before PostgreSQL saw it.
_SHOWN = bindparam("guard_shown", type_=String, callable_=shown_pattern)
_FOR_CONTROL = bindparam("guard_control", SHOWN_FOR_CONTROL, type_=String)
_EVERYWHERE = bindparam("guard_flags", "g", type_=String)
_NOT_ASCII = bindparam("guard_not_ascii", "[^ -~]", type_=String)
_FORMULA = bindparam("guard_formula", list(FORMULA_START), type_=ARRAY(String))
_ASCII_FORMULA = bindparam("guard_ascii_formula", list(ASCII_FORMULA_START), type_=ARRAY(String))
_QUOTE = bindparam("guard_quote", "'", type_=String)
_EMPTY = bindparam("guard_empty", "", type_=String)


def _guard(text: Any) -> ColumnElement[Any]:
    """PostgreSQL: a text cell as ``guard_cell`` gives it (NULL stays NULL: empty)."""
    shown = func.regexp_replace(text, _SHOWN, _FOR_CONTROL, _EVERYWHERE)
    other = case((func.left(shown, 1) == any_(_FORMULA), concat(_QUOTE, shown)), else_=shown)
    return case(
        (text.op("~")(_NOT_ASCII), other),
        (func.left(text, 1) == any_(_ASCII_FORMULA), concat(_QUOTE, text)),
        else_=func.nullif(text, _EMPTY),  # COPY writes '' as "": the csv module writes nothing
    )


def _fixed(value: Any, decimals: int, sqlite: bool) -> ColumnElement[Any]:
    """An integer of minor units with ``decimals`` decimals: -1005 → '-10.05'."""
    if decimals == 0:
        return cast(value, String)
    unit = 10**decimals
    whole = func.abs(value)
    sign = case((value < 0, "-"), else_="")
    frac = whole - _int_div(whole, unit) * unit
    if sqlite:  # one printf: fewer of SQLite's steps than text joined by ||
        return func.printf(f"%s%d.%0{decimals}d", sign, _int_div(whole, unit), frac)
    frac_text = func.lpad(cast(frac, String), decimals, "0")
    return concat(sign, cast(_int_div(whole, unit), String), ".", frac_text)


def _amount_text(amount: Any, currency: Any, sqlite: bool) -> ColumnElement[Any]:
    """``amount_text(amount, currency)`` in SQL."""
    code = func.lower(currency)
    whens: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = []
    for (api, shown), codes in exponent_groups().items():
        exact = _fixed(amount, api, sqlite)
        if shown != api:  # whole units for people when nothing is lost (UGX, ISK)
            step = 10 ** (api - shown)
            whole = amount - _int_div(amount, step) * step == 0
            exact = case((whole, _fixed(_int_div(amount, step), shown, sqlite)), else_=exact)
        if sqlite:
            whens.append((code.in_(codes), exact))
        else:  # one parameter for the list, not one per code (see _guard's constants)
            group = bindparam(f"currencies_{api}_{shown}", list(codes), type_=ARRAY(String))
            whens.append((code == any_(group), exact))
    return case(*whens, else_=_fixed(amount, 2, sqlite))


def export_cells(
    c: Mapping[str, Any], clock_time: Any, zone: str, sqlite: bool
) -> list[ColumnElement[Any]]:
    """The cells of the rows ``c``: PostgreSQL's ``CELLS`` (over the union of its branches'
    raw values: export_batches), SQLite's ``SQLITE_CELLS`` then the order's ``KEYS``
    without ``k_day`` (its ``day``; one branch's). ``clock_time``: the local time's text.

    ``c`` names the branch's raw values: kind, id, booking_id, at, business_date,
    adjustment (0/1), customer, service, staff, method, currency, amount (already signed as
    the file shows it), fee (signed, NULL when not known), status, the Stripe ids, reason,
    recorded_by and recorded_at; then the order's (store/order_export.py): order_id, and
    order_discount, order_tax, order_tip, promo_code (NULL unless the payment completed it).
    """
    amount = c["amount"]
    fee = case((c["method"] == "cash", literal(0, Integer)), else_=c["fee"])
    day = date_text(c["business_date"], sqlite)
    times = [clock_time, utc_text(c["at"], sqlite)]
    texts = [c[k] for k in ("booking_id", "customer", "service", "staff")]
    ids = ("id", "session_id", "intent_id", "charge_id", "refund_id", "txn_id", "reason")
    more_texts = [*(c[k] for k in ids), c["recorded_by"]]
    middle: list[Any] = [
        c["method"],
        func.upper(c["currency"]),
        amount,
        _amount_text(amount, c["currency"], sqlite),
        fee,
        amount - fee,
        c["status"],
        case((c["adjustment"] == 1, "yes"), else_="no"),
    ]
    figures = [c["order_discount"], c["order_tax"], c["order_tip"]]
    if not sqlite:
        cells = [c["kind"], day, *times, literal(zone, String), *map(_guard, texts), *middle]
        cells += map(_guard, more_texts)
        cells += [_guard(c["order_id"]), *figures, _guard(c["promo_code"])]
        return [v.label(n) for v, n in zip(cells, CELLS, strict=True)]
    # SQLite: its expressions cost more than Python's for the text cells (a GLOB a cell is
    # slower than one look at the row's joined ids), so those come as stored.
    # Cells joined by one printf each (its %s writes NULL as nothing), not by a chain of
    # ||: each || is a step of SQLite's own (measured: the cells from method to adjustment
    # in 3.4 µs a row joined by ||, 1.9 by printf).
    head = _printf(times[0], times[1], csv_field(zone))
    mid = _printf(*middle)
    values = [c["kind"], day, head, *(func.ifnull(t, "") for t in texts), mid]
    values += (func.ifnull(t, "") for t in more_texts)
    order_figures = func.printf(",%s" * len(figures), *figures)
    values += [func.ifnull(c["order_id"], ""), order_figures, func.ifnull(c["promo_code"], "")]
    keys = [c["at"], c["kind"], c["id"], c["recorded_at"]]
    return [v.label(n) for v, n in zip(values, SQLITE_CELLS, strict=True)] + [
        v.label(n) for v, n in zip(keys, KEYS[1:], strict=True)
    ]


def _printf(*cells: Any) -> ColumnElement[Any]:
    """SQLite: cells joined by commas, each as its text (NULL: nothing), by one printf."""
    return func.printf(",".join(["%s"] * len(cells)), *cells)


@lru_cache(maxsize=8192)  # names repeat on every row of their booking or staff member
def csv_field(text: str) -> str:
    """A text cell as the csv module writes it after ``guard_cell`` (quoted when it holds
    a comma, a quote or a line break), by the csv module itself."""
    shown = guard_cell(text)
    if shown.isascii() and shown.isprintable() and "," not in shown and '"' not in shown:
        return shown
    _FIELD.seek(0)
    _FIELD.truncate()
    _FIELD_WRITER.writerow([shown])
    return _FIELD.getvalue()[:-2]  # its CRLF


_FIELD = io.StringIO()
_FIELD_WRITER = csv.writer(_FIELD, lineterminator="\r\n")
# A formula start after the space that joins a row's ids, or what the csv module quotes:
# such a row's ids each go through csv_field (the others: ASCII, printable, no mark).
_ID_MARKS = re.compile(
    "|".join(re.escape(m) for m in (*(" " + c for c in ASCII_FORMULA_START), ",", '"'))
)


def _sqlite_text(rows: Sequence[Any]) -> tuple[str, int]:
    """The CSV text of SQLite's rows (``SQLITE_CELLS``), and how many are payments."""
    lines = []
    payments = 0
    field = csv_field
    for (kind, day, head, booking, customer, service, staff, mid,
         id_, s1, s2, s3, s4, s5, reason, by, order, figures, promo) in rows:  # fmt: skip
        # The order's id is unique to its order, like the row's own: looked at with the
        # ids, not through csv_field, whose cache it would only fill (a miss a row).
        ids = (booking, id_, s1, s2, s3, s4, s5, reason, order)
        joined = " " + " ".join(ids)
        if not (joined.isascii() and joined.isprintable()) or _ID_MARKS.search(joined):
            booking, id_, s1, s2, s3, s4, s5, reason, order = map(field, ids)
        payments += kind == "payment"
        lines.append(
            f"{kind},{day},{head},{booking},{field(customer)},{field(service)},{field(staff)},"
            f"{mid},{id_},{s1},{s2},{s3},{s4},{s5},{reason},{field(by)},"
            f"{order}{figures},{field(promo)}\r\n"
        )
    return "".join(lines), payments


class ExportQueries:
    """The export's row-by-row read (``export_rows``), for SqlReportQueries: its plan
    (``_close_facts``, ``_plan``) gives the rows."""

    _s: Session

    def _close_facts(self, window: ReportWindow) -> Any:
        raise NotImplementedError

    def _plan(
        self, window: ReportWindow, source: Any, facts: Any, *, detail: bool | str = False
    ) -> list[Select[Any]]:
        raise NotImplementedError

    def export_rows(self, window: ReportWindow) -> Iterator[ExportRow]:
        """Every succeeded payment and refund of the window by business day and time, streamed."""
        facts = self._close_facts(window)
        parts = [b for s in facts.sources for b in self._plan(window, s, facts, detail=True)]
        union = union_all(*parts).subquery()
        # The driver's values as they come (SQLite: text, PostgreSQL: naive datetimes and
        # dates): the types' per-value processors (enum lookups, SQLite's datetime regex,
        # UTCDateTime's replace) cost more than the conversions below, which remember what
        # repeats (days, kinds) and parse each time once.
        raw = {"at", "business_date", "method", "status", "recorded_at"}
        cols = [type_coerce(c, String) if c.name in raw else c for c in union.c]
        q = select(*cols).order_by(
            union.c.business_date, union.c.at, union.c.kind, union.c.id, union.c.recorded_at
        )
        dates: dict[Any, date] = {}  # a few distinct days: parse each once
        kinds = {m.value: m for m in Movement}
        parse_time = aware_parser(self._s.get_bind().dialect.name)
        rows = self._s.execute(q.execution_options(yield_per=2000))
        for (kind, id_, booking_id, at, day, adjustment, customer, service, staff, method,
             currency, amount, fee, net, status, session_id, intent_id, charge_id, refund_id,
             txn_id, reason, recorded_by, recorded_at) in rows:  # fmt: skip
            business_date = dates.get(day)
            if business_date is None:
                business_date = dates[day] = as_date(day)
            yield ExportRow(
                kinds[kind],
                id_,
                booking_id,
                parse_time(at),
                business_date,
                bool(adjustment),
                customer or "",
                service or "",
                staff or "",
                method,
                currency,
                amount,
                fee,
                net,
                status,
                session_id,
                intent_id,
                charge_id,
                refund_id,
                txn_id,
                reason,
                recorded_by or "",
                None if recorded_at is None else parse_time(recorded_at),
            )


def export_batches(session: Session, parts: list[Any], zone: str) -> Iterator[ExportBatch]:
    """Run the union of the branches ``parts`` in business order and hand its rows on as
    CSV text (lines ended CRLF), in batches. SQLite's branches give their cells
    (``export_cells``); PostgreSQL's give their raw values (report_queries._branch), made
    cells here once over the union: one set of cell expressions, not one per branch, is a
    quarter of the statement to build, compile and plan (the open week's fixed cost)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield from _copy_batches(connection, parts, zone)
        return
    u = union_all(*parts).subquery().c
    q = select(*(u[n] for n in SQLITE_CELLS)).order_by(*(u[k] for k in ("day", *KEYS[1:])))
    # Executed by SQLAlchemy, whose statement cache spares the compiling of this long
    # statement (80 ms, as long as a month's rows took to read), and read from its DBAPI
    # cursor as plain tuples (no Row objects).
    result = connection.execute(q)
    try:
        while rows := result.cursor.fetchmany(BATCH):
            text, payments = _sqlite_text(rows)
            yield ExportBatch(text, payments, len(rows) - payments)
    finally:
        result.close()


def _copy_batches(connection: Any, parts: list[Any], zone: str) -> Iterator[ExportBatch]:
    """PostgreSQL: ``export_batches`` by COPY, the cells made over the union of ``parts``."""
    # The cells and the order, built once per process (``_cells_over``), read the union
    # as the CTE EXPORT_ROWS: PostgreSQL inlines a CTE used once (no MATERIALIZED), so it
    # plans and runs what a subquery in FROM gave, and this process builds only the union.
    cells = _cells_over(parts[0].selected_columns, zone)
    q = cells.add_cte(union_all(*parts).cte(EXPORT_ROWS))
    # Compiled once per shape in this process (store/copy_statements.py): COPY is run by
    # psycopg's own cursor, which SQLAlchemy's statement cache never sees.
    statement, values = copy_statement(connection, q)
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cur:
        # For this transaction only: dates and times are written as their own text
        # (report_sql), ISO text in the ISO DateStyle whatever the server's default; and the
        # sort of the rows into business order keeps up to SORT_MEMORY in memory (at the
        # default 4 MB a year of a busy shop, 66,000 rows, was sorted on disk: 21 MB).
        # Both in one round trip (no parameters: psycopg sends them as one simple query).
        cur.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'; SET LOCAL datestyle = 'ISO, MDY'")
        yield from _copied(cur, statement, values)


#: The name the cells read the union of the branches by (a CTE: ``_copy_batches``).
EXPORT_ROWS = "export_rows"
#: The cells over EXPORT_ROWS by shape and zone (``_cells_over``); a handful in a process.
_CELLS: dict[Any, Select[Any]] = {}


def _cells_over(columns: Any, zone: str) -> Select[Any]:
    """PostgreSQL: the 30 cells of the rows of EXPORT_ROWS in business order, EXPORT_ROWS
    having the union's ``columns``. Built once per shape (the columns' names and their
    types' kinds, which decide how the cells' SQL is written, and the currencies'
    decimals, written in it) and zone (a value: the compiled text is shared): building
    them cost ~10 ms of this process an export, the open week's fixed cost. The guard's
    shown characters are a parameter read at each run (``_SHOWN``). (A dict, not
    lru_cache: the columns' types are no keys.)"""
    shape = (
        tuple((c.key, type(c.type)) for c in columns),
        zone,
        tuple(exponent_groups().items()),
    )
    found = _CELLS.get(shape)
    if found is not None:
        return found
    rows = table(EXPORT_ROWS, *(column(c.key, c.type) for c in columns))
    u = rows.c
    cells = export_cells(dict(u.items()), time_text(u.local_at), zone, False)
    q = select(*cells).select_from(rows)
    q = q.order_by(u.business_date, u.at, u.kind, u.id, u.recorded_at)
    if len(_CELLS) >= 16:  # other shapes than an export's handful: start again
        _CELLS.clear()
    _CELLS[shape] = q
    return q


def clear_cells() -> None:
    """Forget the cells built (tests: the next export builds its own)."""
    _CELLS.clear()


def cells_built() -> int:
    """How many shapes' cells are kept."""
    return len(_CELLS)


def _copied(cur: Any, statement: str, values: Any) -> Iterator[ExportBatch]:
    """The rows of PostgreSQL's COPY ``statement`` as CSV text in batches (CRLF ends)."""
    with cur.copy(statement, values) as copy:
        lines: list[Any] = []
        payments = 0
        for data in copy:  # one row per message, ended by LF
            lines.append(data[:-1])
            payments += data[0] == 112  # "p"ayment: the first cell is never quoted
            if len(lines) >= BATCH:
                text = (b"\r\n".join(lines) + b"\r\n").decode()
                yield ExportBatch(text, payments, len(lines) - payments)
                lines.clear()
                payments = 0
        if lines:
            text = (b"\r\n".join(lines) + b"\r\n").decode()
            yield ExportBatch(text, payments, len(lines) - payments)
