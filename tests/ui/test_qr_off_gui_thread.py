"""The charge screen's QR code is encoded on the worker that fetched the link, never on the
GUI thread (choosing the best of eight masks takes 14 ms of CPU or more: a visible stall);
the customer display, showing the same link, finds it made too."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import qrcode
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments import qr_widget
from pos_app.ui.payments.charge_presenter import ChargeSettings
from pos_app.ui.payments.charge_view import ChargeDialog
from pos_app.ui.payments.qr_widget import QrCodeWidget, qr_matrix
from tests.ui.conftest import make_booking
from tests.ui.qr import decode


@pytest.fixture
def encoded_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of the thread of every QR encoding made."""
    threads: list[str] = []
    make = qrcode.QRCode.make

    def recorded(self: qrcode.QRCode, fit: bool = True) -> None:
        threads.append(threading.current_thread().name)
        make(self, fit)

    image = qr_widget.matrix_image

    def imaged(matrix: tuple[tuple[bool, ...], ...]) -> object:
        threads.append("image on " + threading.current_thread().name)
        return image(matrix)

    qr_matrix.cache_clear()
    qr_widget.qr_image.cache_clear()
    monkeypatch.setattr(qrcode.QRCode, "make", recorded)
    monkeypatch.setattr(qr_widget, "matrix_image", imaged)  # its image too (issue 14)
    yield threads
    qr_matrix.cache_clear()
    qr_widget.qr_image.cache_clear()


def test_the_link_is_encoded_off_the_gui_thread(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, encoded_on: list[str]
) -> None:
    booking = make_booking(ui_app, "Grace Hopper")
    settings = ChargeSettings.from_config(ui_app.config)
    dialog = ChargeDialog.start(ui_app.checkout, runner, booking.id, settings=settings)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.qr.url() is not None, timeout=10000)
    url = dialog.qr.url()
    assert url is not None
    main = threading.main_thread().name
    assert len(encoded_on) == 2 and encoded_on[1].startswith("image on ")
    assert main not in encoded_on and f"image on {main}" not in encoded_on
    # A second widget showing the same link (the customer display) encodes nothing again.
    made = len(encoded_on)
    other = QrCodeWidget()
    qtbot.addWidget(other)
    other.set_url(url)
    assert len(encoded_on) == made
    other.resize(400, 400)
    assert decode(other.grab().toImage()) == [url]
    dialog.close()
