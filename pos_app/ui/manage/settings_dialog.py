"""Manage ▸ Settings… (Ctrl+,): the business, payments and this station. Managers only.

Three tabs: Business (name, default currency, time zone, hold), Payments (mode, secret key with
"Check key", webhook receiver) and This station (idle lock, theme). Loading, checking a key and
saving all run in the background; the service checks everything and saves all or nothing, and
its sentences appear under the fields they belong to. A new mode, key or receiver needs a
restart: "Save and restart" quits and ``run_gui`` starts the same command again once every
window and the sandbox are closed.
"""

from __future__ import annotations

import sys
import zoneinfo
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QProcess, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.config import DATABASE_FILES, KEY_PREFIXES, MAX_LOCK_MINUTES, THEMES, Mode, Theme
from pos_app.domain.errors import FormErrors
from pos_app.domain.payment import HOLD_MINUTES_MAX, HOLD_MINUTES_MIN
from pos_app.services.settings import (
    CURRENCIES,
    NOT_MANAGER,
    SaveResult,
    SettingsChange,
    SettingsView,
    currency_label,
)
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import (
    BusyState,
    FormFeedback,
    cancel_button,
    dialog_buttons,
    dialog_layout,
    dialog_title,
    loading_page,
)
from pos_app.ui.kit.forms import ErrorLabel, form_label
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.manage import success_url_field as website
from pos_app.ui.manage.backup_panel import BackupPanel
from pos_app.ui.manage.connection_check import ConnectionCheck

if TYPE_CHECKING:
    from pos_app.app import AppContext

RESTART_PROPERTY = "pos_restart_requested"
TABS = ("business", "payments", "station", "connection")
FIELD_TAB = {
    "business_name": "business",
    "currency": "business",
    "timezone": "business",
    "hold_minutes": "business",
    "success_url": "business",
    "mode": "payments",
    "secret_key": "payments",
    "webhook_enabled": "payments",
    "webhook_port": "payments",
    "webhook_secret": "payments",
    "lock_minutes": "station",
    "theme": "station",
}
MODE_TEXT: dict[str, tuple[str, str]] = {
    "sandbox": (
        "&Sandbox",
        "Practice on this computer with the built-in sandbox. No Stripe account, no key, "
        "no card is ever charged.",
    ),
    "test": (
        "&Test",
        "Stripe's test mode with your sk_test_ or rk_test_ key. Only Stripe's test cards "
        "work; no real money moves.",
    ),
    "live": (
        "&Live",
        "Real payments: customers' cards are charged and money reaches your Stripe "
        "account. Needs your sk_live_ or rk_live_ key.",
    ),
}


# -- restarting --------------------------------------------------------------------------------


def restart_app() -> None:
    """Quit; ``run_gui`` starts the same command again once everything is closed."""
    app = QCoreApplication.instance()
    if app is not None:
        app.setProperty(RESTART_PROPERTY, True)
        app.quit()


def relaunch_command(argv: Sequence[str] | None = None) -> tuple[str, list[str]]:
    """This interpreter running ``pos_app`` with the same arguments (works for the
    ``pos-app`` script, ``python -m pos_app`` and Windows launchers alike)."""
    args = list(sys.argv if argv is None else argv)[1:]
    return sys.executable, ["-m", "pos_app", *args]


def relaunch_if_requested(
    app: QCoreApplication,
    start: Callable[[str, list[str]], object] = QProcess.startDetached,
    argv: Sequence[str] | None = None,
) -> bool:
    """Start the app again if Save and restart asked for it; True if it did."""
    if not app.property(RESTART_PROPERTY):
        return False
    app.setProperty(RESTART_PROPERTY, False)
    program, args = relaunch_command(argv)
    start(program, args)
    return True


def _time_zones() -> list[str]:
    """IANA zone names people pick from (no legacy aliases); read in the background."""
    names = zoneinfo.available_timezones()
    skip = ("posix/", "right/", "SystemV/", "US/", "Etc/")
    picked = {n for n in names if "/" in n and not n.startswith(skip)}
    return sorted(picked | {"UTC"})


# -- small widgets -----------------------------------------------------------------------------


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    label.setStyleSheet("QLabel#hint { color: palette(placeholder-text); }")
    return label


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setFont(theme.font(label, scale=1.05, bold=True))
    return label


