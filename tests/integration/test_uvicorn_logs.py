"""uvicorn's own loggers (the webhook receiver's, the in-process sandbox's) write through the
app's masking into ``pos-app.log`` instead of their own unmasked handlers (issue 11 item 11)."""

from __future__ import annotations

import logging
import logging.config
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn.config

from pos_app.app import WebhookReceiver
from pos_app.logs import setup_logging
from pos_app.sandbox.runner import start_in_thread
from pos_app.services.webhook_intake import DeliveryResult
from tests.integration.helpers import eventually

SECRET_TAIL = "51HxYzNeverInTheLog"
UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """Leave the process's logging as it was (handlers, levels, propagation)."""
    root = logging.getLogger()
    saved_root = (list(root.handlers), root.level)
    saved = {
        name: (list(lg.handlers), lg.level, lg.propagate)
        for name in UVICORN
        for lg in [logging.getLogger(name)]
    }
    yield
    for handler in root.handlers:
        if handler not in saved_root[0]:
            handler.close()
    root.handlers[:], root.level = saved_root
    for name, (handlers, level, propagate) in saved.items():
        lg = logging.getLogger(name)
        lg.handlers[:], lg.level, lg.propagate = handlers, level, propagate


def _log_text(data_dir: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return (data_dir / "pos-app.log").read_text(encoding="utf-8")


class ExplodingIntake:
    """An intake whose failure message carries a key, as a careless exception might."""

    def handle(self, payload: bytes, signature_header: str | None) -> DeliveryResult:
        raise RuntimeError(f"could not verify with sk_live_{SECRET_TAIL}")


class FakeContext:
    """Just enough of AppContext for the receiver."""

    def webhook_intake(self, secret: str) -> Any:
        return ExplodingIntake()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_webhook_receivers_uvicorn_errors_are_masked_into_the_app_log(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    setup_logging(tmp_path)
    port = _free_port()
    receiver = WebhookReceiver(FakeContext(), "whsec_x", "127.0.0.1", port)  # type: ignore[arg-type]
    try:
        url = f"http://127.0.0.1:{port}/stripe/webhook"

        def answered() -> list[httpx.Response]:
            try:
                return [httpx.post(url, content=b"{}", timeout=5)]
            except httpx.TransportError:
                return []

        assert eventually(answered)[0].status_code == 500
        # uvicorn logs the unhandled exception, with its traceback, on "uvicorn.error".
        text = eventually(lambda: next(iter([t for t in [_log_text(tmp_path)] if "ASGI" in t]), ""))
    finally:
        receiver.stop()
    assert "uvicorn.error" in text and "sk_live_****" in text
    assert SECRET_TAIL not in text
    assert SECRET_TAIL not in capfd.readouterr().err


def test_the_in_process_sandbox_leaves_uvicorns_loggers_to_the_app(tmp_path: Path) -> None:
    setup_logging(tmp_path)
    handle = start_in_thread(tmp_path / "sandbox.sqlite3")
    try:
        for name in ("uvicorn", "uvicorn.error"):
            assert logging.getLogger(name).handlers == []
        logging.getLogger("uvicorn.error").error("refused SK_TEST_%s", SECRET_TAIL)
    finally:
        handle.stop()
    text = _log_text(tmp_path)
    assert "uvicorn.error refused SK_TEST_****" in text and SECRET_TAIL not in text


def test_setting_up_logging_takes_uvicorns_loggers_back_from_its_own_config(
    tmp_path: Path,
) -> None:
    # What any uvicorn started with its default log_config has done to this process.
    logging.config.dictConfig(uvicorn.config.LOGGING_CONFIG)
    setup_logging(tmp_path)
    for name in UVICORN:
        logging.getLogger(name).warning("%s with whsec_%s", name, SECRET_TAIL)
    text = _log_text(tmp_path)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        assert f"{name} with whsec_****" in text
    assert SECRET_TAIL not in text
