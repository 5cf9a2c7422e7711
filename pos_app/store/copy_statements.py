"""PostgreSQL's COPY statements compiled once per shape in this process (issue 13 item 9).

The CSV export streams ``COPY (SELECT …) TO STDOUT`` through psycopg's own cursor, past
SQLAlchemy's ``execute`` and so past its compiled-statement cache: its SELECT (then 65 KB
with 351 parameters, now 23 KB with 141: store/report_export.py) was compiled again for
every export and every kept day's run, about 50 ms of this process's CPU each time then,
more than copying a month of kept lines.

This is that cache, done the way ``Connection.execute`` does it (with its private parts:
``_compile_w_cache``, the bind processors and the IN lists' expansion, as SQLAlchemy 2.1's
engine/default.py uses them). The statement's cache key (its structure: every table,
column, function and operator, every literal rendered inline, and the names and types of
its parameters, not their values) finds the compiled text; the values are the key's
``extracted_parameters``, the ones of the statement just built, put in the compiled text's
places by ``construct_params``. So two statements share a compiled text only when
SQLAlchemy would run them as one: other currencies' decimals, another column set or other
code give another key, while a zone's offsets and name, the window's days and the late
rows' ids are this export's own values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Select
from sqlalchemy.util import LRUCache

#: Shapes kept at most (an export has a handful: the open days, with or without a closed
#: day before them, with or without late rows from earlier, refund reversals or not).
SIZE = 64

# SQLAlchemy's own LRU cache, the kind an Engine keeps (safe to share between threads:
# exports and closes' keeps run on worker threads).
_compiled: LRUCache[Any, Any] = LRUCache(SIZE)


def copy_statement(connection: Connection, q: Select[Any]) -> tuple[str, dict[str, Any]]:
    """``COPY (q) TO STDOUT (FORMAT csv)`` and its parameters as psycopg takes them (each
    value through its type's bind processor, as SQLAlchemy's ``execute`` sends it), the
    SQL compiled once per shape of ``q`` (see the module)."""
    # What Connection.execute does (sql/elements.py, engine/default.py): the cache key
    # finds the compiled SQL (or compiles it and keeps it), the statement's own values go
    # in its places; a statement with no cache key is compiled every time.
    compiled: Any
    compiled, extracted, collected, _hit = q._compile_w_cache(
        connection.dialect, compiled_cache=_compiled, column_keys=[]
    )
    params: Any = compiled.construct_params(
        extracted_parameters=extracted, escape_names=False, _collected_params=collected
    )
    statement = compiled.string
    processors = dict(compiled._bind_processors)
    if compiled.post_compile_params or compiled.literal_execute_params:
        # An IN list's items (store/report_queries.py names late rows' ids): one
        # placeholder each, rendered for this call as SQLAlchemy's execute renders them.
        expanded = compiled._process_parameters_for_postcompile(params)
        statement, params = expanded.statement, expanded.parameters
        processors.update(expanded.processors)
    escaped = compiled.escaped_bind_names
    values = {
        escaped.get(k, k): processors[k](v) if k in processors else v for k, v in params.items()
    }
    return f"COPY ({statement}) TO STDOUT (FORMAT csv)", values


def clear() -> None:
    """Forget every compiled statement (tests: the next export compiles afresh)."""
    _compiled.clear()


def size() -> int:
    """How many compiled statements are kept."""
    return len(_compiled)
