"""The main window's parts: the top bar, the Starting… and startup-failure pages, the
notice line and the status bar. Built here so ``main_window.py`` only wires them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import IntEnum

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from pos_app.i18n import _
from pos_app.ui.kit import theme
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.shell.actions import ActionButton, WindowActions
from pos_app.ui.shell.sync_status import Link, StatusLine

APP_TITLE = "pos-app"


class Page(IntEnum):
    """The central area's pages."""

    STARTING = 0
    FAILED = 1
    READY = 2
    LOCKED = 3  # nobody signed in: the sign-in page (see DeskAccess)


class TopBar(QFrame):
    """The business's name, the mode badge, the shown day, and the main actions."""

    def __init__(self, acts: WindowActions) -> None:
        super().__init__()
        self.setObjectName("topBar")
        self.title_label = QLabel(APP_TITLE)
        self.title_label.setObjectName("appTitle")
        self.title_label.setFont(theme.font(self, scale=1.45, bold=True))
        self.badge = theme.ModeBadge(None)
        self.date_label = QLabel("")
        self.date_label.setFont(theme.font(self, scale=1.1))
        self.new_button = ActionButton(acts.new)
        self.sell_button = ActionButton(acts.sell)
        self.charge_button = ActionButton(acts.charge)
        self.cash_button = ActionButton(acts.cash)
        self.refund_button = ActionButton(acts.refund)
        self.refresh_button = ActionButton(acts.refresh)
        theme.make_primary(self.new_button)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 10, 18, 10)
        row.setSpacing(10)
        row.addWidget(self.title_label)
        row.addWidget(self.badge)
        row.addSpacing(8)
        row.addWidget(self.date_label)
        row.addStretch(1)
        for button in self.buttons():
            button.setMinimumWidth(80)
            row.addWidget(button)

    def buttons(self) -> list[QPushButton]:
        """The action buttons, in tab order."""
        return [
            self.new_button,
            self.sell_button,
            self.charge_button,
            self.cash_button,
            self.refund_button,
            self.refresh_button,
        ]

    def show_day(self, day: date | None, width: int) -> None:
        """The day in full, or 'Sun 22 Nov' when the bar has no room for it in ``width``
        (never clipped at the window's minimum width)."""
        if day is None:
            return
        # Here, not at the top: babel (about 10 ms of CPU) loads after the first frame.
        from pos_app.domain import locale_format as lf

        self.date_label.setText(lf.date_text(day, "day"))
        if self.minimumSizeHint().width() > width:
            self.date_label.setText(lf.date_text(day, "short_day_no_year"))


class StartingPage(QWidget):
    """A spinner and what is happening ("Starting…")."""

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(Spinner(diameter=56), 0, Qt.AlignmentFlag.AlignHCenter)
        self.label = QLabel(_("Starting…"))
        self.label.setFont(theme.font(self, scale=1.3))
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.label)
        box.addStretch(2)


