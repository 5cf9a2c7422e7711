"""The masking rule the app's log and the standalone sandbox share (pos_app.redaction):
client secrets and Authorization credentials, besides keys (tests/unit/test_log_masking.py),
and the sandbox's own log set-up."""

from __future__ import annotations

import ast
import io
import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import pos_app.redaction
from pos_app.redaction import redact
from pos_app.sandbox import log_setup


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("pi_3Abc_secret_TailOfSecret9", "pi_3Abc_secret_****"),
        ("cs_test_a1B2c3_secret_TailOfSecret9", "cs_test_a1B2c3_secret_****"),
        ("seti_1Xy_SECRET_TailOfSecret9", "seti_1Xy_SECRET_****"),
        ("client_secret=pi_3Abc_secret_TailOfSecret9&x=1", "pi_3Abc_secret_****&x=1"),
        ("pi_3Abc%5Fsecret%5FTailOfSecret9", "pi_3Abc%5Fsecret%5F****"),
        ('{"client_secret": "pi_3Abc_secret_TailOfSecret9"}', 'pi_3Abc_secret_****"}'),
        # base64 of "sk_test_TailOfSecret9:" (curl -u): the key is out of the key rule's sight.
        ("Authorization: Basic c2tfdGVzdF9UYWlsT2ZTZWNyZXQ5Og==", "Authorization: Basic ****"),
        ("authorization=bearer some.opaque-TailOfSecret9", "authorization=bearer ****"),
        ("{'authorization': 'Bearer TailOfSecret9'}", "'authorization': 'Bearer ****'"),
        # A key keeps its prefix, so the log says which kind of key it was.
        ("Authorization: Bearer sk_test_TailOfSecret9", "Authorization: Bearer sk_test_****"),
    ],
)
def test_client_secrets_and_credentials_are_masked(text: str, kept: str) -> None:
    masked = redact(text)
    assert kept in masked
    assert "TailOfSecret9" not in masked
    assert "c2tfdGVzdF9" not in masked


@pytest.mark.parametrize(
    "text",
    [
        "payment=pi_3Abc session=cs_test_a1B2c3 client_secret present",
        "webhook_secret file written",
        "Authorization header missing",
    ],
)
def test_ids_and_words_are_left_alone(text: str) -> None:
    assert redact(text) == text


def test_the_shared_rule_imports_only_the_standard_library() -> None:
    """The sandbox imports nothing of the app; the one module it shares must stay that way."""
    tree = ast.parse(Path(pos_app.redaction.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


@pytest.fixture
def sandbox_log() -> Iterator[io.StringIO]:
    """The standalone sandbox's logging, into a string; the test process's set back after."""
    root = logging.getLogger()
    saved = list(root.handlers), root.level, sys.excepthook, threading.excepthook
    uvicorn = logging.getLogger("uvicorn.error")
    uvicorn_saved = list(uvicorn.handlers), uvicorn.propagate
    stream = io.StringIO()
    log_setup.configure(stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        sys.excepthook, threading.excepthook = saved[2], saved[3]
        for handler in uvicorn_saved[0]:
            uvicorn.addHandler(handler)
        uvicorn.propagate = uvicorn_saved[1]


def test_sandbox_log_masks_uvicorn_and_uncaught_errors(sandbox_log: io.StringIO) -> None:
    logging.getLogger("uvicorn.error").addHandler(logging.StreamHandler(io.StringIO()))
    log_setup.configure(sandbox_log)  # a handler uvicorn was left with is cleared again
    logging.getLogger("uvicorn.error").error("bad request Authorization: Bearer sk_live_Tail1")
    try:
        raise ValueError("cannot read pi_3Abc_secret_Tail2")
    except ValueError:
        logging.getLogger("pos_app.sandbox.api").exception("sandbox: GET /v1/x failed")
    worker = threading.Thread(target=_fails_with_secret, name="sweeper")
    worker.start()
    worker.join()
    written = sandbox_log.getvalue()
    assert "sk_live_****" in written and "pi_3Abc_secret_****" in written
    assert "sandbox thread sweeper failed" in written and "whsec_****" in written
    assert "Tail1" not in written and "Tail2" not in written and "Tail3" not in written
    assert logging.getLogger("uvicorn.error").handlers == []


def _fails_with_secret() -> None:
    raise RuntimeError("signing with whsec_Tail3 failed")
