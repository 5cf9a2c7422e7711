"""`pos-app doctor [--json]`: every check of the path to Stripe, one line each.

The checks live in ``pos_app.services.doctor``; this module only opens the app and prints.
Exit code 0 only when every check passed, 1 otherwise (also when the app cannot even open).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import TYPE_CHECKING, TextIO

from pos_app.config import Config
from pos_app.domain.errors import PosError
from pos_app.i18n import N_, gettext, ngettext

if TYPE_CHECKING:  # the services load when the doctor runs, not with `pos-app`'s grammar
    from pos_app.services.doctor import DoctorReport

log = logging.getLogger("pos_app.cli")

HELP = N_("check the whole path to Stripe (key, Stripe, clock, webhooks, database), a line each")
# Marks for a terminal that cannot print ✓ ✗ – (an old Windows code page).
PLAIN_MARKS = {"✓": "ok  ", "✗": "FAIL", "–": "skip", "!": "warn"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``doctor`` on the command line's subcommands."""
    s = sub.add_parser("doctor", help=gettext(HELP), description=gettext(HELP))
    s.add_argument("--json", action="store_true", help=gettext("print one JSON object"))


def run_doctor(args: argparse.Namespace, config: Config) -> int:
    """Open the app as configured, run every check, print them; 0 only if all passed."""
    report = _report(config)
    if args.json:
        print(json.dumps(report.to_json(), sort_keys=True))
    else:
        _print_lines(report, sys.stdout)
    return 0 if report.ok else 1


def _report(config: Config) -> DoctorReport:
    from pos_app.app import open_app
    from pos_app.services.doctor import Check, DoctorReport

    try:
        # A sandbox the doctor had to start ends with it: it printed no link to keep alive.
        ctx = open_app(config, sandbox="child")
    except PosError as err:
        return DoctorReport(config.mode, (Check("startup", False, gettext(err.message)),))
    except Exception:
        # To the log file only: the console would show the traceback under the report.
        log.info("doctor.open_failed", exc_info=True)
        detail = gettext(
            "The app could not open its database or start; the details are in {path}."
        ).format(path=config.data_dir / "pos-app.log")
        return DoctorReport(config.mode, (Check("startup", False, detail),))
    try:
        return ctx.doctor.run()
    finally:
        ctx.close()


def _print_lines(report: DoctorReport, out: TextIO) -> None:
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        "✓✗–".encode(encoding)
        plain = False
    except (UnicodeEncodeError, LookupError):
        plain = True
    print(gettext("pos-app doctor: {mode} mode").format(mode=report.mode), file=out)
    for check in report.checks:
        mark = PLAIN_MARKS[check.mark] if plain else check.mark
        print(f"{mark} {check.detail}", file=out)
    failed = sum(1 for c in report.checks if not c.ok)
    total = len(report.checks)
    if failed:
        sentence = ngettext(
            "{failed} of {total} check failed.", "{failed} of {total} checks failed.", total
        )
        print(sentence.format(failed=failed, total=total), file=out)
    else:
        sentence = ngettext("The {total} check passed.", "All {total} checks passed.", total)
        print(sentence.format(total=total), file=out)
