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
from typing import Any

import uvicorn
from starlette.applications import Starlette

from pos_app.sandbox import behaviour, discovery, lan
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


def _urls(sock: socket.socket, host: str, public_url: str | None) -> tuple[str, str]:
    """``(api url, public url)`` of a bound socket (see :mod:`lan`)."""
    port = int(sock.getsockname()[1])
    return lan.api_url(host, port), lan.public_url(host, port, public_url)


def _config(app: Starlette) -> uvicorn.Config:
    # date_header=False: the sandbox sets Date from its own clock. log_config=None: uvicorn's
    # loggers keep no handlers of their own and reach whatever the host program set up (the
    # app's masked pos-app.log in-process, basicConfig when run on its own).
    return uvicorn.Config(
        app,
        log_level="warning",
        lifespan="on",
        access_log=False,
        date_header=False,
        log_config=None,
    )


class SandboxHandle:
    """A sandbox serving from a daemon thread of this process.

    ``url`` is where to reach the API (loopback in LAN mode); ``public_url`` is the base of
    hosted-page URLs.
    """

    def __init__(
        self,
        url: str,
        server: uvicorn.Server,
        thread: threading.Thread,
        sock: socket.socket,
        public_url: str | None = None,
    ) -> None:
        self.url = url
        self.public_url = public_url or url
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


def start_in_thread(
    db_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    enable_controls: bool = False,
    public_url: str | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    **app_options: Any,
) -> SandboxHandle:
    """Serve the sandbox from a daemon thread; returns once ``/healthz`` answers.

    ``enable_controls`` mounts ``/_sandbox`` (test controls, fault injection);
    ``public_url`` overrides the base of hosted-page URLs; ``webhook_url`` and
    ``webhook_secret`` register an endpoint receiving every event; further keyword
    arguments go to :func:`create_app`.
    """
    return start_app_in_thread(
        lambda url: create_app(
            db_path,
            public_base_url=url,
            enable_controls=enable_controls,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            **app_options,
        ),
        host,
        port,
        public_url=public_url,
    )


def start_app_in_thread(
    make_app: Callable[[str], Starlette],
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    public_url: str | None = None,
) -> SandboxHandle:
    """Like :func:`start_in_thread` for an app built by ``make_app(public url)`` (tests that
    need a fake clock or other settings)."""
    sock = _bind(host, port)
    url, public = _urls(sock, host, public_url)
    server = uvicorn.Server(_config(make_app(public)))
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
    return SandboxHandle(url, server, thread, sock, public)


def _write_record(path: Path, url: str, public_url: str | None = None) -> None:
    """Atomically publish where this process serves (``url``: the API over loopback;
    ``public_url``: the base of hosted-page URLs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    record = {"url": url, "pid": os.getpid(), "public_url": public_url or url}
    tmp.write_text(json.dumps(record), encoding="utf-8")
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
    rate_limit_per_second: int | None = behaviour.TEST_MODE_RATE_LIMIT,
    enable_controls: bool = False,
    public_url: str | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM; publish ``record_path`` while listening.

    With ``host="0.0.0.0"`` hosted-page URLs use this machine's LAN address (unless
    ``public_url`` names one) while the record's ``url`` stays on loopback for the app.
    """
    sock = _bind(host, port)
    url, public = _urls(sock, host, public_url)
    app = create_app(
        db_path,
        public_base_url=public,
        business_name=business_name,
        rate_limit_per_second=rate_limit_per_second,
        enable_controls=enable_controls,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
    )
    server = uvicorn.Server(_config(app))

    def publish() -> None:
        # uvicorn sets ``started`` after startup (lifespan done, socket being served).
        while not server.started and not server.should_exit:
            time.sleep(0.02)
        if server.started and record_path is not None:
            _write_record(record_path, url, public)
            if public != url:
                log.warning("sandbox serving at %s (payment pages at %s)", url, public)
            else:
                log.warning("sandbox serving at %s", url)
            if enable_controls:
                log.warning("sandbox test controls enabled at %s%s", url, behaviour.CONTROLS_PREFIX)

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
