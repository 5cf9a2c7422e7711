"""Starting the sandbox as a process, finding it again, and its record file."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import httpx
import pytest

from pos_app.sandbox import discovery
from tests.sandbox.conftest import wait_until

pytestmark = pytest.mark.slow


def test_read_record_tolerates_garbage(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    assert discovery.read_record(path) is None
    path.write_text("{not json")
    assert discovery.read_record(path) is None
    path.write_text('{"url": "http://127.0.0.1:1", "pid": 5, "extra": true}')
    assert discovery.read_record(path) == discovery.SandboxRecord("http://127.0.0.1:1", 5)
    assert discovery.is_alive("http://127.0.0.1:1", timeout=0.2) is False


def test_spawn_attached_then_reuse_and_clean_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A free port of this test's own as the preferred one: after this sandbox stops, another
    # xdist worker's sandbox may take 12111 itself, and "nothing serves there" would fail.
    monkeypatch.setattr(discovery, "PREFERRED_PORT", _a_free_port())
    url, proc = discovery.spawn(tmp_path, detached=False)
    assert url.endswith(f":{discovery.PREFERRED_PORT}")
    assert proc is not None
    try:
        assert discovery.is_alive(url)
        record = discovery.read_record(tmp_path / "sandbox.json")
        assert record == discovery.SandboxRecord(url, proc.pid)
        assert (tmp_path / "sandbox.sqlite3").exists()
        same, none = discovery.ensure_running(tmp_path, detached=False)
        assert (same, none) == (url, None)
        r = httpx.get(f"{url}/v1/events", headers={"Authorization": "Bearer sk_test_x"})
        assert r.status_code == 200
    finally:
        proc.terminate()  # SIGTERM: uvicorn shuts down and the record is removed
        proc.wait(timeout=10)
    assert not (tmp_path / "sandbox.json").exists()
    assert discovery.is_alive(url) is False


def _a_free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_stale_record_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "sandbox.json").write_text('{"url": "http://127.0.0.1:9", "pid": 999999}')
    url, proc = discovery.ensure_running(tmp_path, detached=False)
    assert proc is not None
    try:
        assert url != "http://127.0.0.1:9" and discovery.is_alive(url)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_concurrent_ensure_running_starts_one_sandbox(tmp_path: Path) -> None:
    results: list[tuple[str, object]] = []
    lock = threading.Lock()

    def go() -> None:
        out = discovery.ensure_running(tmp_path, detached=False)
        with lock:
            results.append(out)

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    procs = [p for _, p in results if p is not None]
    try:
        assert len({u for u, _ in results}) == 1
        assert len(procs) == 1
    finally:
        for p in procs:
            p.terminate()  # type: ignore[attr-defined]
            p.wait(timeout=10)  # type: ignore[attr-defined]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_detached_sandbox_survives_and_logs(tmp_path: Path) -> None:
    url, proc = discovery.spawn(tmp_path, detached=True)
    assert proc is None
    record = discovery.read_record(tmp_path / "sandbox.json")
    assert record is not None and record.url == url
    try:
        assert discovery.is_alive(url)
        assert (tmp_path / "sandbox.log").exists()
        assert os.getsid(record.pid) != os.getsid(0)  # its own session
    finally:
        os.kill(record.pid, signal.SIGTERM)
    assert wait_until(lambda: not (tmp_path / "sandbox.json").exists())


def test_a_preferred_port_taken_after_the_check_falls_back_to_a_free_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two stations starting at once: the port looked free, then another bound it first."""
    import socket

    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
    # A port this test holds stands in for the preferred one: 12111 itself may be another
    # worker's sandbox, which can exit (and free it) between this test's bind and its spawn.
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    monkeypatch.setattr(discovery, "PREFERRED_PORT", taken)
    monkeypatch.setattr(discovery, "_port_free", lambda host, port: True)
    try:
        url, proc = discovery.spawn(tmp_path, detached=False)
        assert proc is not None
        try:
            assert discovery.is_alive(url)
            assert not url.endswith(f":{taken}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        holder.close()
