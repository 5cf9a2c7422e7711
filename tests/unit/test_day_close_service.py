"""The day close on a real database: what it reads, writes and refuses.

It reads the day's figures inside its own locked transaction:

``close`` takes the close-order lock first and reads every figure after it, in the same
transaction: a figure read in a second transaction would be read outside the lock (on
PostgreSQL, after money another station committed meanwhile). One writer cannot tell the
difference, so this pins the reading itself (issue 11, item 14: ``_fresh``'s ``uow``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from pos_app.app import AppContext
from pos_app.domain.errors import FormErrors, InvalidStateError, ValidationError
from pos_app.domain.people import Actor
from pos_app.domain.reports import DayClose, SalesReport
from pos_app.services.day_close import NOTE_MAX, DayCloseService
from tests.unit.money_station import MANAGER, NOW, Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


def test_the_close_reads_its_figures_in_its_own_transaction(
    money_app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    station = make_station(money_app)
    station.deps.desk.sign_in(MANAGER)
    reports = station.services.reports
    read = reports.daily
    seen: list[object] = []

    def daily(day: date, *, actor: Actor | None = None, uow: object = None) -> SalesReport:
        seen.append(uow)
        return read(day, actor=actor, uow=uow)  # type: ignore[arg-type]

    monkeypatch.setattr(reports, "daily", daily)
    closing = DayCloseService(station.deps, reports, business_currency=lambda: "usd")
    day = NOW.date()
    closing.preview(day)
    closing.close(day, {"usd": "0"})
    preview_uow, close_uow = seen
    assert preview_uow is None  # a preview reads in a transaction of its own
    assert close_uow is not None
    assert close_uow.day_closes is not None  # type: ignore[attr-defined]


def test_an_exact_drawer_is_written_as_exact_in_the_audit_log(money_app: AppContext) -> None:
    from pos_app.domain.audit import AuditAction
    from pos_app.domain.ports import AuditQuery

    station = make_station(money_app)
    station.deps.desk.sign_in(MANAGER)
    day = NOW.date() - timedelta(days=1)
    closing = DayCloseService(
        station.deps, station.services.reports, business_currency=lambda: "usd"
    )
    closing.close(day, {"usd": "0.00"})
    with station.deps.uow() as uow:
        entries = uow.audit.query(AuditQuery(actions=frozenset({AuditAction.DAY_CLOSED})))
    details = [e.detail for e in entries if e.detail and day.isoformat() in e.detail]
    assert details == [
        f"Z report of {day.isoformat()}: card net $0.00, cash expected $0.00, counted $0.00; "
        "the drawer is exact"
    ]


# -- what a close writes, and what it refuses ------------------------------------------------


def _eur_booking(station: Station) -> str:
    """A booking priced in euros (the business sells in two currencies)."""
    from dataclasses import replace as replaced

    booking = station.book("35.00")
    with station.deps.uow(write=True) as uow:
        row = uow.bookings.get(booking.id, for_update=True)
        assert row is not None
        uow.bookings.add(replaced(row, id=f"{row.id}e", currency="eur"))
        uow.commit()
    return f"{booking.id}e"


def _closes(station: Station, day: date) -> dict[str, DayClose]:
    with station.deps.uow() as uow:
        return {c.currency: c for c in uow.day_closes.between(day, day)}


def _details(station: Station, day: date) -> list[tuple[int | None, str | None, str | None]]:
    from pos_app.domain.audit import AuditAction
    from pos_app.domain.ports import AuditQuery

    with station.deps.uow() as uow:
        entries = uow.audit.query(AuditQuery(actions=frozenset({AuditAction.DAY_CLOSED})))
    mine = [e for e in entries if e.detail and day.isoformat() in e.detail]
    return sorted((e.amount, e.currency, e.detail) for e in mine)


def test_a_close_writes_each_currencys_row_and_audit_entry(money_app: AppContext) -> None:
    """Euros taken by card only, dollars in cash with a float; the form's boxes named in
    capitals (as typed into the command line): each currency gets its row and its entry."""
    station = make_station(money_app)
    station.deps.desk.sign_in(MANAGER)
    station.clock.at = NOW - timedelta(days=3)
    day = station.clock.at.date()
    station.pay_by_card(_eur_booking(station))
    station.services.cash.record(station.book("35.00").id)
    closing = DayCloseService(
        station.deps, station.services.reports, business_currency=lambda: "usd"
    )
    closing.close(day, {"USD": "134.00"}, "Short a dollar", floats={"USD": "100"})
    rows = _closes(station, day)
    assert sorted(rows) == ["eur", "usd"]
    usd, eur = rows["usd"], rows["eur"]
    assert (usd.closed_by_id, usd.closed_by_name) == (MANAGER.id, MANAGER.name)
    assert (usd.cash_expected, usd.cash_counted, usd.opening_float) == (13500, 13400, 10000)
    assert (eur.cash_expected, eur.cash_counted, eur.opening_float, eur.card_net) == (0, 0, 0, 3500)
    assert usd.note == eur.note == "Short a dollar"
    assert usd.report_json == eur.report_json
    eur_detail = (
        f"Z report of {day}: card net €35.00, cash expected €0.00, counted €0.00; "
        "the drawer is exact. Note: Short a dollar"
    )
    usd_detail = (
        f"Z report of {day}: card net $0.00, cash expected $135.00 (float $100.00), "
        "counted $134.00; the drawer is $1.00 short. Note: Short a dollar"
    )
    assert _details(station, day) == [(0, "eur", eur_detail), (13400, "usd", usd_detail)]


def test_a_drawer_over_says_by_how_much(money_app: AppContext) -> None:
    station = make_station(money_app)
    station.deps.desk.sign_in(MANAGER)
    station.clock.at = NOW - timedelta(days=4)
    day = station.clock.at.date()
    station.services.cash.record(station.book("35.00").id)
    closing = DayCloseService(
        station.deps, station.services.reports, business_currency=lambda: "usd"
    )
    closing.close(day, {"usd": "36.50"})
    assert _details(station, day) == [
        (3650, "usd", f"Z report of {day}: card net $0.00, cash expected $35.00, counted "
                      "$36.50; the drawer is $1.50 over"),
    ]  # fmt: skip
    with pytest.raises(InvalidStateError, match="was closed at"):
        closing.close(day, {"usd": "36.50"})  # once only


def test_what_a_close_refuses_names_its_field(money_app: AppContext) -> None:
    station = make_station(money_app)
    station.deps.desk.sign_in(MANAGER)
    station.clock.at = NOW - timedelta(days=5)
    day = station.clock.at.date()
    station.services.cash.record(station.book("35.00").id)
    closing = DayCloseService(
        station.deps, station.services.reports, business_currency=lambda: "usd"
    )
    with pytest.raises(ValidationError) as future:
        closing.close(date(2027, 1, 2), {})
    assert (future.value.field, future.value.message) == (
        "day",
        "Saturday 2 January 2027 has not come yet: a day is closed at its end.",
    )
    with pytest.raises(FormErrors) as long_note:
        closing.close(day, {"usd": "35"}, "n" * (NOTE_MAX + 1))
    assert long_note.value.errors == {"note": f"Keep the note under {NOTE_MAX} characters."}
    with pytest.raises(FormErrors) as bad_count:
        closing.close(day, {"usd": "thirty"})
    assert list(bad_count.value.errors) == ["counted_usd"]
    assert _closes(station, day) == {}  # nothing was written
    closing.close(day, {"usd": "35"}, "n" * NOTE_MAX)  # the longest note allowed
    assert _closes(station, day)["usd"].note == "n" * NOTE_MAX


def test_every_drawer_left_uncounted_is_named_at_once(money_app: AppContext) -> None:
    station = make_station(money_app)
    station.deps.desk.sign_in(MANAGER)
    station.clock.at = NOW - timedelta(days=6)
    day = station.clock.at.date()
    station.services.cash.record(_eur_booking(station))
    station.services.cash.record(station.book("35.00").id)
    closing = DayCloseService(
        station.deps, station.services.reports, business_currency=lambda: "usd"
    )
    with pytest.raises(FormErrors) as uncounted:
        closing.close(day, {})
    assert uncounted.value.errors == {
        "counted_eur": "Count the EUR cash in the drawer and enter it (expected €35.00).",
        "counted_usd": "Count the USD cash in the drawer and enter it (expected $35.00).",
    }
