"""Decoding QR codes from Qt images in tests (zxing-cpp, no numpy or PIL needed)."""

from __future__ import annotations

import zxingcpp
from PySide6.QtGui import QImage


def decode(image: QImage) -> list[str]:
    """Texts of the QR codes in ``image``, read through an 8-bit grayscale buffer."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    raw = bytes(gray.constBits())[: stride * height]
    # Drop the row padding so the buffer is exactly height × width.
    rows = b"".join(raw[y * stride : y * stride + width] for y in range(height))
    view = memoryview(rows).cast("B", (height, width))
    return [r.text for r in zxingcpp.read_barcodes(view, formats=zxingcpp.BarcodeFormat.QRCode)]
