"""Throughput of the sandbox itself, and event-list latency with a large event table.

    .venv/bin/python bench/sandbox_throughput.py [--seconds 5] [--threads 4] [--events 100000]

Starts ``python -m pos_app.sandbox`` in a subprocess on 127.0.0.1 (a separate process, as
the app sees it), then prints:

1. Checkout Session creates per second from a few concurrent client threads, through raw
   httpx (keep-alive, form-encoded like the SDK) and through the real ``stripe`` SDK, with
   the per-request latency p50/p95.
2. With ``--events`` events stored (inserted straight through the sandbox's store, not over
   HTTP), the latency of ``GET /v1/events?limit=100`` and of the app's polling shape
   ``types[]=…&ending_before=…&limit=100``, p50/p95.

It prints figures and asserts nothing; targets: ≥ 300 creates/s, ≤ 20 ms p50/p95.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import stripe
from _common import submit_page

from pos_app.sandbox import discovery
from pos_app.sandbox.ids import new_id
from pos_app.sandbox.store import Store
from pos_app.services.payment_sync import EVENT_TYPES

API_KEY = "sk_test_bench"
HEADERS = {"Authorization": f"Bearer {API_KEY}"}
SESSION_FORM = {
    "mode": "payment",
    "line_items[0][quantity]": "2",
    "line_items[0][price_data][currency]": "usd",
    "line_items[0][price_data][unit_amount]": "1250",
    "line_items[0][price_data][product_data][name]": "Haircut",
    "metadata[booking_id]": "bk_1",
    "payment_intent_data[metadata][booking_id]": "bk_1",
    "success_url": "https://example.com/ok",
}
#: The event types the app polls for.
APP_TYPES = EVENT_TYPES


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _line(label: str, values: list[float], extra: str = "") -> None:
    print(
        f"  {label:<44} p50 {statistics.median(values):7.2f} ms   "
        f"p95 {_pct(values, 0.95):7.2f} ms   n={len(values)}{extra}"
    )


def start_sandbox(data_dir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    cmd = [
        sys.executable,
        "-m",
        "pos_app.sandbox",
        "--data-dir",
        str(data_dir),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        # Throughput of the server itself: Stripe's 25 requests/s limit (on by default) off.
        "--rate-limit",
        "0",
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        record = discovery.read_record(discovery.record_path(data_dir))
        if record is not None and record.pid == proc.pid and discovery.is_alive(record.url):
            return record.url, proc
        if proc.poll() is not None:
            raise SystemExit(f"sandbox exited with {proc.returncode}")
        time.sleep(0.05)
    proc.terminate()
    raise SystemExit("sandbox did not start")


def run_threads(
    threads: int, seconds: float, make_worker: Callable[[], Callable[[], None]]
) -> tuple[int, float, list[float]]:
    """Call each thread's worker in a loop for ``seconds``; count calls, time each."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()
    start = threading.Barrier(threads + 1)

    def loop() -> None:
        work = make_worker()
        mine: list[float] = []
        start.wait()
        while not stop.is_set():
            t0 = time.perf_counter()
            work()
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    return len(latencies), time.perf_counter() - t0, latencies


def bench_creates(url: str, threads: int, seconds: float) -> None:
    print(f"Checkout Session creates, {threads} client threads, {seconds:.0f} s each")

    def raw_worker() -> Callable[[], None]:
        client = httpx.Client(base_url=url, headers=HEADERS, timeout=30)

        def work() -> None:
            r = client.post("/v1/checkout/sessions", data=SESSION_FORM)
            if r.status_code != 200:
                raise SystemExit(r.text)

        return work

    def sdk_worker() -> Callable[[], None]:
        client = stripe.StripeClient(
            API_KEY,
            base_addresses={"api": url},
            max_network_retries=0,
            http_client=stripe.HTTPXClient(allow_sync_methods=True),
        )
        params: Any = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 2,
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 1250,
                        "product_data": {"name": "Haircut"},
                    },
                }
            ],
            "metadata": {"booking_id": "bk_1"},
            "payment_intent_data": {"metadata": {"booking_id": "bk_1"}},
            "success_url": "https://example.com/ok",
        }

        def work() -> None:
            client.v1.checkout.sessions.create(params)

        return work

    for label, worker in (("raw httpx", raw_worker), ("stripe SDK", sdk_worker)):
        n, elapsed, lat = run_threads(threads, seconds, worker)
        _line(f"{label}: {n / elapsed:6.0f} creates/s", lat)


