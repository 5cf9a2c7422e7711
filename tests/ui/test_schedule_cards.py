"""The schedule's blocks drawn in the background copy each kind of card from one drawing
(``CardStamps``): the pixels are those of every card drawn in place (issue 12: two
anti-aliased rounded rectangles a block were a third of a busy day's drawing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.people import Resource
from pos_app.ui.day.schedule_layout import layout_day
from pos_app.ui.day.schedule_paint import Look, Metrics, TextFitter, paint_block
from pos_app.ui.day.schedule_render import PaintSetup, render_blocks

DAY = datetime(2030, 5, 6, tzinfo=UTC)
STAFF = [Resource(f"r{i}", name) for i, name in enumerate(("Ana", "Bilal", "Chen"))]


def _bookings() -> list[Booking]:
    """Every status, held and freed, in three columns and Unassigned, some side by side."""
    out = []
    for n, status in enumerate([*BookingStatus, *BookingStatus]):
        start = DAY + timedelta(hours=8, minutes=20 * (n // 4))
        out.append(
            Booking(
                id=f"bk_{n:02d}",
                customer_name=f"Customer {n}",
                service_id="svc",
                service_name="Haircut",
                starts_at=start,
                ends_at=start + timedelta(minutes=15 + 15 * (n % 3)),
                price_amount=2500,
                currency="usd",
                created_at=start,
                status=status,
                cancelled=status is BookingStatus.CANCELLED,
                no_show=status is BookingStatus.NO_SHOW,
                holds_slot=n % 5 != 0,
                resource_id=None if n % 4 == 3 else STAFF[n % 4].id,
            )
        )
    return out


def _in_place(setup: PaintSetup, rendered_size: tuple[int, int], layout: object) -> QImage:
    """Every block drawn where it goes, card and all, as the canvas draws them itself."""
    rendered = render_blocks(layout, setup)  # type: ignore[arg-type]
    image = QImage(*rendered_size, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(setup.dpr)
    image.fill(Qt.GlobalColor.transparent)
    fitter = TextFitter(QFont(setup.font), setup.metrics.line, setup.tz)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setFont(fitter.fonts[0])
    for rect, block in rendered.rects:
        paint_block(
            painter,
            rect,
            block,
            look=setup.look,
            fonts=fitter.fonts,
            line=setup.metrics.line,
            lines=rendered.texts[block.booking.id].lines,
            selected=False,
        )
    painter.end()
    return image


@pytest.mark.parametrize(("dpr", "dark"), [(1.0, False), (1.0, True), (2.0, False), (1.5, False)])
def test_cards_copied_from_one_drawing_are_the_cards_drawn_in_place(
    qapp: object, dpr: float, dark: bool
) -> None:
    bookings = _bookings()
    layout = layout_day(DAY.date(), bookings, STAFF, UTC)
    assert any(b.lanes > 1 for b in layout.blocks)  # side by side too
    font = QFont()
    look = Look.of(QPalette(), QColor("#c62828"), dark)
    setup = PaintSetup(700, Metrics(font), font, look, dpr, UTC)
    rendered = render_blocks(layout, setup)
    image = rendered.image
    expected = _in_place(setup, (image.width(), image.height()), layout)
    assert image.size() == expected.size()
    assert image == expected  # every pixel
    blank = QImage(image.size(), QImage.Format.Format_ARGB32_Premultiplied)
    blank.fill(Qt.GlobalColor.transparent)
    assert image != blank  # something was drawn
