"""`pos-app book` and `pos-app status`: create a booking, show its payment state."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from pos_app.cli import walk_in
from pos_app.cli.input import parse_when
from pos_app.cli.output import print_json
from pos_app.cli.shapes import booking_json, detail_json
from pos_app.domain import locale_format as lf
from pos_app.domain.errors import GatewayError
from pos_app.domain.overpaid import excess_to_refund, overpaid_headline
from pos_app.i18n import gettext
from pos_app.services.bookings import BookingRequest

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext


def book(ctx: AppContext, args: argparse.Namespace) -> int:
    """Create a booking from the flags; print it."""
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
        print_json(booking_json(ctx, booking))
    else:
        local = booking.starts_at.astimezone(ctx.config.timezone)
        values = {
            "id": booking.id,
            "customer": booking.customer_name,
            "service": booking.service_name,
            "when": lf.moment(local, "short_day"),
            "price": booking.price,
        }
        if resource is None:
            print(gettext("Booked {id}: {customer}, {service}, {when}, {price}.").format(**values))
        else:
            print(
                gettext(
                    "Booked {id}: {customer}, {service}, {when}, {price}, with {staff}."
                ).format(**values, staff=resource.name)
            )
    return 0


def status(ctx: AppContext, args: argparse.Namespace) -> int:
    """Re-read a booking from Stripe (or say why not) and print its state."""
    try:
        ctx.sync.refresh_booking(args.booking_id)
    except GatewayError as err:
        print(
            gettext("Showing the last known state: {reason}").format(reason=gettext(err.message)),
            file=sys.stderr,
        )
    if walk_in.is_walk_in(args.booking_id):
        return walk_in.status(ctx, args.booking_id, args.json)
    detail = ctx.bookings.detail(args.booking_id)
    if args.json:
        print_json(detail_json(ctx, detail))
    else:
        b = detail.booking
        print(f"{b.id}  {b.customer_name}  {b.service_name}  {b.price}  {b.status.label}")
        print(gettext("paid {paid}  refunded {refunded}").format(paid=b.paid, refunded=b.refunded))
        if b.overpaid.amount:
            due_back = excess_to_refund(b, detail.refunds).amount
            print(overpaid_headline(b, detail.refunds) + (" (refund --excess)" if due_back else ""))
        for p in detail.payments:
            print("  " + walk_in.payment_line(p))
        for r in detail.refunds:
            print(
                "  "
                + walk_in.refund_line(r)
                + (f"  ({r.failure_reason})" if r.failure_reason else "")
            )
    return 0
