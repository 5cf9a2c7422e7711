"""The right-hand panel: the selected booking, its money, and its next steps beside it.

The panel paints a :class:`~pos_app.ui.day.detail_presenter.DetailState`: one solid primary
button ("Charge $35.00" when unpaid, "Refund…" when paid), then Cash, Deposit, Move,
No-show, Cancel and Receipt. A disabled button's tooltip is the domain's refusal sentence.
The panel only asks for an action (``action_requested``); the shell carries it out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from html import escape

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.booking_display import status_glyph
from pos_app.i18n import _
from pos_app.services.bookings import BookingDetail
from pos_app.ui.day.detail_presenter import (
    HINT,
    ActionKey,
    DetailState,
    Line,
    present_detail,
)
from pos_app.ui.day.detail_warmup import warm_up_state
from pos_app.ui.kit import theme
from pos_app.ui.kit.opaque_viewport import keep_viewport_opaque

TOUCH_PX = 44  # every button in the panel is at least this tall (touch counters)
PREBUILT_ROWS = 8  # the facts a booking shows (detail_presenter: Contact … Balance due)
WARM_UP_MS = 400  # from the panel's first show to its warm-up: after the day's first paint
WARM_PAINT_MS = 30  # from the warm-up's layout to its paint: two shorter turns than one
SHORTCUTS = {
    ActionKey.CHARGE: "Ctrl+Enter",
    ActionKey.REFUND: "Ctrl+R",
    ActionKey.CASH: "Ctrl+Shift+C",
    ActionKey.DEPOSIT: "Ctrl+Shift+D",
    ActionKey.MOVE: "Ctrl+M",
    ActionKey.NO_SHOW: "Ctrl+Shift+N",
    ActionKey.CANCEL: "Ctrl+Delete",
    ActionKey.RECEIPT: "Ctrl+P",
}


class DetailPanel(QScrollArea):
    """Shows one :class:`BookingDetail` with its actions (or a hint when nothing is selected).

    The panel builds its widgets once and only updates their texts, visibility and enabled
    state for each booking: rebuilding ~30 styled widgets per selection stalled the GUI
    thread. Lists of varying length (payments, refunds) reuse a pool of labels that grows.
    """

    action_requested = Signal(str)  # an ActionKey value: a button of the panel was pressed
    receipt_requested = Signal(str)  # booking id: the "Receipt…" button
    customer_requested = Signal(str)  # customer id: the "All bookings of …" link
    shown = Signal(object)  # the BookingDetail now shown, or None (a hint)

    def __init__(self, timezone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPanel")
        self._tz = timezone
        self._ready = False
        self._attached = False
        self._detail: BookingDetail | None = None
        self._bar_with_booking = False  # the last booking shown needed the scroll bar
        self._state: DetailState | None = None
        self.buttons: dict[ActionKey, QPushButton] = {}
        self.primary_button: QPushButton | None = None
        self.receipt_button: QPushButton | None = None  # set while a receipt can be opened
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(330)
        self._body = QWidget()
        self._body.setObjectName("detailBody")
        self._body.setFont(theme.font(self, scale=1.05))
        layout = QVBoxLayout(self._body)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(10)
        self._layout = layout
        self._hint_page, self._hint = self._build_hint()
        self._page = QWidget()
        self._build_page(self._page)
        layout.addWidget(self._hint_page)
        layout.addWidget(self._page)
        self.setWidget(self._body)
        # Its stylesheet box would make the viewport see-through: repainted with the window.
        keep_viewport_opaque(self)
        self.show_hint(_(HINT))
        # Before anyone taps a booking (see prebuild), once the window is on screen.
        QTimer.singleShot(0, self, self.prebuild)
        # After the window's first paint and the day's first load, in a quiet turn (warm_up).
        self._warm = False
        self._warm_timer = QTimer(self)
        self._warm_timer.setSingleShot(True)
        self._warm_timer.setInterval(WARM_UP_MS)
        self._warm_timer.timeout.connect(self.warm_up)

    # -- building (once) ----------------------------------------------------------------

    def _build_hint(self) -> tuple[QWidget, QLabel]:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        hint = QLabel()
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        theme.set_role(hint, None, muted=True)
        box.addStretch(1)
        box.addWidget(hint)
        box.addStretch(2)
        return page, hint

    def _build_page(self, page: QWidget) -> None:
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        self._page_layout = box
        self._name = QLabel()
        self._name.setObjectName("detailName")
        self._name.setFont(theme.font(self, scale=1.45, bold=True))
        self._name.setWordWrap(True)
        self._name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self._name)
        self._chip = QLabel()
        self._chip.setObjectName("statusChip")
        self._chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        theme.set_role(self._chip, "chip")
        box.addWidget(self._chip)
        self._notes = _LinePool(box)
        # The actions: one solid primary button, a muted "why not" under it, the rest in a grid.
        self._primary = self._slot_button(0)
        self._primary.setObjectName("detailPrimary")
        theme.set_role(self._primary, "primary")
        box.addSpacing(4)
        box.addWidget(self._primary)
        self._why = _line_label(Line("", muted=True), name="primaryWhy")
        box.addWidget(self._why)
        self._action_grid = QGridLayout()
        self._action_grid.setHorizontalSpacing(8)
        self._action_grid.setVerticalSpacing(8)
        box.addLayout(self._action_grid)
        self._slots: list[QPushButton] = [self._primary]  # slot i shows _slot_keys[i]
        self._slot_keys: list[ActionKey] = []
        # The booking's facts: label and value per row.
        self._row_grid = QGridLayout()
        self._row_grid.setHorizontalSpacing(14)
        self._row_grid.setVerticalSpacing(6)
        self._row_grid.setColumnStretch(1, 1)
        self._rows: list[tuple[QLabel, QLabel]] = []
        box.addSpacing(4)
        box.addLayout(self._row_grid)
        self._link = _LinkLabel()
        self._link.setObjectName("customerLink")
        self._link.setToolTip(_("Open the customer's details and booking history (Ctrl+Shift+F)"))
        self._link.setMinimumHeight(TOUCH_PX)
        self._link.linkActivated.connect(self._link_activated)
        box.addWidget(self._link)
        self._payments_heading = self._section(box, _("Payments"))
        self._payments = _LinePool(box)
        self._refunds_heading = self._section(box, _("Refunds"))
        self._refunds = _LinePool(box)
        box.addStretch(1)

    def _slot_button(self, slot: int) -> QPushButton:
        button = QPushButton()
        button.setMinimumHeight(TOUCH_PX)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.clicked.connect(lambda _checked=False: self._pressed(self._slot_keys[slot]))
        return button

    def _section(self, box: QVBoxLayout, title: str) -> QLabel:
        box.addSpacing(8)
        label = QLabel(title)
        label.setFont(theme.font(self, scale=1.1, bold=True))
        theme.set_role(label, "heading")
        box.addWidget(label)
        return label

    def prebuild(self) -> None:
        """Make and style, hidden, every widget a booking's detail can use. Made on the first
        selection instead, they stalled the GUI thread for tens of milliseconds then."""
        self._grow_slots(len(ActionKey))
        self._grow_rows(PREBUILT_ROWS)
        self._notes.grow(1)
        self._payments.grow(2)
        self._refunds.grow(2)
        self._page.ensurePolished()  # the style's rules, now rather than at the first show

    def warm_up(self) -> bool:
        """Show and lay out every widget of a booking's page once, unseen, then put back the
        hint, and a turn later paint the page into a pixmap; False (nothing done) once a
        booking was shown or when already warm.

        A fresh panel's first booking cost ~15 ms of GUI-thread CPU in one pass: the first
        show of its widgets, their first text layout and their first paint (issue 12). The
        show and layout happen here in one call, so no event-loop turn paints the stand-in
        (``detail_warmup``); the first paint, the other half, in a later turn (``_warm_paint``).
        """
        if self._warm or self._detail is not None or not self.isVisible():
            return False
        self._warm = True
        hint = self._hint.text()
        self._apply(warm_up_state(PREBUILT_ROWS))
        self._fit_body()
        self.show_hint(hint)  # (also forgets the stand-in's state and buttons)
        QTimer.singleShot(WARM_PAINT_MS, self, self._warm_paint)
        return True

    @property
    def warmed(self) -> bool:
        """Whether the warm-up ran (``warm_up``)."""
        return self._warm

    def _warm_paint(self) -> None:
        # The hidden page still holds the stand-in's texts and laid-out children: painting
        # it into a pixmap styles and draws each of them once (the page itself stays hidden).
        if self._detail is None:
            self._page.grab()

    def showEvent(self, event: QShowEvent) -> None:
        """On the first show (the window's), warm up a moment later (``warm_up``)."""
        super().showEvent(event)
        if not self._warm and not self._warm_timer.isActive():
            self._warm_timer.start()

    def widget_count(self) -> int:
        """How many widgets the panel holds (tests: showing a booking makes none)."""
        return len(self.findChildren(QWidget))

    # -- public -------------------------------------------------------------------------

    def set_timezone(self, timezone: tzinfo) -> None:
        """Show times in the business's time zone."""
        self._tz = timezone

    def set_ready(self, *, attached: bool, ready: bool) -> None:
        """The app is open (``attached``) and has finished its first sync with Stripe
        (``ready``): money actions wait for it. Repaints the actions when that changes."""
        if (attached, ready) == (self._attached, self._ready):
            return
        self._attached, self._ready = attached, ready
        if self._detail is not None:
            self._paint(self._detail)

    def booking_id(self) -> str | None:
        """The booking shown, or None."""
        return self._state.booking_id if self._state is not None else None

    def state(self) -> DetailState | None:
        """The state painted, or None while a hint is shown."""
        return self._state

    def show_hint(self, text: str) -> None:
        """Replace the contents with a centred hint."""
        self._detail = None
        self._state = None
        self.receipt_button = None
        self.primary_button = None
        self.buttons = {}
        self._hint.setText(text)
        self._page.hide()
        self._hint_page.show()
        self.shown.emit(None)

    def show_detail(self, detail: BookingDetail) -> None:
        """Show a booking with its money, its payment history and its actions."""
        self._detail = detail
        self._paint(detail)

    def show_detail_soon(self, detail: BookingDetail, wanted: Callable[[], bool]) -> None:
        """``show_detail`` on the event loop's next turn, if ``wanted()`` still holds then.

        A booking's detail loads in a few milliseconds, so it lands in the same pass as the
        selection that asked for it, whose repaint of the list it then lengthened by the
        panel's layout and repaint: one GUI-thread stall of both (issue 12). A turn later
        the two are two shorter passes, with input handled between them.
        """
        QTimer.singleShot(0, self, lambda: self.show_detail(detail) if wanted() else None)

    def text(self) -> str:
        """All text shown (labels), for tests and screen readers."""
        return "\n".join(label.text() for label in self._shown_labels())

    def _shown_labels(self) -> list[QLabel]:
        if self._state is None:
            return [self._hint]
        labels = [self._name, self._chip, *self._notes.shown()]
        if not self._why.isHidden():
            labels.append(self._why)
        for key, value in self._rows:
            if not key.isHidden():
                labels += [key, value]
        if not self._link.isHidden():
            labels.append(self._link)
        labels += [self._payments_heading, *self._payments.shown()]
        labels += [self._refunds_heading, *self._refunds.shown()]
        return labels

    # -- painting -----------------------------------------------------------------------

    def _paint(self, detail: BookingDetail) -> None:
        state = present_detail(
            detail, self._tz, now=datetime.now(UTC), ready=self._ready, attached=self._attached
        )
        if state == self._state:
            return  # the periodic reload brought nothing new: keep the panel as it is
        # From the hint (after a day change), a booking's page usually needs the scroll bar
        # the hint did not: laid out at the hint's width first, it was laid out again, every
        # widget moved and resized twice, once the bar showed (issue 12). With the bar on from
        # the start when the last booking needed it, it is laid out once; Qt then decides.
        bar_first = self._page.isHidden() and self._bar_with_booking
        if bar_first:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._apply(state)
        self._fit_body()
        if bar_first:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._bar_with_booking = self.verticalScrollBar().isVisibleTo(self)
        self.shown.emit(detail)

    def _apply(self, state: DetailState) -> None:
        # Texts, visibility and enabled state only: every widget was made ahead (prebuild).
        self._state = state
        _set_text(self._name, state.title)
        _set_text(self._chip, f"{status_glyph(state.status)} {state.status.label}")
        theme.set_role(self._chip, "chip", status=state.status.value)
        self._notes.show_lines(state.notes)
        self._actions(state)
        self._show_rows(state.rows)
        if state.customer_id is not None:
            _set_text(self._link, f'<a href="#">{escape(state.customer_link)}</a>')
        self._link.setVisible(state.customer_id is not None)
        self._payments.show_lines(state.payments)
        self._refunds.show_lines(state.refunds)
        if self._page.isHidden():
            self._hint_page.hide()
            self._page.show()

    def _fit_body(self) -> None:
        # Lay the new contents out now, as the scroll area would on the next event-loop pass,
        # so a grab or a geometry check right after shows them in place. The scroll area's
        # own sizing (what it does on a LayoutRequest), not one worked out here: a height of
        # our own (the body's sizeHint) was undone by it a pass later, two layouts and two
        # repaints of the panel per booking shown (issue 12).
        self._layout.activate()
        QCoreApplication.sendEvent(self, QEvent(QEvent.Type.LayoutRequest))

    def _actions(self, state: DetailState) -> None:
        actions = (state.primary, *state.actions)
        self._grow_slots(len(actions))  # built ahead (prebuild), then reused
        self._slot_keys = [action.key for action in actions]
        self.buttons = {}
        for slot, (button, action) in enumerate(zip(self._slots, actions, strict=False)):
            if slot > 0:
                name = f"detail_{action.key.value}"
                if button.objectName() != name:
                    button.setObjectName(name)
            _set_text(button, action.label)
            button.setEnabled(action.enabled)
            keys = SHORTCUTS[action.key]
            tip = action.why if not action.enabled else f"{action.label} ({keys})"
            if button.toolTip() != tip:
                button.setToolTip(tip)
            button.show()
            self.buttons[action.key] = button
        for button in self._slots[len(actions) :]:
            button.hide()
        self.primary_button = self._primary
        if not state.primary.enabled:
            # Touch screens show no tooltips: say why under the button too.
            _set_text(self._why, state.primary.why)
        self._why.setVisible(not state.primary.enabled)
        receipt = self.buttons[ActionKey.RECEIPT]
        self.receipt_button = receipt if receipt.isEnabled() else None

    def _grow_slots(self, count: int) -> None:
        while len(self._slots) < count:
            i = len(self._slots) - 1
            button = self._slot_button(len(self._slots))
            self._action_grid.addWidget(button, i // 2, i % 2)
            button.hide()
            self._slots.append(button)

    def _pressed(self, key: ActionKey) -> None:
        state = self._state
        if state is None:
            return
        if key is ActionKey.RECEIPT:
            self.receipt_requested.emit(state.booking_id)
        else:
            self.action_requested.emit(key.value)

    def _link_activated(self, _href: str) -> None:
        state = self._state
        if state is not None and state.customer_id is not None:
            self.customer_requested.emit(state.customer_id)

    def _show_rows(self, rows: tuple[tuple[str, str], ...]) -> None:
        self._grow_rows(len(rows))
        for i, (key, value) in enumerate(self._rows):
            shown = i < len(rows)
            if shown:
                _set_text(key, rows[i][0])
                _set_text(value, rows[i][1])
            key.setVisible(shown)
            value.setVisible(shown)

    def _grow_rows(self, count: int) -> None:
        while len(self._rows) < count:
            i = len(self._rows)
            key = QLabel()
            theme.set_role(key, None, muted=True)
            key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._row_grid.addWidget(key, i, 0)
            self._row_grid.addWidget(value, i, 1)
            key.hide()
            value.hide()
            self._rows.append((key, value))


_BLANK = Line("")


class _LinePool:
    """Lines of text in one place of the panel (notes, payments, refunds): labels are made
    when a longer list first needs them and then reused; the spare ones are hidden."""

    def __init__(self, parent: QVBoxLayout) -> None:
        self._box = QVBoxLayout()
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(parent.spacing())  # as if the lines sat in the panel's column
        parent.addLayout(self._box)
        self._labels: list[QLabel] = []

    def grow(self, count: int, line: Line = _BLANK) -> None:
        """Have at least ``count`` labels (the new ones hidden), made like ``line``'s."""
        while len(self._labels) < count:
            label = _line_label(line)
            self._box.addWidget(label)
            label.hide()
            self._labels.append(label)

    def show_lines(self, lines: tuple[Line, ...]) -> None:
        """Show ``lines`` in order, hiding the labels left over."""
        while len(self._labels) < len(lines):
            self.grow(len(self._labels) + 1, lines[len(self._labels)])
        for i, label in enumerate(self._labels):
            if i < len(lines):
                line = lines[i]
                _set_text(label, line.text)
                if bool(label.property("muted")) != line.muted:
                    theme.set_role(label, None, muted=line.muted)
                label.show()
            else:
                label.hide()

    def shown(self) -> list[QLabel]:
        """The labels in use, in order."""
        return [label for label in self._labels if not label.isHidden()]


def _line_label(line: Line, *, name: str = "") -> QLabel:
    label = QLabel(line.text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    if line.muted:
        theme.set_role(label, None, muted=True)
    return label


def _set_text(widget: QLabel | QPushButton, text: str) -> None:
    # An unchanged text costs nothing; a changed one re-lays the panel out once.
    if widget.text() != text:
        widget.setText(text)


class _LinkLabel(QLabel):
    """A rich-text link that takes the palette's link colour again when the palette changes
    (light ↔ dark): a label's document keeps the colour it was laid out with."""

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            text = self.text()
            self.setText("")
            self.setText(text)
