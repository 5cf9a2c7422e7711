"""Running the sandbox: in a background thread (tests, screenshots) or as a process."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from pos_app.sandbox import behaviour, discovery
from pos_app.sandbox.app import create_app

log = logging.getLogger(__name__)

_START_TIMEOUT_SECONDS = 10.0


def _bind(host: str, port: int) -> socket.socket:
    """Bind and listen ourselves, so port 0 yields a known free port before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says TCP,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if os.name != "nt":
        # Lets a restarted sandbox take its port back while old connections linger.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(False)
    return sock


def _url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class SandboxHandle:
    """A sandbox serving from a daemon thread of this process."""

    def __init__(self, url: str, server: uvicorn.Server, thread: threading.Thread,
                 sock: socket.socket) -> None:
        self.url = url
        self._server = server
        self._thread = thread
        self._sock = sock

    def stop(self, timeout: float = 10.0) -> None:
        """Shut the server down gracefully and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(db_path: Path, host: str = "127.0.0.1", port: int = 0) -> SandboxHandle:
    """Serve the sandbox from a daemon thread; returns once ``/healthz`` answers."""
    return start_app_in_thread(lambda url: create_app(db_path, public_base_url=url), host, port)


def start_app_in_thread(
    make_app: Callable[[str], Starlette], host: str = "127.0.0.1", port: int = 0
) -> SandboxHandle:
    """Like :func:`start_in_thread` for an app built by ``make_app(url)`` (tests that need
    a fake clock or other settings)."""
    sock = _bind(host, port)
    url = _url_of(sock)
    config = uvicorn.Config(make_app(url), log_level="warning", lifespan="on",
                            access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox {url}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while not discovery.is_alive(url, timeout=0.5):
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"sandbox did not start at {url}")
        time.sleep(0.02)
    return SandboxHandle(url, server, thread, sock)


def _write_record(path: Path, url: str) -> None:
    """Atomically publish where this process serves."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
    os.replace(tmp, path)


def _remove_record(path: Path) -> None:
    """Remove the record if it is still ours (a newer sandbox may have replaced it)."""
    record = discovery.read_record(path)
    if record is not None and record.pid == os.getpid():
        path.unlink(missing_ok=True)


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(
    db_path: Path,
    host: str,
    port: int,
    record_path: Path | None,
    *,
    business_name: str = behaviour.DEFAULT_BUSINESS_NAME,
    rate_limit_per_second: int | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM; publish ``record_path`` while listening."""
    sock = _bind(host, port)
    url = _url_of(sock)
    app = create_app(db_path, public_base_url=url, business_name=business_name,
                     rate_limit_per_second=rate_limit_per_second)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    )

    def publish() -> None:
        # uvicorn sets ``started`` after startup (lifespan done, socket being served).
        while not server.started and not server.should_exit:
            time.sleep(0.02)
        if server.started and record_path is not None:
            _write_record(record_path, url)
            log.warning("sandbox serving at %s", url)

    watcher = threading.Thread(target=publish, name="sandbox-record", daemon=True)
    watcher.start()
    if threading.current_thread() is threading.main_thread():
        # uvicorn shuts down on SIGTERM and then re-raises it to the previous handler; with
        # the default one the process would die before the record below is removed.
        signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        server.run(sockets=[sock])
    finally:
        server.should_exit = True
        if record_path is not None:
            _remove_record(record_path)
        sock.close()
