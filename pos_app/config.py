"""Typed settings: mode, keys, where data lives, business policy, this station's preferences.

Three layers, the first that has a value wins:

1. the environment (``STRIPE_SECRET_KEY``, ``POS_HOLD_MINUTES``, …): ``load_config(env)``;
2. what was saved in Settings: this station's ``station.json`` and the secrets in the OS
   keyring (``resolve_config``), and the business settings in the database (layered in by
   ``open_app`` through ``Config.with_business``);
3. the defaults below.

``Config.env_fields`` names the settings the environment fixed, so the settings dialog can
show them read-only ("set by POS_HOLD_MINUTES in the environment").
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import tzinfo
from pathlib import Path
from typing import Literal, Protocol, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
import tzlocal

from pos_app.domain.payment_terms import HOLD_MINUTES_MAX, HOLD_MINUTES_MIN, hold_minutes_ok
from pos_app.i18n import SHIPPED, gettext, set_language
from pos_app.private_files import ensure_private_dir

log = logging.getLogger(__name__)

Mode = Literal["sandbox", "test", "live"]
MODES: tuple[Mode, ...] = ("sandbox", "test", "live")
Theme = Literal["system", "light", "dark"]
THEMES: tuple[Theme, ...] = ("system", "light", "dark")
#: The UI language setting: "system" (the computer's, when shipped) or a shipped language.
LANGUAGES: tuple[str, ...] = ("system", *SHIPPED)

# The sandbox accepts any sk_test_ key; this one is not a secret.
SANDBOX_API_KEY = "sk_test_pos_app_sandbox"
APP_NAME = "pos-app"
STATION_FILE = "station.json"
DEFAULT_BUSINESS_NAME = "pos-app"
DEFAULT_CURRENCY = "usd"
DEFAULT_HOLD_MINUTES = 10
DEFAULT_WEBHOOK_PORT = 12112
DEFAULT_LOCK_MINUTES = 5
MAX_LOCK_MINUTES = 240

# Each mode keeps its own SQLite file, so test bookings never mix with real ones.
DATABASE_FILES: dict[Mode, str] = {
    "sandbox": "pos.sqlite3",
    "test": "pos-test.sqlite3",
    "live": "pos-live.sqlite3",
}
KEY_PREFIXES: dict[Mode, tuple[str, str]] = {
    "test": ("sk_test_", "rk_test_"),
    "live": ("sk_live_", "rk_live_"),
}

# A setting → the environment variable that fixes it (and wins over what Settings saved).
ENV_VARS: dict[str, str] = {
    "mode": "STRIPE_SECRET_KEY",
    "secret_key": "STRIPE_SECRET_KEY",
    "database_url": "POS_DATABASE_URL",
    "business_name": "POS_BUSINESS_NAME",
    "timezone": "POS_TIMEZONE",
    "hold_minutes": "POS_HOLD_MINUTES",
    "webhook_enabled": "POS_WEBHOOK_PORT",
    "webhook_port": "POS_WEBHOOK_PORT",
    "webhook_secret": "STRIPE_WEBHOOK_SECRET",
    "language": "POS_LANGUAGE",
}


class ConfigError(Exception):
    """A setting that cannot be used; the message says which and why."""


class SecretReader(Protocol):
    """Where saved secrets are read from (``pos_app.keystore.KeyStore``)."""

    def get(self, name: str) -> str | None:
        """The secret stored under ``name``, or None."""
        ...

    def describe(self) -> str:
        """A sentence saying where secrets are kept on this computer."""
        ...


@dataclass(frozen=True)
class Config:
    """Everything the composition root needs to build the app."""

    data_dir: Path
    mode: Mode
    secret_key: str = field(repr=False)
    api_base: str | None
    database_url: str
    hold_minutes: int
    timezone: tzinfo
    business_name: str = DEFAULT_BUSINESS_NAME
    webhook_secret: str | None = field(default=None, repr=False)
    # Seconds between passes over Stripe's events feed while a payment link is open anywhere
    # (POS_POLL_SECONDS); with none open the leader passes every 20 s (domain/poll_pace.py).
    # One call per pass whatever the number of open sessions; the session on the charge
    # screen is also read every second.
    poll_seconds: float = 1.0
    # The in-app webhook receiver's local port; None keeps it off (the default).
    webhook_port: int | None = None
    # Sandbox in LAN mode: payment links use this machine's network address, for real phones.
    sandbox_lan: bool = False
    # The currency new services start with (lowercase ISO code).
    currency: str = DEFAULT_CURRENCY
    # "After paying, customers go to": the business's website (None: not set yet).
    success_url: str | None = None
    # Printed on receipts and shown to customers ("" until set in Settings). The logo is a
    # copy in the data folder (an image file path), so a moved original does not break it.
    business_address: str = ""
    business_tax_id: str = ""
    business_logo: str = ""
    # This station: lock the desk after this many idle minutes (0: never), and the palette.
    lock_minutes: int = DEFAULT_LOCK_MINUTES
    theme: Theme = "system"
    # The UI language: "system" or one of i18n.SHIPPED (POS_LANGUAGE, else this station's).
    language: str = "system"
    # Settings the environment fixed (keys of ENV_VARS); Settings shows them read-only.
    env_fields: frozenset[str] = frozenset()
    # A sentence the window shows at start, e.g. why the app fell back to the sandbox.
    notice: str = ""

    @property
    def uses_local_sandbox(self) -> bool:
        """True when the app should find or start its own sandbox server."""
        return self.mode == "sandbox" and self.api_base is None

    def env_var(self, name: str) -> str | None:
        """The environment variable that fixed setting ``name``, or None if it is free."""
        return ENV_VARS.get(name) if name in self.env_fields else None

    def with_business(
        self,
        *,
        business_name: str | None = None,
        currency: str | None = None,
        timezone: str | None = None,
        hold_minutes: int | None = None,
        success_url: str | None = None,
        address: str | None = None,
        tax_id: str | None = None,
        logo: str | None = None,
    ) -> Config:
        """This config with stored business settings layered in where the environment is silent.

        A stored value that no longer makes sense (an unknown zone) is skipped and logged.
        ``success_url=""`` clears the website; None leaves it as it is.
        """
        changes: dict[str, object] = {}
        if success_url is not None:
            changes["success_url"] = success_url or None
        # Address, tax id and logo: None leaves them as they are, "" clears them.
        for name, value in (
            ("business_address", address),
            ("business_tax_id", tax_id),
            ("business_logo", logo),
        ):
            if value is not None:
                changes[name] = value
        if business_name and "business_name" not in self.env_fields:
            changes["business_name"] = business_name
        if currency:
            changes["currency"] = currency.lower()
        if timezone and "timezone" not in self.env_fields:
            try:
                changes["timezone"] = ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("settings.ignored key=business.timezone value=%r", timezone)
        if hold_minutes is not None and "hold_minutes" not in self.env_fields:
            if hold_minutes_ok(hold_minutes):
                changes["hold_minutes"] = hold_minutes
            else:
                log.warning("settings.ignored key=business.hold_minutes value=%r", hold_minutes)
        return replace(self, **changes) if changes else self  # type: ignore[arg-type]


def default_data_dir() -> Path:
    """The per-user data directory (``POS_DATA_DIR`` overrides)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_url_for(data_dir: Path, mode: Mode) -> str:
    """The default SQLite database of ``mode`` in ``data_dir``."""
    return f"sqlite:///{data_dir / DATABASE_FILES[mode]}"


