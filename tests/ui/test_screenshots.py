"""Rendering screens to PNG offscreen, as `pos-app screenshot` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from pos_app.ui.screenshots import render
from tests.ui.qr import decode


def test_render_main(tmp_path: Path) -> None:
    out = tmp_path / "main.png"
    render("main", out)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)


def test_render_charge_has_a_scannable_link(tmp_path: Path) -> None:
    out = tmp_path / "charge.png"
    render("charge", out)
    texts = decode(QImage(str(out)))
    assert len(texts) == 1 and "/pay/cs_" in texts[0]


def test_unknown_screen_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="main, charge"):
        render("no-such-screen", tmp_path / "x.png")
