"""The command-line grammar of `pos-app`: every command, its flags and its help text."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from pos_app.cli import argparse_words, backup, doctor, products, sell, walk_in
from pos_app.cli.input import port_number
from pos_app.domain.payment_terms import REFUND_REASONS
from pos_app.i18n import N_, SHIPPED, gettext

# The first line of the command's description (``pos-app --help``).
DESCRIPTION = N_("`pos-app`: the same services from a terminal, for scripting and support.")
CLI_TRUST = N_(
    'The command line acts as a manager, "command line (<your login>)" in the audit log: it\n'
    "needs no PIN, since whoever can run it on this machine can open the database anyway.\n"
    "Protect the machine account, not the PINs, to keep it safe."
)
DEFAULT_SANDBOX_PORT = 12111
DEFAULT_WEBHOOK_PORT = 12112


class _PrintVersion(argparse.Action):
    """``--version``: "pos-app 0.1.0" from the package metadata, read only when asked (the
    metadata machinery is not worth loading before every window's first paint)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> NoReturn:
        from pos_app.version import app_version

        print(f"{parser.prog} {app_version()}")  # stdout, as argparse's own version action
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar; its help in the language in use (``cli.main`` sets
    POS_LANGUAGE's, or the computer's, before building it)."""
    argparse_words.install()  # "usage:", "options" and argparse's refusals too
    p = argparse.ArgumentParser(
        prog="pos-app",
        description=gettext(DESCRIPTION),
        epilog=gettext(CLI_TRUST),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-v", "--verbose", action="store_true", help=gettext("log details to stderr"))
    p.add_argument("--version", action=_PrintVersion, help=gettext("print the version and exit"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("gui", help=gettext("open the desktop app (the default)"))

    s = sub.add_parser("book", help=gettext("create a booking"))
    s.add_argument("--customer", required=True, help=gettext("customer name"))
    s.add_argument("--service", required=True, help=gettext("service id or name"))
    s.add_argument(
        "--at", required=True, help=gettext("start, ISO 8601 (local time unless it has an offset)")
    )
    s.add_argument("--price", help=gettext("price, e.g. 35.00 (default: the service's price)"))
    s.add_argument("--email", default="", help=gettext("customer email"))
    s.add_argument("--phone", default="", help=gettext("customer phone"))
    s.add_argument("--staff", help=gettext("staff member or room, by name (default: anyone)"))
    s.add_argument("--json", action="store_true", help=gettext("print one JSON object"))

    s = sub.add_parser("charge", help=gettext("create or return the open checkout of a booking"))
    s.add_argument("booking_id")
    s.add_argument("--deposit", help=gettext("ask for part of the balance now, e.g. 10.00"))
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("pay-cash", help=gettext("record cash taken at the desk"))
    s.add_argument("booking_id")
    s.add_argument("--amount", help=gettext("amount, e.g. 25.00 (default: the balance due)"))
    s.add_argument("--json", action="store_true")

    s = sub.add_parser(
        "status", help=gettext("show a booking's payment state (re-read from Stripe)")
    )
    s.add_argument("booking_id")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser(
        "sync",
        help=gettext("one pass of reading Stripe state into the database (--watch: keep reading)"),
        description=gettext(
            "With --watch, run this station's poller until SIGTERM or Ctrl+C: it reads "
            "Stripe's updates for the whole business while it holds the leader lock "
            "(PostgreSQL), and waits to take over while another station does. "
            "See docs/poller.md."
        ),
    )
    g = s.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true")
    g.add_argument(
        "--watch", action="store_true", help=gettext("keep reading, one line per change of role")
    )

    s = sub.add_parser("refund", help=gettext("refund a booking in full or in part"))
    s.add_argument("booking_id")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--amount", help=gettext("amount, e.g. 10.00 (default: everything refundable)"))
    g.add_argument(
        "--excess", action="store_true", help=gettext("what an overpaid booking holds extra")
    )
    g.add_argument(
        "--item",
        action="append",
        metavar='"NAME[ xQTY]"',
        help=gettext("refund these lines of the order (paid in full); repeat for more"),
    )
    s.add_argument(
        "--restock", action="store_true", help=gettext("put the --item products back on the shelf")
    )
    s.add_argument("--reason", default="requested_by_customer", choices=sorted(REFUND_REASONS))
    s.add_argument("--note", default="")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("users", help=gettext("list the accounts that sign in at the desk"))
    s.add_argument("--json", action="store_true")

    s = sub.add_parser(
        "set-pin",
        help=gettext("give an account a new PIN and unlock it (a forgotten manager PIN)"),
        description=gettext("Asks for the new PIN twice (not echoed); on a pipe, reads two lines."),
    )
    s.add_argument("name", help=gettext("the account's name, as shown on the sign-in page"))

    s = sub.add_parser("sandbox", help=gettext("run the local Stripe-compatible sandbox server"))
    s.add_argument(
        "--host", default="127.0.0.1", help=gettext("0.0.0.0: phones on the LAN can pay")
    )
    s.add_argument("--port", type=port_number, default=DEFAULT_SANDBOX_PORT)
    s.add_argument("--public-url", help=gettext("base URL for payment pages (default: derived)"))
    s.add_argument("--webhook-url", help=gettext("register a webhook endpoint at start"))
    s.add_argument("--webhook-secret", help=gettext("its signing secret (whsec_...)"))
    s.add_argument(
        "--enable-test-controls",
        action="store_true",
        help=gettext("serve /_sandbox/ (clock, fault injection); never on by default"),
    )

    s = sub.add_parser("webhooks", help=gettext("receive Stripe webhooks at POST /stripe/webhook"))
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=port_number, default=DEFAULT_WEBHOOK_PORT)

    s = sub.add_parser(
        "receipt", help=gettext("print a booking's receipt, save it as PDF, or email it")
    )
    s.add_argument("booking_id")
    s.add_argument("--pdf", type=Path, metavar="PATH", help=gettext("write the receipt as a PDF"))
    s.add_argument(
        "--email",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help=gettext("ask Stripe to email its receipt (default: the customer's address)"),
    )
    s.add_argument(
        "--merchant-copy",
        action="store_true",
        help=gettext(
            "print the merchant's copy, with Stripe's ids for support (not for the customer)"
        ),
    )
    s.add_argument("--json", action="store_true")

    s = sub.add_parser(
        "report", help=gettext("sales figures of a business day or a range (managers)")
    )
    kinds = s.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    k = kinds.add_parser("daily", help=gettext("one business day (the configured time zone's)"))
    k.add_argument(
        "--date", metavar="YYYY-MM-DD", help=gettext("the business day (default: today)")
    )
    k.add_argument("--json", action="store_true", help=gettext("print one JSON object"))
    k = kinds.add_parser("range", help=gettext("the business days FROM to TO inclusive (≤ 366)"))
    k.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    k.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    k.add_argument("--json", action="store_true", help=gettext("print one JSON object"))

    s = sub.add_parser("export", help=gettext("export payments and refunds of a range of days"))
    kinds = s.add_subparsers(dest="export_kind", metavar="FORMAT", required=True)
    k = kinds.add_parser(
        "csv", help=gettext("one row per payment or refund; see docs/csv-export.md")
    )
    k.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    k.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    k.add_argument("path", type=Path, metavar="PATH", help=gettext("the CSV file to write, or -"))
    k.add_argument("--json", action="store_true", help=gettext("print one JSON object"))
    k = kinds.add_parser("pdf", help=gettext("the sales report with its by-hour chart, as a PDF"))
    k.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    k.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    k.add_argument("path", type=Path, metavar="PATH", help=gettext("the PDF file to write"))
    k.add_argument("--json", action="store_true", help=gettext("print one JSON object"))

    s = sub.add_parser("close-day", help=gettext("close a business day: the Z report (managers)"))
    s.add_argument(
        "--date", metavar="YYYY-MM-DD", help=gettext("the business day (default: today)")
    )
    s.add_argument(
        "--cash-counted",
        action="append",
        default=[],
        metavar="AMOUNT",
        help=gettext("cash counted in the drawer, e.g. 123.45 (or usd=123.45, once per currency)"),
    )
    s.add_argument(
        "--float",
        dest="opening_float",
        action="append",
        default=[],
        metavar="AMOUNT",
        help=gettext(
            "the cash the drawer started the day with (default 0; or usd=100, once per currency)"
        ),
    )
    s.add_argument(
        "--note", default="", help=gettext("why the drawer is short or over, who counted")
    )
    s.add_argument(
        "--preview", action="store_true", help=gettext("print the Z report, close nothing")
    )
    s.add_argument("--json", action="store_true", help=gettext("print one JSON object"))

    s = sub.add_parser(
        "reconcile", help=gettext("compare payments and refunds with Stripe (managers)")
    )
    s.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    s.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    s.add_argument(
        "--settle", action="store_true", help=gettext("take Stripe's record for every difference")
    )
    s.add_argument("--json", action="store_true", help=gettext("print one JSON object"))

    walk_in.add_parser(sub)
    doctor.add_parser(sub)
    backup.add_parsers(sub)
    products.add_parsers(sub)
    sell.add_parser(sub)

    s = sub.add_parser("screenshot", help=gettext("render a screen offscreen to a PNG (demo data)"))
    s.add_argument("--list", action="store_true", help=gettext("print the screens' names and exit"))
    s.add_argument("--screen", help=gettext("which screen (see --list)"))
    s.add_argument(
        "--all", action="store_true", help=gettext("every screen as PATH/NAME.png (one demo day)")
    )
    s.add_argument(
        "path", type=Path, nargs="?", help=gettext("the PNG to write (--all: the folder)")
    )
    s.add_argument(
        "--language",
        choices=SHIPPED,
        help=gettext("the UI language (default: POS_LANGUAGE, else en)"),
    )
    s.add_argument(
        "--theme", choices=("light", "dark"), help=gettext("the palette (default: light)")
    )
    return p
