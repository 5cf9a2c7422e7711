"""Rendering screens to PNG offscreen, as `pos-app screenshot` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from pos_app.devtools.screenshots import render
from tests.ui.demo_worlds import WORLDS
from tests.ui.qr import decode


def test_render_main(tmp_path: Path) -> None:
    out = tmp_path / "main.png"
    render("main", out)  # `pos-app screenshot main`: seeds its own day and renders on it
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)


def test_render_charge_has_a_scannable_link(tmp_path: Path) -> None:
    out = tmp_path / "charge.png"
    # From the run's seeded demo day (a copy of it), as the screen walks render: the QR is
    # what is checked here, and seeding a day of its own cost seconds of CPU.
    render("charge", out, worlds=WORLDS)
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
