"""A day as loaded in the background, with what the list and the schedule show worked out
there too (Qt-free).

The window reloads the shown day after every sync pass. Comparing a fresh sheet with the one
shown, building the list's texts and laying the schedule out cost the GUI thread 10–20 ms
per reload (a visible stall); on the worker they cost nothing the desk can see. The GUI
thread then compares one signature and, only when it changed, swaps the prepared rows in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, tzinfo
from operator import itemgetter

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking
from pos_app.domain.booking_display import status_words
from pos_app.domain.money import Money
from pos_app.domain.people import Resource
from pos_app.i18n import _, ngettext
from pos_app.services.bookings import DaySheet
from pos_app.ui.day.schedule_layout import DayLayout, empty_layout, layout_day

_BOOKING_FIELDS = tuple(f.name for f in fields(Booking))
_RESOURCE_FIELDS = tuple(f.name for f in fields(Resource))
_booking_values = itemgetter(*_BOOKING_FIELDS)
_resource_values = itemgetter(*_RESOURCE_FIELDS)

Cells = tuple[str, ...]


@dataclass(frozen=True)
class DayRequest:
    """What the desk shows a day with, read on the GUI thread when the load is asked for."""

    tz: tzinfo
    only: str | None  # the staff filter (a resource id), None for everyone


@dataclass(frozen=True)
class LoadedDay:
    """A loaded sheet with the list's rows and texts and the schedule's layout, made for
    ``request`` (the GUI thread checks it still applies before using them)."""

    sheet: DaySheet
    request: DayRequest
    signature: tuple[object, ...]
    rows: list[Booking]
    cells: list[Cells]
    layout: DayLayout
    rendered: object = None  # what ``render`` made of the layout (the schedule's image)
    items: object = None  # what ``items`` made of the rows (the list's model items)
    prepared: bool = True  # False: the signature was the one shown; rows, texts, layout left out

    def usable(self, request: DayRequest, shown: tuple[object, ...] | None) -> bool:
        """Whether the GUI thread may use this for ``request`` with ``shown`` on screen: made
        for that request and, when its rows were left out as unchanged, unchanged still."""
        return self.request == request and (self.prepared or self.signature == shown)


def sheet_signature(sheet: DaySheet, request: DayRequest) -> tuple[object, ...]:
    """Everything the day's screens show, as plain values: equal signatures mean nothing
    on screen would change."""
    return (
        sheet.day,
        request.tz,
        request.only,
        tuple(_values(r, _RESOURCE_FIELDS, _resource_values) for r in sheet.resources),
        tuple(_values(b, _BOOKING_FIELDS, _booking_values) for b in sheet.bookings),
    )


def _values(
    obj: object, names: tuple[str, ...], values: Callable[[dict[str, object]], tuple[object, ...]]
) -> tuple[object, ...]:
    """``obj``'s fields ``names``, read from its ``__dict__`` in one call: a loaded entity's
    attribute reads each go through SQLAlchemy's descriptor, in Python (25 a booking, ~4,000
    for a busy day, on the worker while the GUI thread waits for the GIL). A field missing
    there (not loaded) is read the usual way."""
    try:
        return values(vars(obj))
    except KeyError:
        return tuple(getattr(obj, name) for name in names)


def staff_names(resources: Sequence[Resource]) -> dict[str, str]:
    """Resource id → name, for the list's Staff column."""
    return {r.id: r.name for r in resources}


@dataclass
class TextMemo:
    """Texts many rows of one day share, worked out once per load: a busy day's 166 bookings
    start at 60 times and cost a few prices (each a Money formatted for the locale)."""

    clocks: dict[datetime, str] = field(default_factory=dict)
    amounts: dict[tuple[int, str], str] = field(default_factory=dict)


