"""Presenters and view states decide what a screen shows without Qt, so they are tested
without a window: none of them reaches PySide6, directly or through another module."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

pytestmark = pytest.mark.source_tree  # mutation runs leave it out: see tests/conftest.py

UI = Path(__file__).resolve().parents[2] / "pos_app" / "ui"
# Qt-free by name: *_presenter (decides a screen's state), *_state (the frozen state), and
# the schedule's geometry.
QT_FREE = sorted(
    {
        p
        for pattern in ("*_presenter.py", "*_state.py", "schedule_layout.py")
        for p in UI.rglob(pattern)
    }
)


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(UI.parents[1]).with_suffix("").parts)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("pos_app", include_external_packages=True)


def test_there_are_presenters_to_check() -> None:
    # A rename must not leave this test checking nothing.
    assert len(QT_FREE) >= 8


@pytest.mark.parametrize("module", [dotted(p) for p in QT_FREE])
def test_a_presenter_reaches_no_qt(graph: grimp.ImportGraph, module: str) -> None:
    for qt in ("PySide6", "shiboken6"):
        chain = graph.find_shortest_chain(importer=module, imported=qt)
        assert chain is None, f"{module} reaches {qt}: {' -> '.join(chain or ())}"
