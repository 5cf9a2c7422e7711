"""Taking the picture: wait for a screen to be ready, open it, save it as PNG.

Every screenshot goes through :func:`save`, so tests can look at the live widgets at the
moment the picture is taken (:func:`inspecting`) — the screen-walking tests check touch
targets, contrast and clipping on exactly what the README shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from pos_app.ui.kit.tasks import TaskRunner

SIZE = (1366, 768)
WAIT_SECONDS = 20.0

# Called with each widget saved and the very image written for it (one grab: a countdown
# that ticks between two grabs would make them differ).
Inspector = Callable[[QWidget, QImage], None]
# Called with the widget about to be saved (tests only; empty in the product).
_inspectors: list[Inspector] = []


@contextmanager
def inspecting(inspector: Inspector) -> Iterator[None]:
    """Within the block, ``inspector(widget)`` runs on every screen just before it is saved."""
    _inspectors.append(inspector)
    try:
        yield
    finally:
        _inspectors.remove(inspector)


def wait_until(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> None:
    """Spin the Qt event loop until ``condition()`` holds; TimeoutError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not reach the expected state in time")
        _spin()


def pause(seconds: float) -> None:
    """Let the event loop run for ``seconds`` (layouts and scrolling settle)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        _spin()


def _spin() -> None:
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    time.sleep(0.01)


def save(
    widget: QWidget,
    path: Path,
    image: QImage | None = None,
    *,
    also: tuple[QWidget, ...] = (),
) -> None:
    """Save ``widget`` (or an ``image`` composed from it and the popups ``also`` shown over
    it) as PNG at ``path``, after letting any inspector look at each of them."""
    picture = QPixmap.fromImage(image) if image is not None else widget.grab()
    for inspector in list(_inspectors):
        inspector(widget, picture.toImage())
        for shown in also:
            inspector(shown, shown.grab().toImage())
    path.parent.mkdir(parents=True, exist_ok=True)
    if not picture.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


W = TypeVar("W", bound=QWidget)


@contextmanager
def opened(make: Callable[[TaskRunner], W], size: tuple[int, int] | None = None) -> Iterator[W]:
    """The screen ``make(runner)`` builds on a fresh task runner, shown (at ``size``); after
    the block the runner stops and the screen closes, whatever happened in it."""
    from pos_app.ui.kit.tasks import TaskRunner

    runner = TaskRunner()
    try:
        widget = make(runner)
    except BaseException:
        runner.shutdown()
        raise
    try:
        if size is not None:
            widget.resize(*size)
        widget.show()
        yield widget
    finally:
        runner.shutdown()
        if isinstance(widget, QDialog):
            widget.done(0)
        else:
            widget.close()
        widget.deleteLater()
