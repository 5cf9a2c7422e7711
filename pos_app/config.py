"""Typed settings from the environment: mode, keys, where data lives, business policy."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
import tzlocal

Mode = Literal["sandbox", "test", "live"]

# The sandbox accepts any sk_test_ key; this one is not a secret.
SANDBOX_API_KEY = "sk_test_pos_app_sandbox"
APP_NAME = "pos-app"


class ConfigError(Exception):
    """A setting that cannot be used; the message says which and why."""


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
    business_name: str = "pos-app"
    webhook_secret: str | None = field(default=None, repr=False)
    # Seconds between passes over Stripe's events feed. One call per pass whatever the number
    # of open sessions; the session on the charge screen is also read every second.
    poll_seconds: float = 4.0
    # The in-app webhook receiver's local port; None keeps it off (the default).
    webhook_port: int | None = None
    # Sandbox in LAN mode: payment links use this machine's network address, for real phones.
    sandbox_lan: bool = False

    @property
    def uses_local_sandbox(self) -> bool:
        """True when the app should find or start its own sandbox server."""
        return self.mode == "sandbox" and self.api_base is None


def default_data_dir() -> Path:
    """The per-user data directory (``POS_DATA_DIR`` overrides)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def mode_for_key(key: str) -> Mode:
    """'test' or 'live' from a secret or restricted key's prefix."""
    if key.startswith(("sk_test_", "rk_test_")):
        return "test"
    if key.startswith(("sk_live_", "rk_live_")):
        return "live"
    raise ConfigError("STRIPE_SECRET_KEY must start with sk_test_, sk_live_, rk_test_ or rk_live_.")


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read settings from the environment; raises ConfigError with a sentence on bad values."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("POS_DATA_DIR") or default_data_dir()).expanduser()
    key = env.get("STRIPE_SECRET_KEY", "").strip()
    mode: Mode = mode_for_key(key) if key else "sandbox"
    api_base = (env.get("POS_STRIPE_API_BASE") or "").strip().rstrip("/") or None
    db_url = env.get("POS_DATABASE_URL") or f"sqlite:///{data_dir / 'pos.sqlite3'}"
    try:
        hold = int(env.get("POS_HOLD_MINUTES", "10"))
    except ValueError:
        raise ConfigError("POS_HOLD_MINUTES must be a whole number of minutes.") from None
    if not 2 <= hold <= 30:
        raise ConfigError("POS_HOLD_MINUTES must be between 2 and 30.")
    try:
        poll = float(env.get("POS_POLL_SECONDS", "4"))
    except ValueError:
        raise ConfigError("POS_POLL_SECONDS must be a number of seconds.") from None
    if not 1 <= poll <= 60:
        raise ConfigError("POS_POLL_SECONDS must be between 1 and 60.")
    webhook_port: int | None = None
    if env.get("POS_WEBHOOK_PORT"):
        try:
            webhook_port = int(env["POS_WEBHOOK_PORT"])
        except ValueError:
            raise ConfigError("POS_WEBHOOK_PORT must be a port number.") from None
        if not 1 <= webhook_port <= 65535:
            raise ConfigError("POS_WEBHOOK_PORT must be between 1 and 65535.")
        if not env.get("STRIPE_WEBHOOK_SECRET"):
            raise ConfigError(
                "POS_WEBHOOK_PORT needs STRIPE_WEBHOOK_SECRET, the endpoint's signing secret."
            )
    tz_name = env.get("POS_TIMEZONE")
    try:
        tz: tzinfo = ZoneInfo(tz_name) if tz_name else tzlocal.get_localzone()
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"POS_TIMEZONE {tz_name!r} is not a known time zone.") from None
    return Config(
        data_dir=data_dir,
        mode=mode,
        secret_key=key or SANDBOX_API_KEY,
        api_base=api_base,
        database_url=db_url,
        hold_minutes=hold,
        timezone=tz,
        business_name=env.get("POS_BUSINESS_NAME", "pos-app"),
        webhook_secret=(env.get("STRIPE_WEBHOOK_SECRET") or "").strip() or None,
        poll_seconds=poll,
        webhook_port=webhook_port,
        sandbox_lan=env.get("POS_SANDBOX_LAN", "").strip().lower() in ("1", "true", "yes", "on"),
    )
