"""What the settings service reads and takes: the business's settings, the dialog's view of
every setting, a change the dialog submits, and what saving did."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from pos_app.config import Mode, StationSettings, Theme


class SecretStore(Protocol):
    """Where secrets are kept (``pos_app.keystore.KeyStore``)."""

    def get(self, name: str) -> str | None:
        """The secret stored under ``name``, or None."""
        ...

    def set(self, name: str, secret: str) -> None:
        """Store ``secret`` under ``name``."""
        ...

    def delete(self, name: str) -> None:
        """Forget the secret under ``name``."""
        ...

    def describe(self) -> str:
        """Where secrets are kept, as a sentence."""
        ...


# (mode, key) → a sentence saying what works; raises GatewayError saying what does not.
KeyVerifier = Callable[[Mode, str], str]


@dataclass(frozen=True)
class BusinessSettings:
    """Settings every station shares."""

    business_name: str
    currency: str
    timezone: str
    hold_minutes: int
    success_url: str = ""  # "After paying, customers go to" ("" until set)
    address: str = ""  # printed on receipts; may span lines
    tax_id: str = ""  # printed on receipts (VAT number, ABN, EIN…)
    logo_path: str = ""  # an image in the data folder ("" when none)


@dataclass(frozen=True)
class SettingsView:
    """What the settings dialog shows. Secrets appear only as their last four characters."""

    business: BusinessSettings
    station: StationSettings
    running_mode: Mode
    key_hints: Mapping[str, str | None]
    webhook_secret_hints: Mapping[str, str | None]
    locked: Mapping[str, str]  # setting → the environment variable that fixes it
    storage: str
    data_dir: str
    notice: str = ""

    @property
    def mode(self) -> Mode:
        """The mode the next start will use (the running one when the environment fixes it)."""
        return self.running_mode if "mode" in self.locked else self.station.mode


@dataclass(frozen=True)
class SettingsChange:
    """Everything the dialog submits. Empty secrets keep the stored ones; None keeps the
    stored website, address, tax id and logo ("" clears them)."""

    business_name: str
    currency: str
    timezone: str
    hold_minutes: int
    mode: Mode
    webhook_enabled: bool
    webhook_port: int
    lock_minutes: int
    theme: Theme
    secret_key: str = field(default="", repr=False)
    webhook_secret: str = field(default="", repr=False)
    success_url: str | None = None
    address: str | None = None
    tax_id: str | None = None
    logo_path: str | None = None  # an image file to copy into the data folder
    language: str = "system"  # "system" or one of i18n.SHIPPED; used from the next start
    tip_on_display: bool = False  # the customer chooses the tip on the customer display

    @classmethod
    def from_view(cls, view: SettingsView) -> SettingsChange:
        """The settings as they are (a starting point to change a few)."""
        return cls(
            business_name=view.business.business_name,
            currency=view.business.currency,
            timezone=view.business.timezone,
            hold_minutes=view.business.hold_minutes,
            mode=view.mode,
            webhook_enabled=view.station.webhook_enabled,
            webhook_port=view.station.webhook_port,
            lock_minutes=view.station.lock_minutes,
            theme=view.station.theme,
            language=view.station.language,
            tip_on_display=view.station.tip_on_display,
            success_url=view.business.success_url,
            address=view.business.address,
            tax_id=view.business.tax_id,
            logo_path=view.business.logo_path,
        )


@dataclass(frozen=True)
class SaveResult:
    """What saving did."""

    view: SettingsView
    changes: tuple[str, ...]  # in words, as the audit log has them ('' when nothing changed)
    restart_needed: bool
    note: str = ""  # e.g. that Stripe could not be reached to check a new key