def secret_key_name(mode: str) -> str:
    """The keystore entry of the Stripe secret key for ``mode``."""
    return f"stripe-secret-key-{mode}"


def webhook_secret_name(mode: str) -> str:
    """The keystore entry of the webhook signing secret for ``mode``."""
    return f"stripe-webhook-secret-{mode}"


def key_hint(secret: str | None) -> str | None:
    """'…1234': the only part of a secret the app ever shows."""
    return f"…{secret[-4:]}" if secret else None


def mode_for_key(key: str) -> Mode:
    """'test' or 'live' from a secret or restricted key's prefix."""
    if key.startswith(KEY_PREFIXES["test"]):
        return "test"
    if key.startswith(KEY_PREFIXES["live"]):
        return "live"
    raise ConfigError(
        gettext("STRIPE_SECRET_KEY must start with sk_test_, sk_live_, rk_test_ or rk_live_.")
    )


def key_chars_ok(key: str) -> bool:
    """Stripe's API keys are letters, digits and underscores only."""
    return key.isascii() and key.replace("_", "").isalnum()


def key_problem(mode: Mode, key: str) -> str | None:
    """Why ``key`` cannot be used in ``mode`` (a sentence), or None when it fits."""
    if mode == "sandbox":
        return None
    wanted = gettext("{first} or {second}").format(
        first=KEY_PREFIXES[mode][0], second=KEY_PREFIXES[mode][-1]
    )
    live = mode == "live"
    if not key:
        return (
            gettext("Live mode needs a secret key: paste a key starting with {prefixes}.")
            if live
            else gettext("Test mode needs a secret key: paste a key starting with {prefixes}.")
        ).format(prefixes=wanted)
    if any(ch.isspace() for ch in key):
        return gettext("The key contains a space. Copy it again from the Stripe Dashboard.")
    if not key_chars_ok(key):
        return gettext(
            "The key has characters a Stripe key never has (only letters, digits and _). "
            "Copy it again from the Stripe Dashboard."
        )
    if key.startswith(("pk_test_", "pk_live_")):
        return gettext(
            "This is a publishable key (pk_…). The app needs the secret key (sk_…) "
            "or a restricted key (rk_…)."
        )
    other: Mode = "live" if mode == "test" else "test"
    if key.startswith(KEY_PREFIXES[other]):
        return (
            gettext(
                "This is a test key, but live mode is chosen. Live mode needs a key starting "
                "with {prefixes}."
            )
            if live
            else gettext(
                "This is a live key, but test mode is chosen. Test mode needs a key starting "
                "with {prefixes}."
            )
        ).format(prefixes=wanted)
    if not key.startswith(KEY_PREFIXES[mode]):
        return (
            gettext("A live mode key starts with {prefixes}.")
            if live
            else gettext("A test mode key starts with {prefixes}.")
        ).format(prefixes=wanted)
    if len(key) < 16:
        return gettext("This key is too short. Copy the whole key from the Stripe Dashboard.")
    return None


