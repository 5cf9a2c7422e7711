from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from pos_app.config import (
    SANDBOX_API_KEY,
    STATION_FILE,
    ConfigError,
    Mode,
    StationSettings,
    key_problem,
    load_config,
    load_station,
    resolve_config,
    save_station,
    secret_key_name,
    station_path,
    webhook_secret_name,
)
from pos_app.logs import redact, setup_logging


def test_no_key_means_sandbox(tmp_path: Path) -> None:
    cfg = load_config({"POS_DATA_DIR": str(tmp_path)})
    assert cfg.mode == "sandbox" and cfg.uses_local_sandbox
    assert cfg.secret_key == SANDBOX_API_KEY
    assert cfg.database_url.endswith("pos.sqlite3")


@pytest.mark.parametrize(
    ("key", "mode"),
    [
        ("sk_test_abc", "test"),
        ("rk_test_abc", "test"),
        ("sk_live_abc", "live"),
        ("rk_live_x", "live"),
    ],
)
def test_key_prefix_picks_the_mode(tmp_path: Path, key: str, mode: str) -> None:
    cfg = load_config({"POS_DATA_DIR": str(tmp_path), "STRIPE_SECRET_KEY": key})
    assert cfg.mode == mode and not cfg.uses_local_sandbox
    assert key not in repr(cfg)


