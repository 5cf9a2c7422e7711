"""`pos-app`: the same services from a terminal, for scripting and support.

With no command it opens the desktop app. Errors are one sentence on stderr with exit code 1
(2 for usage errors); with ``--json`` a command prints exactly one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_app import cli_backup, cli_doctor
from pos_app.cli_input import UsageError, counted, parse_date, parse_when, port_number
from pos_app.cli_output import printable_output, raw_stdout
from pos_app.config import Config, ConfigError, load_config, resolve_config
from pos_app.domain.booking import Booking
from pos_app.domain.errors import FormErrors, GatewayError, PosError
from pos_app.domain.overpaid import excess_to_refund, overpaid_headline
from pos_app.domain.payment import REFUND_REASONS, Payment, Refund
from pos_app.domain.people import Actor, Role
from pos_app.domain.text import bounded, strip_forbidden
from pos_app.logs import UVICORN_OPTIONS, setup_logging
from pos_app.private_files import ensure_private_dir
from pos_app.services.bookings import BookingDetail, BookingRequest
from pos_app.services.checkout import CheckoutView
from pos_app.services.receipts import Receipt, render_text

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext, SandboxPolicy

log = logging.getLogger("pos_app.cli")

CLI_TRUST = """\
The command line acts as a manager, "command line (<your login>)" in the audit log: it
needs no PIN, since whoever can run it on this machine can open the database anyway.
Protect the machine account, not the PINs, to keep it safe."""

FLAG_FOR_FIELD = {
    "customer_name": "--customer",
    "customer_email": "--email",
    "customer_phone": "--phone",
    "service_id": "--service",
    "starts_at": "--at",
    "price": "--price",
    "amount": "--amount",
    "date": "--date",
    "start": "--from",
    "end": "--to",
}
DEFAULT_SANDBOX_PORT = 12111
DEFAULT_WEBHOOK_PORT = 12112


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    p = argparse.ArgumentParser(
        prog="pos-app",
        description=__doc__.splitlines()[0],
        epilog=CLI_TRUST,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("gui", help="open the desktop app (the default)")

    s = sub.add_parser("book", help="create a booking")
    s.add_argument("--customer", required=True, help="customer name")
    s.add_argument("--service", required=True, help="service id or name")
    s.add_argument(
        "--at", required=True, help="start, ISO 8601 (local time unless it has an offset)"
    )
    s.add_argument("--price", help="price, e.g. 35.00 (default: the service's price)")
    s.add_argument("--email", default="", help="customer email")
    s.add_argument("--phone", default="", help="customer phone")
    s.add_argument("--staff", help="staff member or room, by name (default: anyone)")
    s.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser("charge", help="create or return the open checkout of a booking")
    s.add_argument("booking_id")
    s.add_argument("--deposit", help="ask for part of the balance now, e.g. 10.00")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("pay-cash", help="record cash taken at the desk")
    s.add_argument("booking_id")
    s.add_argument("--amount", help="amount, e.g. 25.00 (default: the balance due)")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("status", help="show a booking's payment state (re-read from Stripe)")
    s.add_argument("booking_id")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("sync", help="one pass of reading Stripe state into the database")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("refund", help="refund a booking in full or in part")
    s.add_argument("booking_id")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--amount", help="amount, e.g. 10.00 (default: everything refundable)")
    g.add_argument("--excess", action="store_true", help="what an overpaid booking holds extra")
    s.add_argument("--reason", default="requested_by_customer", choices=sorted(REFUND_REASONS))
    s.add_argument("--note", default="")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("users", help="list the accounts that sign in at the desk")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser(
        "set-pin",
        help="give an account a new PIN and unlock it (a forgotten manager PIN)",
        description="Asks for the new PIN twice (not echoed); on a pipe, reads two lines.",
    )
    s.add_argument("name", help="the account's name, as shown on the sign-in page")

    s = sub.add_parser("sandbox", help="run the local Stripe-compatible sandbox server")
    s.add_argument("--host", default="127.0.0.1", help="0.0.0.0: phones on the LAN can pay")
    s.add_argument("--port", type=port_number, default=DEFAULT_SANDBOX_PORT)
    s.add_argument("--public-url", help="base URL for payment pages (default: derived)")
    s.add_argument("--webhook-url", help="register a webhook endpoint at start")
    s.add_argument("--webhook-secret", help="its signing secret (whsec_...)")
    s.add_argument(
        "--enable-test-controls",
        action="store_true",
        help="serve /_sandbox/ (clock, fault injection); never on by default",
    )

    s = sub.add_parser("webhooks", help="receive Stripe webhooks at POST /stripe/webhook")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=port_number, default=DEFAULT_WEBHOOK_PORT)

    s = sub.add_parser("receipt", help="print a booking's receipt, save it as PDF, or email it")
    s.add_argument("booking_id")
    s.add_argument("--pdf", type=Path, metavar="PATH", help="write the receipt as a PDF")
    s.add_argument(
        "--email",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="ask Stripe to email its receipt (default: the customer's address)",
    )
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("report", help="sales figures of a business day or a range (managers)")
    kinds = s.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    k = kinds.add_parser("daily", help="one business day (the configured time zone's)")
    k.add_argument("--date", metavar="YYYY-MM-DD", help="the business day (default: today)")
    k.add_argument("--json", action="store_true", help="print one JSON object")
    k = kinds.add_parser("range", help="the business days FROM to TO inclusive (≤ 366)")
    k.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    k.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    k.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser("export", help="export payments and refunds of a range of days")
    kinds = s.add_subparsers(dest="export_kind", metavar="FORMAT", required=True)
    k = kinds.add_parser("csv", help="one row per payment or refund; see docs/csv-export.md")
    k.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    k.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    k.add_argument("path", type=Path, metavar="PATH", help="the CSV file to write, or -")
    k.add_argument("--json", action="store_true", help="print one JSON object")
    k = kinds.add_parser("pdf", help="the sales report with its by-hour chart, as a PDF")
    k.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    k.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    k.add_argument("path", type=Path, metavar="PATH", help="the PDF file to write")
    k.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser("close-day", help="close a business day: the Z report (managers)")
    s.add_argument("--date", metavar="YYYY-MM-DD", help="the business day (default: today)")
    s.add_argument(
        "--cash-counted",
        action="append",
        default=[],
        metavar="AMOUNT",
        help="cash counted in the drawer, e.g. 123.45 (or usd=123.45, once per currency)",
    )
    s.add_argument("--note", default="", help="why the drawer is short or over, who counted")
    s.add_argument("--preview", action="store_true", help="print the Z report, close nothing")
    s.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser("reconcile", help="compare payments and refunds with Stripe (managers)")
    s.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    s.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    s.add_argument(
        "--settle", action="store_true", help="take Stripe's record for every difference"
    )
    s.add_argument("--json", action="store_true", help="print one JSON object")

    cli_doctor.add_parser(sub)
    cli_backup.add_parsers(sub)

    s = sub.add_parser("screenshot", help="render a screen offscreen to a PNG (demo data)")
    s.add_argument("--list", action="store_true", help="print the screens' names and exit")
    s.add_argument("--screen", help="which screen (see --list)")
    s.add_argument("path", type=Path, nargs="?", help="the PNG to write")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `pos-app` command; what it prints never holds control characters."""
    with printable_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
        print(str(err), file=sys.stderr)
        return 1
    setup_logging(config.data_dir, verbose=args.verbose)
    try:
        return _dispatch(command, args, config)
    except UsageError as err:
        print(f"pos-app: {err}", file=sys.stderr)
        return 2
    except FormErrors as err:
        print(_form_errors(err), file=sys.stderr)
        return 1
    except PosError as err:
        print(err.message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("cli.crashed command=%s", command)
        print(
            f"Something went wrong. Nothing more was changed; details are in "
            f"{config.data_dir / 'pos-app.log'}.",
            file=sys.stderr,
        )
        return 1


def _screenshot(args: argparse.Namespace) -> int:
    from pos_app.devtools.screenshots import SCREENS, render, screen_list

    if args.list:
        for name, title in screen_list():
            print(f"{name:<16} {title}")
        return 0
    if not args.screen or args.path is None:
        raise UsageError("screenshot needs --screen NAME and a PATH (or --list)")
    if args.screen not in SCREENS:
        raise UsageError(f"unknown screen {args.screen!r}; choose from {', '.join(SCREENS)}")
    render(args.screen, args.path)
    print(str(args.path))
    return 0


def _dispatch(command: str, args: argparse.Namespace, config: Config) -> int:
    if command == "gui":
        from pos_app.ui.shell.gui import run_gui

        return run_gui(config)
    if command == "sandbox":
        return _sandbox(args, config)
    if command == "webhooks":
        return _webhooks(args, config)
    if command == "screenshot":
        return _screenshot(args)
    if command == "doctor":
        return cli_doctor.run_doctor(args, config)
    if command in ("backup", "restore"):
        run = cli_backup.run_backup if command == "backup" else cli_backup.run_restore
        return run(args, config)
    # Commands that may print a payment URL keep the sandbox running after they exit.
    policy: SandboxPolicy = (
        "detached"
        if command in ("charge", "status", "sync", "refund", "receipt", "reconcile")
        else "none"
    )
    from pos_app.app import open_app

    ctx = open_app(config, sandbox=policy)
    ctx.deps.desk.sign_in(cli_actor())
    try:
        handler = {
            "book": _book,
            "charge": _charge,
            "status": _status,
            "sync": _sync,
            "refund": _refund,
            "pay-cash": _pay_cash,
            "receipt": _receipt,
            "users": _users,
            "set-pin": _set_pin,
            "report": _report,
            "export": _export,
            "close-day": _close_day,
            "reconcile": _reconcile,
        }[command]
        return handler(ctx, args)
    finally:
        ctx.close()


def cli_actor() -> Actor:
    """Who the command line acts as: a manager named after the login (see CLI_TRUST)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no user name known for this uid (containers)
        login = "unknown"
    # The login comes from $LOGNAME/$USER: no control characters, and it fits the 120
    # characters an actor's name has in the audit log.
    login = bounded(strip_forbidden(login), 100) or "unknown"
    return Actor(None, f"command line ({login})", Role.MANAGER)


def _users(ctx: AppContext, args: argparse.Namespace) -> int:
    members = ctx.people.list_users(include_inactive=True)
    if args.json:
        _print_json(
            {
                "users": [
                    {
                        "id": m.id,
                        "name": m.name,
                        "role": m.role.value,
                        "active": m.active,
                        "takes_bookings": m.takes_bookings,
                    }
                    for m in members
                ]
            }
        )
    elif not members:
        print("No accounts yet: the desktop app asks for the manager account on first run.")
    for m in members if not args.json else []:
        state = "" if m.active else "  (inactive)"
        print(f"{m.name:<30} {m.role.label}{state}")
    return 0


def _set_pin(ctx: AppContext, args: argparse.Namespace) -> int:
    from pos_app.services.people import UserForm

    wanted = " ".join(args.name.split()).casefold()
    member = next(
        (m for m in ctx.people.list_users(include_inactive=True) if m.name.casefold() == wanted),
        None,
    )
    if member is None:
        raise UsageError(f"there is no account named {args.name!r} (see `pos-app users`)")
    if sys.stdin.isatty():
        pin = getpass.getpass(f"New PIN for {member.name}: ")
        again = getpass.getpass("The same PIN again: ")
    else:
        pin, again = (sys.stdin.readline().strip() for _ in range(2))
    form = UserForm(
        name=member.name,
        role=member.role,
        pin=pin,
        pin_again=again,
        active=member.active,
        takes_bookings=member.takes_bookings,
    )
    ctx.people.update_user(member.id, form)
    print(f"{member.name} has a new PIN and can sign in now.")
    return 0


def _book(ctx: AppContext, args: argparse.Namespace) -> int:
    service = ctx.catalog.find(args.service)
    resource = ctx.catalog.find_resource(args.staff) if args.staff else None
    starts_at = parse_when(args.at, ctx.config.timezone)
    booking = ctx.bookings.create(
        BookingRequest(
            customer_name=args.customer,
            service_id=service.id,
            starts_at=starts_at,
            price_text=args.price,
            customer_email=args.email,
            customer_phone=args.phone,
            resource_id=resource.id if resource is not None else None,
        )
    )
    if args.json:
        _print_json(_booking_json(ctx, booking))
    else:
        local = booking.starts_at.astimezone(ctx.config.timezone)
        print(
            f"Booked {booking.id}: {booking.customer_name}, {booking.service_name}, "
            f"{local:%Y-%m-%d %H:%M}, {booking.price}"
            + (f", with {resource.name}." if resource is not None else ".")
        )
    return 0


def _charge(ctx: AppContext, args: argparse.Namespace) -> int:
    view = ctx.checkout.start(args.booking_id, args.deposit)
    if args.json:
        _print_json(_checkout_json(view))
    else:
        ends = view.countdown_ends_at
        print(f"Pay {view.amount} for {view.service_name} at:\n{view.url}")
        if ends is not None:
            print(f"The link is held until {ends.astimezone(ctx.config.timezone):%H:%M:%S}.")
    return 0


def _pay_cash(ctx: AppContext, args: argparse.Namespace) -> int:
    payment = ctx.cash.record(args.booking_id, args.amount)
    detail = ctx.bookings.detail(args.booking_id)
    if args.json:
        data = _detail_json(ctx, detail)
        data["payment"] = _payment_json(payment)
        _print_json(data)
    else:
        print(
            f"Recorded {payment.money} in cash. Booking: {detail.booking.status.label}, "
            f"balance due {detail.booking.balance_due}."
        )
    return 0


def _status(ctx: AppContext, args: argparse.Namespace) -> int:
    try:
        ctx.sync.refresh_booking(args.booking_id)
    except GatewayError as err:
        print(f"Showing the last known state: {err.message}", file=sys.stderr)
    detail = ctx.bookings.detail(args.booking_id)
    if args.json:
        _print_json(_detail_json(ctx, detail))
    else:
        b = detail.booking
        print(f"{b.id}  {b.customer_name}  {b.service_name}  {b.price}  {b.status.label}")
        print(f"paid {b.paid}  refunded {b.refunded}")
        if b.overpaid.amount:
            due_back = excess_to_refund(b, detail.refunds).amount
            print(overpaid_headline(b, detail.refunds) + (" (refund --excess)" if due_back else ""))
        for p in detail.payments:
            print(
                f"  payment {p.id}  {p.method.value}  {p.money}  {p.status.value}  "
                f"{p.stripe_session_id or ''}"
            )
        for r in detail.refunds:
            print(
                f"  refund  {r.id}  {r.money}  {r.status.value}  {r.stripe_refund_id or ''}"
                + (f"  ({r.failure_reason})" if r.failure_reason else "")
            )
    return 0


def _sync(ctx: AppContext, args: argparse.Namespace) -> int:
    report = ctx.sync.sync_once(full=True)
    data = {
        "events_seen": report.events_seen,
        "events_applied": report.events_applied,
        "payments_checked": report.payments_checked,
        "refunds_checked": report.refunds_checked,
        "holds_expired": report.holds_expired,
        "errors": report.errors,
    }
    if args.json:
        _print_json(data)
    else:
        print(
            f"Read {report.events_seen} events ({report.events_applied} applied); "
            f"checked {report.payments_checked} payments and {report.refunds_checked} refunds; "
            f"closed {report.holds_expired} expired links."
        )
        for message in report.errors:
            print(f"  {message}", file=sys.stderr)
    return 1 if report.errors else 0


def _refund(ctx: AppContext, args: argparse.Namespace) -> int:
    outcome = (
        ctx.refunds.refund_excess(args.booking_id)
        if args.excess
        else ctx.refunds.refund(args.booking_id, args.amount, reason=args.reason, note=args.note)
    )
    detail = ctx.bookings.detail(args.booking_id)
    if args.json:
        data = _detail_json(ctx, detail)
        data["refund"] = {
            "amount": outcome.amount.amount,
            "currency": outcome.amount.currency,
            "refunds": [_refund_json(r) for r in outcome.refunds],
        }
        _print_json(data)
    else:
        states = ", ".join(f"{r.stripe_refund_id} {r.status.value}" for r in outcome.refunds)
        print(
            f"Refund of {outcome.amount} sent ({states}). Booking: {detail.booking.status.label}."
        )
    return 0


def _receipt(ctx: AppContext, args: argparse.Namespace) -> int:
    receipt = ctx.receipts.receipt(args.booking_id)
    data: dict[str, Any] = {"receipt": _receipt_json(receipt), "pdf": None, "email": None}
    if args.pdf is not None:
        data["pdf"] = str(_receipt_pdf(receipt, args.pdf))
    if args.email is not None:
        result = ctx.receipts.email_receipt(args.booking_id, args.email or None)
        data["email"] = {
            "email": result.email,
            "mode": result.mode,
            "sent": list(result.sent),
            "already_sent": list(result.already),
            "message": result.message,
        }
    if args.json:
        _print_json(data)
        return 0
    if args.pdf is None and args.email is None:
        print(render_text(receipt), end="")
    if data["pdf"]:
        print(f"Saved the receipt to {data['pdf']}.")
    if data["email"]:
        print(data["email"]["message"])
    return 0


def _receipt_pdf(receipt: Receipt, path: Path) -> Path:
    """Write the PDF with Qt, offscreen (lazy import: the other commands never load Qt)."""
    from pos_app.ui.reports.receipt_view import write_pdf_offscreen

    try:
        return write_pdf_offscreen(receipt, path)
    except OSError as err:
        raise PosError(f"The PDF could not be written to {path}: {err.strerror or err}.") from err


def _receipt_json(receipt: Receipt) -> dict[str, Any]:
    return {
        "number": receipt.number,
        "booking_id": receipt.booking_id,
        "currency": receipt.price.currency,
        "price": receipt.price.amount,
        "paid": receipt.paid.amount,
        "refunded": receipt.refunded.amount,
        "refund_pending": receipt.refund_pending.amount,
        "balance_due": receipt.balance_due.amount,
        "payments": [
            {
                "id": p.payment_id,
                "method": p.method.value,
                "label": p.label,
                "part": p.part,
                "amount": p.amount.amount,
                "payment_intent_id": p.payment_intent_id,
                "charge_id": p.charge_id,
            }
            for p in receipt.payments
        ],
        "refunds": [
            {
                "id": r.refund_id,
                "amount": r.amount.amount,
                "status": r.status.value,
                "stripe_refund_id": r.stripe_refund_id,
            }
            for r in receipt.refunds
        ],
    }


def _sandbox(args: argparse.Namespace, config: Config) -> int:
    from pos_app.sandbox.runner import serve

    ensure_private_dir(config.data_dir)
    where = f"http://{args.host}:{args.port}" if args.port else f"{args.host}, on a free port"
    print(f"Sandbox starting at {where}; press Ctrl+C to stop.", file=sys.stderr)
    serve(
        config.data_dir / "sandbox.sqlite3",
        host=args.host,
        port=args.port,
        record_path=config.data_dir / "sandbox.json",
        enable_controls=args.enable_test_controls,
        public_url=args.public_url,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
    )
    return 0


def _webhooks(args: argparse.Namespace, config: Config) -> int:
    import uvicorn

    from pos_app.sync.webhook_server import PATH, create_webhook_app

    if not config.webhook_secret:
        raise UsageError(
            "set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...); "
            "`stripe listen` prints it"
        )
    from pos_app.app import open_app

    ctx = open_app(config, sandbox="detached")
    try:
        app = create_webhook_app(ctx.webhook_intake(config.webhook_secret))
        print(
            f"Receiving Stripe webhooks at http://{args.host}:{args.port}{PATH} (Ctrl+C to stop).",
            file=sys.stderr,
        )
        uvicorn.run(app, host=args.host, port=args.port, **UVICORN_OPTIONS)
    finally:
        ctx.close()
    return 0


def _report(ctx: AppContext, args: argparse.Namespace) -> int:
    from pos_app.services.reports import render_text

    if args.report_kind == "daily":
        day = (
            parse_date(args.date, "date")
            if args.date is not None  # --date "" is refused, not taken as today
            else datetime.now(UTC).astimezone(ctx.config.timezone).date()
        )
        report = ctx.reports.daily(day)
    else:
        report = ctx.reports.range(parse_date(args.start, "start"), parse_date(args.end, "end"))
    if args.json:
        _print_json(report.to_json())
    else:
        print(render_text(report), end="")
    return 0


def _export(ctx: AppContext, args: argparse.Namespace) -> int:
    start, end = parse_date(args.start, "start"), parse_date(args.end, "end")
    if args.export_kind == "pdf":
        return _export_pdf(ctx, start, end, args)
    if str(args.path) == "-":  # the CSV itself on stdout, for a pipe; nothing else printed
        with raw_stdout() as out:
            ctx.csv_export.write(start, end, out)
        return 0
    result = ctx.csv_export.export(start, end, args.path)
    if args.json:
        _print_json(
            {
                "path": str(result.path),
                "rows": result.rows,
                "payments": result.payments,
                "refunds": result.refunds,
            }
        )
    else:
        print(
            f"Wrote {_count(result.rows, 'row')} ({_count(result.payments, 'payment')}, "
            f"{_count(result.refunds, 'refund')}) to {result.path}."
        )
    return 0


def _export_pdf(ctx: AppContext, start: date, end: date, args: argparse.Namespace) -> int:
    """The sales report as a PDF, drawn by Qt offscreen (lazy import: other commands never
    load Qt)."""
    from pos_app.ui.reports.dashboard.report_pdf import write_report_pdf_offscreen

    report = ctx.reports.daily(start) if start == end else ctx.reports.range(start, end)
    generated = datetime.now(UTC).astimezone(ctx.config.timezone)
    try:
        path = write_report_pdf_offscreen(
            report, args.path, business_name=ctx.config.business_name, generated_at=generated
        )
    except OSError as err:
        raise PosError(
            f"The PDF could not be written to {args.path}: {err.strerror or err}."
        ) from err
    if args.json:
        _print_json(
            {
                "path": str(path),
                "from": start.isoformat(),
                "to": end.isoformat(),
                "currencies": sorted(report.currencies),
            }
        )
    else:
        print(f"Saved the sales report to {path}.")
    return 0


def _close_day(ctx: AppContext, args: argparse.Namespace) -> int:
    """Print a day's Z report, or close the day with the cash counted."""
    from pos_app.services.day_close import ZReport

    day = parse_date(args.date, "date") if args.date is not None else ctx.day_close.today()
    z: ZReport = ctx.day_close.preview(day)
    if not args.preview and not z.is_closed:
        by_currency = counted(args.cash_counted, [t.currency for t in z.currencies])
        try:
            z = ctx.day_close.close(day, by_currency, args.note)
        except FormErrors as err:
            raise FormErrors(
                {
                    f"--cash-counted ({k.removeprefix('counted_').upper()})": v
                    for k, v in err.errors.items()
                }
            ) from None
    elif not args.preview:
        raise PosError(z.closed_sentence)
    if args.json:
        _print_json(z.to_json())
        return 0
    print(f"Z report — {day.isoformat()} ({z.timezone})")
    for t in z.currencies:
        m = t.money
        close = z.close_for(t.currency)
        print(f"  {t.currency.upper()}")
        print(f"    card payments ({t.card_count}) {m(t.card_gross)}, refunds {m(t.card_refunds)}")
        fees, after_fees = t.fee_figures()
        print(f"    card net {m(t.card_net)}, Stripe fees {fees}, after fees {after_fees}")
        if not t.fees_known:
            print(f"    {t.fees_pending_sentence()}")
        print(f"    cash payments ({t.cash_count}), expected in the drawer {m(t.cash_expected)}")
        if close is not None:
            print(f"    counted {m(close.cash_counted)}, difference {m(close.cash_difference)}")
        if t.adjustments:
            print(f"    adjustments to closed days: {t.adjustments} (net {m(t.adjustments_net)})")
    print(z.closed_sentence if z.is_closed else "Not closed (preview).")
    return 0


def _reconcile(ctx: AppContext, args: argparse.Namespace) -> int:
    """Compare a range of days with Stripe; ``--settle`` takes Stripe's record."""
    start, end = parse_date(args.start, "start"), parse_date(args.end, "end")
    result = ctx.reconciliation.compare(start, end)
    settled: list[str] = []
    failed: list[str] = []
    if args.settle and result.mismatches:
        outcome = ctx.reconciliation.settle_all(result.mismatches)
        settled, failed = outcome.settled, outcome.failed
        result = ctx.reconciliation.compare(start, end)
    if args.json:
        _print_json({**result.to_json(), "settled": settled, "not_settled": failed})
        return 0
    for sentence in settled:
        print(f"settled: {sentence}")
    for m in result.mismatches:
        print(f"{m.kind.label}: {m.sentence}")
        if not m.settleable and m.why_not:
            print(f"  {m.why_not}")
    print(result.summary())
    return 0


# -- formatting ------------------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _form_errors(err: FormErrors) -> str:
    return " ".join(
        f"{FLAG_FOR_FIELD.get(field, field)}: {message}" for field, message in err.errors.items()
    )


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, sort_keys=True))


