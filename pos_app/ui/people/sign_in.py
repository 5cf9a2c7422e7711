"""The sign-in (lock) page: who is at the desk.

The page fills the window while nobody is signed in: a tile per active person, then a PIN
pad (on-screen digits or the keyboard, Enter confirms). A wrong PIN shakes the pad and says
so; a locked account shows a countdown. Every check runs through the task runner. What is
shown is worked out by ``sign_in_presenter`` (Qt-free); the tiles and the pad are in
``user_tile`` and ``pin_pad``.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.people import Actor
from pos_app.i18n import _
from pos_app.services.people import StaffMember
from pos_app.services.sign_in import AccountLockedError
from pos_app.ui.kit import theme
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.people.pin_pad import PinPad
from pos_app.ui.people.ports import SignInPeople
from pos_app.ui.people.sign_in_presenter import (
    CHOOSE_PROMPT,
    checking_prompt,
    lock_state,
    pick_by_prefix,
    pin_prompt,
    roster_state,
)
from pos_app.ui.people.user_tile import UserTile

log = logging.getLogger(__name__)

TYPE_AHEAD_MS = 1000  # letters typed within this long of each other pick one tile


class SignInPage(QWidget):
    """Who is at the desk: pick a tile, type the PIN.

    Signals:
        signed_in(Actor): the PIN was right; the desk is signed in as this person.
        first_run_needed(): there are no accounts yet: create the manager first.
    """

    signed_in = Signal(object)
    first_run_needed = Signal()
    loaded = Signal()  # the tiles are current

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._people: SignInPeople | None = None
        self._members: list[StaffMember] = []
        self._selected: StaffMember | None = None
        self._prefer: str | None = None
        self._typed = ""
        self._typed_at = 0.0
        self._locked_until = 0.0  # time.monotonic() when the selected account unlocks
        self.tiles: dict[str, UserTile] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.setObjectName("signInPage")

        self.title = QLabel(_("Who is at the desk?"))
        self.title.setFont(theme.font(self, scale=1.7, bold=True))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QLabel(_("Choose your name, then type your PIN."))
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle.setFont(theme.font(self, scale=1.1))
        theme.set_role(self.subtitle, muted=True)

        # Left: the people.
        self._tile_box = QWidget()
        self._tile_grid = QGridLayout(self._tile_box)
        self._tile_grid.setContentsMargins(0, 0, 0, 0)
        self._tile_grid.setSpacing(10)
        self._tile_grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self._tile_box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(440)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._loading = QWidget()
        box = QVBoxLayout(self._loading)
        box.addStretch(1)
        self._spinner = Spinner(diameter=40)
        box.addWidget(self._spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        self.status_label = QLabel(_("Loading…"))
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        box.addWidget(self.status_label)
        self.create_button = QPushButton(_("Create the manager account…"))
        theme.make_primary(self.create_button)
        self.create_button.clicked.connect(self.first_run_needed.emit)
        self.create_button.hide()
        box.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.retry_button = QPushButton(_("Try again"))
        self.retry_button.clicked.connect(self.load)
        self.retry_button.hide()
        box.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        left = QVBoxLayout()
        left.addWidget(self._loading, 1)
        left.addWidget(scroll, 1)
        self._scroll = scroll
        scroll.hide()

        # Right: the PIN pad.
        self.pad = PinPad()
        self.pad.submitted.connect(self.submit)
        self.who_label = self.pad.who_label
        self.pin_edit = self.pad.pin_edit
        self.error = self.pad.error
        self.digit_buttons = self.pad.digit_buttons
        self.clear_button = self.pad.clear_button
        self.ok_button = self.pad.ok_button
        self.pin_edit.textChanged.connect(self._on_pin_changed)
        self.pin_edit.installEventFilter(self)

        columns = QHBoxLayout()
        columns.setSpacing(40)
        columns.addLayout(left, 1)
        columns.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignTop)
        card = QWidget()
        card.setMaximumWidth(980)
        card_box = QVBoxLayout(card)
        card_box.setSpacing(8)
        card_box.addWidget(self.title)
        card_box.addWidget(self.subtitle)
        card_box.addSpacing(16)
        card_box.addLayout(columns, 1)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(30, 24, 30, 16)
        outer.addStretch(1)
        outer.addWidget(card, 4)
        outer.addStretch(1)

        self._countdown = QTimer(self)
        self._countdown.setInterval(500)
        self._countdown.timeout.connect(self._tick)

    # -- public -------------------------------------------------------------------------

    def set_people(self, people: SignInPeople) -> None:
        """Use this people service from now on."""
        self._people = people

    def load(self, prefer_user_id: str | None = None) -> None:
        """Read the active accounts in the background and show their tiles; ``prefer_user_id``
        is selected when it is among them (coming back after a lock)."""
        people = self._people
        if people is None:
            return
        self._prefer = prefer_user_id
        self._deselect()  # whoever was chosen before is not chosen now
        if not self.tiles:
            self._show_status(_("Loading…"), busy=True)

        def work() -> tuple[bool, list[StaffMember]]:
            return people.has_users(), people.list_users()

        self._runner.run(
            work,
            on_success=self._on_loaded,
            on_failure=self._on_load_failed,
            owner=self,
            key="sign-in-load",
        )

    def show_roster(self, roster: tuple[bool, list[StaffMember]]) -> None:
        """Show accounts read already (before the app is open: ``DeskAccess.show_early``),
        as ``load`` shows the ones it reads."""
        self._prefer = None
        self._on_loaded(roster)

    def select_user(self, user_id: str) -> bool:
        """Select the tile of ``user_id`` and move to the PIN; False if there is none."""
        tile = self.tiles.get(user_id)
        if tile is None:
            return False
        tile.setChecked(True)
        self._selected = tile.member
        self._typed = ""
        self.who_label.setText(pin_prompt(tile.member.name))
        self.pin_edit.clear()
        self.error.show_error(None)
        self._locked_until = 0.0
        self._countdown.stop()
        self.pad.set_enabled(True)
        self.pin_edit.setFocus()
        return True

    def selected_user_id(self) -> str | None:
        """The chosen person's account id, or None."""
        return self._selected.id if self._selected is not None else None

    def error_text(self) -> str:
        """The sentence under the PIN ('' when none)."""
        return "" if self.error.isHidden() else self.error.text()

    def press(self, digits: str) -> None:
        """Type ``digits`` on the on-screen pad."""
        for digit in digits:
            self.digit_buttons[digit].click()

    def submit(self) -> None:
        """Check the PIN for the chosen person in the background."""
        people, member = self._people, self._selected
        pin = self.pin_edit.text()
        if people is None or member is None or not self.ok_button.isEnabled():
            return
        if not pin:
            self.error.show_error(_("Type your PIN."))
            return
        self.pad.set_enabled(False)
        self.error.show_error(None)
        self.who_label.setText(checking_prompt(member.name))
        self._runner.run(
            lambda: people.authenticate(member.id, pin),
            on_success=self._on_signed_in,
            on_failure=self._on_refused,
            owner=self,
        )

    # -- loading ------------------------------------------------------------------------

    def _on_loaded(self, result: tuple[bool, list[StaffMember]]) -> None:
        any_users, members = result
        self._members = members
        for tile in list(self.tiles.values()):
            self._group.removeButton(tile)
            tile.deleteLater()
        self.tiles.clear()
        self._selected = None
        self.pad.set_enabled(False)
        self.who_label.setText(_(CHOOSE_PROMPT))
        state = roster_state(any_users, members, self._prefer)
        if state.status:
            self._show_status(state.status, create=state.offer_first_run)
            if state.offer_first_run:
                self.first_run_needed.emit()
            return
        by_id = {m.id: m for m in members}
        for i, tile_state in enumerate(state.tiles):
            tile = UserTile(by_id[tile_state.user_id], self._tile_box)
            tile.clicked.connect(lambda _c=False, uid=tile_state.user_id: self.select_user(uid))
            self._group.addButton(tile)
            self._tile_grid.addWidget(tile, i // state.columns, i % state.columns)
            self.tiles[tile_state.user_id] = tile
        self._loading.hide()
        self._scroll.show()
        if state.preselect is not None:
            self.select_user(state.preselect)
        else:
            next(iter(self.tiles.values())).setFocus()
        self.loaded.emit()

    def _on_load_failed(self, error: BaseException) -> None:
        self._show_status(
            _("The accounts could not be read. {reason}").format(reason=user_message(error)),
            retry=True,
        )

    def _show_status(
        self, text: str, *, create: bool = False, retry: bool = False, busy: bool = False
    ) -> None:
        self._scroll.hide()
        self._loading.show()
        self.status_label.setText(text)
        self.create_button.setVisible(create)
        self.retry_button.setVisible(retry)
        self._spinner.setVisible(busy)

    # -- checking -----------------------------------------------------------------------

    def _on_signed_in(self, actor: Actor) -> None:
        self.pin_edit.clear()
        self.who_label.setText(_("Welcome, {name}").format(name=actor.name))
        self.signed_in.emit(actor)

    def _on_refused(self, error: BaseException) -> None:
        member = self._selected
        self.pin_edit.clear()
        if member is not None:
            self.who_label.setText(pin_prompt(member.name))
        if isinstance(error, AccountLockedError):
            self._locked_until = time.monotonic() + error.seconds
            self._tick()
            self._countdown.start()
        else:
            self.pad.set_enabled(True)
            self.error.show_error(user_message(error))
            self.pin_edit.setFocus()
        self.pad.shake()

    def _tick(self) -> None:
        state = lock_state(self._locked_until, time.monotonic())
        if not state.seconds_left:
            self._countdown.stop()
            self.error.show_error(None)
            self.pad.set_enabled(self._selected is not None)
            self.pin_edit.setFocus()
            return
        self.pad.set_enabled(False)
        self.error.show_error(state.sentence)

    # -- keyboard -----------------------------------------------------------------------

    def _on_pin_changed(self, text: str) -> None:
        if text and not self._countdown.isActive():
            self.error.show_error(None)  # typing again: the old sentence is done with

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.pad.fit_keys(self.height())
        super().resizeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Letters pick a tile by the start of the name; digits go to the PIN."""
        text = event.text()
        if text.isdigit() and self.pin_edit.isEnabled():
            self.pin_edit.setFocus()
            self.pin_edit.insert(text)
            return
        if text and text.isprintable() and not text.isspace() and self._pick_by_letters(text):
            return
        if event.key() == Qt.Key.Key_Escape and self._selected is not None and len(self.tiles) > 1:
            self._deselect()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Letters typed into the PIN field (which takes digits only) pick a person instead.
        if (
            watched is self.pin_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            text = event.text()
            if text and text.isalpha() and self._pick_by_letters(text):
                return True
            if event.key() == Qt.Key.Key_Escape and len(self.tiles) > 1:
                self._deselect()
                return True
        return super().eventFilter(watched, event)

    def _pick_by_letters(self, text: str) -> bool:
        now = time.monotonic()
        self._typed = (self._typed if now - self._typed_at < TYPE_AHEAD_MS / 1000 else "") + text
        self._typed_at = now
        user_id = pick_by_prefix(self._members, self._typed)
        if user_id is None:
            return False
        typed = self._typed
        self.select_user(user_id)
        self._typed, self._typed_at = typed, now
        return True

    def _deselect(self) -> None:
        self._group.setExclusive(False)
        for tile in self.tiles.values():
            tile.setChecked(False)
        self._group.setExclusive(True)
        self._selected = None
        self._typed = ""
        self._countdown.stop()
        self.pin_edit.clear()
        self.error.show_error(None)
        self.who_label.setText(_(CHOOSE_PROMPT))
        self.pad.set_enabled(False)
        if self.tiles:
            next(iter(self.tiles.values())).setFocus()
