"""The one demo day every screenshot is rendered on, so the README's pictures agree.

Made through the services and the sandbox's hosted page, as a desk would: the five demo
bookings (unpaid, awaiting, paid, partly refunded, refunded), the rest of the day around them
(cash sales, one with a product added, a deposit, a no-show, a cancellation, the
afternoon), walk-in sales of products (demo_shop.py: card and cash, a promo code, a tip, a
line refunded), the six days before with cash sales (the dashboard's range), and a regular
customer's history. Screens only open on
it; the dashboard and the Z report therefore show the same day's figures.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pos_app.app import wire_services
from pos_app.devtools.demo_shop import seed_demo_products, seed_demo_promo_codes
from pos_app.domain.people import Actor, Role
from pos_app.services.bookings import BookingRequest
from pos_app.services.orders import SaleItem

if TYPE_CHECKING:
    from pos_app.app import AppContext

log = logging.getLogger(__name__)

SUCCESS_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
DEMO_MANAGER = ("Alex Morgan", "2580")  # name and PIN of the demo's accounts
DEMO_STAFF = ("Sam Lee", "1357")
DEMO_BUSINESS = ("Northside Hair & Spa", "12 Market Street\nSpringfield", "US 12-3456789")
HISTORY_DAYS = 6  # days of cash sales before today (the dashboard's 7-day range)


@dataclass(frozen=True)
class DemoDay:
    """The bookings made for the screenshot, by what state they were left in."""

    unpaid: str
    awaiting: str
    paid: str
    partly_refunded: str
    refunded: str


class ShiftedClock:
    """The real clock moved by ``shift``: books the demo's earlier hours through the service."""

    def __init__(self, shift: timedelta) -> None:
        self._shift = shift

    def now(self) -> datetime:
        """The moved time, in UTC."""
        return datetime.now(ZoneInfo("UTC")) + self._shift


def morning_timezone() -> tzinfo:
    """A fixed-offset zone where it is mid-morning right now (so 'today' has room left)."""
    utc_hour = datetime.now(ZoneInfo("UTC")).hour
    shift = (10 - utc_hour + 12) % 24 - 12  # -12..+11 hours: UTC+shift is around 10:00
    # Etc/GMT signs are inverted (Etc/GMT-3 is UTC+3).
    return ZoneInfo(f"Etc/GMT{-shift:+d}" if shift else "UTC")


def demo_timezone(configured: tzinfo) -> tzinfo:
    """The configured zone if it is between 09:00 and 15:00 there (the demo day has hours
    behind and ahead); otherwise one where it is mid-morning now."""
    if 9 <= datetime.now(configured).hour < 15:
        return configured
    return morning_timezone()


def pay(url: str) -> None:
    """Pay a session through the sandbox's hosted page, as a customer's phone would."""
    pay_with(url, SUCCESS_CARD)


def pay_with(url: str, card: str) -> None:
    """Submit ``card`` on the sandbox's hosted page (a decline answers 200 with the reason)."""
    import httpx

    with httpx.Client(follow_redirects=True, timeout=10) as client:
        page = client.get(url)
        page.raise_for_status()
        # The page refuses a POST without the CSRF token it names (its cookie rides along).
        found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
        form = {"card_number": card, "exp": "12 / 34", "cvc": "123", "name": "Demo"}
        client.post(
            url, data={**form, "csrf_token": found.group(1) if found else ""}
        ).raise_for_status()


def sign_in_as(ctx: AppContext, name: str) -> None:
    """Sign the demo account ``name`` in at the desk (no PIN: the demo knows them)."""
    member = next(m for m in ctx.people.list_users() if m.name == name)
    ctx.deps.desk.sign_in(Actor(member.id, member.name, member.role))


