"""A QR code drawn module by module, so a phone camera reads it at a glance.

The matrix comes from ``qrcode`` (error correction M, the standard 4-module quiet zone).
Each module is an integer number of device pixels, so every module is a sharp square at any
widget size and screen scale; the code is always black on white, even in a dark palette,
because many phone scanners fail on inverted codes.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from pos_app.i18n import _

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


@lru_cache(maxsize=8)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules for ``text`` (True = dark), quiet zone included.

    Kept for the last few texts: the charge screen and the customer display show the same
    link, and :func:`encode_ahead` makes it on the worker that fetched it.
    """
    # Imported with the first code drawn, not with the window: the customer display is
    # built at start-up, and a code is drawn only when a charge begins.
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(text)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def encode_ahead(url: str | None) -> None:
    """Encode ``url`` now, on the calling (worker) thread, so the GUI thread's
    :meth:`QrCodeWidget.set_url` finds it made. Choosing the best of the eight masks takes
    14 ms of CPU for a short sandbox link, more for Stripe's long ones: too long a stall
    for the GUI thread, where it ran before. Its image is made here too (a QImage may be
    made on any thread)."""
    if url:
        qr_image(url)


@lru_cache(maxsize=8)
def qr_image(text: str) -> QImage:
    """:func:`matrix_image` of ``text``'s code, kept for the last few texts."""
    return matrix_image(qr_matrix(text))


_GRAY = bytes([255, 0]) + bytes(254)  # module 0 (light) -> white, 1 (dark) -> black


def matrix_image(matrix: tuple[tuple[bool, ...], ...]) -> QImage:
    """The modules as a grayscale image, one pixel each (dark modules black, the rest white);
    an empty image for no modules."""
    n = len(matrix)
    if not n:
        return QImage()
    stride = (n + 3) & ~3  # each image row starts on a 4-byte boundary
    pad = bytes(stride - n)
    # bytes(row) is 1 for a dark module, 0 for a light one: translated to black and white.
    data = b"".join(bytes(row).translate(_GRAY) + pad for row in matrix)
    # Copied: the image then owns its pixels, not the bytes made here.
    return QImage(data, n, n, stride, QImage.Format.Format_Grayscale8).copy()


class QrCodeWidget(QWidget):
    """Shows one URL as a QR code, as large as the widget allows, centred."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._url: str | None = None
        self._matrix: tuple[tuple[bool, ...], ...] = ()
        self._image = QImage()
        self._placeholder = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 160)
        self.setAccessibleName(_("Payment QR code"))

    def url(self) -> str | None:
        """The URL the code encodes, or None."""
        return self._url

    def set_url(self, url: str | None) -> None:
        """Encode ``url`` (None clears the code and shows the placeholder)."""
        if url == self._url:
            return
        self._url = url
        # Made on the worker that fetched the link (encode_ahead): found in the cache here.
        self._matrix = qr_matrix(url) if url else ()
        self._image = qr_image(url) if url else QImage()
        self.setToolTip(url or "")
        self.update()

    def set_placeholder(self, text: str) -> None:
        """Text shown in the empty square while there is no URL."""
        self._placeholder = text
        self.update()

    def module_count(self) -> int:
        """Modules per side including the quiet zone (0 when empty)."""
        return len(self._matrix)

    def sizeHint(self) -> QSize:
        return QSize(360, 360)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 160)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if self._matrix:
                self._paint_code(painter)
            else:
                self._paint_placeholder(painter)
        finally:
            painter.end()

    def _paint_code(self, painter: QPainter) -> None:
        n = len(self._matrix)
        # Work in device pixels so modules land on whole pixels even at 125 % or 150 % scale.
        dpr = self.devicePixelRatioF()
        width = int(self.width() * dpr)
        height = int(self.height() * dpr)
        module = max(1, min(width, height) // n)
        side = module * n
        left = (width - side) // 2
        top = (height - side) // 2
        painter.save()
        painter.scale(1 / dpr, 1 / dpr)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # One pixel per module, scaled up a whole number of times without smoothing: every
        # module a sharp square, in one call (a rectangle per run of dark modules was about
        # 400 calls and 1.5-2 ms of the GUI thread each time the code was painted).
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(QRect(left, top, side, side), self._image)
        painter.restore()

    def _paint_placeholder(self, painter: QPainter) -> None:
        side = min(self.width(), self.height())
        rect = QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        mid = self.palette().color(QPalette.ColorRole.Mid)
        painter.setPen(mid)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 12, 12)
        if self._placeholder:
            big = QFont(self.font())
            big.setPointSizeF(big.pointSizeF() * 1.25)
            painter.setFont(big)
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                rect.adjusted(16, 16, -16, -16),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._placeholder,
            )