def _ts(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def _booking_json(ctx: AppContext, b: Booking) -> dict[str, Any]:
    return {
        "id": b.id,
        "status": b.status.value,
        "customer": b.customer_name,
        "email": b.customer_email,
        "phone": b.customer_phone,
        "service_id": b.service_id,
        "service": b.service_name,
        "starts_at": b.starts_at.astimezone(ctx.config.timezone).isoformat(),
        "amount": b.price_amount,
        "paid_amount": b.paid_amount,
        "refunded_amount": b.refunded_amount,
        "currency": b.currency,
        "balance_due": b.balance_due.amount,
        "overpaid_amount": b.overpaid.amount,  # owed back to the customer; 0 unless overpaid
        "resource_id": b.resource_id,
        "customer_id": b.customer_id,
    }


def _checkout_json(view: CheckoutView) -> dict[str, Any]:
    return {
        "booking_id": view.booking_id,
        "payment_id": view.payment_id,
        "session_id": view.session_id,
        "status": view.status.value,
        "url": view.url,
        "expires_at": _ts(view.expires_at),
        "hold_until": _ts(view.hold_until),
        "amount": view.amount.amount,
        "currency": view.amount.currency,
    }


def _refund_json(r: Refund) -> dict[str, Any]:
    return {
        "id": r.id,
        "stripe_refund_id": r.stripe_refund_id,
        "payment_id": r.payment_id,
        "amount": r.amount,
        "currency": r.currency,
        "reason": r.reason,
        "status": r.status.value,
        "failure_reason": r.failure_reason,
        "balance_transaction_id": r.stripe_balance_transaction_id,
        "fee": r.fee_amount,
        "net": r.net_amount,
    }


def _payment_json(p: Payment) -> dict[str, Any]:
    return {
        "id": p.id,
        "method": p.method.value,
        "status": p.status.value,
        "amount": p.amount,
        "currency": p.currency,
        "session_id": p.stripe_session_id,
        "payment_intent_id": p.stripe_payment_intent_id,
        "charge_id": p.stripe_charge_id,
        "balance_transaction_id": p.stripe_balance_transaction_id,
        "fee": p.fee_amount,
        "net": p.net_amount,
        "paid_at": _ts(p.paid_at),
    }


def _detail_json(ctx: AppContext, d: BookingDetail) -> dict[str, Any]:
    data = _booking_json(ctx, d.booking)
    data["payments"] = [_payment_json(p) for p in d.payments]
    data["refunds"] = [_refund_json(r) for r in d.refunds]
    return data


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