def _templates(url: str) -> list[dict[str, Any]]:
    """Real event bodies of every kind the sandbox emits, to copy from."""
    with httpx.Client(base_url=url, headers=HEADERS, timeout=30) as http:
        for number in ("4242424242424242", "4000000000000002"):
            session = http.post("/v1/checkout/sessions", data=SESSION_FORM).json()
            form = {"card_number": number, "exp": "12 / 39", "cvc": "123", "name": "Bench"}
            submit_page(http, session["url"], form)
        paid = http.get("/v1/checkout/sessions", params={"status": "complete"}).json()
        http.post("/v1/refunds", data={"payment_intent": paid["data"][0]["payment_intent"]})
        expire = http.post("/v1/checkout/sessions", data=SESSION_FORM).json()
        http.post(f"/v1/checkout/sessions/{expire['id']}/expire")
        time.sleep(1.5)  # let the refund settle
        data: list[dict[str, Any]] = http.get("/v1/events", params={"limit": 100}).json()["data"]
    return data


def insert_events(db: Path, templates: list[dict[str, Any]], count: int) -> float:
    t0 = time.perf_counter()
    store = Store(db)
    try:
        created = int(time.time()) - count // 50
        with store.transaction() as tx:
            for i in range(count):
                body = dict(templates[i % len(templates)])
                body["id"] = new_id("evt")
                body["created"] = created + i // 50
                tx.add_event(body["id"], body["type"], body["created"], body)
    finally:
        store.close()
    return time.perf_counter() - t0


def bench_events(url: str, db: Path, count: int, rounds: int) -> None:
    templates = _templates(url)
    elapsed = insert_events(db, templates, count)
    sizes = [len(json.dumps(t)) for t in templates]
    print(
        f"\nEvents: inserted {count} (bodies {min(sizes)}–{max(sizes)} bytes, "
        f"{len({t['type'] for t in templates})} types) in {elapsed:.1f} s"
    )
    with httpx.Client(base_url=url, headers=HEADERS, timeout=30) as http:
        ids = [e["id"] for e in http.get("/v1/events", params={"limit": 100}).json()["data"]]
        oldest = http.get(
            "/v1/events", params={"limit": 1, "created[lte]": str(int(time.time()) - count // 50)}
        ).json()["data"]
        middle_page = http.get(
            "/v1/events", params={"limit": 1, "created[lte]": str(int(time.time()) - count // 100)}
        ).json()["data"]
        cases: list[tuple[str, dict[str, Any]]] = [
            ("limit=100 (newest page)", {"limit": 100}),
            ("types[] x8, limit=100 (first poll)", {"limit": 100, "types[]": list(APP_TYPES)}),
            (
                "types[] x8, ending_before=newest-100th",
                {"limit": 100, "types[]": list(APP_TYPES), "ending_before": ids[-1]},
            ),
            (
                "types[] x8, ending_before=middle",
                {"limit": 100, "types[]": list(APP_TYPES), "ending_before": middle_page[0]["id"]},
            ),
            (
                "types[] x8, ending_before=oldest",
                {"limit": 100, "types[]": list(APP_TYPES), "ending_before": oldest[0]["id"]},
            ),
            (
                "types[] x8, ending_before=newest (nothing new)",
                {"limit": 100, "types[]": list(APP_TYPES), "ending_before": ids[0]},
            ),
        ]
        for label, params in cases:
            lat: list[float] = []
            size = 0
            for i in range(rounds + 5):
                t0 = time.perf_counter()
                r = http.get("/v1/events", params=params)
                ms = (time.perf_counter() - t0) * 1000
                if r.status_code != 200:
                    raise SystemExit(r.text)
                size = len(r.content)
                if i >= 5:  # warm-up
                    lat.append(ms)
            _line(label, lat, f"   {size // 1024} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        url, proc = start_sandbox(data_dir)
        try:
            bench_creates(url, args.threads, args.seconds)
            bench_events(url, discovery.db_path(data_dir), args.events, args.rounds)
        finally:
            proc.terminate()
            proc.wait(timeout=15)


if __name__ == "__main__":
    main()
