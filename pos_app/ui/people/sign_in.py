"""The sign-in (lock) page and the first-run "Create the manager account" dialog.

The page fills the window while nobody is signed in: a tile per active person, then a PIN
pad (on-screen digits or the keyboard, Enter confirms). A wrong PIN shakes the pad and says
so; a locked account shows a countdown. Every check runs through the task runner.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEasingCurve,
    QEvent,
    QObject,
    QPoint,
    QRegularExpression,
    Qt,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.people import Actor
from pos_app.services.people import StaffMember
from pos_app.services.pins import PIN_MAX_DIGITS
from pos_app.services.sign_in import AccountLockedError, locked_sentence
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import (
    BusyState,
    FormFeedback,
    dialog_buttons,
    dialog_layout,
    dialog_title,
    form_layout,
)
from pos_app.ui.kit.forms import ErrorLabel, FieldWithError, form_label
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message

if TYPE_CHECKING:
    from pos_app.app import AppContext

log = logging.getLogger(__name__)

TYPE_AHEAD_MS = 1000  # letters typed within this long of each other pick one tile
PIN_PATTERN = QRegularExpression(f"[0-9]{{0,{PIN_MAX_DIGITS}}}")


def pin_validator(parent: QObject) -> QRegularExpressionValidator:
    """Digits only, at most 8: what a PIN field accepts."""
    return QRegularExpressionValidator(PIN_PATTERN, parent)


def pin_edit(placeholder: str = "") -> QLineEdit:
    """A password-echo field that takes digits only."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setValidator(pin_validator(edit))
    edit.setMaxLength(PIN_MAX_DIGITS)
    edit.setPlaceholderText(placeholder)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
    return edit