def seed_demo_day(ctx: AppContext) -> DemoDay:
    """Make the demo day (see the module docstring); the manager is left signed in."""
    from pos_app.services.people import UserForm

    manager = ctx.people.create_first_manager(DEMO_MANAGER[0], DEMO_MANAGER[1], DEMO_MANAGER[1])
    name, pin = DEMO_STAFF
    staff = ctx.people.create_user(UserForm(name, Role.STAFF, pin, pin, takes_bookings=True))
    ctx.deps.desk.sign_in(manager)  # a manager stocks the shelf and makes the codes
    seed_demo_products(ctx)
    seed_demo_promo_codes(ctx)
    ctx.people.authenticate(staff.id, pin)  # the staff member does the day's work
    demo = _seed_demo_bookings(ctx)
    _seed_rest_of_day(ctx)
    _seed_walk_in_sales(ctx, DEMO_MANAGER[1])
    _seed_sales_history(ctx, HISTORY_DAYS)
    _seed_regulars(ctx, demo)
    ctx.deps.desk.sign_in(manager)
    _name_the_business(ctx)
    return demo


def _name_the_business(ctx: AppContext) -> None:
    """The demo business's name, address and tax id (receipts, the customer's screen)."""
    from pos_app.services.settings import SettingsChange

    change = SettingsChange.from_view(ctx.settings.load())
    ctx.settings.save(
        dataclasses.replace(
            change,
            business_name=DEMO_BUSINESS[0],
            address=DEMO_BUSINESS[1],
            tax_id=DEMO_BUSINESS[2],
        )
    )


def _first_slot(ctx: AppContext) -> datetime:
    now = datetime.now(ctx.config.timezone)
    return now.replace(second=0, microsecond=0) + timedelta(minutes=30 - now.minute % 15)


def _seed_demo_bookings(ctx: AppContext) -> DemoDay:
    """The five demo bookings from half an hour from now, left in five states."""
    first = _first_slot(ctx)
    people = [  # who, what, contact, and with whom (the demo staff and room)
        ("Maya Thompson", "svc_haircut", "maya@example.com", "res_priya"),
        ("Daniel Okafor", "svc_colour", "+1 555 0134", "res_jordan"),
        ("Sofia Rossi", "svc_massage", "sofia.rossi@example.com", "res_room"),
        ("Liam Chen", "svc_beard", "", "res_sam"),
        ("Ava Martínez", "svc_consult", "ava@example.com", "res_priya"),
    ]
    ids: list[str] = []
    for i, (name, service, contact, resource) in enumerate(people):
        booking = ctx.bookings.create(
            BookingRequest(
                customer_name=name,
                service_id=service,
                starts_at=first + timedelta(minutes=15 * i),
                customer_email=contact if "@" in contact else "",
                customer_phone=contact if contact and "@" not in contact else "",
                resource_id=resource,
            )
        )
        ids.append(booking.id)
    unpaid, awaiting, paid, partly, refunded = ids
    ctx.checkout.start(awaiting)
    for booking_id in (paid, partly, refunded):
        view = ctx.checkout.start(booking_id)
        try:
            assert view.url is not None
            pay(view.url)
            ctx.checkout.refresh(view.payment_id)
        except Exception:  # the demo still renders with fewer paid rows
            log.warning("screenshot: could not pay demo booking %s", booking_id, exc_info=True)
    refunds = [(partly, "5.00", "Shorter session"), (refunded, None, "Customer cancelled")]
    for booking_id, amount, note in refunds:
        try:
            ctx.refunds.refund(
                booking_id,
                amount,
                reason="requested_by_customer",
                note=note,
                manager_pin=DEMO_MANAGER[1],
            )
        except Exception:
            log.warning("screenshot: could not refund demo booking %s", booking_id, exc_info=True)
    # Refunds start "pending" and settle a moment later; show them settled.
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        ctx.sync.sync_once(full=True)
        if ctx.bookings.detail(refunded).booking.refunded_amount > 0:
            break
        time.sleep(0.3)
    return DemoDay(unpaid, awaiting, paid, partly, refunded)


