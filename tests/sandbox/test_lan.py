"""LAN mode: which address goes into payment page URLs. No traffic leaves loopback here:
the address probes are replaced by fakes, and only 127.0.0.1 is ever connected to."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pos_app.sandbox import discovery, lan
from pos_app.sandbox.runner import _write_record, start_in_thread
from tests.sandbox.conftest import auth_headers, wait_until


def _refuse(target: str) -> str | None:
    raise OSError("network is unreachable")


def test_choose_prefers_private_ipv4_and_skips_loopback_and_link_local() -> None:
    assert lan.choose_lan_ip(["127.0.1.1", "169.254.3.4", "192.168.1.20"]) == "192.168.1.20"
    assert lan.choose_lan_ip(["198.51.100.7", "10.0.0.5"]) == "10.0.0.5"
    assert lan.choose_lan_ip(["198.51.100.7"]) == "198.51.100.7"
    assert lan.choose_lan_ip(["fe80::1", "::1", "not an address", "0.0.0.0"]) is None
    assert lan.choose_lan_ip([]) is None


def test_lan_ip_from_the_probe_then_the_host_name_then_loopback() -> None:
    probed: list[str] = []

    def probe(target: str) -> str | None:
        probed.append(target)
        return "10.1.2.3"

    assert lan.lan_ip(probe=probe, lookup=lambda: ["192.168.9.9"]) == "10.1.2.3"
    assert probed == list(lan.PROBE_TARGETS)
    # The probe answers loopback (no route) or fails: the host name's addresses decide.
    assert lan.lan_ip(probe=lambda t: "127.0.0.1", lookup=lambda: ["172.16.0.9"]) == ("172.16.0.9")
    assert lan.lan_ip(probe=_refuse, lookup=lambda: ["127.0.1.1", "192.168.0.44"]) == (
        "192.168.0.44"
    )

    def no_name() -> list[str]:
        raise OSError("unknown host")

    assert lan.lan_ip(probe=_refuse, lookup=no_name) == "127.0.0.1"
    assert lan.lan_ip(probe=_refuse, lookup=lambda: ["127.0.1.1"]) == "127.0.0.1"


def test_api_and_public_urls() -> None:
    def fake() -> str:
        return "192.168.1.20"

    assert lan.api_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert lan.api_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert lan.api_url("::", 8000) == "http://[::1]:8000"
    assert lan.api_url("192.168.1.20", 8000) == "http://192.168.1.20:8000"
    assert lan.public_url("127.0.0.1", 8000, find_lan_ip=fake) == "http://127.0.0.1:8000"
    assert lan.public_url("0.0.0.0", 8000, find_lan_ip=fake) == "http://192.168.1.20:8000"
    assert lan.public_url("::", 8000, find_lan_ip=fake) == "http://192.168.1.20:8000"
    assert lan.public_url("10.0.0.7", 8000, find_lan_ip=fake) == "http://10.0.0.7:8000"
    assert (
        lan.public_url("0.0.0.0", 8000, "https://till.example:9443/", find_lan_ip=fake)
        == "https://till.example:9443"
    )
    for bad in ("till.example:8000", "ftp://till.example", "http://till.example/?a=1"):
        with pytest.raises(ValueError):
            lan.check_public_url(bad)


def test_the_real_probe_is_loopback_safe() -> None:
    # Asking about 127.0.0.1 itself sends nothing anywhere and answers loopback.
    assert lan.udp_probe("127.0.0.1") == "127.0.0.1"


def test_wildcard_bind_puts_the_lan_address_in_session_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 192.0.2.10 is a documentation address: it only ends up in URLs, never contacted.
    monkeypatch.setattr(lan, "lan_ip", lambda: "192.0.2.10")
    handle = start_in_thread(tmp_path / "lan.sqlite3", host="0.0.0.0")
    try:
        port = handle.url.rsplit(":", 1)[1]
        assert handle.url == f"http://127.0.0.1:{port}"
        assert handle.public_url == f"http://192.0.2.10:{port}"
        form = {
            "mode": "payment",
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": "usd",
            "line_items[0][price_data][unit_amount]": "500",
            "line_items[0][price_data][product_data][name]": "x",
            "success_url": "https://shop.example/thanks",
        }
        with httpx.Client(base_url=handle.url, headers=auth_headers()) as http:
            session = http.post("/v1/checkout/sessions", data=form).json()
            assert session["url"] == f"http://192.0.2.10:{port}/c/pay/{session['id']}"
            # The page itself answers on every interface; fetch it over loopback.
            assert http.get(f"/c/pay/{session['id']}").status_code == 200
    finally:
        handle.stop()


def test_record_keeps_the_loopback_url_and_adds_the_public_one(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    _write_record(path, "http://127.0.0.1:5000", "http://192.168.1.20:5000")
    data = json.loads(path.read_text())
    assert (data["url"], data["public_url"]) == (
        "http://127.0.0.1:5000",
        "http://192.168.1.20:5000",
    )
    record = discovery.read_record(path)
    assert record is not None
    assert (record.url, record.public_url) == ("http://127.0.0.1:5000", "http://192.168.1.20:5000")
    path.write_text('{"url": "http://127.0.0.1:1", "pid": 5}')  # older sandboxes
    old = discovery.read_record(path)
    assert old is not None and old.public_url is None


def test_cli_public_url_controls_and_webhook_flags(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "pos_app.sandbox",
        "--data-dir",
        str(tmp_path),
        "--port",
        "0",
        "--public-url",
        "http://till.test:8080/",
        "--enable-test-controls",
        "--webhook-url",
        "http://127.0.0.1:9/hook",
        "--webhook-secret",
        "whsec_cli",
    ]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        record_file = discovery.record_path(tmp_path)
        assert wait_until(lambda: discovery.read_record(record_file) is not None, timeout=15)
        record = discovery.read_record(record_file)
        assert record is not None and record.pid == proc.pid
        assert record.url.startswith("http://127.0.0.1:")
        assert record.public_url == "http://till.test:8080"
        with httpx.Client(base_url=record.url, headers=auth_headers()) as http:
            assert http.get("/_sandbox/clock").status_code == 200
            [endpoint] = http.get("/v1/webhook_endpoints").json()["data"]
            assert (endpoint["url"], endpoint["enabled_events"]) == (
                "http://127.0.0.1:9/hook",
                ["*"],
            )
            # No event is created here, so nothing is sent to port 9.
            form = {
                "mode": "payment",
                "line_items[0][quantity]": "1",
                "line_items[0][price_data][currency]": "usd",
                "line_items[0][price_data][unit_amount]": "500",
                "line_items[0][price_data][product_data][name]": "x",
                "success_url": "https://shop.example/thanks",
            }
            session = http.post("/v1/checkout/sessions", data=form).json()
            assert session["url"].startswith("http://till.test:8080/c/pay/cs_test_")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not discovery.record_path(tmp_path).exists()


def test_cli_rejects_a_bad_public_url(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pos_app.sandbox",
            "--data-dir",
            str(tmp_path),
            "--public-url",
            "till.test:8080",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert out.returncode == 2 and "public URL" in out.stderr