class FieldRow(QWidget):
    """A field (with optional buttons beside it), a quiet hint and an error sentence below."""

    def __init__(self, field: QWidget, *extras: QWidget, hint: str = "") -> None:
        super().__init__()
        self.field = field
        self.hint = _muted(hint)
        self.hint.setVisible(bool(hint))
        self.error = ErrorLabel(self)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        # A field with a maximum width (a spin box) stays at the left, not centred.
        fixed = field.maximumWidth() < 10_000
        line.addWidget(field, 0 if fixed else 1)
        if fixed:
            line.addStretch(1)
        for extra in extras:
            line.addWidget(extra)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        box.addLayout(line)
        box.addWidget(self.hint)
        box.addWidget(self.error)
        self.setFocusProxy(field)

    def set_hint(self, text: str) -> None:
        """Replace the quiet line under the field ('' hides it)."""
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def lock(self, variable: str) -> None:
        """The environment fixed this setting: read-only, and say so."""
        self.field.setEnabled(False)
        self.set_hint(f"Set by {variable} in the environment.")


class SettingsDialog(QDialog):
    """The settings, for managers. ``saved(SaveResult)`` after a successful save."""

    saved = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        tab: str = "business",
        restart: Callable[[], None] = restart_app,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._restart = restart
        self._view: SettingsView | None = None
        self.setWindowTitle("Settings")
        self.setModal(True)
        self.setMinimumWidth(700)

        title = dialog_title(self, "Settings")
        self.badge = theme.ModeBadge(ctx.mode)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.badge)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._scrolled(self._build_business()), "&Business")
        self.tabs.addTab(self._scrolled(self._build_payments()), "&Payments")
        self.tabs.addTab(self._scrolled(self._build_station()), "This statio&n")
        self.connection = ConnectionCheck(self._ctx, self._runner)
        self.tabs.addTab(self._scrolled(self.connection), "Connect&ion")

        loading, self.loading_label = loading_page("Loading settings…")
        self.pages = QStackedWidget()
        self.pages.addWidget(loading)
        self.pages.addWidget(self.tabs)

        self.general_error = ErrorLabel()
        self._feedback = FormFeedback(self.rows, self.general_error)
        self.status_spinner = Spinner(diameter=20)
        self.status_label = QLabel("")
        layout = dialog_layout(self)
        layout.addLayout(head)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.general_error)
        bottom = QHBoxLayout()
        layout.addLayout(bottom)
        bottom.addWidget(self.status_spinner)
        bottom.addWidget(self.status_label, 1)
        self.buttons, self.save_button = dialog_buttons(self, bottom, "Save", self.save)
        self.save_button.setEnabled(False)
        # Wide enough for "Save and restart" from the start, so the button never jumps.
        wide = self.save_button.fontMetrics().horizontalAdvance("Save and restart") + 36
        self.save_button.setMinimumWidth(wide)
        self._saving = BusyState(
            self,
            self.tabs,
            self.save_button,
            cancel_button(self.buttons),
            label=self.status_label,
            spinner=self.status_spinner,
        )

        self.set_tab(tab)
        self.resize(760, 640)
        self._load()

    # -- construction ------------------------------------------------------------------

    def _scrolled(self, page: QWidget) -> QScrollArea:
        # Scrolls only on a small screen or at a large text size; never clips a field.
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(page)
        return area

    def _form(self) -> tuple[QWidget, QFormLayout]:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(8, 16, 8, 8)
        form.setVerticalSpacing(12)
        form.setHorizontalSpacing(16)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return page, form

    def _label(self, text: str, row: FieldRow) -> QLabel:
        return form_label(text, row.field)

    def _build_business(self) -> QWidget:
        page, form = self._form()
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(120)
        self.name_edit.setPlaceholderText("e.g. Salon Nova")
        self.currency_combo = QComboBox()
        for code in CURRENCIES:
            self.currency_combo.addItem(currency_label(code), code)
        self.currency_combo.setMaxVisibleItems(14)
        self.timezone_combo = QComboBox()
        self.timezone_combo.setEditable(True)
        self.timezone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone_combo.setMaxVisibleItems(14)
        line = self.timezone_combo.lineEdit()
        assert line is not None
        line.setPlaceholderText("Type a city to search, e.g. London")
        self.hold_spin = QSpinBox()
        self.hold_spin.setRange(HOLD_MINUTES_MIN, HOLD_MINUTES_MAX)
        self.hold_spin.setSuffix(" minutes")
        self.hold_spin.setMaximumWidth(160)

        self.rows: dict[str, FieldRow] = {}
        self.rows["business_name"] = FieldRow(
            self.name_edit, hint="Shown in the window and on the customer's screen."
        )
        self.rows["currency"] = FieldRow(
            self.currency_combo, hint="New services start in this currency; prices keep theirs."
        )
        self.rows["timezone"] = FieldRow(
            self.timezone_combo, hint="The business day and every time shown use this zone."
        )
        self.rows["hold_minutes"] = FieldRow(
            self.hold_spin,
            hint="How long a payment QR stays payable before the app closes the link.",
        )
        self.success_url_edit = website.success_url_edit()
        self.rows["success_url"] = FieldRow(self.success_url_edit, hint=website.HINT)
        for name, text in (
            ("business_name", "Business na&me"),
            ("currency", "Default &currency"),
            ("timezone", "&Time zone"),
            ("hold_minutes", "&Hold payment links"),
            ("success_url", website.LABEL),
        ):
            form.addRow(self._label(text, self.rows[name]), self.rows[name])
        return page

    def _build_payments(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(8, 14, 8, 8)
        box.setSpacing(8)

        box.addWidget(_section("Mode"))
        self.mode_group = QButtonGroup(self)
        self.mode_radios: dict[str, QRadioButton] = {}
        self.mode_texts: dict[str, QLabel] = {}
        mode_box = QWidget()
        modes = QVBoxLayout(mode_box)
        modes.setContentsMargins(0, 0, 0, 0)
        modes.setSpacing(2)
        for mode, (label, text) in MODE_TEXT.items():
            radio = QRadioButton(label)
            radio.setFont(theme.font(radio, bold=mode == "live"))
            self.mode_group.addButton(radio)
            self.mode_radios[mode] = radio
            desc = _muted(text)
            desc.setContentsMargins(26, 0, 0, 6)
            self.mode_texts[mode] = desc
            modes.addWidget(radio)
            modes.addWidget(desc)
        self.rows["mode"] = FieldRow(mode_box)
        self.rows["mode"].setFocusProxy(self.mode_radios["sandbox"])
        box.addWidget(self.rows["mode"])
        self.restart_note = QLabel("")
        self.restart_note.setWordWrap(True)
        self.restart_note.setObjectName("restartNote")
        self.restart_note.hide()
        box.addWidget(self.restart_note)

        box.addSpacing(6)
        box.addWidget(_section("Stripe secret key"))
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setClearButtonEnabled(True)
        self.key_edit.setAccessibleName("Stripe secret key")
        self.check_button = QPushButton("Check &key")
        self.check_button.setToolTip("Ask Stripe whether this key works (nothing is charged)")
        self.rows["secret_key"] = FieldRow(self.key_edit, self.check_button)
        box.addWidget(self.rows["secret_key"])
        self.check_spinner = Spinner(diameter=18)
        self.check_spinner.hide()
        self.check_label = QLabel("")
        self.check_label.setWordWrap(True)
        self.check_label.setObjectName("checkResult")
        check_line = QHBoxLayout()
        check_line.setContentsMargins(0, 0, 0, 0)
        check_line.addWidget(self.check_spinner, 0, Qt.AlignmentFlag.AlignTop)
        check_line.addWidget(self.check_label, 1)
        box.addLayout(check_line)
        self.storage_label = _muted("")
        self.storage_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.storage_label)

        box.addSpacing(6)
        box.addWidget(_section("Webhook receiver"))
        self.webhook_check = QCheckBox("&Receive Stripe webhooks on this computer")
        self.rows["webhook_enabled"] = FieldRow(self.webhook_check)
        box.addWidget(self.rows["webhook_enabled"])
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setMaximumWidth(120)
        self.webhook_secret_edit = QLineEdit()
        self.webhook_secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.webhook_secret_edit.setClearButtonEnabled(True)
        self.webhook_secret_edit.setAccessibleName("Webhook signing secret")
        self.rows["webhook_port"] = FieldRow(self.port_spin)
        self.rows["webhook_secret"] = FieldRow(self.webhook_secret_edit)
        hook_form = QFormLayout()
        hook_form.setContentsMargins(26, 0, 0, 0)
        hook_form.setHorizontalSpacing(12)
        hook_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        hook_form.addRow(self._label("P&ort", self.rows["webhook_port"]), self.rows["webhook_port"])
        hook_form.addRow(
            self._label("Si&gning secret", self.rows["webhook_secret"]),
            self.rows["webhook_secret"],
        )
        box.addLayout(hook_form)
        self.webhook_hint = _muted("")
        self.webhook_hint.setContentsMargins(26, 0, 0, 0)
        box.addWidget(self.webhook_hint)
        box.addStretch(1)

        self.mode_group.buttonToggled.connect(self._on_mode_toggled)
        self.check_button.clicked.connect(self.check_key)
        self.key_edit.textChanged.connect(self._on_key_edited)
        self.webhook_check.toggled.connect(self._update_webhook)
        self.port_spin.valueChanged.connect(self._update_webhook)
        self.webhook_secret_edit.textChanged.connect(self._update_restart)
        return page

    def _build_station(self) -> QWidget:
        page, form = self._form()
        self.lock_spin = QSpinBox()
        self.lock_spin.setRange(0, MAX_LOCK_MINUTES)
        self.lock_spin.setSpecialValueText("Never")
        self.lock_spin.setSuffix(" minutes")
        self.lock_spin.setMaximumWidth(160)
        self.theme_combo = QComboBox()
        for name in THEMES:
            self.theme_combo.addItem(theme.THEME_LABELS[name], name)
        self.theme_combo.setMaximumWidth(240)
        self.rows["lock_minutes"] = FieldRow(
            self.lock_spin,
            hint="Lock this computer after this long without a key press or click.",
        )
        self.rows["theme"] = FieldRow(
            self.theme_combo, hint="Light or dark colours for this computer only."
        )
        form.addRow(
            self._label("&Lock after", self.rows["lock_minutes"]), self.rows["lock_minutes"]
        )
        form.addRow(self._label("T&heme", self.rows["theme"]), self.rows["theme"])
        self.data_label = _muted("")
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(_muted("Data folder"), self.data_label)
        self.backups = BackupPanel(self._ctx, self._runner)  # the last backup, "Back up now"
        form.addRow(_muted("Backups"), self.backups)
        return page

    # -- public ------------------------------------------------------------------------

    def is_loaded(self) -> bool:
        """True once the settings are shown."""
        return self._view is not None

    def is_busy(self) -> bool:
        """True while saving."""
        return self._saving.busy

    def current_tab(self) -> str:
        """'business', 'payments' or 'station'."""
        return TABS[self.tabs.currentIndex()]

    def set_tab(self, name: str) -> None:
        """Show tab ``name`` ('business', 'payments', 'station', 'connection')."""
        self.tabs.setCurrentIndex(TABS.index(name) if name in TABS else 0)

    def field_error(self, name: str) -> str:
        """The sentence under field ``name`` ('' when none)."""
        row = self.rows.get(name)
        return row.error.text() if row is not None and not row.error.isHidden() else ""

    def selected_mode(self) -> Mode:
        """The mode chosen in the Payments tab."""
        for mode, radio in self.mode_radios.items():
            if radio.isChecked():
                return mode  # type: ignore[return-value]
        return "sandbox"

    def select_mode(self, mode: str) -> None:
        """Choose ``mode`` in the Payments tab (as a click would)."""
        self.mode_radios[mode].setChecked(True)

    def check_result(self) -> str:
        """The last "Check key" sentence ('' before any)."""
        return self.check_label.text()

    def reject(self) -> None:
        """Escape or Cancel closes, except while saving (the outcome must reach the window)."""
        if not self._saving.busy:
            super().reject()

    def save(self) -> None:
        """Send everything to ``SettingsService.save`` in the background."""
        if self._view is None or self._saving.busy:
            return
        self._feedback.clear()
        change = self._change()
        settings = self._ctx.settings
        self._saving.begin()
        self._runner.run(
            lambda: settings.save(change),
            on_success=self._on_saved,
            on_failure=self._on_save_failed,
            owner=self,
        )

    def check_key(self) -> None:
        """Ask Stripe (or the sandbox) whether the key works, in the background."""
        if self._view is None:
            return
        mode = self.selected_mode()
        key = self.key_edit.text()
        settings = self._ctx.settings
        self.rows["secret_key"].error.show_error(None)
        self.check_button.setEnabled(False)
        self.check_spinner.show()
        self._show_check("Checking with Stripe…", None)
        self._runner.run(
            lambda: settings.check_key(mode, key),
            on_success=self._on_checked,
            on_failure=self._on_check_failed,
            key="settings-check-key",
            owner=self,
        )

    # -- loading -----------------------------------------------------------------------

    def _load(self) -> None:
        if not self._ctx.deps.desk.actor.is_manager:
            # The window refuses earlier; this is the same sentence should one slip through.
            self.loading_label.setText(NOT_MANAGER)
            return
        settings = self._ctx.settings

        def work() -> tuple[SettingsView, list[str]]:
            return settings.load(), _time_zones()

        self._runner.run(
            work, on_success=self._on_loaded, on_failure=self._on_load_failed, owner=self
        )

    def _on_load_failed(self, error: BaseException) -> None:
        self.loading_label.setText(user_message(error))

    def _on_loaded(self, loaded: tuple[SettingsView, list[str]]) -> None:
        view, zones = loaded
        self._view = view
        zone = view.business.timezone
        self.timezone_combo.addItems(zones if zone in zones else sorted([*zones, zone]))
        completer = QCompleter(self.timezone_combo.model(), self.timezone_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.timezone_combo.setCompleter(completer)
        self._fill(view)
        self.pages.setCurrentIndex(1)
        self.save_button.setEnabled(True)
        focus = {"business": self.name_edit, "payments": self.key_edit}.get(
            self.current_tab(), self.lock_spin
        )
        (focus if focus.isEnabled() else self.tabs).setFocus()

    def _fill(self, view: SettingsView) -> None:
        b = view.business
        self.name_edit.setText(b.business_name)
        index = self.currency_combo.findData(b.currency.lower())
        self.currency_combo.setCurrentIndex(max(index, 0))
        self.timezone_combo.setCurrentText(b.timezone)
        self.hold_spin.setValue(b.hold_minutes)
        self.success_url_edit.setText(b.success_url)
        self.rows["success_url"].set_hint(website.success_url_hint(b.success_url, view.mode))
        self.mode_radios[view.mode].setChecked(True)
        self.webhook_check.setChecked(view.station.webhook_enabled)
        self.port_spin.setValue(view.station.webhook_port)
        self.lock_spin.setValue(view.station.lock_minutes)
        self.theme_combo.setCurrentIndex(max(self.theme_combo.findData(view.station.theme), 0))
        self.storage_label.setText(view.storage)
        self.data_label.setText(view.data_dir)
        for name, variable in view.locked.items():
            row = self.rows.get(name)
            if row is not None:
                row.lock(variable)
        if "mode" in view.locked:
            for radio in self.mode_radios.values():
                radio.setEnabled(False)
            self.rows["mode"].set_hint(f"Set by {view.locked['mode']} in the environment.")
        if "webhook_enabled" in view.locked:
            self.port_spin.setEnabled(False)
        if view.notice:
            self.general_error.show_error(view.notice)
        self._update_mode()
        self._update_webhook()

    # -- reacting to edits -------------------------------------------------------------

    def _on_mode_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._update_mode()

    def _on_key_edited(self) -> None:
        self.rows["secret_key"].error.show_error(None)
        self._show_check("", None)
        self._update_restart()

    def _update_mode(self) -> None:
        view = self._view
        mode = self.selected_mode()
        # Test and live mode need the website before card payments: say so as the mode changes.
        website_hint = website.success_url_hint(self.success_url_edit.text(), mode)
        self.rows["success_url"].set_hint(website_hint)
        danger = theme.semantic("danger", self).name()
        self.mode_texts["live"].setStyleSheet(f"QLabel#hint {{ color: {danger}; }}")
        locked = view is not None and "secret_key" in view.locked
        if mode == "sandbox":
            self.key_edit.setEnabled(False)
            self.key_edit.clear()
            self.key_edit.setPlaceholderText("The sandbox needs no key")
            self.rows["secret_key"].set_hint("")
        elif not locked:
            self.key_edit.setEnabled(True)
            hint = view.key_hints.get(mode) if view is not None else None
            prefixes = " or ".join(f"{p}…" for p in KEY_PREFIXES[mode])
            if hint:
                self.key_edit.setPlaceholderText(f"Leave empty to keep the key ending {hint}")
                self.rows["secret_key"].set_hint(
                    f"A {mode} key ending {hint} is stored. Paste a new one ({prefixes}) to "
                    "replace it."
                )
            else:
                self.key_edit.setPlaceholderText(f"Paste your {prefixes} key")
                self.rows["secret_key"].set_hint(
                    f"No {mode} key is stored yet. Restricted keys (rk_…) are accepted."
                )
        self._show_check("", None)
        self.rows["secret_key"].error.show_error(None)
        self._update_restart()

    def _update_webhook(self) -> None:
        view = self._view
        on = self.webhook_check.isChecked()
        locked = view is not None and "webhook_enabled" in view.locked
        self.port_spin.setEnabled(on and not locked)
        self.webhook_secret_edit.setEnabled(
            on and not (view is not None and "webhook_secret" in view.locked)
        )
        port = self.port_spin.value()
        hint = view.webhook_secret_hints.get(self.selected_mode()) if view is not None else None
        self.webhook_secret_edit.setPlaceholderText(
            f"Leave empty to keep the secret ending {hint}" if hint else "whsec_…"
        )
        self.webhook_hint.setText(
            f"Stripe sends events to http://127.0.0.1:{port}/stripe/webhook, for example "
            f"through stripe listen --forward-to localhost:{port}/stripe/webhook. Optional: "
            "the app also reads Stripe's events feed every few seconds."
        )
        self._update_restart()

    def _restart_reason(self) -> str:
        """Why saving now would restart the app ('' when it would not)."""
        view = self._view
        if view is None:
            return ""
        mode = self.selected_mode()
        if mode != view.running_mode and "mode" not in view.locked:
            return (
                f"Saving restarts the app in {mode} mode. Each mode keeps its own bookings "
                f"({DATABASE_FILES[mode]}), so test records never mix with real ones."
            )
        if self.key_edit.text().strip() and mode == view.running_mode:
            return "Saving restarts the app to use the new key."
        hook = (self.webhook_check.isChecked(), self.port_spin.value())
        was = (view.station.webhook_enabled, view.station.webhook_port)
        if (hook != was and "webhook_enabled" not in view.locked) or (
            self.webhook_secret_edit.text().strip() and hook[0]
        ):
            return "Saving restarts the app to start or stop the webhook receiver."
        return ""

    def _update_restart(self) -> None:
        reason = self._restart_reason()
        self.restart_note.setText(reason)
        self.restart_note.setVisible(bool(reason))
        tone = "danger" if self.selected_mode() == "live" and reason else "warning"
        color = theme.semantic(tone, self).name()
        self.restart_note.setStyleSheet(
            f"QLabel#restartNote {{ color: {color}; font-weight: bold; }}"
        )
        self.save_button.setText("Save and restart" if reason else "Save")

    # -- saving ------------------------------------------------------------------------

    def _change(self) -> SettingsChange:
        return SettingsChange(
            business_name=self.name_edit.text(),
            currency=str(self.currency_combo.currentData() or ""),
            timezone=self.timezone_combo.currentText(),
            hold_minutes=self.hold_spin.value(),
            success_url=self.success_url_edit.text(),
            mode=self.selected_mode(),
            webhook_enabled=self.webhook_check.isChecked(),
            webhook_port=self.port_spin.value(),
            lock_minutes=self.lock_spin.value(),
            theme=self._theme(),
            secret_key=self.key_edit.text() if self.key_edit.isEnabled() else "",
            webhook_secret=(
                self.webhook_secret_edit.text() if self.webhook_secret_edit.isEnabled() else ""
            ),
        )

    def _theme(self) -> Theme:
        data = self.theme_combo.currentData()
        return data if data in THEMES else "system"

    def _on_saved(self, result: SaveResult) -> None:
        self._saving.end()
        self.key_edit.clear()
        self.webhook_secret_edit.clear()
        app = QApplication.instance()
        old = self._view
        if isinstance(app, QApplication) and old and result.view.station.theme != old.station.theme:
            theme.apply_theme_setting(app, result.view.station.theme)
        self._view = result.view
        self.saved.emit(result)
        self.accept()
        if result.restart_needed:
            self._restart()

    def _on_save_failed(self, error: BaseException) -> None:
        self._saving.end()
        first = self._feedback.show_error(error)
        if first is not None:
            # The first sentence's tab comes to the front, its field focused.
            self.set_tab(FIELD_TAB.get(first, "business"))
            self.rows[first].setFocus()

    # -- checking a key ----------------------------------------------------------------

    def _show_check(self, text: str, tone: str | None) -> None:
        color = theme.semantic(tone, self).name() if tone else "palette(window-text)"
        self.check_label.setStyleSheet(f"QLabel#checkResult {{ color: {color}; }}")
        self.check_label.setText(text)
        self.check_label.setVisible(bool(text))

    def _on_checked(self, sentence: str) -> None:
        self.check_button.setEnabled(True)
        self.check_spinner.hide()
        self._show_check(f"✓ {sentence}", "success")

    def _on_check_failed(self, error: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.check_spinner.hide()
        if isinstance(error, FormErrors) and "secret_key" in error.errors:
            self._show_check("", None)
            self.rows["secret_key"].error.show_error(error.errors["secret_key"])
        else:
            self._show_check(user_message(error), "danger")
