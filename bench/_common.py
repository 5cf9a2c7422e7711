"""Shared set-up for the benchmarks: a sandbox, a fresh app, a gateway that counts calls."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.exc import SQLAlchemyError

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from pos_app.services.bookings import BookingRequest

_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def submit_page(client: httpx.Client, url: str, form: dict[str, str]) -> httpx.Response:
    """Open the sandbox's payment page and post ``form`` with its CSRF token, as a phone's
    browser does (the page refuses a POST without it)."""
    page = client.get(url)
    found = _CSRF.search(page.text)
    token = found.group(1) if found else ""
    return client.post(url, data={**form, "csrf_token": token})


@contextmanager
def sandbox() -> Iterator[SandboxHandle]:
    """A sandbox on 127.0.0.1 with its own temporary database."""
    with tempfile.TemporaryDirectory() as tmp:
        handle = start_in_thread(Path(tmp) / "sandbox.sqlite3")
        try:
            yield handle
        finally:
            handle.stop()


@contextmanager
def sandbox_process() -> Iterator[str]:
    """A sandbox in its own process, as the desktop app runs it; yields its URL."""
    from pos_app.sandbox.discovery import spawn

    with tempfile.TemporaryDirectory() as tmp:
        url, proc = spawn(Path(tmp), detached=False)
        try:
            yield url
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)


@contextmanager
def app(handle: SandboxHandle, **env: str) -> Iterator[AppContext]:
    """A fresh app (own SQLite database) talking to ``handle``."""
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(
            {"POS_DATA_DIR": tmp, "POS_STRIPE_API_BASE": handle.url, "POS_TIMEZONE": "UTC", **env}
        )
        ctx = open_app(config, sandbox="none")
        try:
            yield ctx
        finally:
            ctx.close()


def book(ctx: AppContext, name: str) -> str:
    """A Haircut booking an hour from now; returns its id."""
    service = ctx.catalog.find("Haircut")
    when = datetime.now(UTC) + timedelta(hours=1)
    return ctx.bookings.create(BookingRequest(name, service.id, when)).id


class CountingGateway:
    """Wraps a PaymentGateway and counts every call that reaches Stripe, by method."""

    LOCAL = frozenset({"mode", "server_clock_offset"})

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._inner, name)
        if name in self.LOCAL or not callable(target):
            return target

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return target(*args, **kwargs)

        return counted

    @property
    def total(self) -> int:
        """Calls made since the last reset."""
        return sum(self.calls.values())

    def reset(self) -> None:
        """Start counting from zero."""
        self.calls.clear()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def server_cpu_seconds(engine: Any) -> float | None:
    """CPU seconds used so far by a local PostgreSQL server's processes (its postmaster's
    children, read from /proc), or None when that cannot be read (SQLite, a remote server,
    not a superuser): the export's work there is in none of this process's CPU time."""
    if engine.dialect.name != "postgresql":
        return None
    try:
        with engine.connect() as conn:
            data = conn.exec_driver_sql("SHOW data_directory").scalar()
        postmaster = int(Path(data, "postmaster.pid").read_text().split()[0])
    except (SQLAlchemyError, OSError, ValueError, IndexError):  # the figure is left out
        return None
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == postmaster:  # ppid
                ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")
