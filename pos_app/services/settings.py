"""Settings: the business's (shared by every station) and this station's own.

Business settings live in the database's ``settings`` table, so every station sharing the
database agrees on them: name, default currency (for new services), time zone and how long
a payment link is held. Station settings live on this computer (``station.json`` beside the
database, see ``pos_app.config.StationSettings``): the mode, the webhook receiver, the idle
lock and the palette; their secrets (Stripe keys, webhook signing secrets) live in the
keystore, never in the file, the database, the audit log or the log.

The environment wins over both: a setting fixed by a variable cannot be changed here.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pos_app.config import (
    LANGUAGES,
    MAX_LOCK_MINUTES,
    MODES,
    THEMES,
    Config,
    Mode,
    StationSettings,
    key_hint,
    key_problem,
    load_station,
    save_station,
    secret_key_name,
    webhook_secret_name,
    webhook_secret_problem,
)
from pos_app.domain import stripe_permissions, text
from pos_app.domain.audit import AuditAction, DetailValue, joined
from pos_app.domain.errors import (
    FormErrors,
    GatewayAuthError,
    GatewayError,
    PermissionDeniedError,
)
from pos_app.domain.payment import hold_minutes_ok
from pos_app.domain.payment_terms import HOLD_MINUTES_MAX, HOLD_MINUTES_MIN
from pos_app.domain.people import Actor
from pos_app.i18n import N_, gettext
from pos_app.services import audit
from pos_app.services.business_settings import BUSINESS_KEYS as BUSINESS_KEYS
from pos_app.services.business_settings import DATABASE_MODE_KEY as DATABASE_MODE_KEY
from pos_app.services.business_settings import DatabaseModeError as DatabaseModeError
from pos_app.services.business_settings import (
    address_problem,
    clean_address,
    keep_logo,
    logo_destination,
    logo_problem,
    tax_id_problem,
)
from pos_app.services.business_settings import ensure_database_mode as ensure_database_mode
from pos_app.services.business_settings import layer_business as layer_business
from pos_app.services.business_settings import read_business as read_business
from pos_app.services.checkout_request import check_success_url
from pos_app.services.context import Deps
from pos_app.services.currencies import CURRENCIES as CURRENCIES
from pos_app.services.currencies import currency_label as currency_label
from pos_app.services.settings_model import BusinessSettings as BusinessSettings
from pos_app.services.settings_model import KeyVerifier as KeyVerifier
from pos_app.services.settings_model import SaveResult as SaveResult
from pos_app.services.settings_model import SecretStore as SecretStore
from pos_app.services.settings_model import SettingsChange as SettingsChange
from pos_app.services.settings_model import SettingsView as SettingsView
from pos_app.services.settings_words import (
    BUSINESS_LABELS,
    business_change,
    business_value_words,
    secret_changed,
    station_words,
    webhook_secret_changed,
)

log = logging.getLogger(__name__)

NOT_MANAGER = N_("Only a manager can change settings.")
# Appended once "Check key" passed: the check tried each of these permissions.
RESTRICTED_KEY_NOTE = stripe_permissions.required_note()
# Read by the idle lock (uow.events.get_setting); this station's file holds the same value.
LOCK_MINUTES_KEY = "station.lock_minutes"
MAX_NAME = 80
LOWEST_PORT = 1024


def port_in_use(port: int) -> bool:
    """True when something on this computer already listens on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


