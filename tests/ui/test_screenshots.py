"""Rendering screens to PNG offscreen, as `pos-app screenshot` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from pos_app.devtools.screenshots import render
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


def test_every_screen_is_linked_from_the_readme_and_rendered_in_docs() -> None:
    from pos_app.devtools.screenshots import SCREENS

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    missing_link = [n for n in SCREENS if f"docs/screenshots/{n}.png" not in readme]
    missing_png = [n for n in SCREENS if not (root / "docs" / "screenshots" / f"{n}.png").exists()]
    assert missing_link == [] and missing_png == [], (missing_link, missing_png)