def _seed_rest_of_day(ctx: AppContext) -> None:
    """More of the day around the demo bookings: earlier ones paid in cash, a no-show, a
    deposit, a cancellation, and the afternoon across every column."""
    now = datetime.now(ctx.config.timezone)
    base = _first_slot(ctx)
    earlier = wire_services(
        dataclasses.replace(ctx.deps, clock=ShiftedClock(timedelta(hours=-6)))
    ).bookings
    plan = [  # minutes from the first demo booking, who, service, resource, what happens
        (-180, "Isla Taylor", "svc_massage", "res_room", "cash"),
        (-150, "Noah Williams", "svc_haircut", "res_jordan", "cash"),
        (-105, "Oliver Jones", "svc_beard", "res_sam", "no_show"),
        (-120, "Emma Brown", "svc_colour", "res_priya", "deposit"),
        (-90, "Leo Garcia", "svc_consult", None, ""),
        (-60, "Grace Kim", "svc_haircut", "res_sam", "wax_cash"),  # an add-on, then cash
        (90, "Mia Anderson", "svc_haircut", "res_sam", ""),
        (120, "Lucas Martin", "svc_haircut", "res_jordan", "cancel"),
        (120, "Chloe Lee", "svc_massage", "res_room", ""),
        (105, "Ethan Clark", "svc_haircut", "res_priya", ""),
        (150, "Zoe Walker", "svc_consult", None, ""),
        (195, "Hannah White", "svc_colour", "res_jordan", ""),
    ]
    for minutes, name, service, resource, then in plan:
        starts = base + timedelta(minutes=minutes)
        if starts.date() != now.date() or starts.hour >= 22:
            continue  # the demo stays on one day
        booker = earlier if starts < now else ctx.bookings
        try:
            booking = booker.create(
                BookingRequest(
                    customer_name=name, service_id=service, starts_at=starts, resource_id=resource
                )
            )
            # Paid 25 minutes in (or now, if that is still ahead): the chart's hours spread.
            paid_at = min(starts + timedelta(minutes=25), now)
            paid_clock = _at(ctx, paid_at, timedelta())
            till = wire_services(dataclasses.replace(ctx.deps, clock=paid_clock)).cash
            if then == "wax_cash":
                ctx.orders.add_to_booking(booking.id, [SaleItem("Styling wax")])
            if then in ("cash", "wax_cash"):
                till.record(booking.id)
            elif then == "deposit":
                till.record(booking.id, "40.00")
            elif then == "no_show":
                ctx.bookings.no_show(booking.id)
            elif then == "cancel":
                ctx.bookings.cancel(booking.id)
        except Exception:  # the screenshot still renders with fewer bookings
            log.warning("screenshot: could not add demo booking for %s", name, exc_info=True)


def _seed_walk_in_sales(ctx: AppContext, manager_pin: str) -> None:
    """The day's walk-in sales of the demo shop (demo_shop.py), through the services and the
    sandbox's hosted page; a sale that fails is logged and left out, so the screens render:

    - 140 minutes ago, cash: Argan oil 50 ml with SUMMER10 (10 % off);
    - now, by card: 2 × Styling wax and a Shampoo 250 ml, then one Styling wax refunded and
      put back on the shelf (a line refunded);
    - now, by card: a Haircut and a Styling wax with a 15 % tip.

    (The add-on, a Styling wax added to Grace Kim's haircut, is ``_seed_rest_of_day``'s.)"""
    from pos_app.services.orders import SaleRequest

    now = datetime.now(ctx.config.timezone)
    earlier = now.replace(second=0, microsecond=0) - timedelta(minutes=140)
    if earlier.date() == now.date():
        try:  # at the desk 140 minutes ago, cash
            clock = ShiftedClock(earlier - now)
            then = wire_services(dataclasses.replace(ctx.deps, clock=clock))
            sold = then.orders.create_walk_in(
                SaleRequest([SaleItem("Argan oil 50 ml")], promo_code="SUMMER10")
            )
            then.cash.record(sold.id)
        except Exception:
            log.warning("screenshot: could not add the cash walk-in sale", exc_info=True)
    card = [
        (SaleRequest([SaleItem("Styling wax", 2), SaleItem("Shampoo 250 ml")]), True),
        (SaleRequest([SaleItem("Haircut"), SaleItem("Styling wax")], tip_text="15%"), False),
    ]
    for request, refund_a_line in card:
        try:
            sold = ctx.orders.create_walk_in(request)
            view = ctx.checkout.start(sold.id)
            assert view.url is not None
            pay(view.url)
            ctx.checkout.refresh(view.payment_id)
            if refund_a_line:
                ctx.refunds.refund(
                    sold.id, items=["Styling wax x1"], restock=True, manager_pin=manager_pin
                )
        except Exception:
            log.warning("screenshot: could not add a card walk-in sale", exc_info=True)


