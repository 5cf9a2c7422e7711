"""What the screenshots show, not only that they exist: the rendered widgets' texts (amounts,
statuses, the decline reason) and the saved pixels (each row's status chip in its own colour,
the QR code naming the link shown). A screen that showed the wrong thing fails here.

``render`` is run as `pos-app screenshot` runs it; ``capture.inspecting`` looks at the widget
tree at the moment it is saved. The demo day holds more than the five demo bookings (the rest of
the day, for the schedule and the reports); the checks pick the five out by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QWidget

from pos_app.devtools import capture, screenshots
from pos_app.domain.booking import BookingStatus
from pos_app.i18n import current_language
from pos_app.ui.day.booking_table import Column
from pos_app.ui.kit import theme
from tests.ui.demo_worlds import WORLDS
from tests.ui.qr import decode


@dataclass
class Shot:
    """One saved screen: its visible label and button texts, table rows, and extra facts."""

    labels: list[str]
    rows: list[list[str]]
    grabbed: QImage
    facts: dict[str, object] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)


def _labels(widget: QWidget) -> list[str]:
    return [
        label.text()
        for label in widget.findChildren(QLabel)
        if label.isVisibleTo(widget) and label.text()
    ]


def _buttons(widget: QWidget) -> list[str]:
    return [
        button.text().replace("&", "")
        for button in widget.findChildren(QAbstractButton)
        if button.isVisibleTo(widget) and button.text()
    ]


def _rows(widget: QWidget) -> list[list[str]]:
    rows: list[list[str]] = []
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or not view.isVisibleTo(widget) or not view.objectName():
            continue
        for r in range(model.rowCount()):
            rows.append([str(model.index(r, c).data()) for c in range(model.columnCount())])
    return rows


DEMO_NAMES = ["Maya Thompson", "Daniel Okafor", "Sofia Rossi", "Liam Chen", "Ava Martínez"]


def _status_cells(widget: QWidget) -> list[tuple[str, QRect]]:
    """Each demo booking's status words and its Status cell, in window pixels."""
    cells: list[tuple[str, QRect]] = []
    for view in widget.findChildren(QAbstractItemView):
        if view.objectName() != "bookingTable" or view.model() is None:
            continue
        model = view.model()
        for r in range(model.rowCount()):
            if model.index(r, Column.CUSTOMER).data() not in DEMO_NAMES:
                continue
            index = model.index(r, Column.STATUS)
            rect = view.visualRect(index)
            top_left = view.viewport().mapTo(widget, rect.topLeft())
            cells.append((str(index.data()), QRect(top_left, rect.size())))
    return cells


@pytest.fixture
def shots() -> Iterator[list[Shot]]:
    taken: list[Shot] = []

    def save(widget: QWidget, grabbed: QImage) -> None:
        shot = Shot(_labels(widget), _rows(widget), grabbed)
        shot.buttons = _buttons(widget)
        shot.facts["status_cells"] = _status_cells(widget)
        shot.facts["dark"] = theme.is_dark(widget)
        current_view = getattr(widget, "current_view", None)
        if callable(current_view) and (view := current_view()) is not None:
            shot.facts["url"] = view.url
            shot.facts["amount"] = view.amount.format()
        taken.append(shot)

    with capture.inspecting(save):
        yield taken


def _render(name: str, tmp_path: Path, shots: list[Shot]) -> tuple[Shot, QImage]:
    out = tmp_path / f"{name}.png"
    screenshots.render(name, out, worlds=WORLDS)
    [shot] = shots[-1:]
    image = QImage(str(out))
    assert not image.isNull()
    return shot, image


def _same_pixels(a: QImage, b: QImage) -> bool:
    fmt = QImage.Format.Format_RGB32
    return a.convertToFormat(fmt) == b.convertToFormat(fmt)


def _colours_in(image: QImage, rect: QRect) -> set[str]:
    r = rect.intersected(image.rect())
    return {
        image.pixelColor(x, y).name()
        for x in range(r.left(), r.right() + 1, 2)
        for y in range(r.top(), r.bottom() + 1, 2)
    }


