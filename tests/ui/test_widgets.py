"""The small widgets: QR code, countdown ring, mode badge, table model, status line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.errors import GatewayUnavailable
from pos_app.domain.money import Money
from pos_app.ui.day.booking_table import BOOKING_ID_ROLE, STATUS_ROLE, BookingTableModel, Column
from pos_app.ui.kit import theme
from pos_app.ui.payments.amount_presenter import refund_preview
from pos_app.ui.payments.charge_presenter import format_remaining
from pos_app.ui.payments.countdown import CountdownRing
from pos_app.ui.payments.qr_widget import QrCodeWidget, qr_matrix
from pos_app.ui.shell.sync_status import ConnectionTracker, Link
from tests.ui.qr import decode

URL = "http://127.0.0.1:54321/c/pay/cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ"


def test_qr_widget_decodes_to_its_url(qtbot: QtBot) -> None:
    widget = QrCodeWidget()
    qtbot.addWidget(widget)
    widget.resize(widget.sizeHint())
    widget.set_url(URL)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.url() == URL
    assert decode(widget.grab().toImage()) == [URL]


def test_qr_is_black_on_white_with_quiet_zone_in_dark_palette(qtbot: QtBot) -> None:
    widget = QrCodeWidget()
    qtbot.addWidget(widget)
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Window, QColor("#111111"))
    widget.setPalette(dark)
    widget.setAutoFillBackground(True)
    widget.resize(301, 333)  # odd, non-square: the code must still be centred and crisp
    widget.set_url(URL)
    image = widget.grab().toImage()
    assert decode(image) == [URL]
    n = widget.module_count()
    module = min(301, 333) // n
    side = module * n
    left, top = (301 - side) // 2, (333 - side) // 2
    # The quiet zone (4 modules) is white; the first finder pattern module is black.
    assert image.pixelColor(left + 1, top + 1) == QColor("#ffffff")
    assert image.pixelColor(left + 4 * module - 1, top + 4 * module - 1) == QColor("#ffffff")
    assert image.pixelColor(left + 4 * module, top + 4 * module) == QColor("#000000")
    # Module edges are sharp: only pure black or white pixels inside the code.
    colors = {
        image.pixelColor(x, y).name()
        for x in range(left, left + side, 3)
        for y in range(top, top + side, 7)
    }
    assert colors <= {"#000000", "#ffffff"}


def test_qr_every_module_is_painted_as_its_matrix_says(qtbot: QtBot) -> None:
    # Painted as one image scaled a whole number of times (issue 14): each module's pixels,
    # its corners included, are the matrix's colour, in the matrix's place (not transposed).
    widget = QrCodeWidget()
    qtbot.addWidget(widget)
    widget.resize(317, 317)
    widget.set_url(URL)
    image = widget.grab().toImage()
    matrix = qr_matrix(URL)
    n = len(matrix)
    module = 317 // n
    origin = (317 - module * n) // 2
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            want = QColor("#000000" if dark else "#ffffff")
            for dx, dy in ((0, 0), (module - 1, module - 1), (module // 2, module // 2)):
                px, py = origin + x * module + dx, origin + y * module + dy
                assert image.pixelColor(px, py) == want, (x, y, dx, dy)


def test_qr_scales_with_widget(qtbot: QtBot) -> None:
    widget = QrCodeWidget()
    qtbot.addWidget(widget)
    widget.set_url(URL)
    widget.resize(200, 200)
    small = widget.grab().toImage()
    widget.resize(480, 480)
    large = widget.grab().toImage()
    assert decode(small) == [URL] and decode(large) == [URL]
    assert widget.sizeHint().width() >= 300
    widget.set_url(None)
    assert widget.url() is None
    assert decode(widget.grab().toImage()) == []


def test_countdown_text_and_colours(qtbot: QtBot) -> None:
    now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    ring = CountdownRing(now=lambda: now)
    qtbot.addWidget(ring)
    ring.set_deadline(None)
    assert ring.text() == "--:--"
    # Server clock is 5 s ahead of ours: 10 min on the server's clock is 9:55 for us.
    ring.set_deadline(now + timedelta(minutes=10), clock_offset=5.0, total_seconds=600)
    assert ring.text() == "9:55"
    assert ring.sentence() == "Link expires in 9:55"
    assert ring.color() == theme.semantic("accent", ring)
    ring.set_deadline(now + timedelta(seconds=90), 0.0, 600)
    assert ring.text() == "1:30"
    assert ring.color() == theme.semantic("warning", ring)
    ring.set_deadline(now + timedelta(seconds=20), 0.0, 600)
    assert ring.color() == theme.semantic("danger", ring)
    with qtbot.waitSignal(ring.expired, timeout=2000):
        ring.set_deadline(now - timedelta(seconds=1), 0.0, 600)
    assert ring.text() == "0:00"
    assert format_remaining(61.2) == "1:02"


@pytest.mark.parametrize("side", [140, 176, 240])
def test_a_long_countdown_caption_is_set_smaller_to_stay_inside_the_ring(
    qtbot: QtBot, side: int
) -> None:
    """Bangla's "লিংকের মেয়াদ শেষ হতে বাকি" ran into the ring's stroke on the charge screen."""
    from PySide6.QtGui import QFontMetricsF

    now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    ring = CountdownRing(now=lambda: now)
    qtbot.addWidget(ring)
    ring.resize(side, side)
    ring.set_deadline(now + timedelta(minutes=10), 0.0, 600)
    ring.set_caption("Zahlungslink läuft ab in")
    layout = ring.ring_layout()
    wide = QFontMetricsF(layout.caption_font).horizontalAdvance("Zahlungslink läuft ab in")
    assert wide <= layout.inner_width_at(layout.caption)
    assert layout.caption.bottom() <= layout.time.top()  # caption over the time, not on it
    # Only what does not fit is made smaller: a short caption keeps the ring's own size,
    # and in the smallest ring the long one had to give way.
    ring.set_caption("Link")
    short = ring.ring_layout().caption_font.pointSizeF()
    assert short >= layout.caption_font.pointSizeF()
    if side == 140:
        assert short > layout.caption_font.pointSizeF()


def test_mode_badge_texts(qtbot: QtBot) -> None:
    badge = theme.ModeBadge("sandbox")
    qtbot.addWidget(badge)
    assert "SANDBOX" in badge.text() and "no real money" in badge.text()
    badge.set_mode("test")
    assert badge.text().startswith("TEST")
    badge.set_mode("live")
    assert badge.text().startswith("LIVE")
    assert badge.font().bold()
    badge.set_mode(None)
    assert badge.text() == "Starting…"


def _booking(bid: str, hour: int, status: BookingStatus, paid: int = 0) -> Booking:
    start = datetime(2030, 6, 1, hour, 0, tzinfo=UTC)
    return Booking(
        id=bid,
        customer_name=f"Customer {bid}",
        service_id="svc_haircut",
        service_name="Haircut",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        price_amount=3500,
        currency="usd",
        created_at=start,
        status=status,
        paid_amount=paid,
    )


def test_booking_table_model(qtmodeltester, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    model = BookingTableModel(ZoneInfo("America/New_York"))
    model.set_resource_names({"rs_priya": "Priya"})
    assigned = _booking("bk_2", 15, BookingStatus.PAID, paid=3500)
    assigned.resource_id = "rs_priya"
    model.set_rows([_booking("bk_1", 14, BookingStatus.NEW), assigned])
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 7
    assert model.headerData(Column.STAFF, Qt.Orientation.Horizontal) == "Staff"
    assert model.index(0, Column.STAFF).data() == "Anyone"
    assert model.index(1, Column.STAFF).data() == "Priya"
    assert model.headerData(Column.TIME, Qt.Orientation.Horizontal) == "Time"
    # 14:00 UTC is 10:00 in New York (summer time).
    assert model.index(0, Column.TIME).data() == "10:00"
    assert model.index(0, Column.CUSTOMER).data() == "Customer bk_1"
    assert model.index(0, Column.SERVICE).data() == "Haircut"
    assert model.index(0, Column.AMOUNT).data() == "$35.00"
    assert model.index(0, Column.STATUS).data() == "Not paid"
    assert model.index(0, Column.PAID).data() == "—"
    assert model.index(1, Column.STATUS).data() == "Paid"
    assert model.index(1, Column.PAID).data() == "$35.00"
    assert model.index(1, 0).data(BOOKING_ID_ROLE) == "bk_2"
    assert model.index(1, Column.STATUS).data(STATUS_ROLE) == BookingStatus.PAID
    assert model.index(1, Column.STATUS).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.row_of("bk_2") == 1 and model.row_of("nope") == -1

    # Same ids: rows repaint without a reset (the view keeps its selection).
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.set_rows([_booking("bk_1", 14, BookingStatus.PAID, 3500), model.rows()[1]])
    assert resets == [] and model.index(0, Column.STATUS).data() == "Paid"

    # A renamed staff member shows at once, though the bookings themselves did not change.
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, *_: changed.append(top.column()))
    model.set_rows(model.rows())
    assert changed == []  # the same rows again: nothing to repaint
    model.set_resource_names({"rs_priya": "Priya Shah"})
    assert changed == [Column.STAFF] and model.index(1, Column.STAFF).data() == "Priya Shah"
    model.set_rows([])
    assert resets == [True] and model.rowCount() == 0


def test_connection_tracker_wording() -> None:
    tz = ZoneInfo("UTC")
    tracker = ConnectionTracker(tz)
    assert tracker.succeeded().text == "Stripe: connected"
    t0 = datetime(2030, 1, 1, 9, 41, 5, tzinfo=UTC)
    err = GatewayUnavailable("Cannot reach Stripe right now.")
    line = tracker.failed(err, t0)
    assert (line.state, line.text) == (Link.RETRYING, "Stripe: retrying…")
    line = tracker.failed(err, t0 + timedelta(seconds=30))
    assert (line.state, line.text) == (Link.OFFLINE, "Stripe: offline since 09:41")
    assert tracker.succeeded().state is Link.CONNECTED


def test_refund_preview_lines() -> None:
    left = Money(3500, "usd")
    assert refund_preview("35.00", left) == (
        "Refund $35.00 of $35.00 — the booking will show Refunded"
    )
    assert refund_preview("10", left).endswith("Partially refunded")
    assert refund_preview("40", left) == (
        "You can refund at most $35.00 (what is left of the payment)."
    )
    assert "number" in refund_preview("abc", left)


@pytest.mark.parametrize("dark", [False, True])
def test_theme_palettes(qtbot: QtBot, dark: bool) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    try:
        theme.apply_theme(app, dark=dark)
        probe = QWidget()
        qtbot.addWidget(probe)
        assert theme.is_dark(probe) is dark
        chip = theme.status_chip(BookingStatus.PAID, dark)
        assert QColor(chip.fg).lightness() != QColor(chip.bg).lightness()
    finally:
        app.setPalette(before)


def test_garbage_is_collected_on_the_gui_thread_only(qapp) -> None:  # type: ignore[no-untyped-def]
    import gc

    from pos_app.ui.kit import gc_guard

    collector = gc_guard.install(qapp)
    assert not gc.isenabled()  # a worker thread can never start a collection
    assert gc_guard.install(qapp) is collector

    class Node:
        other: object = None

    def cycles() -> None:
        for _ in range(gc.get_threshold()[0] + 10):
            a, b = Node(), Node()
            a.other, b.other = b, a  # a cycle only the collector can free

    cycles()
    assert collector.check() > 0
    # Held while the app starts (gui.AppStarter): nothing is collected until released.
    cycles()
    collector.hold()
    try:
        assert collector.check() == 0
    finally:
        collector.release()
    assert collector.check() > 0


def test_dialog_buttons_have_no_icons_so_every_button_row_looks_alike(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox, QProxyStyle, QStyle, QStyleFactory

    from pos_app.ui.kit import theme

    hint = QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons

    class IconicDesktop(QProxyStyle):  # a platform style that puts icons on dialog buttons
        def styleHint(self, h, option=None, widget=None, data=None):  # type: ignore[no-untyped-def]
            return 1 if h == hint else super().styleHint(h, option, widget, data)

    def cancel_icon() -> bool:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        try:
            return not box.button(QDialogButtonBox.StandardButton.Cancel).icon().isNull()
        finally:
            box.deleteLater()

    theme.apply_theme(qapp, dark=False)
    sheet = qapp.styleSheet()
    qapp.setStyle(IconicDesktop(QStyleFactory.create("Fusion")))
    try:
        qapp.setStyleSheet("")
        assert cancel_icon()  # the desktop's habit, without the app's stylesheet
        qapp.setStyleSheet(sheet)
        assert not cancel_icon()
    finally:
        qapp.setProperty("pos_style", None)
        theme.apply_theme(qapp, dark=False)