def webhook_secret_problem(secret: str) -> str | None:
    """Why ``secret`` is not a webhook signing secret (a sentence), or None."""
    if not secret.startswith("whsec_") or len(secret) <= len("whsec_"):
        return gettext(
            "A webhook signing secret starts with whsec_. Stripe shows it with the endpoint."
        )
    if any(ch.isspace() for ch in secret):
        return gettext("The signing secret contains a space. Copy it again.")
    return None


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read settings from the environment; raises ConfigError with a sentence on bad values."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("POS_DATA_DIR") or default_data_dir()).expanduser()
    key = env.get("STRIPE_SECRET_KEY", "").strip()
    if key and not key_chars_ok(key):
        # Refused before anything is opened: a mangled key must not create a live database.
        raise ConfigError(
            gettext(
                "STRIPE_SECRET_KEY has characters a Stripe key never has (only letters, digits "
                "and _). Copy it again from the Stripe Dashboard."
            )
        )
    mode: Mode = mode_for_key(key) if key else "sandbox"
    api_base = (env.get("POS_STRIPE_API_BASE") or "").strip().rstrip("/") or None
    db_url = env.get("POS_DATABASE_URL") or database_url_for(data_dir, mode)
    try:
        hold = int(env.get("POS_HOLD_MINUTES", str(DEFAULT_HOLD_MINUTES)))
    except ValueError:
        raise ConfigError(gettext("POS_HOLD_MINUTES must be a whole number of minutes.")) from None
    if not hold_minutes_ok(hold):
        raise ConfigError(
            gettext("POS_HOLD_MINUTES must be between {least} and {most}.").format(
                least=HOLD_MINUTES_MIN, most=HOLD_MINUTES_MAX
            )
        )
    try:
        poll = float(env.get("POS_POLL_SECONDS", "1"))
    except ValueError:
        raise ConfigError(gettext("POS_POLL_SECONDS must be a number of seconds.")) from None
    if not 1 <= poll <= 60:
        raise ConfigError(gettext("POS_POLL_SECONDS must be between 1 and 60."))
    webhook_port: int | None = None
    if env.get("POS_WEBHOOK_PORT"):
        try:
            webhook_port = int(env["POS_WEBHOOK_PORT"])
        except ValueError:
            raise ConfigError(gettext("POS_WEBHOOK_PORT must be a port number.")) from None
        if not 1 <= webhook_port <= 65535:
            raise ConfigError(gettext("POS_WEBHOOK_PORT must be between 1 and 65535."))
        if not env.get("STRIPE_WEBHOOK_SECRET"):
            raise ConfigError(
                gettext(
                    "POS_WEBHOOK_PORT needs STRIPE_WEBHOOK_SECRET, the endpoint's signing secret."
                )
            )
    tz_name = env.get("POS_TIMEZONE")
    try:
        tz: tzinfo = ZoneInfo(tz_name) if tz_name else tzlocal.get_localzone()
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            gettext("POS_TIMEZONE '{zone}' is not a known time zone.").format(zone=tz_name)
        ) from None
    language = env.get("POS_LANGUAGE", "").strip().lower() or "system"
    if language not in LANGUAGES:
        raise ConfigError(
            gettext(
                "POS_LANGUAGE '{language}' is not a language pos-app speaks: use bn, de, en "
                "or es (or leave it unset for the computer's language)."
            ).format(language=language[:20])
        )
    env_fields = frozenset(name for name, var in ENV_VARS.items() if env.get(var, "").strip())
    return Config(
        language=language,
        data_dir=data_dir,
        mode=mode,
        secret_key=key or SANDBOX_API_KEY,
        api_base=api_base,
        database_url=db_url,
        hold_minutes=hold,
        timezone=tz,
        business_name=env.get("POS_BUSINESS_NAME", DEFAULT_BUSINESS_NAME),
        webhook_secret=(env.get("STRIPE_WEBHOOK_SECRET") or "").strip() or None,
        poll_seconds=poll,
        webhook_port=webhook_port,
        sandbox_lan=env.get("POS_SANDBOX_LAN", "").strip().lower() in ("1", "true", "yes", "on"),
        env_fields=env_fields,
    )


