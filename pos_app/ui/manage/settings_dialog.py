"""Manage ▸ Settings… (Ctrl+,): the business, payments and this station. Managers only.

Tabs: Business (name, default currency, time zone, hold, website, address, tax id, logo),
Payments (mode, secret key with "Check key"), This station (idle lock, theme, backups),
Stations (this station's name and every station sharing the database; its own Save),
Advanced (webhook receiver, where keys are kept) and Connection. Loading, checking a key and
saving all run in the background; the service checks everything and saves all or nothing, and
its sentences appear under the fields they belong to. A new mode, key or receiver needs a
restart: "Save and restart" quits and ``run_gui`` starts the same command again once every
window and the sandbox are closed (``settings_restart``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCompleter,
    QDialog,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from pos_app.config import DATABASE_FILES, KEY_PREFIXES, THEMES, Mode, Theme
from pos_app.domain.errors import FormErrors, PermissionDeniedError
from pos_app.i18n import _
from pos_app.services.settings import NOT_MANAGER, SaveResult, SettingsChange, SettingsView
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
from pos_app.ui.kit.forms import ErrorLabel
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.manage import success_url_field as website
from pos_app.ui.manage.backup_panel import BackupPanel
from pos_app.ui.manage.connection_check import ConnectionCheck
from pos_app.ui.manage.ports import BackupTaking, ConnectionDoctor, SettingsEditing
from pos_app.ui.manage.settings_pages import (
    AdvancedPage,
    BusinessPage,
    LogoChooser,
    PaymentsPage,
    StationPage,
    choose_logo_file,
)
from pos_app.ui.manage.settings_restart import RESTART_PROPERTY as RESTART_PROPERTY
from pos_app.ui.manage.settings_restart import relaunch_command as relaunch_command
from pos_app.ui.manage.settings_restart import relaunch_if_requested as relaunch_if_requested
from pos_app.ui.manage.settings_restart import restart_app
from pos_app.ui.manage.settings_rows import FieldRow, scrolled, time_zones
from pos_app.ui.manage.stations_page import StationsBrowsing, StationsPage

TABS = ("business", "payments", "station", "stations", "advanced", "connection")
FIELD_TAB = {
    "business_name": "business",
    "currency": "business",
    "timezone": "business",
    "hold_minutes": "business",
    "success_url": "business",
    "address": "business",
    "tax_id": "business",
    "logo_path": "business",
    "mode": "payments",
    "secret_key": "payments",
    "webhook_enabled": "advanced",
    "webhook_port": "advanced",
    "webhook_secret": "advanced",
    "lock_minutes": "station",
    "theme": "station",
    "language": "station",
    "tip_on_display": "station",
}


class SettingsDialog(QDialog):
    """The settings, for managers. ``saved(SaveResult)`` after a successful save.

    It is given only the services it calls: reading and saving settings, this station's
    backups, the connection checks and the stations (``stations``: None lists none);
    ``mode`` (the badge) and ``timezone`` (backup times) are those the app runs with.
    """

    saved = Signal(object)

    def __init__(
        self,
        settings: SettingsEditing,
        backups: BackupTaking,
        doctor: ConnectionDoctor,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        mode: str,
        timezone: tzinfo,
        tab: str = "business",
        restart: Callable[[], None] = restart_app,
        choose_logo: LogoChooser = choose_logo_file,
        stations: StationsBrowsing | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._runner = runner
        self._restart = restart
        self._view: SettingsView | None = None
        self.setWindowTitle(_("Settings"))
        self.setModal(True)
        self.setMinimumWidth(700)

        title = dialog_title(self, _("Settings"))
        self.badge = theme.ModeBadge(mode)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.badge)

        self.business = BusinessPage(choose_logo)
        self.payments = PaymentsPage()
        # The last backup and "Back up now"; then Stripe's connection, checked on demand.
        self.backups = BackupPanel(backups, timezone, runner)
        self.station = StationPage(self.backups)
        self.advanced = AdvancedPage()
        self.connection = ConnectionCheck(doctor, runner)
        self.stations = StationsPage(stations, runner)  # its own Save (the name)
        self.rows: dict[str, FieldRow] = {
            **self.business.rows,
            **self.payments.rows,
            **self.advanced.rows,
            **self.station.rows,
        }
        self._alias_fields()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(scrolled(self.business), _("&Business"))
        self.tabs.addTab(scrolled(self.payments), _("&Payments"))
        self.tabs.addTab(scrolled(self.station), _("This statio&n"))
        self.tabs.addTab(self.stations, _("Stati&ons"))
        self.tabs.addTab(scrolled(self.advanced), _("&Advanced"))
        self.tabs.addTab(scrolled(self.connection), _("Connect&ion"))

        loading, self.loading_label = loading_page(_("Loading settings…"))
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
        self.buttons, self.save_button = dialog_buttons(self, bottom, _("Save"), self.save)
        self.save_button.setEnabled(False)
        # Wide enough for "Save and restart" from the start, so the button never jumps.
        wide = self.save_button.fontMetrics().horizontalAdvance(_("Save and restart")) + 48
        self.save_button.setMinimumWidth(wide)
        self._saving = BusyState(
            self,
            self.tabs,
            self.save_button,
            cancel_button(self.buttons),
            label=self.status_label,
            spinner=self.status_spinner,
        )

        self.payments.mode_group.buttonToggled.connect(self._on_mode_toggled)
        self.check_button.clicked.connect(self.check_key)
        self.key_edit.textChanged.connect(self._on_key_edited)
        self.webhook_check.toggled.connect(self._update_webhook)
        self.port_spin.valueChanged.connect(self._update_webhook)
        self.webhook_secret_edit.textChanged.connect(self._update_restart)
        self.set_tab(tab)
        self.resize(760, 680)
        self._load()

    def _alias_fields(self) -> None:
        # The fields tests, screenshots and the window reach for, under their old names.
        b, p, a, s = self.business, self.payments, self.advanced, self.station
        self.name_edit, self.currency_combo = b.name_edit, b.currency_combo
        self.timezone_combo, self.hold_spin = b.timezone_combo, b.hold_spin
        self.success_url_edit, self.address_edit = b.success_url_edit, b.address_edit
        self.tax_id_edit, self.logo_edit = b.tax_id_edit, b.logo_edit
        self.mode_radios, self.mode_texts = p.mode_radios, p.mode_texts
        self.restart_note, self.key_edit = p.restart_note, p.key_edit
        self.check_button, self.check_label = p.check_button, p.check_label
        self.check_spinner = p.check_spinner
        self.webhook_check, self.port_spin = a.webhook_check, a.port_spin
        self.webhook_secret_edit, self.storage_label = a.webhook_secret_edit, a.storage_label
        self.lock_spin, self.theme_combo, self.data_label = s.lock_spin, s.theme_combo, s.data_label
        self.language_combo, self.tip_check = s.language_combo, s.tip_check

    # -- public ------------------------------------------------------------------------

    def is_loaded(self) -> bool:
        """True once the settings are shown."""
        return self._view is not None

    def is_busy(self) -> bool:
        """True while saving."""
        return self._saving.busy

    def current_tab(self) -> str:
        """'business', 'payments', 'station', 'stations', 'advanced' or 'connection'."""
        return TABS[self.tabs.currentIndex()]

    def set_tab(self, name: str) -> None:
        """Show tab ``name`` (one of ``TABS``; the first for any other name)."""
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
        settings = self._settings
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
        settings = self._settings
        self.rows["secret_key"].error.show_error(None)
        self.check_button.setEnabled(False)
        self.check_spinner.show()
        self.payments.show_check(_("Checking with Stripe…"), None)
        self._runner.run(
            lambda: settings.check_key(mode, key),
            on_success=self._on_checked,
            on_failure=self._on_check_failed,
            key="settings-check-key",
            owner=self,
        )

    # -- loading -----------------------------------------------------------------------

    def _load(self) -> None:
        settings = self._settings

        def work() -> tuple[SettingsView, list[str]]:
            if not settings.manager_signed_in():
                # The window refuses earlier; the same sentence should one slip through.
                raise PermissionDeniedError(NOT_MANAGER)
            return settings.load(), time_zones()

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
        self.address_edit.setPlainText(b.address)
        self.tax_id_edit.setText(b.tax_id)
        self.business.set_logo(b.logo_path)
        self.mode_radios[view.mode].setChecked(True)
        self.webhook_check.setChecked(view.station.webhook_enabled)
        self.port_spin.setValue(view.station.webhook_port)
        self.lock_spin.setValue(view.station.lock_minutes)
        self.theme_combo.setCurrentIndex(max(self.theme_combo.findData(view.station.theme), 0))
        language = self.language_combo.findData(view.station.language)
        self.language_combo.setCurrentIndex(max(language, 0))
        self.tip_check.setChecked(view.station.tip_on_display)
        self.storage_label.setText(view.storage)
        self.data_label.setText(view.data_dir)
        for name, variable in view.locked.items():
            row = self.rows.get(name)
            if row is not None:
                row.lock(variable)
        if "mode" in view.locked:
            for radio in self.mode_radios.values():
                radio.setEnabled(False)
            self.rows["mode"].set_hint(
                _("Set by {variable} in the environment.").format(variable=view.locked["mode"])
            )
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
        self.payments.show_check("", None)
        self._update_restart()

    def _update_mode(self) -> None:
        view = self._view
        mode = self.selected_mode()
        # Test and live mode need the website before card payments: say so as the mode changes.
        website_hint = website.success_url_hint(self.success_url_edit.text(), mode)
        self.rows["success_url"].set_hint(website_hint)
        locked = view is not None and "secret_key" in view.locked
        if mode == "sandbox":
            self.key_edit.setEnabled(False)
            self.key_edit.clear()
            self.key_edit.setPlaceholderText(_("The sandbox needs no key"))
            self.rows["secret_key"].set_hint("")
        elif not locked:
            self.key_edit.setEnabled(True)
            hint = view.key_hints.get(mode) if view is not None else None
            prefixes = _(" or ").join(f"{p}…" for p in KEY_PREFIXES[mode])
            live = mode == "live"
            if hint:
                self.key_edit.setPlaceholderText(
                    _("Leave empty to keep the key ending {hint}").format(hint=hint)
                )
                stored = (
                    _(
                        "A live key ending {hint} is stored. "
                        "Paste a new one ({prefixes}) to replace it."
                    )
                    if live
                    else _(
                        "A test key ending {hint} is stored. "
                        "Paste a new one ({prefixes}) to replace it."
                    )
                )
                self.rows["secret_key"].set_hint(stored.format(hint=hint, prefixes=prefixes))
            else:
                self.key_edit.setPlaceholderText(
                    _("Paste your {prefixes} key").format(prefixes=prefixes)
                )
                self.rows["secret_key"].set_hint(
                    _("No live key is stored yet. Restricted keys (rk_…) are accepted.")
                    if live
                    else _("No test key is stored yet. Restricted keys (rk_…) are accepted.")
                )
        self.payments.show_check("", None)
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
        hint = view.webhook_secret_hints.get(self.selected_mode()) if view is not None else None
        self.webhook_secret_edit.setPlaceholderText(
            _("Leave empty to keep the secret ending {hint}").format(hint=hint)
            if hint
            else "whsec_…"
        )
        self.advanced.show_receiver_hint(self.port_spin.value())
        self._update_restart()

    def _restart_reason(self) -> str:
        """Why saving now would restart the app ('' when it would not)."""
        view = self._view
        if view is None:
            return ""
        mode = self.selected_mode()
        if mode != view.running_mode and "mode" not in view.locked:
            sentence = {
                "sandbox": _(
                    "Saving restarts the app in sandbox mode. Each mode keeps its own bookings "
                    "({file}), so test records never mix with real ones."
                ),
                "test": _(
                    "Saving restarts the app in test mode. Each mode keeps its own bookings "
                    "({file}), so test records never mix with real ones."
                ),
                "live": _(
                    "Saving restarts the app in live mode. Each mode keeps its own bookings "
                    "({file}), so test records never mix with real ones."
                ),
            }[mode]
            return sentence.format(file=DATABASE_FILES[mode])
        if self.key_edit.text().strip() and mode == view.running_mode:
            return _("Saving restarts the app to use the new key.")
        hook = (self.webhook_check.isChecked(), self.port_spin.value())
        was = (view.station.webhook_enabled, view.station.webhook_port)
        if (hook != was and "webhook_enabled" not in view.locked) or (
            self.webhook_secret_edit.text().strip() and hook[0]
        ):
            return _("Saving restarts the app to start or stop the webhook receiver.")
        return ""

    def _update_restart(self) -> None:
        reason = self._restart_reason()
        self.restart_note.setText(reason)
        self.restart_note.setVisible(bool(reason))
        tone = "danger" if self.selected_mode() == "live" and reason else "warning"
        theme.set_role(self.restart_note, tone=tone)
        self.save_button.setText(_("Save and restart") if reason else _("Save"))

    # -- saving ------------------------------------------------------------------------

    def _change(self) -> SettingsChange:
        return SettingsChange(
            business_name=self.name_edit.text(),
            currency=str(self.currency_combo.currentData() or ""),
            timezone=self.timezone_combo.currentText(),
            hold_minutes=self.hold_spin.value(),
            success_url=self.success_url_edit.text(),
            address=self.business.address(),
            tax_id=self.tax_id_edit.text(),
            logo_path=self.logo_edit.text(),
            mode=self.selected_mode(),
            webhook_enabled=self.webhook_check.isChecked(),
            webhook_port=self.port_spin.value(),
            lock_minutes=self.lock_spin.value(),
            theme=self._theme(),
            language=str(self.language_combo.currentData() or "system"),
            tip_on_display=self.tip_check.isChecked(),
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

    def _on_checked(self, sentence: str) -> None:
        self.check_button.setEnabled(True)
        self.check_spinner.hide()
        self.payments.show_check(f"✓ {sentence}", "success")

    def _on_check_failed(self, error: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.check_spinner.hide()
        if isinstance(error, FormErrors) and "secret_key" in error.errors:
            self.payments.show_check("", None)
            self.rows["secret_key"].error.show_error(error.errors["secret_key"])
        else:
            self.payments.show_check(f"✗ {user_message(error)}", "danger")