@pytest.mark.parametrize(
    "env",
    [
        {"STRIPE_SECRET_KEY": "pk_test_publishable"},
        {"POS_HOLD_MINUTES": "1"},
        {"POS_HOLD_MINUTES": "ten"},
        {"POS_TIMEZONE": "Mars/Olympus"},
        {"POS_POLL_SECONDS": "0"},
        {"POS_WEBHOOK_PORT": "12112"},  # a receiver without its signing secret
        {"POS_WEBHOOK_PORT": "http", "STRIPE_WEBHOOK_SECRET": "whsec_x"},
    ],
)
def test_bad_settings_are_sentences(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as err:
        load_config({"POS_DATA_DIR": str(tmp_path), **env})
    assert str(err.value).endswith(".")


def test_secrets_are_masked_in_log_files(tmp_path: Path) -> None:
    assert redact("key sk_live_51Habc123 and whsec_xyz") == "key sk_live_**** and whsec_****"
    setup_logging(tmp_path)
    logging.getLogger("pos_app.test").warning("using %s", "sk_test_supersecret123")
    try:
        raise RuntimeError("boom rk_live_abcdef")
    except RuntimeError:
        logging.getLogger("pos_app.test").exception("failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (tmp_path / "pos-app.log").read_text()
    assert "sk_test_****" in text and "rk_live_****" in text
    assert "supersecret" not in text and "abcdef" not in text


# -- layering: environment, then what Settings saved, then defaults --------------------------


class MemorySecrets:
    """A keystore stand-in: a dict, and the sentence the dialog would show."""

    def __init__(self, **entries: str) -> None:
        self.entries = dict(entries)
        self.reads: list[str] = []

    def get(self, name: str) -> str | None:
        self.reads.append(name)
        return self.entries.get(name)

    def describe(self) -> str:
        return "The key is kept in this computer's keyring (memory)."


LIVE_KEY = "sk_live_51Habcdefghijklmn9876"
TEST_KEY = "sk_test_51Habcdefghijklmn1234"


@pytest.mark.parametrize(
    ("key", "database"),
    [("", "pos.sqlite3"), (TEST_KEY, "pos-test.sqlite3"), (LIVE_KEY, "pos-live.sqlite3")],
)
def test_each_mode_has_its_own_database(tmp_path: Path, key: str, database: str) -> None:
    env = {"POS_DATA_DIR": str(tmp_path), "STRIPE_SECRET_KEY": key}
    assert load_config(env).database_url == f"sqlite:///{tmp_path / database}"
    url = "sqlite:////srv/shared.sqlite3"
    assert load_config({**env, "POS_DATABASE_URL": url}).database_url == url


def test_config_remembers_which_settings_the_environment_fixed(tmp_path: Path) -> None:
    cfg = load_config({"POS_DATA_DIR": str(tmp_path), "POS_HOLD_MINUTES": "15"})
    assert cfg.env_var("hold_minutes") == "POS_HOLD_MINUTES"
    assert cfg.env_var("business_name") is None and cfg.env_var("mode") is None
    keyed = load_config({"POS_DATA_DIR": str(tmp_path), "STRIPE_SECRET_KEY": TEST_KEY})
    assert keyed.env_var("mode") == keyed.env_var("secret_key") == "STRIPE_SECRET_KEY"


def test_station_file_round_trip(tmp_path: Path) -> None:
    assert load_station(tmp_path) == StationSettings()  # no file yet: defaults
    saved = StationSettings(
        mode="live", webhook_enabled=True, webhook_port=12999, lock_minutes=0, theme="dark"
    )
    save_station(tmp_path, saved)
    assert load_station(tmp_path) == saved
    assert [p.name for p in tmp_path.iterdir()] == [STATION_FILE]  # no temp file left behind


def test_a_hand_edited_station_file_never_stops_the_app(tmp_path: Path) -> None:
    station_path(tmp_path).write_text(
        json.dumps({"mode": "production", "theme": "dark", "lock_minutes": True, "x": 1})
    )
    assert load_station(tmp_path) == StationSettings(theme="dark")
    station_path(tmp_path).write_text("{not json")
    assert load_station(tmp_path) == StationSettings()


def test_saved_mode_and_key_are_used_when_the_environment_is_silent(tmp_path: Path) -> None:
    save_station(tmp_path, StationSettings(mode="live", lock_minutes=9, theme="light"))
    secrets = MemorySecrets(**{secret_key_name("live"): LIVE_KEY})
    cfg = resolve_config({"POS_DATA_DIR": str(tmp_path)}, secrets=secrets)
    assert (cfg.mode, cfg.secret_key) == ("live", LIVE_KEY)
    assert cfg.database_url.endswith("pos-live.sqlite3")
    assert (cfg.lock_minutes, cfg.theme) == (9, "light")
    assert LIVE_KEY not in repr(cfg)


def test_the_environment_wins_over_saved_settings(tmp_path: Path) -> None:
    save_station(tmp_path, StationSettings(mode="live", webhook_enabled=True))
    secrets = MemorySecrets(**{secret_key_name("live"): LIVE_KEY})
    env = {
        "POS_DATA_DIR": str(tmp_path),
        "STRIPE_SECRET_KEY": TEST_KEY,
        "POS_WEBHOOK_PORT": "13000",
        "STRIPE_WEBHOOK_SECRET": "whsec_fromenv",
    }
    cfg = resolve_config(env, secrets=secrets)
    assert (cfg.mode, cfg.secret_key) == ("test", TEST_KEY)
    assert cfg.database_url.endswith("pos-test.sqlite3")
    assert (cfg.webhook_port, cfg.webhook_secret) == (13000, "whsec_fromenv")
    assert secrets.reads == []  # the keystore was not even asked


def test_a_sandbox_station_never_reads_the_keystore(tmp_path: Path) -> None:
    secrets = MemorySecrets()
    cfg = resolve_config({"POS_DATA_DIR": str(tmp_path)}, secrets=secrets)
    assert cfg.mode == "sandbox" and cfg.secret_key == SANDBOX_API_KEY
    assert secrets.reads == []


def test_a_saved_receiver_uses_its_stored_secret(tmp_path: Path) -> None:
    save_station(tmp_path, StationSettings(webhook_enabled=True, webhook_port=12555))
    env = {"POS_DATA_DIR": str(tmp_path)}
    assert resolve_config(env, secrets=MemorySecrets()).webhook_port is None  # no secret: off
    secrets = MemorySecrets(**{webhook_secret_name("sandbox"): "whsec_stored"})
    cfg = resolve_config(env, secrets=secrets)
    assert (cfg.webhook_port, cfg.webhook_secret) == (12555, "whsec_stored")


def test_a_saved_mode_whose_key_is_gone(tmp_path: Path) -> None:
    save_station(tmp_path, StationSettings(mode="live"))
    env = {"POS_DATA_DIR": str(tmp_path)}
    with pytest.raises(ConfigError) as err:
        resolve_config(env, secrets=MemorySecrets())
    assert "Live mode is chosen on this computer" in str(err.value)
    assert "Settings ▸ Payments" in str(err.value)
    # The desktop app opens the sandbox instead, saying why; nothing real can be charged.
    cfg = resolve_config(env, secrets=MemorySecrets(), fallback_to_sandbox=True)
    assert cfg.mode == "sandbox" and cfg.database_url.endswith("pos.sqlite3")
    assert "No Stripe secret key for live mode was found" in cfg.notice
    # A key of the wrong mode is no better than none.
    wrong = MemorySecrets(**{secret_key_name("live"): TEST_KEY})
    assert resolve_config(env, secrets=wrong, fallback_to_sandbox=True).mode == "sandbox"


def test_stored_business_settings_yield_to_the_environment(tmp_path: Path) -> None:
    env = {"POS_DATA_DIR": str(tmp_path), "POS_HOLD_MINUTES": "12"}
    cfg = load_config(env).with_business(
        business_name="Salon Nova", currency="EUR", timezone="Europe/Paris", hold_minutes=20
    )
    assert (cfg.business_name, cfg.currency, str(cfg.timezone)) == (
        "Salon Nova",
        "eur",
        "Europe/Paris",
    )
    assert cfg.hold_minutes == 12  # POS_HOLD_MINUTES wins
    odd = load_config({"POS_DATA_DIR": str(tmp_path)}).with_business(
        timezone="Mars/Olympus", hold_minutes=99
    )
    assert odd.hold_minutes == 10 and str(odd.timezone) != "Mars/Olympus"


@pytest.mark.parametrize(
    ("mode", "key", "sentence"),
    [
        ("test", LIVE_KEY, "This is a live key, but test mode is chosen."),
        ("live", TEST_KEY, "This is a test key, but live mode is chosen."),
        ("live", "rk_test_51Habcdefghijklmn", "This is a test key, but live mode is chosen."),
        ("live", "pk_live_51Habcdefghijklmn", "This is a publishable key (pk_…)."),
        ("test", "", "Test mode needs a secret key: paste a key starting with sk_test_ or"),
        ("test", "sk_test_51H abc", "The key contains a space."),
        ("live", "whatever", "A live mode key starts with sk_live_ or rk_live_."),
    ],
)
def test_a_key_must_fit_the_mode(mode: Mode, key: str, sentence: str) -> None:
    problem = key_problem(mode, key)
    assert problem is not None and problem.startswith(sentence)
    assert problem.endswith(".")


@pytest.mark.parametrize(
    ("mode", "key"), [("test", TEST_KEY), ("live", LIVE_KEY), ("live", "rk_live_51Habcdefghij")]
)
def test_secret_and_restricted_keys_are_accepted(mode: Mode, key: str) -> None:
    assert key_problem(mode, key) is None


@pytest.mark.parametrize(
    "key", ["sk_live_abc-def1234567", "rk_test_abcdé123456789", "sk_test_a%2Fb1234567"]
)
def test_a_mangled_key_is_refused_before_anything_is_created(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config({"STRIPE_SECRET_KEY": key, "POS_DATA_DIR": str(tmp_path)})
    assert "never has" in str(info.value)
    assert key not in str(info.value)  # a secret is never echoed
    assert list(tmp_path.iterdir()) == []
    assert key_problem("live", key) is not None


def test_an_ordinary_key_passes_the_character_check() -> None:
    assert key_problem("test", "sk_test_51HabcDEF0123456789") is None
