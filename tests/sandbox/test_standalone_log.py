"""The sandbox run on its own (``python -m pos_app.sandbox``, as the app spawns it with its
output in ``sandbox.log``) masks secrets in its log, as the app's own log does (rule 7).

The sandbox logs a failed request with its method and path, and a traceback whose last line
is the error's own words. No request the sandbox knows today quotes a secret in a failure, so
the child below breaks one handler on purpose (an error that quotes the id it was given, as
``int()`` or a KeyError would), then runs the real entry point: what reaches the log is what
any such failure would write.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

KEY = "sk_test_51StandaloneKeyTail0123"
RESTRICTED = "rk_test_51RestrictedKeyTail987"
WEBHOOK_SECRET = "whsec_StandaloneSigningTail456"
SESSION_SECRET = "cs_test_a1B2c3_secret_SessionSecretTail789"
INTENT_SECRET = "pi_3Abc_secret_IntentSecretTail321"
TAILS = (
    "StandaloneKeyTail0123",
    "RestrictedKeyTail987",
    "StandaloneSigningTail456",
    "SessionSecretTail789",
    "IntentSecretTail321",
)

CHILD = textwrap.dedent(
    """\
    import sys
    from pos_app.sandbox import __main__ as entry, sessions

    def broken(tx, session_id, params):
        raise ValueError(f"cannot read session {session_id!r}")

    sessions.retrieve = broken
    entry.main(sys.argv[1:])
    """
)


def _wait_for_record(data_dir: Path, proc: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            return str(json.loads((data_dir / "sandbox.json").read_text())["url"])
        except (OSError, ValueError, KeyError):
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    raise AssertionError("the sandbox did not start")


def test_the_standalone_sandbox_masks_secrets_in_its_log(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    log_path = tmp_path / "sandbox.log"
    # A webhook URL carrying tokens (some receivers authenticate that way): logged at start.
    hook = f"http://127.0.0.1:9/hook?token={RESTRICTED}&s={WEBHOOK_SECRET}&c={INTENT_SECRET}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                "--data-dir",
                str(data_dir),
                "--port",
                "0",
                "--webhook-url",
                hook,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        url = _wait_for_record(data_dir, proc)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as client:
            # The request line carries the client secret, and a key pasted into an id.
            for wrong_id in (SESSION_SECRET, KEY):
                answer = client.get(f"/v1/checkout/sessions/{wrong_id}")
                assert answer.status_code == 500
        basic = httpx.get(f"{url}/v1/checkout/sessions/{INTENT_SECRET}", auth=(KEY, ""))
        assert basic.status_code == 500
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    written = log_path.read_text(encoding="utf-8", errors="replace")
    # The failures were logged (so the check below looks at real lines), masked.
    assert written.count("sandbox: GET /v1/checkout/sessions/") == 3, written
    assert "ValueError: cannot read session" in written
    assert "sends every event to http://127.0.0.1:9/hook?token=rk_test_****" in written
    assert "/v1/checkout/sessions/cs_test_a1B2c3_secret_**** failed" in written
    leaked = [tail for tail in TAILS if tail in written]
    assert leaked == [], written