def row_texts(
    booking: Booking, tz: tzinfo, staff: dict[str, str], memo: TextMemo | None = None
) -> Cells:
    """The list's cells for ``booking``: Time, Customer, Service, Staff, Amount, Status and
    Net paid (what was received net of refunds, so a refunded booking reads "—"); ``memo``
    keeps the texts a day's rows share (see :class:`TextMemo`)."""
    memo = TextMemo() if memo is None else memo
    who = _("Anyone") if booking.resource_id is None else staff.get(booking.resource_id, "—")
    start = booking.starts_at
    clock = memo.clocks.get(start)
    if clock is None:
        clock = memo.clocks[start] = lf.clock(start.astimezone(tz))
    price = memo.amounts.get((booking.price_amount, booking.currency))
    if price is None:
        price = memo.amounts[(booking.price_amount, booking.currency)] = booking.price.format()
    net = booking.net_paid
    return (
        clock,
        booking.customer_name,
        booking.service_name,
        who,
        price,
        status_words(booking),
        _amount_text(net, memo) if net.amount > 0 else "—",
    )


def _amount_text(money: Money, memo: TextMemo) -> str:
    text = memo.amounts.get((money.amount, money.currency))
    if text is None:
        text = memo.amounts[(money.amount, money.currency)] = money.format()
    return text


Render = Callable[[DayLayout], object]
#: The list's items for a day's rows and texts, or None where the GUI thread makes its own.
Items = Callable[[date, list[Booking], list[Cells]], object]


def prepare_day(
    sheet: DaySheet,
    request: DayRequest,
    *,
    shown: tuple[object, ...] | None = None,
    render: Render | None = None,
    items: Items | None = None,
) -> LoadedDay:
    """Work out, off the GUI thread, what the list and the schedule show for ``sheet``;
    ``render`` draws the layout and ``items`` makes the list's items too, unless the
    signature is ``shown`` (already on screen): then nothing more is worked out (the periodic
    reload after each sync pass, most of the time; see :meth:`LoadedDay.usable`)."""
    only = request.only
    signature = sheet_signature(sheet, request)
    if shown is not None and signature == shown:
        return LoadedDay(sheet, request, signature, [], [], empty_layout(sheet.day), prepared=False)
    rows = [b for b in sheet.bookings if only is None or b.resource_id == only]
    staff = staff_names(sheet.resources)
    layout = layout_day(sheet.day, sheet.bookings, sheet.resources, request.tz, only=only)
    memo = TextMemo()
    cells = [row_texts(b, request.tz, staff, memo) for b in rows]
    return LoadedDay(
        sheet=sheet,
        request=request,
        signature=signature,
        rows=rows,
        cells=cells,
        layout=layout,
        rendered=render(layout) if render is not None else None,
        items=items(sheet.day, rows, cells) if items is not None else None,
    )


def load_and_prepare(
    load: Callable[[], DaySheet],
    request: DayRequest,
    *,
    shown: tuple[object, ...] | None = None,
    render: Render | None = None,
    items: Items | None = None,
) -> Callable[[], LoadedDay]:
    """A background job: load the sheet with ``load``, then prepare it for ``request``."""

    def work() -> LoadedDay:
        return prepare_day(load(), request, shown=shown, render=render, items=items)

    return work


def count_words(count: int, day: str, *, today: bool, name: str | None) -> str:
    """'3 bookings today', '1 booking on Tue 24 Nov', '2 bookings today for Priya'."""
    if name is not None and today:
        text = ngettext(
            "{count} booking today for {name}", "{count} bookings today for {name}", count
        )
    elif name is not None:
        text = ngettext(
            "{count} booking on {day} for {name}", "{count} bookings on {day} for {name}", count
        )
    elif today:
        text = ngettext("{count} booking today", "{count} bookings today", count)
    else:
        text = ngettext("{count} booking on {day}", "{count} bookings on {day}", count)
    return text.format(count=count, day=day, name=name or "")


def count_line(
    count: int, day: date | None, today: date, only: str | None, sheet: DaySheet | None
) -> str:
    """The status bar's count of the shown ``day``'s bookings (:func:`count_words`), with the
    staff member's name when the list shows ``only`` theirs."""
    when = "" if day is None else lf.date_text(day, "short_day_no_year")
    names: list[str] = []
    if only is not None and sheet is not None:
        names = [r.name for r in sheet.resources if r.id == only]
    return count_words(
        count, when, today=day is None or day == today, name=names[0] if names else None
    )