class FailedPage(QWidget):
    """Why the app could not start, with Retry when it can be retried."""

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.addStretch(1)
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
        self.label.setFont(theme.font(self, scale=1.25))
        # A fixed width makes the wrapped sentence's height known to the layout (no clipping).
        self.label.setFixedWidth(640)
        self.label.setMinimumHeight(self.label.fontMetrics().lineSpacing() * 4)
        self.retry_button = QPushButton(_("Retry"))
        self.retry_button.setMinimumSize(140, 44)
        theme.make_primary(self.retry_button)
        box.addWidget(self.label, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addSpacing(16)
        box.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        self._retry: Callable[[], None] | None = None

    def show_error(self, message: str, retry: Callable[[], None] | None) -> None:
        """Say ``message``; offer Retry when ``retry`` is given."""
        self.label.setText(message)
        self._retry = retry
        self.retry_button.setVisible(retry is not None)

    def take_retry(self) -> Callable[[], None] | None:
        """The retry to run for the Retry button."""
        return self._retry


def column(widgets: list[QWidget]) -> QWidget:
    """The window's central column: ``widgets`` top to bottom, the last one stretching."""
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    for widget in widgets[:-1]:
        layout.addWidget(widget)
    layout.addWidget(widgets[-1], 1)
    return central


def ready_page(day: QWidget, detail: QWidget) -> QWidget:
    """The day (list or schedule) beside the selected booking's detail and actions."""
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(day)
    splitter.addWidget(detail)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([900, 380])
    splitter.setChildrenCollapsible(False)
    ready = QWidget()
    box = QVBoxLayout(ready)
    box.setContentsMargins(12, 12, 12, 6)
    box.addWidget(splitter)
    return ready


def notice_label() -> QLabel:
    """The one-sentence notice under the top bar (hidden until there is something to say)."""
    notice = QLabel("")
    notice.setObjectName("notice")
    notice.setWordWrap(True)
    theme.set_role(notice, "notice", tone="danger")
    notice.hide()
    return notice


def show_notice(notice: QLabel, message: str, tone: str) -> None:
    """Say ``message`` in the notice line in ``tone`` ('danger', 'warning', 'success', 'info')."""
    if notice.property("tone") != tone:
        theme.set_role(notice, "notice", tone=tone)
    notice.setText(message)
    notice.show()


_TONES = {Link.CONNECTED: "success", Link.RETRYING: "warning", Link.OFFLINE: "danger"}
_SYMBOLS = {Link.CONNECTED: "●", Link.RETRYING: "◐", Link.OFFLINE: "○"}


def count_width(label: QLabel) -> int:
    """How wide ``label`` would be for its one line of plain text, as its size hint says
    when nothing holds it wider (the text's bounds plus the margins it had from the style)."""
    box = label.fontMetrics().boundingRect(
        QRect(0, 0, 2000, 2000), int(label.alignment()), label.text()
    )
    margins = label.contentsMargins()
    return box.width() + margins.right() + 2 * label.margin()


class StatusBarParts:
    """The Stripe line, the day's count and the busy bar, in ``bar``."""

    def __init__(self, bar: QStatusBar) -> None:
        self.stripe_label = QLabel("")
        self.stripe_label.setObjectName("stripeStatus")
        self.count_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: we never know how long Stripe takes
        self.progress.setMaximumWidth(140)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()
        bar.addWidget(self.stripe_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.count_label)

    def show_count(self, text: str) -> None:
        """The day's count ("3 bookings today"). The label keeps the widest size it has had,
        its text indented to where a label of the text's own size would show it (flush with
        the same right edge): a label whose size changes lays the status bar out again, and
        the bar then repaints all of itself, on every day change."""
        label = self.count_label
        if label.text() == text:
            return
        label.setText(text)
        indent = label.contentsMargins().left()
        hint = label.sizeHint()  # no narrower than the label's fixed width
        own = count_width(label)  # what a label of its own would be wide
        width = max(own, label.minimumWidth())
        if width != label.minimumWidth() or hint.height() != label.minimumHeight():
            label.setFixedSize(width, hint.height())
        if width - own != indent:
            label.setContentsMargins(width - own, 0, 0, 0)

    def stripe_text(self) -> str:
        """The Stripe line without its symbol."""
        text = self.stripe_label.text()
        return text.split(" ", 1)[1] if text[:1] in {"●", "◐", "○"} else text

    def show_line(self, line: StatusLine) -> None:
        """Show the connection's state; unchanged text is not set again (each sync pass says
        the same thing, and restyling a label re-polishes and repaints it)."""
        label = self.stripe_label
        # Lines built from constants (the standby station's) are marked N_: translated here.
        text = f"{_SYMBOLS.get(line.state, '●')} {_(line.text)}"
        tone = _TONES.get(line.state, "")
        if label.text() != text:
            label.setText(text)
        detail = _(line.detail)
        if label.toolTip() != detail:
            label.setToolTip(detail)
        if label.property("tone") != tone:
            theme.set_role(label, None, tone=tone)