def initials(name: str) -> str:
    """'AM' for Alex Morgan, 'S' for Sam: the letters on a person's tile."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


class UserTile(QPushButton):
    """One person: initials in a circle, the name in large type, the role underneath."""

    def __init__(self, member: StaffMember, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.member = member
        self.setCheckable(True)
        self.setObjectName("userTile")
        self.setMinimumSize(210, 76)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(f"Sign in as {member.name}")
        self.setAccessibleName(f"{member.name}, {member.role.label}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        accent = theme.semantic("accent", self).name()
        self.setStyleSheet(
            "QPushButton#userTile { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; text-align: left; }"
            "QPushButton#userTile:hover { border-color: palette(highlight); }"
            f"QPushButton#userTile:checked {{ border: 2px solid {accent}; }}"
            "QPushButton#userTile:focus { border-color: palette(highlight); }"
        )
        self.badge = QLabel(initials(member.name))
        self.badge.setFixedSize(44, 44)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setFont(theme.font(self, scale=1.1, bold=True))
        self.badge.setStyleSheet(
            f"background: {accent}; color: white; border-radius: 22px; border: none;"
        )
        self.name_label = QLabel(member.name)
        self.name_label.setFont(theme.font(self, scale=1.15, bold=True))
        self.role_label = QLabel(member.role.label)
        self.role_label.setStyleSheet("color: palette(placeholder-text); border: none;")
        self.name_label.setStyleSheet("border: none; background: transparent;")
        for label in (self.badge, self.name_label, self.role_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addStretch(1)
        text.addWidget(self.name_label)
        text.addWidget(self.role_label)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.setSpacing(12)
        row.addWidget(self.badge)
        row.addLayout(text, 1)


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
        self._ctx: AppContext | None = None
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

        self.title = QLabel("Who is at the desk?")
        self.title.setFont(theme.font(self, scale=1.7, bold=True))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QLabel("Choose your name, then type your PIN.")
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle.setFont(theme.font(self, scale=1.1))
        self.subtitle.setStyleSheet("color: palette(placeholder-text);")

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
        box.addWidget(Spinner(diameter=40), 0, Qt.AlignmentFlag.AlignHCenter)
        self.status_label = QLabel("Loading…")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        box.addWidget(self.status_label)
        self.create_button = QPushButton("Create the manager account…")
        theme.make_primary(self.create_button)
        self.create_button.clicked.connect(self.first_run_needed.emit)
        self.create_button.hide()
        box.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.retry_button = QPushButton("Try again")
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
        self.pad = QFrame()
        self.pad.setObjectName("pinPad")
        self.pad.setStyleSheet(
            "QFrame#pinPad { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
        )
        self.pad.setFixedWidth(340)
        self.who_label = QLabel("Choose your name")
        self.who_label.setFont(theme.font(self, scale=1.3, bold=True))
        self.who_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label.setWordWrap(True)
        self.pin_edit = pin_edit("PIN")
        self.pin_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_edit.setFont(theme.font(self, scale=1.6, bold=True))
        self.pin_edit.setMinimumHeight(44)
        self.pin_edit.returnPressed.connect(self.submit)
        self.pin_edit.textChanged.connect(self._on_pin_changed)
        self.pin_edit.installEventFilter(self)
        self.error = ErrorLabel()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The sentence's line is kept free, so the keys do not jump when it appears.
        self.error_slot = QWidget()
        slot = QVBoxLayout(self.error_slot)
        slot.setContentsMargins(0, 0, 0, 0)
        slot.addWidget(self.error)
        self.error_slot.setMinimumHeight(self.error.fontMetrics().lineSpacing() * 2)
        keys = QGridLayout()
        keys.setSpacing(8)
        self.digit_buttons: dict[str, QPushButton] = {}
        for i, digit in enumerate("123456789"):
            keys.addWidget(self._key(digit), i // 3, i % 3)
        self.clear_button = QPushButton("⌫")
        self.clear_button.setToolTip("Delete the last digit (Backspace)")
        self.clear_button.clicked.connect(self.pin_edit.backspace)
        self.ok_button = QPushButton("Sign in")
        self.ok_button.setToolTip("Sign in (Enter)")
        theme.make_primary(self.ok_button)
        self.ok_button.clicked.connect(self.submit)
        for button in (self.clear_button, self.ok_button):
            _keypad_size(button)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setFont(theme.font(self, scale=1.15, bold=True))
        keys.addWidget(self.clear_button, 3, 0)
        keys.addWidget(self._key("0"), 3, 1)
        keys.addWidget(self.ok_button, 3, 2)
        pad_box = QVBoxLayout(self.pad)
        pad_box.setContentsMargins(22, 20, 22, 20)
        pad_box.setSpacing(12)
        pad_box.addWidget(self.who_label)
        pad_box.addWidget(self.pin_edit)
        pad_box.addWidget(self.error_slot)
        pad_box.addLayout(keys, 1)

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
        self._shake = QVariantAnimation(self)
        self._shake.setDuration(360)
        self._shake.setStartValue(0.0)
        self._shake.setEndValue(1.0)
        self._shake.setEasingCurve(QEasingCurve.Type.Linear)
        self._shake.valueChanged.connect(self._shake_step)
        self._pad_home: QPoint | None = None
        self._set_pad_enabled(False)

    # -- public -------------------------------------------------------------------------

    def set_context(self, ctx: AppContext) -> None:
        """Use this app's people service from now on."""
        self._ctx = ctx

    def load(self, prefer_user_id: str | None = None) -> None:
        """Read the active accounts in the background and show their tiles; ``prefer_user_id``
        is selected when it is among them (coming back after a lock)."""
        ctx = self._ctx
        if ctx is None:
            return
        self._prefer = prefer_user_id
        self._deselect()  # whoever was chosen before is not chosen now
        if not self.tiles:
            self._show_status("Loading…")
        people = ctx.people

        def work() -> tuple[bool, list[StaffMember]]:
            return people.has_users(), people.list_users()

        self._runner.run(
            work,
            on_success=self._on_loaded,
            on_failure=self._on_load_failed,
            owner=self,
            key="sign-in-load",
        )

    def select_user(self, user_id: str) -> bool:
        """Select the tile of ``user_id`` and move to the PIN; False if there is none."""
        tile = self.tiles.get(user_id)
        if tile is None:
            return False
        tile.setChecked(True)
        self._selected = tile.member
        self._typed = ""
        self.who_label.setText(f"PIN for {tile.member.name}")
        self.pin_edit.clear()
        self.error.show_error(None)
        self._locked_until = 0.0
        self._countdown.stop()
        self._set_pad_enabled(True)
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
        ctx, member = self._ctx, self._selected
        pin = self.pin_edit.text()
        if ctx is None or member is None or not self.ok_button.isEnabled():
            return
        if not pin:
            self.error.show_error("Type your PIN.")
            return
        people = ctx.people
        self._set_pad_enabled(False)
        self.error.show_error(None)
        self.who_label.setText(f"Checking {member.name}'s PIN…")
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
        self._set_pad_enabled(False)
        self.who_label.setText("Choose your name")
        if not any_users:
            self._show_status(
                "Welcome. There are no accounts yet: create the manager account to begin.",
                create=True,
            )
            self.first_run_needed.emit()
            return
        if not members:
            self._show_status("Every account is inactive. Ask a manager to sign in.")
            return
        columns = 2 if len(members) <= 8 else 3
        for i, member in enumerate(members):
            tile = UserTile(member, self._tile_box)
            tile.clicked.connect(lambda _c=False, uid=member.id: self.select_user(uid))
            self._group.addButton(tile)
            self._tile_grid.addWidget(tile, i // columns, i % columns)
            self.tiles[member.id] = tile
        self._loading.hide()
        self._scroll.show()
        preferred = self._prefer if self._prefer in self.tiles else None
        if preferred is None and len(members) == 1:
            preferred = members[0].id
        if preferred is not None:
            self.select_user(preferred)
        else:
            next(iter(self.tiles.values())).setFocus()
        self.loaded.emit()

    def _on_load_failed(self, error: BaseException) -> None:
        self._show_status(f"The accounts could not be read. {user_message(error)}", retry=True)

    def _show_status(self, text: str, *, create: bool = False, retry: bool = False) -> None:
        self._scroll.hide()
        self._loading.show()
        self.status_label.setText(text)
        self.create_button.setVisible(create)
        self.retry_button.setVisible(retry)
        for spinner in self._loading.findChildren(Spinner):
            spinner.setVisible(not create and not retry and text.endswith("…"))

    # -- checking -----------------------------------------------------------------------

    def _on_signed_in(self, actor: Actor) -> None:
        self.pin_edit.clear()
        self.who_label.setText(f"Welcome, {actor.name}")
        self.signed_in.emit(actor)

    def _on_refused(self, error: BaseException) -> None:
        member = self._selected
        self.pin_edit.clear()
        if member is not None:
            self.who_label.setText(f"PIN for {member.name}")
        if isinstance(error, AccountLockedError):
            self._locked_until = time.monotonic() + error.seconds
            self._tick()
            self._countdown.start()
        else:
            self._set_pad_enabled(True)
            self.error.show_error(user_message(error))
            self.pin_edit.setFocus()
        self._start_shake()

    def _tick(self) -> None:
        left = int(self._locked_until - time.monotonic() + 0.999)
        if left <= 0:
            self._countdown.stop()
            self.error.show_error(None)
            self._set_pad_enabled(self._selected is not None)
            self.pin_edit.setFocus()
            return
        self._set_pad_enabled(False)
        self.error.show_error(locked_sentence(left))

    # -- keyboard and pad ---------------------------------------------------------------

    def _key(self, digit: str) -> QPushButton:
        button = QPushButton(digit)
        _keypad_size(button)
        button.setFont(theme.font(self, scale=1.35, bold=True))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the PIN field keeps the keyboard
        button.clicked.connect(lambda _c=False, d=digit: self._type_digit(d))
        self.digit_buttons[digit] = button
        return button

    def _type_digit(self, digit: str) -> None:
        if self.pin_edit.isEnabled():
            self.pin_edit.insert(digit)
            self.pin_edit.setFocus()

    def _on_pin_changed(self, text: str) -> None:
        if text and not self._countdown.isActive():
            self.error.show_error(None)  # typing again: the old sentence is done with

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Keys as tall as the window allows (a 1366×768 desk gets big keys, 1000×600 fits).
        low, high = KEY_HEIGHTS
        height = max(low, min(high, (self.height() - FIXED_HEIGHT) // 4))
        for button in (*self.digit_buttons.values(), self.clear_button, self.ok_button):
            _keypad_size(button, height)
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
        prefix = self._typed.casefold()
        for member in self._members:
            words = member.name.casefold().split()
            if member.name.casefold().startswith(prefix) or any(
                w.startswith(prefix) for w in words
            ):
                typed = self._typed
                self.select_user(member.id)
                self._typed, self._typed_at = typed, now
                return True
        return False

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
        self.who_label.setText("Choose your name")
        self._set_pad_enabled(False)
        if self.tiles:
            next(iter(self.tiles.values())).setFocus()

    def _set_pad_enabled(self, enabled: bool) -> None:
        self.pin_edit.setEnabled(enabled)
        self.ok_button.setEnabled(enabled)
        self.clear_button.setEnabled(enabled)
        for button in self.digit_buttons.values():
            button.setEnabled(enabled)

    def _start_shake(self) -> None:
        if self._shake.state() == QVariantAnimation.State.Running:
            return
        self._pad_home = self.pad.pos()
        self._shake.start()

    def _shake_step(self, value: object) -> None:
        home = self._pad_home
        if home is None:
            return
        progress = float(value)  # type: ignore[arg-type]
        # Three damped swings left and right, back home at the end.
        offset = 0 if progress >= 1.0 else round(10 * (1 - progress) * _wave(progress * 6))
        self.pad.move(home.x() + offset, home.y())


KEY_HEIGHTS = (36, 60)  # the keys' height: finger-sized at least, generous at most
FIXED_HEIGHT = 360  # the page's height that is not keys (titles, PIN field, margins)


def _keypad_size(button: QPushButton, height: int = KEY_HEIGHTS[1]) -> None:
    button.setFixedHeight(height)


def _wave(x: float) -> float:
    """A triangle wave between -1 and 1 with period 2."""
    x = x % 2.0
    return 2 * x - 1 if x < 1 else 3 - 2 * x


class FirstRunDialog(QDialog):
    """Create the manager account on a new install (name and PIN twice), then sign in."""

    created = Signal(object)  # Actor

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self.actor: Actor | None = None
        self.setWindowTitle("Create the manager account")
        self.setModal(True)
        self.setMinimumWidth(520)

        title = dialog_title(self, "Create the manager account")
        intro = QLabel(
            "This is the first account. Managers add staff, approve refunds and read the "
            "audit log. Choose a PIN of 4 to 8 digits that others cannot guess."
        )
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Alex Morgan")
        self.name_edit.setMaxLength(120)
        self.pin_edit = pin_edit("4 to 8 digits")
        self.pin_again_edit = pin_edit("The same PIN again")
        self.rows = {
            "name": FieldWithError(self.name_edit),
            "pin": FieldWithError(self.pin_edit),
            "pin_again": FieldWithError(self.pin_again_edit),
        }
        form = form_layout()
        form.addRow(form_label("&Name", self.name_edit), self.rows["name"])
        form.addRow(form_label("&PIN", self.pin_edit), self.rows["pin"])
        form.addRow(form_label("PIN &again", self.pin_again_edit), self.rows["pin_again"])
        self.general_error = ErrorLabel()
        self._feedback = FormFeedback(self.rows, self.general_error)
        layout = dialog_layout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        self.buttons, self.create_button = dialog_buttons(
            self, layout, "Create and sign in", self.submit
        )
        self._busy = BusyState(
            self,
            self.create_button,
            self.name_edit,
            self.pin_edit,
            self.pin_again_edit,
            label=self.create_button,
        )
        self.name_edit.setFocus()

    def field_error(self, field: str) -> str:
        """The sentence under ``field`` ('' when none)."""
        return self._feedback.text(field)

    def submit(self) -> None:
        """Create the account in the background."""
        self._feedback.clear()
        name, pin, again = self.name_edit.text(), self.pin_edit.text(), self.pin_again_edit.text()
        people = self._ctx.people
        self._busy.begin("Creating…")
        self._runner.run(
            lambda: people.create_first_manager(name, pin, again),
            on_success=self._on_created,
            on_failure=self._on_failed,
            owner=self,
        )

    def _on_created(self, actor: Actor) -> None:
        self._busy.end()
        self.actor = actor
        self.created.emit(actor)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._busy.end()
        first = self._feedback.show_error(error)
        edit = self.rows[first].field if first is not None else None
        if isinstance(edit, QLineEdit):
            edit.selectAll()  # typed again from scratch
