"""The CLI run inside the test's process: the same `cli.main` a script reaches, with the same
environment rules as `tests.integration.test_cli.run`, without paying a Python start (about
half a second) per command. Tests of the process boundary itself (exit codes from a real
process, signals, stdout holding exactly one object) keep using the subprocess runner."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import pytest

from pos_app import cli, i18n


def run_here(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`pos-app ARGS` with only ``env``'s POS_/STRIPE_ variables, as a finished process."""
    out, err = io.StringIO(), io.StringIO()
    language = i18n.current_language()  # a command may switch it (POS_LANGUAGE)
    # A command sets up the app's logging: it takes the root logger's handlers away (pytest's
    # capture too) and opens its own, on this command's stderr and data folder.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith(("STRIPE_", "POS_")):
                mp.delenv(key)
        for key, value in env.items():
            mp.setenv(key, value)
        mp.setattr(sys, "stdin", io.StringIO(stdin))
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exit_:  # argparse's usage errors exit 2
                code = exit_.code if isinstance(exit_.code, int) else 1
            finally:
                i18n.set_language(language)
                _restore_logging(handlers, level)
    return subprocess.CompletedProcess(["pos-app", *args], code, out.getvalue(), err.getvalue())


def _restore_logging(handlers: list[logging.Handler], level: int) -> None:
    """Close what the command opened (its log file stays unlocked and no handler writes to its
    finished stderr) and give the root logger back its handlers and level."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def run_json_here(env: dict[str, str], *args: str) -> dict[str, Any]:
    """`pos-app ARGS --json`: exit 0 and exactly one JSON object on stdout."""
    result = run_here(env, *args, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data
