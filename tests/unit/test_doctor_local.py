"""The doctor's look at this computer: the data folder's permissions, the webhook port."""

from __future__ import annotations

import http.server
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_app.services.doctor_local import PortState, data_dir_privacy, probe_webhook_port

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


@posix_only
def test_a_private_folder_passes(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "logs").mkdir(parents=True)
    for name in ("pos.sqlite3", "logs/pos-app.log"):
        (folder / name).write_text("x")
        (folder / name).chmod(0o600)
    folder.chmod(0o700)
    found = data_dir_privacy(folder)
    assert found.ok
    assert found.sentence().endswith("and its files are private to your account.")


@posix_only
def test_files_and_folder_open_to_others_are_named_not_fixed(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o755)
    for i, mode in enumerate((0o644, 0o640, 0o600, 0o604, 0o660)):
        (folder / f"f{i}").write_text("x")
        (folder / f"f{i}").chmod(mode)
    found = data_dir_privacy(folder)
    assert not found.ok
    assert found.exposed == ("f0", "f1", "f3", "f4")
    assert found.sentence() == (
        f"The data folder {folder} is open to other accounts (permissions 0755, should be "
        "0700); other accounts can read f0, f1, f3 and 1 more (should be 0600). "
        f"To fix it, run `chmod -R go-rwx {folder}`."
    )
    assert (folder / "f0").stat().st_mode & 0o777 == 0o644  # reported, not repaired


@posix_only
def test_an_open_file_in_a_private_folder_still_fails(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    (folder / "secrets.json").write_text("{}")
    (folder / "secrets.json").chmod(0o644)
    found = data_dir_privacy(folder)
    assert not found.ok and found.sentence().startswith("Other accounts can read secrets.json")


def test_a_missing_folder_is_said_so(tmp_path: Path) -> None:
    found = data_dir_privacy(tmp_path / "nope")
    assert not found.ok and "does not exist yet" in found.sentence()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serving(status: int) -> Iterator[int]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def not_found_server() -> Iterator[int]:
    yield from _serving(404)


@pytest.fixture
def post_only_server() -> Iterator[int]:
    yield from _serving(405)


def test_a_free_port_is_free() -> None:
    assert probe_webhook_port(_free_port()) is PortState.FREE


def test_a_port_held_by_another_web_server_is_other(not_found_server: int) -> None:
    assert probe_webhook_port(not_found_server) is PortState.OTHER


def test_a_route_that_wants_post_is_the_receiver(post_only_server: int) -> None:
    assert probe_webhook_port(post_only_server) is PortState.RECEIVER


def test_a_port_held_by_something_that_speaks_no_http_is_other() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = int(listener.getsockname()[1])

        def close_at_once() -> None:
            conn, _ = listener.accept()
            conn.close()

        threading.Thread(target=close_at_once, daemon=True).start()
        assert probe_webhook_port(port, timeout=2) is PortState.OTHER
