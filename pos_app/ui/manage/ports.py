"""The services as the manage screens see them: only what each panel calls."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pos_app.config import Mode
from pos_app.services.backup import BackupInfo
from pos_app.services.doctor import DoctorReport
from pos_app.services.settings_model import SaveResult, SettingsChange, SettingsView


class BackupTaking(Protocol):
    """What the backups panel asks of the backup service."""

    @property
    def folder(self) -> Path:
        """Where the backups are kept."""
        ...

    @property
    def available(self) -> bool:
        """Whether this app takes backups itself."""
        ...

    @property
    def unavailable(self) -> str:
        """Why not, in a sentence ('' when it does)."""
        ...

    def last(self) -> BackupInfo | None:
        """The newest backup, if any."""
        ...

    def back_up_now(self) -> BackupInfo:
        """Take a backup now."""
        ...


class ConnectionDoctor(Protocol):
    """What "Check connection" asks of the doctor service."""

    def run(self) -> DoctorReport:
        """Every check of the path to Stripe, as `pos-app doctor` runs them."""
        ...


class SettingsEditing(Protocol):
    """What the settings dialog asks of the settings service."""

    def manager_signed_in(self) -> bool:
        """Whether the person at the desk may change settings."""
        ...

    def load(self) -> SettingsView:
        """Every setting, secrets only as their last four characters."""
        ...

    def save(self, change: SettingsChange) -> SaveResult:
        """Check and save everything, or raise FormErrors and save nothing."""
        ...

    def check_key(self, mode: Mode, key: str = "") -> str:
        """Whether Stripe takes ``key`` for ``mode``, in a sentence."""
        ...