def test_main_shows_each_demo_booking_in_its_state(tmp_path: Path, shots: list[Shot]) -> None:
    shot, image = _render("main", tmp_path, shots)
    assert _same_pixels(image, shot.grabbed)  # the file is the widget as inspected
    # The demo bookings, without the time of day, in the day's order.
    table = [row[1:] for row in shot.rows if row[1] in DEMO_NAMES]
    assert table == [
        ["Maya Thompson", "Haircut", "Priya", "$35.00", "Not paid", "—"],
        ["Daniel Okafor", "Colour & style", "Jordan", "$120.00", "Awaiting payment", "—"],
        ["Sofia Rossi", "Massage (60 min)", "Treatment room", "$80.00", "Paid", "$80.00"],
        ["Liam Chen", "Beard trim", "Sam Lee", "$15.00", "Partially refunded", "$10.00"],
        ["Ava Martínez", "Consultation", "Priya", "$25.00", "Refunded", "—"],
    ]
    # The selected (paid) booking's panel: its name, status chip and money lines.
    labels = shot.labels
    day = [row for row in shot.rows if len(row) == len(Column)]
    assert "Sofia Rossi" in labels and f"{len(day)} bookings today" in labels
    assert "Card · $80.00 · Paid" in " ".join(labels)
    assert "No refunds." in labels and "● Stripe: connected" in labels


def test_main_paints_each_status_chip_in_its_own_colour(tmp_path: Path, shots: list[Shot]) -> None:
    shot, image = _render("main", tmp_path, shots)
    cells = shot.facts["status_cells"]
    assert isinstance(cells, list) and len(cells) == 5
    dark = bool(shot.facts["dark"])
    # The colour each row should have, from the words it shows (not from the role the
    # painter reads, so a painter reading the wrong status is caught).
    by_words = {s.label: s for s in BookingStatus}
    chips = {s: theme.status_chip(s, dark).bg for s in BookingStatus}
    assert [words for words, _ in cells] == [
        "Not paid",
        "Awaiting payment",
        "Paid",
        "Partially refunded",
        "Refunded",
    ]
    for words, rect in cells:
        status = by_words[words]
        colours = _colours_in(image, rect)
        assert chips[status] in colours, (words, chips[status])
        others = {chips[s] for s in BookingStatus if s is not status} & colours
        assert others == set(), (words, others)


def test_charge_shows_the_amount_and_a_code_of_the_link_it_shows(
    tmp_path: Path, shots: list[Shot]
) -> None:
    shot, image = _render("charge", tmp_path, shots)
    assert _same_pixels(image, shot.grabbed)
    url = shot.facts["url"]
    assert isinstance(url, str) and "/pay/cs_" in url
    assert decode(image) == [url]  # the code in the file is this session's link
    assert shot.facts["amount"] == "$35.00"
    for text in ("$35.00", "Haircut", "Maya Thompson", "Waiting for the customer to pay…"):
        assert text in shot.labels, text
    assert not any("declined" in label for label in shot.labels)


def test_a_declined_charge_says_why_and_looks_different(tmp_path: Path, shots: list[Shot]) -> None:
    waiting, waiting_image = _render("charge", tmp_path, shots)
    declined, declined_image = _render("charge-declined", tmp_path, shots)
    assert _same_pixels(declined_image, declined.grabbed)
    assert "Card declined — ask for another card or take cash" in declined.labels
    assert "✕ Last attempt failed" in declined.labels and "Take cash instead" in declined.buttons
    assert "Waiting for the customer to pay…" not in declined.labels
    assert not any("Card declined" in label for label in waiting.labels)
    assert "$35.00" in declined.labels
    # The status area differs in pixels, not only in the widget tree.
    assert not _same_pixels(waiting_image, declined_image)


def test_the_customer_display_thanks_for_the_amount_paid(tmp_path: Path, shots: list[Shot]) -> None:
    before, _ = _render("customer-display", tmp_path, shots)
    after, image = _render("customer-thanks", tmp_path, shots)
    assert _same_pixels(image, after.grabbed)
    assert "Thank you!" in after.labels
    assert "Your payment of $35.00 was received." in after.labels
    assert "Thank you!" not in before.labels
    assert decode(image) == []  # no code left to scan once paid


@pytest.mark.parametrize(("language", "amount"), [("de", "35,00\u00a0$"), ("bn", "35.00\u00a0US$")])
def test_screenshots_take_a_language(
    tmp_path: Path, shots: list[Shot], language: str, amount: str
) -> None:
    from babel.dates import get_day_names

    weekdays = set(get_day_names("wide", locale=language).values())
    out = tmp_path / f"charge-{language}.png"
    screenshots.render("charge", out, language=language, theme="dark", worlds=WORLDS)
    [charge] = shots[-1:]
    assert charge.facts["amount"] == amount
    assert amount in charge.labels
    screenshots.render("main", tmp_path / f"main-{language}.png", language=language, worlds=WORLDS)
    [main] = shots[-1:]
    assert any(day in label for label in main.labels for day in weekdays), main.labels
    assert any(amount.replace("35", "80") in cell for row in main.rows for cell in row)
    assert current_language() == "en"  # the process's own language is put back
