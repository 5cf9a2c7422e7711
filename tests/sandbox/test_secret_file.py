"""The generated webhook signing secret lands in a file no other account can ever read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pos_app.sandbox.app import create_app


def test_the_generated_secret_file_is_private_from_its_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Created private, not tightened later: a chmod after the write would leave a moment in
    # which another account could open it, so no chmod may be needed at all.
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)
    before = os.umask(0o022)  # a usual desktop umask: a plain write would make it 0644
    try:
        create_app(
            tmp_path / "sandbox.sqlite3",
            webhook_url="http://127.0.0.1:9/hook",
            background=False,
            deliver_webhooks=False,
        )
    finally:
        os.umask(before)
    secret = tmp_path / "webhook-secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert secret.read_text().startswith("whsec_")
