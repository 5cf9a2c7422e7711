"""Memory a huge request body costs the webhook receiver and the sandbox (issue 11 item 8).

    .venv/bin/python bench/body_limits.py [MEGABYTES]

Sends, over real sockets, a body of MEGABYTES (default 200 to the receiver, 300 to the
sandbox, as in the issue) chunked without ``Content-Length``, and again with a declared
``Content-Length``; prints the answer, how much was sent before the server answered, and
how much this process's peak resident memory grew (Linux: ``VmHWM``, reset before each
send through ``/proc/self/clear_refs``). Before the fix the receiver grew by ~150 MB for
200 MB and the sandbox by ~330 MB for an unauthenticated 300 MB POST; now both refuse
after at most the cap (1 MB) plus a chunk.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).parent))

from _common import app, sandbox

from pos_app.sync.webhook_server import PATH, create_webhook_app

CHUNK = 65_536
MB = 1_000_000


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def send(
    host: str, port: int, path: str, total: int, headers: dict[str, str], declare: bool
) -> tuple[str, int]:
    """POST ``total`` bytes; returns (status line, bytes sent before the server answered)."""
    head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    head.append(f"Content-Length: {total}" if declare else "Transfer-Encoding: chunked")
    sent = 0
    payload = b"a" * CHUNK
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sock.setblocking(False)
        answer = b""
        try:
            while sent < total:
                try:
                    answer += sock.recv(4096)
                    if answer:
                        break  # the server answered before the body was all sent
                except BlockingIOError:
                    pass
                size = min(CHUNK, total - sent)
                frame = (
                    payload[:size]
                    if declare
                    else f"{size:x}\r\n".encode() + payload[:size] + b"\r\n"
                )
                sock.setblocking(True)
                sock.sendall(frame)
                sock.setblocking(False)
                sent += size
            if not declare and sent >= total:
                sock.setblocking(True)
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.setblocking(True)
        try:
            while b"\r\n" not in answer:
                more = sock.recv(4096)
                if not more:
                    break
                answer += more
        except (ConnectionResetError, TimeoutError):
            pass
    return answer.split(b"\r\n", 1)[0].decode(errors="replace") or "(no answer)", sent


def _measure(
    label: str, host: str, port: int, path: str, total: int, headers: dict[str, str]
) -> None:
    for declare in (False, True):
        exact = _reset_peak()
        before = _status_kb("VmRSS" if not exact else "VmHWM")
        status, sent = send(host, port, path, total, headers, declare)
        time.sleep(0.2)
        grown = (_status_kb("VmHWM") - before) / 1000
        how = "Content-Length" if declare else "chunked"
        print(
            f"{label:<34} {total // MB:>4} MB {how:<14} -> {status:<28} "
            f"sent {sent / MB:7.1f} MB  peak RSS +{grown:6.1f} MB"
        )


def main(megabytes: int | None) -> None:
    with sandbox() as handle, app(handle) as ctx:
        host, port = "127.0.0.1", int(handle.url.rsplit(":", 1)[1])
        _measure(
            "sandbox POST /v1 (no key)",
            host,
            port,
            "/v1/checkout/sessions",
            (megabytes or 300) * MB,
            {},
        )
        key = {"Authorization": "Bearer sk_test_bench"}
        _measure(
            "sandbox POST /v1 (with key)",
            host,
            port,
            "/v1/checkout/sessions",
            (megabytes or 300) * MB,
            key,
        )

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            webhook_port = probe.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(
                create_webhook_app(ctx.webhook_intake("whsec_bench")),
                host="127.0.0.1",
                port=webhook_port,
                log_level="warning",
                access_log=False,
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            _measure("webhook receiver", host, webhook_port, PATH, (megabytes or 200) * MB, {})
        finally:
            server.should_exit = True
            thread.join(10)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