def _at(ctx: AppContext, when: datetime, shift: timedelta) -> ShiftedClock:
    return ShiftedClock(when - datetime.now(ctx.config.timezone) + shift)


def _seed_sales_history(ctx: AppContext, days: int) -> None:
    """Cash sales on the ``days`` days before today, booked and paid through the services on
    a clock moved back (booked an hour before, paid 25 minutes in)."""
    now = datetime.now(ctx.config.timezone)
    names = ["Emma Brown", "Oliver Jones", "Mia Anderson", "Lucas Martin", "Chloe Lee"]
    services = ["svc_haircut", "svc_colour", "svc_massage", "svc_beard", "svc_consult"]
    staff: list[str | None] = ["res_priya", "res_jordan", "res_room", "res_sam", None]
    for day in range(1, days + 1):
        for i in range(2 + day % 3):
            k = (day + i) % 5
            hour = 9 + (day * 3 + i * 4) % 9  # 09:00 to 17:00
            starts = (now - timedelta(days=day)).replace(
                hour=hour, minute=15 * (i % 4), second=0, microsecond=0
            )
            booker = wire_services(
                dataclasses.replace(ctx.deps, clock=_at(ctx, starts, -timedelta(hours=1)))
            ).bookings
            till = wire_services(
                dataclasses.replace(ctx.deps, clock=_at(ctx, starts, timedelta(minutes=25)))
            ).cash
            try:
                booking = booker.create(
                    BookingRequest(
                        customer_name=names[k],
                        service_id=services[k],
                        starts_at=starts,
                        resource_id=staff[k],
                        # One customer per name, as a desk picking the suggestion would.
                        customer_email=names[k].split()[0].lower() + "@example.com",
                    )
                )
                till.record(booking.id)
            except Exception:  # the dashboard still renders with fewer sales
                log.warning("screenshot: could not add a cash sale for %s", names[k], exc_info=True)


def _seed_regulars(ctx: AppContext, demo: DemoDay) -> None:
    """Maya's history (two visits paid in cash, a no-show, one booked ahead) and three more
    customers booked in three days: the customers screen's search and history."""
    maya = ctx.bookings.detail(demo.unpaid).booking
    today = datetime.now(ctx.config.timezone).replace(hour=11, minute=0, second=0, microsecond=0)
    history = [(-63, "svc_colour", "res_priya"), (-35, "svc_haircut", "res_priya"),
               (-14, "svc_consult", None), (7, "svc_haircut", "res_priya")]  # fmt: skip
    for days, service, resource in history:
        starts = today + timedelta(days=days)
        booker = ctx.bookings
        if days < 0:
            clock = _at(ctx, starts, -timedelta(days=7))
            booker = wire_services(dataclasses.replace(ctx.deps, clock=clock)).bookings
        booking = booker.create(
            BookingRequest(
                customer_name=maya.customer_name,
                service_id=service,
                starts_at=starts,
                customer_email=maya.customer_email or "",
                resource_id=resource,
            )
        )
        if days < -20:  # paid on the day, so today's takings stay today's
            clock = _at(ctx, starts, timedelta(minutes=40))
            wire_services(dataclasses.replace(ctx.deps, clock=clock)).cash.record(booking.id)
        elif days < 0:
            ctx.bookings.no_show(booking.id)
    for name in ("Mateo Rossi", "Maria Silva", "Amara Okoye"):
        ctx.bookings.create(
            BookingRequest(
                name,
                "svc_haircut",
                today + timedelta(days=3),
                customer_email=(name.split()[0].lower() + "@example.com"),
            )
        )


def sign_in_demo_manager(ctx: AppContext) -> None:
    """The screens open on the day (not the lock page) for a signed-in manager."""
    if ctx.deps.desk.actor.role is None:
        ctx.deps.desk.sign_in(Actor(None, DEMO_MANAGER[0], Role.MANAGER))