# -- this station's settings (a JSON file beside the database, never in it) ----------------


@dataclass(frozen=True)
class StationSettings:
    """What is set per computer: the mode, the webhook receiver, the idle lock, the palette.

    Secrets are not here: they live in the keystore (``pos_app.keystore``).
    """

    mode: Mode = "sandbox"
    webhook_enabled: bool = False
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    lock_minutes: int = DEFAULT_LOCK_MINUTES
    theme: Theme = "system"
    language: str = "system"
    # The customer display is a touch screen: the customer chooses the tip on it before a
    # Sell screen's Charge (QR), when the sale has none yet.
    tip_on_display: bool = False


def station_path(data_dir: Path) -> Path:
    """Where this station's settings are kept."""
    return data_dir / STATION_FILE


def load_station(data_dir: Path) -> StationSettings:
    """This station's saved settings; defaults for a missing file or a value that makes no sense
    (each such value is logged and skipped, so a hand-edited file never stops the app)."""
    path = station_path(data_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return StationSettings()
    except (OSError, ValueError) as err:
        log.warning("station.unreadable path=%s error=%s", path, err)
        return StationSettings()
    if not isinstance(raw, dict):
        log.warning("station.unreadable path=%s error=not an object", path)
        return StationSettings()
    defaults = StationSettings()
    values: dict[str, object] = {}
    checks: dict[str, tuple[type, object]] = {
        "mode": (str, MODES),
        "theme": (str, THEMES),
        "language": (str, LANGUAGES),
        "webhook_enabled": (bool, None),
        "tip_on_display": (bool, None),
        "webhook_port": (int, range(1, 65536)),
        "lock_minutes": (int, range(0, MAX_LOCK_MINUTES + 1)),
    }
    for name, (kind, allowed) in checks.items():
        if name not in raw:
            continue
        value = raw[name]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if ok and allowed is not None:
            ok = value in cast("tuple[object, ...] | range", allowed)
        if ok:
            values[name] = value
        else:
            log.warning("station.ignored key=%s value=%r", name, value)
    return replace(defaults, **values)  # type: ignore[arg-type]


def save_station(data_dir: Path, settings: StationSettings) -> None:
    """Write this station's settings atomically (a crash leaves the old file or the new one)."""
    ensure_private_dir(data_dir)
    path = station_path(data_dir)
    text = json.dumps(asdict(settings), indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".station-", suffix=".tmp", dir=data_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def resolve_config(
    env: Mapping[str, str] | None = None,
    *,
    secrets: SecretReader | None = None,
    fallback_to_sandbox: bool = False,
) -> Config:
    """The environment, then this station's saved settings and secrets (see the module doc).

    ``secrets`` defaults to the OS keyring (or its fallback file), read only when a saved mode
    or webhook receiver needs a secret. When test or live mode is saved but its key is gone,
    ``fallback_to_sandbox`` opens the sandbox instead (with ``Config.notice`` saying why, so a
    manager can enter the key in Settings); otherwise that is a ConfigError.
    """
    config = load_config(env)
    station = load_station(config.data_dir)
    changes: dict[str, object] = {"theme": station.theme, "lock_minutes": station.lock_minutes}
    if "language" not in config.env_fields:
        changes["language"] = station.language
    store: SecretReader | None = secrets

    def reader() -> SecretReader:
        nonlocal store
        if store is None:
            from pos_app.keystore import KeyStore

            store = KeyStore(config.data_dir)
        return store

    mode = config.mode
    if "mode" not in config.env_fields and station.mode != "sandbox":
        key = (reader().get(secret_key_name(station.mode)) or "").strip()
        problem = key_problem(station.mode, key)
        if problem is None:
            mode = station.mode
            changes.update(mode=mode, secret_key=key)
        else:
            if not fallback_to_sandbox:
                where = reader().describe().rstrip(".")
                raise ConfigError(_no_key(station.mode).format(where=where))
            log.warning("config.fallback mode=%s to=sandbox reason=no key", station.mode)
            changes["notice"] = _opened_sandbox(station.mode)
    if "database_url" not in config.env_fields:
        changes["database_url"] = database_url_for(config.data_dir, mode)
    if "webhook_port" not in config.env_fields and station.webhook_enabled:
        secret = config.webhook_secret or reader().get(webhook_secret_name(mode))
        if secret:
            changes.update(webhook_port=station.webhook_port, webhook_secret=secret)
        else:
            # Optional: the events feed still brings every payment in, only a little later.
            log.warning("webhooks.off reason=no signing secret stored mode=%s", mode)
    return replace(config, **changes)  # type: ignore[arg-type]


def system_language(env: Mapping[str, str] | None = None) -> str:
    """The computer's language when pos-app ships it, else English: the first of LANGUAGE,
    LC_ALL, LC_MESSAGES and LANG that is set decides, as gettext reads them."""
    env = os.environ if env is None else env
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").strip()
        if value:
            first = value.split(":")[0]
            code = first.split(".")[0].split("@")[0].split("_")[0].lower()
            return code if code in SHIPPED else "en"
    return "en"


def apply_language(config: Config, env: Mapping[str, str] | None = None) -> str:
    """Use the configured language for every sentence and format from now on; returns it."""
    chosen = config.language if config.language != "system" else system_language(env)
    return set_language(chosen)


# A station file is a few hundred bytes; one far larger is not one, and --help reads no more.
_STATION_READ_MAX = 64 * 1024


def early_language(env: Mapping[str, str] | None = None) -> str:
    """The language ``--help`` and the grammar's refusals speak, chosen as the app chooses
    it but without reading the configuration: POS_LANGUAGE, else this station's saved choice
    (Settings ▸ This station, kept in ``station.json`` beside the database, never in it),
    else the computer's. Cheap and silent: one small file read, no database opened or
    migrated, nothing created or logged; a missing, unreadable or odd file is the computer's
    language (a bad POS_LANGUAGE is refused with a sentence once the configuration is read)."""
    env = os.environ if env is None else env
    wanted = env.get("POS_LANGUAGE", "").strip().lower()
    if wanted in SHIPPED:
        return wanted
    if wanted:  # "system", or a language refused later: not the station's choice either way
        return system_language(env)
    try:
        data_dir = Path(env.get("POS_DATA_DIR") or default_data_dir()).expanduser()
        with station_path(data_dir).open("rb") as handle:
            raw = json.loads(handle.read(_STATION_READ_MAX))
    except (OSError, ValueError, RuntimeError):  # RuntimeError: no home folder to expand
        raw = None
    saved = raw.get("language") if isinstance(raw, dict) else None
    return saved if isinstance(saved, str) and saved in SHIPPED else system_language(env)


def _no_key(mode: str) -> str:
    """The refusal to start in ``mode`` without its key: one whole sentence per mode (the
    mode's name is an adjective some languages inflect), with ``{where}`` still to fill."""
    if mode == "live":
        return gettext(
            "Live mode is chosen on this computer, but no usable Stripe secret key for it was "
            "found. Set STRIPE_SECRET_KEY, or enter the key in Settings ▸ Payments. ({where}.)"
        )
    return gettext(
        "Test mode is chosen on this computer, but no usable Stripe secret key for it was "
        "found. Set STRIPE_SECRET_KEY, or enter the key in Settings ▸ Payments. ({where}.)"
    )


def _opened_sandbox(mode: str) -> str:
    """The banner's note when the desktop app fell back to the sandbox, per missing mode."""
    if mode == "live":
        return gettext(
            "No Stripe secret key for live mode was found, so the app opened the sandbox: no "
            "card can be charged. A manager can enter the key in Manage ▸ Settings ▸ Payments."
        )
    return gettext(
        "No Stripe secret key for test mode was found, so the app opened the sandbox: no "
        "card can be charged. A manager can enter the key in Manage ▸ Settings ▸ Payments."
    )
