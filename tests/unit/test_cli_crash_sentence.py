"""An unexpected error in a command reaches the person as one sentence; the traceback goes
only to the log file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pos_app import cli


def test_a_crash_prints_one_sentence_and_logs_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path))
    for name in ("POS_MODE", "STRIPE_SECRET_KEY", "POS_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)

    def crash(*_args: object) -> int:
        raise RuntimeError("boom with sk_test_abcdefghijklmnop")

    monkeypatch.setattr(cli, "_dispatch", crash)
    try:
        code = cli.main(["users"])
    finally:
        for handler in logging.getLogger().handlers:
            handler.flush()
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert "Something went wrong. Nothing more was changed" in err
    assert "sk_test_abcdefghijklmnop" not in err
    logged = (tmp_path / "pos-app.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError" in logged
    assert "sk_test_abcdefghijklmnop" not in logged
