"""Secrets (Stripe secret keys, webhook signing secrets) in the operating system's keyring.

The only module that imports ``keyring``: Keychain on macOS, Credential Manager on Windows,
Secret Service (GNOME Keyring, KWallet) on Linux. Entries live under the service name
``pos-app``, one per secret and mode (``stripe-secret-key-live``, …).

Where no usable keyring exists (a Linux box with only ``keyring.backends.fail``), or the
keyring stops answering, secrets go to ``secrets.json`` in the data directory, created with
0600 permissions so only this user account can read it, and ``describe()`` says so in a
sentence the settings dialog shows. Secret values are never logged; only entry names are.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Protocol

from pos_app.domain.errors import PosError

log = logging.getLogger(__name__)

SERVICE = "pos-app"
FALLBACK_FILE = "secrets.json"
PRIVATE = 0o600


class KeystoreError(PosError):
    """A secret could not be stored or removed; the message says where and why."""


class Backend(Protocol):
    """The part of a ``keyring`` backend the keystore uses (tests pass an in-memory one)."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


def _system_backend() -> Backend | None:
    """The OS keyring, or None when keyring found only its failing or null placeholder."""
    # Imported on first use, not with the app: loading keyring took about 40 ms of the
    # desktop app's start, which reads no secret in sandbox mode.
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    try:
        priority = float(type(backend).priority)
    except Exception:  # a backend's priority raises when it is not viable here
        return None
    # Below 1 keyring itself calls a backend "not recommended" (e.g. plaintext files).
    return backend if priority >= 1 else None


def _backend_name(backend: object) -> str:
    name = getattr(type(backend), "name", None)
    return name if isinstance(name, str) and name else type(backend).__name__


class KeyStore:
    """Get, set and delete named secrets: the OS keyring, or a private file where there is none.

    ``backend`` None means "find the system keyring" (on first use, not at construction);
    ``use_system=False`` goes straight to the file (screenshots, tests).
    """

    def __init__(
        self, data_dir: Path, backend: Backend | None = None, *, use_system: bool = True
    ) -> None:
        self._data_dir = data_dir
        self._lock = threading.RLock()
        self._backend: Backend | None = backend
        self._resolved = backend is not None or not use_system
        self._reason = "No system keyring was found"

    # -- where -------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The fallback file (used only without a usable keyring)."""
        return self._data_dir / FALLBACK_FILE

    @property
    def uses_keyring(self) -> bool:
        """True when secrets go to the OS keyring."""
        return self._keyring() is not None

    def describe(self) -> str:
        """Where secrets are kept, as a sentence for the settings dialog."""
        backend = self._keyring()
        if backend is not None:
            return f"The key is kept in this computer's keyring ({_backend_name(backend)})."
        return (
            f"{self._reason}, so the key is kept in a file only your user account can "
            f"read: {self.path}"
        )

    # -- secrets -----------------------------------------------------------------------

    def get(self, name: str) -> str | None:
        """The secret stored under ``name``, or None."""
        with self._lock:
            backend = self._keyring()
            if backend is not None:
                from keyring.errors import KeyringError

                try:
                    value = backend.get_password(SERVICE, name)
                except KeyringError as err:
                    self._give_up_keyring(err)
                else:
                    if value:
                        return value
            # Also where a secret saved while the keyring was unavailable waits.
            return self._read_file().get(name)

    def set(self, name: str, secret: str) -> None:
        """Store ``secret`` under ``name``, replacing any earlier one."""
        with self._lock:
            backend = self._keyring()
            if backend is not None:
                from keyring.errors import KeyringError

                try:
                    backend.set_password(SERVICE, name, secret)
                except KeyringError as err:
                    self._give_up_keyring(err)
                else:
                    # No copy may linger in the file once the keyring holds the secret.
                    self._remove_from_file(name)
                    log.info("keystore.stored name=%s where=keyring", name)
                    return
            entries = self._read_file()
            entries[name] = secret
            self._write_file(entries)
            log.info("keystore.stored name=%s where=file", name)

    def delete(self, name: str) -> None:
        """Forget the secret under ``name`` (nothing happens when there is none)."""
        with self._lock:
            backend = self._keyring()
            if backend is not None:
                from keyring.errors import KeyringError, PasswordDeleteError

                try:
                    backend.delete_password(SERVICE, name)
                except PasswordDeleteError:
                    pass  # there was none
                except KeyringError as err:
                    self._give_up_keyring(err)
            self._remove_from_file(name)
            log.info("keystore.deleted name=%s", name)

    # -- internals ---------------------------------------------------------------------

    def _keyring(self) -> Backend | None:
        with self._lock:
            if not self._resolved:
                self._resolved = True
                try:
                    self._backend = _system_backend()
                except Exception as err:  # a broken keyring install must not stop the app
                    log.warning("keystore.no_keyring error=%s", type(err).__name__)
                    self._backend = None
                log.info(
                    "keystore.backend %s",
                    _backend_name(self._backend) if self._backend else "file",
                )
            return self._backend

    def _give_up_keyring(self, err: Exception) -> None:
        # A locked or vanished keyring (no D-Bus session, say): keep working with the file.
        log.warning("keystore.keyring_failed error=%s", type(err).__name__)
        self._backend = None
        self._reason = "The system keyring did not answer"

    def _read_file(self) -> dict[str, str]:
        path = self.path
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            return {}
        if os.name == "posix" and mode & 0o077:
            # Someone widened it: make it private again before reading secrets out of it.
            log.warning("keystore.file_permissions fixed path=%s mode=%o", path, mode)
            path.chmod(PRIVATE)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            log.warning("keystore.file_unreadable path=%s error=%s", path, type(err).__name__)
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): v for k, v in data.items() if isinstance(v, str) and v}

    def _remove_from_file(self, name: str) -> None:
        entries = self._read_file()
        if name in entries:
            del entries[name]
            self._write_file(entries)

    def _write_file(self, entries: dict[str, str]) -> None:
        """Replace the file atomically; the new file is 0600 from the moment it exists."""
        try:
            self._data_dir.mkdir(parents=True, exist_ok=True)
            # mkstemp creates the file with 0600, before a single byte is written to it.
            fd, tmp = tempfile.mkstemp(prefix=".secrets-", suffix=".tmp", dir=self._data_dir)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(entries, handle, indent=2, sort_keys=True)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(tmp, PRIVATE)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as err:
            raise KeystoreError(
                f"The key could not be saved in {self.path}: {err.strerror or err}."
            ) from err
