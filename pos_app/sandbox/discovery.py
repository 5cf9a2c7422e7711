"""Finding a running sandbox, or starting one, through a record file in the data dir.

``data_dir/sandbox.json`` holds ``{"url": ..., "pid": ..., "public_url": ...}`` while a
sandbox serves (``url`` is the API, on loopback in LAN mode; ``public_url`` the base of
hosted-page URLs);
``data_dir/sandbox.lock`` keeps two callers from starting two sandboxes at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

RECORD_NAME = "sandbox.json"
LOCK_NAME = "sandbox.lock"
LOG_NAME = "sandbox.log"
DB_NAME = "sandbox.sqlite3"

_SPAWN_TIMEOUT_SECONDS = 10.0
# A spawned sandbox prefers this port so payment links stay valid across its restarts.
PREFERRED_PORT = 12111


@dataclass(frozen=True)
class SandboxRecord:
    """Where a sandbox process said it serves."""

    url: str
    pid: int
    #: Base of hosted-page URLs (the LAN address in LAN mode); not part of equality.
    public_url: str | None = field(default=None, compare=False)


def record_path(data_dir: Path) -> Path:
    """The record file of ``data_dir``."""
    return data_dir / RECORD_NAME


def db_path(data_dir: Path) -> Path:
    """The sandbox's own SQLite file in ``data_dir``."""
    return data_dir / DB_NAME


def read_record(path: Path) -> SandboxRecord | None:
    """The record at ``path``, or ``None`` if missing or unreadable."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    url, pid = data.get("url"), data.get("pid")
    if not isinstance(url, str) or not isinstance(pid, int):
        return None
    public_url = data.get("public_url")
    return SandboxRecord(
        url=url, pid=pid, public_url=public_url if isinstance(public_url, str) else None
    )


def is_alive(url: str, timeout: float = 0.5) -> bool:
    """Whether a sandbox answers ``GET {url}/healthz``."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/healthz", timeout=timeout) as resp:
            body: Any = json.loads(resp.read().decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError):
        return False
    return isinstance(body, dict) and body.get("ok") is True


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (blocks until free)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _popen_kwargs(detached: bool, log: IO[bytes]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "stdin": subprocess.DEVNULL,
        "stdout": log,
        "stderr": subprocess.STDOUT,
        "close_fds": True,
    }
    if detached:
        if os.name == "nt":  # pragma: no cover - Windows only
            flags = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(
                subprocess, "CREATE_NEW_PROCESS_GROUP", 0
            )
            kwargs["creationflags"] = flags
        else:
            # Its own session: no SIGINT from our terminal, survives our exit.
            kwargs["start_new_session"] = True
    return kwargs


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _log_tail(path: Path, limit: int = 2000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-limit:]
    except OSError:
        return ""


def spawn(
    data_dir: Path, *, detached: bool, lan: bool = False
) -> tuple[str, subprocess.Popen[bytes] | None]:
    """Start ``python -m pos_app.sandbox`` for ``data_dir`` and wait until it serves.

    ``lan`` listens on every interface so payment links carry this machine's LAN address
    (a phone on the same network can open them); the returned API URL stays on loopback.

    Returns the URL and, unless ``detached``, the child process for the caller to
    terminate. A detached child survives this process (its output goes to
    ``sandbox.log``), so no handle is returned for it.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    record = record_path(data_dir)
    # A stale record would be mistaken for the new child's.
    record.unlink(missing_ok=True)
    host = "0.0.0.0" if lan else "127.0.0.1"
    if _port_free(host, PREFERRED_PORT):
        try:
            return _spawn_on(data_dir, host, PREFERRED_PORT, detached=detached)
        except _ExitedEarly:
            # Another program took the port between the check and the bind: any free port.
            pass
    return _spawn_on(data_dir, host, 0, detached=detached)


class _ExitedEarly(RuntimeError):
    """The child sandbox exited before it served (e.g. its port was taken meanwhile)."""


def _spawn_on(
    data_dir: Path, host: str, port: int, *, detached: bool
) -> tuple[str, subprocess.Popen[bytes] | None]:
    record = record_path(data_dir)
    log_path = data_dir / LOG_NAME
    cmd = [
        sys.executable,
        "-m",
        "pos_app.sandbox",
        "--data-dir",
        str(data_dir),
        "--host",
        host,
        "--port",
        str(port),
    ]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, **_popen_kwargs(detached, log))
    deadline = time.monotonic() + _SPAWN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        found = read_record(record)
        if found is not None and found.pid == proc.pid and is_alive(found.url):
            return found.url, None if detached else proc
        if proc.poll() is not None:
            raise _ExitedEarly(
                f"sandbox exited with code {proc.returncode} before serving:\n"
                + _log_tail(log_path)
            )
        time.sleep(0.05)
    proc.terminate()
    raise RuntimeError(
        f"sandbox did not start within {_SPAWN_TIMEOUT_SECONDS:.0f} s:\n" + _log_tail(log_path)
    )


def ensure_running(
    data_dir: Path, *, detached: bool, lan: bool = False
) -> tuple[str, subprocess.Popen[bytes] | None]:
    """Reuse the sandbox recorded in ``data_dir`` if it answers; otherwise start one.

    Raises RuntimeError if ``lan`` is asked for but a loopback-only sandbox is running.
    """
    with _locked(data_dir / LOCK_NAME):
        found = read_record(record_path(data_dir))
        if found is not None and is_alive(found.url):
            if lan and _is_loopback(found.public_url or found.url):
                raise RuntimeError(
                    f"a sandbox without LAN mode is already running (pid {found.pid}); "
                    "stop it to start one that phones on the network can reach"
                )
            return found.url, None
        return spawn(data_dir, detached=detached, lan=lan)


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")
