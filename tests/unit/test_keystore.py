"""The keystore: the OS keyring when there is one, a 0600 file when there is not."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backends import fail

from pos_app.keystore import FALLBACK_FILE, SERVICE, KeyStore

KEY = "sk_live_51Hsupersecretvalue4242"


class MemoryKeyring:
    """An in-memory keyring backend (deliberately not a KeyringBackend subclass, which
    keyring would register globally)."""

    name = "memory"

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise keyring.errors.PasswordDeleteError("not there")
        del self.entries[(service, username)]


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but refuses (a locked collection, no D-Bus session)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secrets_go_to_the_keyring_when_there_is_one(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    store = KeyStore(tmp_path, backend)
    store.set("stripe-secret-key-live", KEY)
    assert backend.entries == {(SERVICE, "stripe-secret-key-live"): KEY}
    assert store.get("stripe-secret-key-live") == KEY
    assert store.uses_keyring
    assert store.describe() == "The key is kept in this computer's keyring (memory)."
    assert not (tmp_path / FALLBACK_FILE).exists()
    store.delete("stripe-secret-key-live")
    store.delete("stripe-secret-key-live")  # deleting what is not there is fine
    assert store.get("stripe-secret-key-live") is None


def test_without_a_keyring_a_private_file_is_used_and_the_dialog_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What this Linux box has: only keyring's failing placeholder backend.
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    store = KeyStore(tmp_path / "data")
    path = tmp_path / "data" / FALLBACK_FILE
    assert not store.uses_keyring
    assert store.describe() == (
        "No system keyring was found, so the key is kept in a file only your user account "
        f"can read: {path}"
    )
    store.set("stripe-secret-key-test", "sk_test_one")
    store.set("stripe-webhook-secret-test", "whsec_two")
    assert path.exists()
    if os.name == "posix":
        assert mode_of(path) == 0o600
    assert store.get("stripe-secret-key-test") == "sk_test_one"
    assert KeyStore(tmp_path / "data", use_system=False).get("stripe-webhook-secret-test") == (
        "whsec_two"
    )
    store.delete("stripe-secret-key-test")
    assert store.get("stripe-secret-key-test") is None
    assert store.get("stripe-webhook-secret-test") == "whsec_two"
    assert sorted(p.name for p in path.parent.iterdir()) == [FALLBACK_FILE]  # no temp files


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_widened_fallback_file_is_made_private_again(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, use_system=False)
    store.set("stripe-secret-key-test", "sk_test_one")
    path = tmp_path / FALLBACK_FILE
    path.chmod(0o644)
    assert store.get("stripe-secret-key-test") == "sk_test_one"
    assert mode_of(path) == 0o600


def test_a_keyring_that_stops_answering_falls_back_to_the_file(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, LockedKeyring())
    store.set("stripe-secret-key-live", KEY)
    assert store.get("stripe-secret-key-live") == KEY
    assert store.describe().startswith(
        "The system keyring did not answer, so the key is kept in a file only your user "
        "account can read:"
    )


def test_a_secret_saved_in_the_keyring_leaves_no_copy_in_the_file(tmp_path: Path) -> None:
    KeyStore(tmp_path, use_system=False).set("stripe-secret-key-live", "sk_live_old")
    backend = MemoryKeyring()
    store = KeyStore(tmp_path, backend)
    assert store.get("stripe-secret-key-live") == "sk_live_old"  # found where it waited
    store.set("stripe-secret-key-live", KEY)
    assert "sk_live_old" not in (tmp_path / FALLBACK_FILE).read_text()
    assert store.get("stripe-secret-key-live") == KEY


def test_secrets_never_reach_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for store in (KeyStore(tmp_path, MemoryKeyring()), KeyStore(tmp_path, use_system=False)):
        store.set("stripe-secret-key-live", KEY)
        store.get("stripe-secret-key-live")
        store.delete("stripe-secret-key-live")
    assert "keystore.stored name=stripe-secret-key-live" in caplog.text
    assert KEY not in caplog.text and KEY[-12:] not in caplog.text
