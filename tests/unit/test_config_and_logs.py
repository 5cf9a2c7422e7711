from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pos_app.config import SANDBOX_API_KEY, ConfigError, load_config
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
