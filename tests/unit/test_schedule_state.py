"""What a schedule block says: icon + word for every status, nothing cut off mid-word."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.ui.day.schedule_state import (
    block_text,
    booking_mark,
    can_drag,
    full_lines,
    legend,
    short_name,
    status_mark,
)

START = datetime(2030, 5, 6, 10, 0, tzinfo=UTC)
BOOKING = Booking(
    id="bk_1",
    customer_name="Ana Silva",
    service_id="svc",
    service_name="Cut & colour",
    starts_at=START,
    ends_at=START + timedelta(minutes=60),
    price_amount=3500,
    currency="usd",
    created_at=START,
    status=BookingStatus.PARTIALLY_REFUNDED,
)


def measure(text: str) -> float:
    """Ten pixels a character: easy to reason about."""
    return 10.0 * len(text)


def _text(lines: int, width: float, booking: Booking = BOOKING) -> tuple[list[str], bool]:
    out = block_text(
        booking, UTC, lines=lines, width=width, measure=measure, measure_strong=measure
    )
    return [x.text for x in out.lines], out.complete


def test_every_status_has_its_own_glyph_and_word() -> None:
    marks = legend()
    assert [m.status for m in marks] == list(BookingStatus)
    assert len({m.glyph for m in marks}) == len(marks)  # told apart without colour
    assert len({m.short for m in marks}) == len(marks)
    deposit, part, refunded = (
        status_mark(s)
        for s in (
            BookingStatus.DEPOSIT_PAID,
            BookingStatus.PARTIALLY_REFUNDED,
            BookingStatus.REFUNDED,
        )
    )
    assert (deposit.glyph, deposit.word) == ("◔", "Deposit paid")
    assert (part.glyph, part.word, part.short) == ("↩", "Partially refunded", "Part refund")
    assert (refunded.glyph, refunded.word) == ("↺", "Refunded")


def test_a_cancelled_booking_shows_the_cancelled_mark_with_its_full_words() -> None:
    gone = dataclasses.replace(BOOKING, cancelled=True, status=BookingStatus.PAID, paid_amount=3500)
    mark = booking_mark(gone)
    assert mark.glyph == "✕" and mark.word == "Cancelled · $35.00 kept"


def test_a_tall_wide_block_says_everything() -> None:
    lines, complete = _text(3, 400)
    assert lines == ["Ana Silva", "↩ Partially refunded", "10:00–11:00 · Cut & colour"]
    assert complete
    assert tuple(lines) == tuple(x.text for x in full_lines(BOOKING, UTC))


def test_a_short_block_abbreviates_whole_words_and_asks_to_expand() -> None:
    # One line, roomy: glyph, name and the full status.
    assert _text(1, 400) == (["↩ Ana Silva · Partially refunded"], False)
    # Narrower: the short status word, never "Partiall…".
    assert _text(1, 250) == (["↩ Ana Silva · Part refund"], False)
    assert _text(1, 230) == (["↩ Ana S. · Part refund"], False)
    # Narrower still: icon + short word; then the icon alone.
    assert _text(1, 130) == (["↩ Part refund"], False)
    assert _text(1, 50) == (["↩"], False)
    for width in (50, 130, 230, 250, 400):
        (line,), _ = _text(1, width)
        assert "…" not in line
        assert measure(line) <= width or line == "↩"


def test_two_lines_put_time_and_name_first_then_status_and_service() -> None:
    lines, complete = _text(2, 400)
    assert lines == ["10:00 Ana Silva", "↩ Partially refunded · Cut & colour"]
    assert not complete  # the end time is only in the expanded block
    lines, _ = _text(2, 130)
    assert lines == ["Ana Silva", "↩ Part refund"]
    lines, _ = _text(2, 80)
    assert lines == ["Ana S.", "↩"]


def test_short_names_and_dragging_rules() -> None:
    assert short_name("Ana Maria Silva") == "Ana S."
    assert short_name("Cher") == "Cher"
    assert can_drag(BOOKING)
    assert not can_drag(dataclasses.replace(BOOKING, cancelled=True))
    assert not can_drag(dataclasses.replace(BOOKING, no_show=True))
