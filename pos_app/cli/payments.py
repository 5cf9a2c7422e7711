"""`pos-app charge`, `pay-cash`, `refund` and `sync`: money in and out of a booking."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from pos_app.cli.output import print_json
from pos_app.cli.shapes import checkout_json, detail_json, payment_json, refund_json
from pos_app.cli.walk_in import headline, is_walk_in, money_json
from pos_app.domain import locale_format as lf

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext


def charge(ctx: AppContext, args: argparse.Namespace) -> int:
    """Create or return a booking's open checkout; print its link."""
    view = ctx.checkout.start(args.booking_id, args.deposit)
    if args.json:
        print_json(checkout_json(view))
    else:
        ends = view.countdown_ends_at
        print(f"Pay {view.amount} for {view.service_name} at:\n{view.url}")
        if ends is not None:
            until = lf.clock(ends.astimezone(ctx.config.timezone), seconds=True)
            print(f"The link is held until {until}.")
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
            print(f"Recorded {payment.money} in cash. {headline(order)}, due {p.balance_due}.")
        return 0
    detail = ctx.bookings.detail(args.booking_id)
    if args.json:
        data = detail_json(ctx, detail)
        data["payment"] = payment_json(payment)
        print_json(data)
    else:
        print(
            f"Recorded {payment.money} in cash. Booking: {detail.booking.status.label}, "
            f"balance due {detail.booking.balance_due}."
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
            states = ", ".join(f"{r.stripe_refund_id} {r.status.value}" for r in outcome.refunds)
            print(f"Refund of {outcome.amount} sent ({states}). {headline(order)}.")
        return 0
    detail = ctx.bookings.detail(args.booking_id)
    if args.json:
        data = detail_json(ctx, detail)
        data["refund"] = refunded
        print_json(data)
    else:
        states = ", ".join(f"{r.stripe_refund_id} {r.status.value}" for r in outcome.refunds)
        print(
            f"Refund of {outcome.amount} sent ({states}). Booking: {detail.booking.status.label}."
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
        print(
            f"Read {report.events_seen} events ({report.events_applied} applied); "
            f"checked {report.payments_checked} payments and {report.refunds_checked} refunds; "
            f"closed {report.holds_expired} expired links."
        )
        for message in report.errors:
            print(f"  {message}", file=sys.stderr)
    return 1 if report.errors else 0
