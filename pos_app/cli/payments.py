"""`pos-app charge`, `pay-cash`, `refund` and `sync`: money in and out of a booking."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from pos_app.cli.output import print_json
from pos_app.cli.shapes import checkout_json, detail_json, payment_json, refund_json
from pos_app.cli.walk_in import headline, is_walk_in, money_json
from pos_app.domain import locale_format as lf
from pos_app.i18n import gettext, ngettext

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext
    from pos_app.domain.payment import Refund


def charge(ctx: AppContext, args: argparse.Namespace) -> int:
    """Create or return a booking's open checkout; print its link."""
    view = ctx.checkout.start(args.booking_id, args.deposit)
    if args.json:
        print_json(checkout_json(view))
    else:
        ends = view.countdown_ends_at
        print(
            gettext("Pay {amount} for {service} at:").format(
                amount=view.amount, service=view.service_name
            )
        )
        print(view.url)
        if ends is not None:
            until = lf.clock(ends.astimezone(ctx.config.timezone), seconds=True)
            print(gettext("The link is held until {time}.").format(time=until))
    return 0


def pay_cash(ctx: AppContext, args: argparse.Namespace) -> int:
    """Record cash taken at the desk."""
    payment = ctx.cash.record(args.booking_id, args.amount)
    if is_walk_in(args.booking_id):
        order = ctx.orders.money(args.booking_id)
        if args.json:
            print_json({**money_json(order), "payment": payment_json(payment)})
        else:
            p = order.payable
            print(
                gettext("Recorded {amount} in cash. {order}, due {due}.").format(
                    amount=payment.money, order=headline(order), due=p.balance_due
                )
            )
        return 0
    detail = ctx.bookings.detail(args.booking_id)
    if args.json:
        data = detail_json(ctx, detail)
        data["payment"] = payment_json(payment)
        print_json(data)
    else:
        print(
            gettext("Recorded {amount} in cash. Booking: {status}, balance due {due}.").format(
                amount=payment.money,
                status=detail.booking.status.label,
                due=detail.booking.balance_due,
            )
        )
    return 0


def refund(ctx: AppContext, args: argparse.Namespace) -> int:
    """Refund a booking in full, in part, or what it holds extra."""
    outcome = (
        ctx.refunds.refund_excess(args.booking_id)
        if args.excess
        else ctx.refunds.refund(
            args.booking_id,
            args.amount,
            reason=args.reason,
            note=args.note,
            items=args.item or (),
            restock=args.restock,
        )
    )
    refunded = {
        "amount": outcome.amount.amount,
        "currency": outcome.amount.currency,
        "refunds": [refund_json(r) for r in outcome.refunds],
    }
    if is_walk_in(args.booking_id):
        order = ctx.orders.money(args.booking_id)
        if args.json:
            print_json({**money_json(order), "refund": refunded})
        else:
            print(
                gettext("Refund of {amount} sent ({states}). {order}.").format(
                    amount=outcome.amount, states=_states(outcome.refunds), order=headline(order)
                )
            )
        return 0
    detail = ctx.bookings.detail(args.booking_id)
    if args.json:
        data = detail_json(ctx, detail)
        data["refund"] = refunded
        print_json(data)
    else:
        print(
            gettext("Refund of {amount} sent ({states}). Booking: {status}.").format(
                amount=outcome.amount,
                states=_states(outcome.refunds),
                status=detail.booking.status.label,
            )
        )
    return 0


def sync(ctx: AppContext, args: argparse.Namespace) -> int:
    """One full pass of reading Stripe into the database; 1 if any part failed. ``--watch``
    runs the poller instead, until stopped (``cli.watch``)."""
    if getattr(args, "watch", False):
        from pos_app.cli.watch import watch

        return watch(ctx)
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
        print_json(data)
    else:
        events = ngettext(
            "Read {count} event ({applied} applied);",
            "Read {count} events ({applied} applied);",
            report.events_seen,
        ).format(count=lf.number(report.events_seen), applied=lf.number(report.events_applied))
        checked = gettext("checked {payments} and {refunds};").format(
            payments=ngettext(
                "{count} payment", "{count} payments", report.payments_checked
            ).format(count=lf.number(report.payments_checked)),
            refunds=ngettext("{count} refund", "{count} refunds", report.refunds_checked).format(
                count=lf.number(report.refunds_checked)
            ),
        )
        closed = ngettext(
            "closed {count} expired link.", "closed {count} expired links.", report.holds_expired
        ).format(count=lf.number(report.holds_expired))
        print(f"{events} {checked} {closed}")
        for message in report.errors:
            print(f"  {gettext(message)}", file=sys.stderr)
    return 1 if report.errors else 0


def _states(refunds: list[Refund]) -> str:
    """Each refund's Stripe id and status, as --json and Stripe's Dashboard give them."""
    return ", ".join(f"{r.stripe_refund_id} {r.status.value}" for r in refunds)