class SettingsService:
    """Read and change settings (managers only), check a Stripe key, and the idle-lock time."""

    def __init__(
        self,
        deps: Deps,
        *,
        config: Callable[[], Config],
        install: Callable[[Config], None],
        secrets: SecretStore,
        verify_key: KeyVerifier,
        port_in_use: Callable[[int], bool] = port_in_use,
    ) -> None:
        self._d = deps
        self._config = config
        self._install = install
        self._secrets = secrets
        self._verify = verify_key
        self._port_in_use = port_in_use

    # -- reading -----------------------------------------------------------------------

    def business(self) -> BusinessSettings:
        """The business settings in effect."""
        c = self._config()
        return BusinessSettings(
            c.business_name,
            c.currency,
            str(c.timezone),
            c.hold_minutes,
            c.success_url or "",
            address=c.business_address,
            tax_id=c.business_tax_id,
            logo_path=c.business_logo,
        )

    def manager_signed_in(self) -> bool:
        """Whether the person at the desk may change settings (a manager)."""
        return self._d.desk.actor.is_manager

    def lock_minutes(self) -> int:
        """Lock this station after this many idle minutes (0: never)."""
        return load_station(self._config().data_dir).lock_minutes

    def load(self) -> SettingsView:
        """Everything the settings dialog shows (no secret, only its last four characters)."""
        config = self._config()
        station = load_station(config.data_dir)
        paid: tuple[Mode, ...] = ("test", "live")
        return SettingsView(
            business=self.business(),
            station=station,
            running_mode=config.mode,
            key_hints={m: key_hint(self._secrets.get(secret_key_name(m))) for m in paid},
            webhook_secret_hints={
                m: key_hint(self._secrets.get(webhook_secret_name(m))) for m in MODES
            },
            locked={name: var for name in config.env_fields if (var := config.env_var(name))},
            storage=self._secrets.describe(),
            data_dir=str(config.data_dir),
            notice=config.notice,
        )

    def check_key(self, mode: Mode, key: str = "") -> str:
        """Ask Stripe whether ``key`` (or the stored key of ``mode``) works, in a sentence.

        Raises FormErrors for a key that cannot be right, GatewayError with Stripe's answer.
        """
        if mode == "sandbox":
            return self._verify("sandbox", "")
        key = key.strip() or (self._secrets.get(secret_key_name(mode)) or "")
        problem = key_problem(mode, key)
        if problem is not None:
            raise FormErrors({"secret_key": problem})
        return self._verify(mode, key)

    # -- changing ----------------------------------------------------------------------

    def save(self, change: SettingsChange, *, actor: Actor | None = None) -> SaveResult:
        """Check everything, then save it all or nothing; audited as settings.changed.

        Business changes apply at once; a new mode, key or webhook receiver needs a restart
        (``SaveResult.restart_needed``).
        """
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError(NOT_MANAGER)
        config = self._config()
        station = load_station(config.data_dir)
        errors, note = self._check(change, config, station)
        if errors:
            raise FormErrors(errors)

        business, wanted = self._business_changes(change, config)
        new_station = StationSettings(
            mode=station.mode if "mode" in config.env_fields else change.mode,
            webhook_enabled=(
                station.webhook_enabled
                if "webhook_enabled" in config.env_fields
                else change.webhook_enabled
            ),
            webhook_port=(
                station.webhook_port if "webhook_port" in config.env_fields else change.webhook_port
            ),
            lock_minutes=change.lock_minutes,
            theme=change.theme,
            language=station.language if "language" in config.env_fields else change.language,
            tip_on_display=change.tip_on_display,
        )
        secrets: dict[str, str] = {}
        words = [business_change(label, old, new) for _key, _value, label, old, new in business]
        words += station_words(station, new_station)
        if change.secret_key.strip():
            key = change.secret_key.strip()
            secrets[secret_key_name(change.mode)] = key
            words.append(secret_changed(str(change.mode), key_hint(key)))
        if change.webhook_secret.strip():
            secret = change.webhook_secret.strip()
            secrets[webhook_secret_name(change.mode)] = secret
            words.append(webhook_secret_changed(str(change.mode)))
        if not words:
            return SaveResult(self.load(), (), False, note)

        if wanted.logo_path and wanted.logo_path != self.business().logo_path:
            assert change.logo_path is not None  # a new path comes only from the change
            try:
                keep_logo(change.logo_path, Path(wanted.logo_path))
            except OSError as err:
                log.warning("settings.logo_copy_failed error=%s", type(err).__name__)
                raise FormErrors(
                    {
                        "logo_path": gettext(
                            "The logo could not be copied into the data folder; try again."
                        )
                    }
                ) from err
        with self._d.uow(write=True) as uow:
            for setting, value, *_ in business:
                uow.events.set_setting(setting, value)
            if new_station.lock_minutes != station.lock_minutes:
                uow.events.set_setting(LOCK_MINUTES_KEY, str(new_station.lock_minutes))
            audit.record(
                uow,
                at=self._d.clock.now(),
                actor=who,
                action=AuditAction.SETTINGS_CHANGED,
                detail=joined(words),
            )
            # Secrets and the station file last, just before the commit: if either fails,
            # the database rolls back and the audit log records nothing that did not happen.
            for name, secret in secrets.items():
                self._secrets.set(name, secret)
            if new_station != station:
                save_station(config.data_dir, new_station)
            uow.commit()
        if business:
            self._install(
                config.with_business(
                    business_name=wanted.business_name,
                    currency=wanted.currency,
                    timezone=wanted.timezone,
                    hold_minutes=wanted.hold_minutes,
                    success_url=wanted.success_url,
                    address=wanted.address,
                    tax_id=wanted.tax_id,
                    logo=wanted.logo_path,
                )
            )
        log.info(
            "settings.changed actor=%s business=%s station=%s secrets=%s",
            who.id,
            ",".join(setting for setting, *_ in business) or "-",
            "yes" if new_station != station else "no",
            ",".join(secrets) or "-",
        )
        restart = self._restart_needed(change, config, new_station, secrets)
        return SaveResult(self.load(), tuple(w.english() for w in words), restart, note)

    # -- internals ---------------------------------------------------------------------

    def _check(
        self, change: SettingsChange, config: Config, station: StationSettings
    ) -> tuple[dict[str, str], str]:
        """Field → sentence for everything wrong with ``change`` (and a note for the user)."""
        errors: dict[str, str] = {}
        current = self.business()
        name = change.business_name.strip()
        if not name:
            errors["business_name"] = gettext("Enter the business name customers see.")
        elif problem := text.name_problem(name, "business name", limit=MAX_NAME):
            errors["business_name"] = problem
        if change.currency.strip().lower() not in CURRENCIES:
            errors["currency"] = (
                gettext("{code} is not a currency Stripe accepts; pick one from the list.").format(
                    code=change.currency.strip().upper()
                )
                if change.currency.strip()
                else gettext("Choose a currency from the list.")
            )
        zone = change.timezone.strip()
        try:
            ZoneInfo(zone)
            if not zone:
                raise ValueError(zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = (
                gettext(
                    "'{zone}' is not a time zone. Type a city to search, e.g. Europe/London."
                ).format(zone=zone)
                if zone
                else gettext("Choose the business's time zone, e.g. Europe/London.")
            )
        if change.success_url is not None:
            _cleaned, problem = check_success_url(change.success_url)
            if problem is not None:
                errors["success_url"] = problem
        errors.update(self._check_receipt_details(change))
        if not hold_minutes_ok(change.hold_minutes):
            errors["hold_minutes"] = gettext(
                "Hold a payment link for {least} to {most} minutes."
            ).format(least=HOLD_MINUTES_MIN, most=HOLD_MINUTES_MAX)
        if not 0 <= change.lock_minutes <= MAX_LOCK_MINUTES:
            errors["lock_minutes"] = gettext(
                "Lock after 1 to {most} minutes without use, or never."
            ).format(most=MAX_LOCK_MINUTES)
        if change.theme not in THEMES:
            errors["theme"] = gettext("Choose Follow the system, Light or Dark.")
        if change.language not in LANGUAGES:
            errors["language"] = gettext("Choose a language from the list.")
        if change.mode not in MODES:
            errors["mode"] = gettext("Choose sandbox, test or live mode.")
        # Settings the environment fixed cannot be changed here.
        submitted: dict[str, tuple[object, object]] = {
            "business_name": (name, current.business_name),
            "timezone": (zone, current.timezone),
            "hold_minutes": (change.hold_minutes, current.hold_minutes),
            "mode": (change.mode, config.mode),
            "secret_key": (change.secret_key.strip(), ""),
            "webhook_enabled": (change.webhook_enabled, station.webhook_enabled),
            "webhook_port": (change.webhook_port, station.webhook_port),
            "webhook_secret": (change.webhook_secret.strip(), ""),
            "language": (change.language, config.language),
        }
        for setting, (new, old) in submitted.items():
            var = config.env_var(setting)
            if var and new != old and setting not in errors:
                errors[setting] = gettext(
                    "This is set by {variable} in the environment; change it there."
                ).format(variable=var)
        note = ""
        if "mode" not in errors and "secret_key" not in errors and "mode" not in config.env_fields:
            problem, note = self._check_key(change, config)
            if problem:
                errors["secret_key"] = problem
        if "webhook_enabled" not in config.env_fields:
            errors.update(self._check_webhook(change, config, station))
        return errors, note

    def _check_receipt_details(self, change: SettingsChange) -> dict[str, str]:
        """Field → sentence for the address, tax id and logo (None fields are kept as they are)."""
        errors: dict[str, str] = {}
        address = None if change.address is None else clean_address(change.address)
        if address is not None and (problem := address_problem(address)):
            errors["address"] = problem
        if change.tax_id is not None and (problem := tax_id_problem(change.tax_id.strip())):
            errors["tax_id"] = problem
        logo = (change.logo_path or "").strip()
        if logo and logo != self.business().logo_path and (problem := logo_problem(logo)):
            errors["logo_path"] = problem
        return errors

    def _check_key(self, change: SettingsChange, config: Config) -> tuple[str | None, str]:
        """(why the key cannot be used or None, a note) for the mode being saved."""
        mode = change.mode
        key = change.secret_key.strip()
        if mode == "sandbox":
            return ("The sandbox needs no key." if key else None), ""
        problem = key_problem(mode, key or (self._secrets.get(secret_key_name(mode)) or ""))
        if problem is not None or (not key and mode == config.mode):
            return problem, ""
        # A new key, or a switch to a paid mode: ask Stripe now rather than fail after restart.
        try:
            self._verify(mode, key or (self._secrets.get(secret_key_name(mode)) or ""))
        except GatewayAuthError as err:
            return err.message, ""
        except GatewayError as err:
            log.warning("settings.key_unchecked mode=%s error=%s", mode, type(err).__name__)
            return None, f"Stripe could not be reached to check the key ({err.message})"
        return None, ""

    def _check_webhook(
        self, change: SettingsChange, config: Config, station: StationSettings
    ) -> dict[str, str]:
        errors: dict[str, str] = {}
        secret = change.webhook_secret.strip()
        if secret and (problem := webhook_secret_problem(secret)):
            errors["webhook_secret"] = problem
        if not change.webhook_enabled:
            return errors
        if not LOWEST_PORT <= change.webhook_port <= 65535:
            errors["webhook_port"] = gettext("Choose a port from {least} to {most}.").format(
                least=LOWEST_PORT, most=65535
            )
        elif change.webhook_port != config.webhook_port and self._port_in_use(change.webhook_port):
            errors["webhook_port"] = gettext(
                "Port {port} is already in use on this computer; choose another."
            ).format(port=change.webhook_port)
        if (
            not secret
            and not self._has_webhook_secret(change.mode, config)
            and ("webhook_secret" not in errors)
        ):
            errors["webhook_secret"] = gettext(
                "Enter the endpoint's signing secret (whsec_…) to receive webhooks."
            )
        return errors

    def _business_changes(
        self, change: SettingsChange, config: Config
    ) -> tuple[list[tuple[str, str, str, DetailValue, DetailValue]], BusinessSettings]:
        """(setting key, stored text, label, old, new) for each business setting that changes,
        and the business settings wanted."""
        current = self.business()
        logo = current.logo_path if change.logo_path is None else change.logo_path.strip()
        if logo and logo != current.logo_path:
            logo = str(logo_destination(config.data_dir, logo))
        new = BusinessSettings(
            change.business_name.strip(),
            change.currency.strip().lower(),
            change.timezone.strip(),
            change.hold_minutes,
            current.success_url
            if change.success_url is None
            else check_success_url(change.success_url)[0],
            address=current.address if change.address is None else clean_address(change.address),
            tax_id=current.tax_id if change.tax_id is None else change.tax_id.strip(),
            logo_path=logo,
        )
        rows: list[tuple[str, str, str, DetailValue, DetailValue]] = []
        for name, key in BUSINESS_KEYS.items():
            old_value, new_value = getattr(current, name), getattr(new, name)
            if old_value != new_value and name not in config.env_fields:
                shown_old = business_value_words(name, old_value)
                shown_new = business_value_words(name, new_value)
                rows.append((key, str(new_value), BUSINESS_LABELS[name], shown_old, shown_new))
        return rows, new

    def _restart_needed(
        self,
        change: SettingsChange,
        config: Config,
        station: StationSettings,
        secrets: Mapping[str, str],
    ) -> bool:
        """Whether the running app differs from what the next start will do."""
        mode = config.mode if "mode" in config.env_fields else station.mode
        if "language" not in config.env_fields and station.language != config.language:
            return True  # the language is applied at start-up, to every screen at once
        if mode != config.mode or secret_key_name(config.mode) in secrets:
            return True
        if "webhook_port" in config.env_fields:
            return False
        on = station.webhook_enabled and self._has_webhook_secret(mode, config)
        port = station.webhook_port if on else None
        return port != config.webhook_port or webhook_secret_name(mode) in secrets

    def _has_webhook_secret(self, mode: Mode, config: Config) -> bool:
        """Whether the receiver of ``mode`` has a signing secret (environment or keystore)."""
        if "webhook_secret" in config.env_fields:
            return True
        return bool(self._secrets.get(webhook_secret_name(mode)))
