"""`pos-app`: the same services from a terminal, for scripting and support.

With no command it opens the desktop app. Errors are one sentence on stderr with exit code 1
(2 for usage errors); with ``--json`` a command prints exactly one JSON object on stdout.

One module per command group (``bookings``, ``payments``, ``receipts``, ``reports``,
``day_close``, ``people``, ``products``, ``sell``, ``servers``, ``desktop``, ``doctor``,
``backup``); the grammar is in ``parser``. This module turns a command line into one of them
and every failure into a sentence.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pos_app.cli.input import UsageError, form_errors_sentence
from pos_app.cli.output import printable_output
from pos_app.config import (
    Config,
    ConfigError,
    apply_language,
    early_language,
    load_config,
    resolve_config,
)
from pos_app.domain.errors import FormErrors, PosError
from pos_app.i18n import current_language, gettext, set_language
from pos_app.logs import setup_logging

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import SandboxPolicy

__all__ = ["build_parser", "cli_actor", "main", "parse_command_line"]

#: Names this package offers but loads only when asked for (PEP 562): `pos-app` alone must
#: reach its window without the grammar or the people service.
_LAZY = {"build_parser": "pos_app.cli.parser", "cli_actor": "pos_app.cli.people"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pos_app.cli' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

log = logging.getLogger("pos_app.cli")

# The commands that open the app, signed in as the command line (people.cli_actor), as
# "module:function" in pos_app.cli: a command imports only its own module, so `pos-app`
# alone (the desktop app) reaches its window without loading the services.
HANDLERS: dict[str, str] = {
    "book": "bookings:book",
    "charge": "payments:charge",
    "status": "bookings:status",
    "sync": "payments:sync",
    "refund": "payments:refund",
    "pay-cash": "payments:pay_cash",
    "receipt": "receipts:receipt",
    "users": "people:users",
    "set-pin": "people:set_pin",
    "report": "reports:report",
    "export": "reports:export",
    "close-day": "day_close:close_day",
    "reconcile": "day_close:reconcile",
    "product": "products:product",
    "promo": "products:promo",
    "sell": "sell:sell",
    "add-item": "sell:add_item",
    "void": "walk_in:void",
}
# The money commands that take an order id as well as a booking id (issue 14).
_ORDER_OR_BOOKING = frozenset({"charge", "pay-cash", "status", "refund", "receipt"})
#: The commands that run without opening the app, the same way.
OWN_HANDLERS: dict[str, str] = {
    "gui": "desktop:gui",
    "sandbox": "servers:sandbox",
    "webhooks": "servers:webhooks",
    "doctor": "doctor:run_doctor",
    "backup": "backup:run_backup",
    "restore": "backup:run_restore",
}


def handler(target: str) -> Callable[..., int]:
    """The function a "module:function" entry of HANDLERS names, its module imported now."""
    module, name = target.split(":")
    found: Callable[..., int] = getattr(importlib.import_module(f"pos_app.cli.{module}"), name)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `pos-app` command; what it prints never holds control characters."""
    language = current_language()
    try:
        with printable_output():
            return _main(argv)
    finally:  # in-process callers (tests, the GUI's own commands) get their language back
        set_language(language)
        from pos_app.domain import locale_format  # (imported here: see parse_command_line)

        locale_format.set_ascii_input(False)


def _early_language() -> None:
    """``--help`` and the grammar's refusals come before the configuration is read: they
    speak POS_LANGUAGE, else the language saved in Settings ▸ This station, else the
    computer's, as the app does (``config.early_language`` reads one small file, no database)."""
    set_language(early_language())


def parse_command_line(argv: Sequence[str] | None) -> argparse.Namespace:
    """The parsed command line (``sys.argv``'s when ``argv`` is None).

    ``pos-app`` alone opens the desktop app: the grammar (every command's options and help,
    in the language in use) is built only when there is a word to parse, not on the way to
    the window's first frame, which it delayed by about 10 ms. For the same reason the
    commands' own modules and babel (``locale_format``) load inside the functions here."""
    words = list(sys.argv[1:] if argv is None else argv)
    if not words:
        return argparse.Namespace(verbose=False, command=None)  # what the grammar gives
    from pos_app.cli.parser import build_parser

    return build_parser().parse_args(words)


def _main(argv: Sequence[str] | None) -> int:
    _early_language()
    args = parse_command_line(argv)
    command = args.command or "gui"
    try:
        # The environment, then what Settings saved on this computer (mode, keys, receiver).
        # The desktop app opens the sandbox if a saved key is gone, saying so; commands fail.
        config = (
            load_config()
            if command in ("sandbox", "screenshot")
            else resolve_config(fallback_to_sandbox=command == "gui")
        )
    except ConfigError as err:
        print(gettext(str(err)), file=sys.stderr)
        return 1
    setup_logging(config.data_dir, verbose=args.verbose)
    if getattr(args, "json", False):
        set_language("en")  # one JSON object for scripts: the same under every POS_LANGUAGE
    else:
        apply_language(config)  # POS_LANGUAGE, else Settings ▸ This station, else the system's
    if command not in ("gui", "screenshot"):
        from pos_app.domain import locale_format  # (babel: not on the desktop app's way)

        locale_format.set_ascii_input(True)  # options are typed the same in every language
    try:
        return _dispatch(command, args, config)
    except UsageError as err:
        print(f"pos-app: {err}", file=sys.stderr)
        return 2
    except FormErrors as err:
        print(form_errors_sentence(err), file=sys.stderr)
        return 1
    except PosError as err:
        # A sentence the domain or a service marked with N_ is looked up here, as the
        # screens' user_message does; one built with gettext(…).format is translated already.
        print(gettext(err.message), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("cli.crashed command=%s", command)
        print(
            gettext(
                "Something went wrong. Nothing more was changed; details are in {path}."
            ).format(path=config.data_dir / "pos-app.log"),
            file=sys.stderr,
        )
        return 1


def _dispatch(command: str, args: argparse.Namespace, config: Config) -> int:
    if command == "gui":
        return handler(OWN_HANDLERS["gui"])(config)
    if command == "screenshot":
        return handler("desktop:screenshot")(args)
    if command in OWN_HANDLERS:
        return handler(OWN_HANDLERS[command])(args, config)
    # Commands that may print a payment URL keep the sandbox running after they exit.
    policy: SandboxPolicy = (
        "detached"
        if command in ("charge", "status", "sync", "refund", "receipt", "reconcile")
        else "none"
    )
    from pos_app.app import open_app
    from pos_app.cli.people import cli_actor

    ctx = open_app(config, sandbox=policy)
    ctx.deps.desk.sign_in(cli_actor())
    run = handler(HANDLERS[command])
    try:
        if command in _ORDER_OR_BOOKING and args.booking_id.strip().startswith("ord_"):
            # A booking's order is shown as its booking, as before; a walk-in's as the order.
            args.booking_id = ctx.orders.booking_of(args.booking_id) or args.booking_id.strip()
        return run(ctx, args)
    finally:
        ctx.close()
