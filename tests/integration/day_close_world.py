"""A shop whose stations share one database but not one clock, for the day-close tests.

Each station is the real services (cash, ``settle``, the day close) on ``Deps`` of its own
whose clock is the world's true time plus the station's skew. Stripe is a stand-in that
answers the one call recording needs (a charge's fee and Stripe's time of the charge).
The world keeps its own ledger of every unit of money recorded, so a test can say where
each one must be: in a closed day's frozen Z report, or in the live report of a day that is
not closed yet (adjustments included).
"""

from __future__ import annotations

import atexit
import itertools
import json
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from pos_app.app import wire_services
from pos_app.domain.booking import Booking, Service
from pos_app.domain.errors import GatewayUnavailable, InvalidStateError, ValidationError
from pos_app.domain.gateway_types import ChargeDetails, CheckoutSessionInfo, RefundInfo
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus, Refund, RefundStatus
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import PaymentGateway
from pos_app.services import settle
from pos_app.services.context import Deps, Policy
from pos_app.services.day_close import DayCloseService
from pos_app.services.reports import ReportService
from pos_app.store.database import make_engine, migrate, sqlite_url
from pos_app.store.repositories import SqlUnitOfWorkFactory

TZ = ZoneInfo("America/New_York")
MANAGER = Actor("usr_boss", "Morgan", Role.MANAGER)
PRICES = {"usd": 3500, "eur": 3000}
#: Wednesday 10 June 2026, 23:00 in New York: a midnight comes soon.
START = datetime(2026, 6, 10, 23, 0, tzinfo=TZ).astimezone(UTC)

_template: Path | None = None


def migrated_copy(directory: Path) -> str:
    """A SQLite URL of a freshly migrated database in ``directory`` (migrated once per run,
    then copied: a property test makes many)."""
    global _template
    if _template is None:
        home = Path(tempfile.mkdtemp(prefix="pos-day-close-"))
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        _template = home / "template.sqlite3"
        engine = make_engine(sqlite_url(_template))
        migrate(engine)
        engine.dispose()
    target = directory / "shop.sqlite3"
    shutil.copyfile(_template, target)
    return sqlite_url(target)


class FakeStripe:
    """Stripe as recording sees it: the fee and time of each charge (``charged``), or no
    answer yet for the intents in ``silent`` (the fee is then filled in later)."""

    def __init__(self) -> None:
        self.charged: dict[str, tuple[int, datetime]] = {}
        self.silent: set[str] = set()

    def server_clock_offset(self) -> float:
        return 0.0

    def retrieve_charge_details(self, payment_intent_id: str) -> ChargeDetails:
        if payment_intent_id in self.silent:
            raise GatewayUnavailable("Stripe did not answer.")
        amount, at = self.charged[payment_intent_id]
        fee = amount * 3 // 100
        return ChargeDetails(
            payment_intent_id,
            f"ch_{payment_intent_id}",
            f"txn_{payment_intent_id}",
            fee,
            amount - fee,
            charged_at=at,
        )


class StationClock:
    """The world's true time plus this station's skew."""

    def __init__(self, world: World, skew: timedelta) -> None:
        self.world = world
        self.skew = skew

    def now(self) -> datetime:
        return self.world.at + self.skew


@dataclass
class Station:
    """One desk: the real services on its own clock."""

    deps: Deps
    day_close: DayCloseService

    def today(self) -> date:
        return self.deps.clock.now().astimezone(TZ).date()


class World:
    """One database, several stations, the true time and a ledger of the money recorded."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        migrate(self.engine)
        self.uow = SqlUnitOfWorkFactory(self.engine)
        self.at = START
        self.stripe = FakeStripe()
        self.recorded: dict[str, int] = defaultdict(int)  # net money in, per currency
        self._ids = itertools.count(1)
        with self.uow(write=True) as w:
            w.services.add(Service("svc_cut", "Haircut", 30, PRICES["usd"], "usd"))
            w.services.add(Service("svc_schnitt", "Herrenschnitt", 30, PRICES["eur"], "eur"))
            w.commit()

    def station(self, skew_minutes: float = 0, name: str = "st") -> Station:
        """A station whose clock is ``skew_minutes`` off the true time."""
        deps = Deps(
            uow=self.uow,
            gateway=cast(PaymentGateway, self.stripe),
            clock=StationClock(self, timedelta(minutes=skew_minutes)),
            policy=Policy(station_id=name, timezone=TZ),
        )
        deps.desk.sign_in(MANAGER)
        return Station(deps, DayCloseService(deps, ReportService(deps)))

    # -- recording money, as the app does ------------------------------------------------

    def booking(self, currency: str) -> str:
        """A booking of the one service in ``currency``, nothing paid."""
        n = next(self._ids)
        starts = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(hours=n)
        service = "svc_cut" if currency == "usd" else "svc_schnitt"
        with self.uow(write=True) as w:
            w.bookings.add(
                Booking(
                    id=f"bk_{n}",
                    customer_name=f"Customer {n}",
                    service_id=service,
                    service_name=service,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=30),
                    price_amount=PRICES[currency],
                    currency=currency,
                    created_at=START - timedelta(days=1),
                )
            )
            w.commit()
        return f"bk_{n}"

    def cash(self, station: Station, currency: str) -> str:
        """Cash for a new booking's whole price, taken at ``station``."""
        payment = wire_services(station.deps).cash.record(self.booking(currency))
        self.recorded[currency] += payment.amount
        return payment.id

    def card(
        self, station: Station, currency: str, *, lag_minutes: int = 0, fee_later: bool = False
    ) -> str:
        """A card payment for a new booking, paid ``lag_minutes`` before ``station`` records
        it (Stripe's true time of the charge); ``fee_later``: Stripe does not say yet."""
        booking_id = self.booking(currency)
        n = next(self._ids)
        payment_id, intent = f"pay_{n}", f"pi_{n}"
        amount = PRICES[currency]
        with self.uow(write=True) as w:
            w.payments.add(
                Payment(
                    id=payment_id,
                    booking_id=booking_id,
                    method=PaymentMethod.CARD,
                    status=PaymentStatus.OPEN,
                    amount=amount,
                    currency=currency,
                    idempotency_key=f"key_{payment_id}",
                    created_at=self.at - timedelta(minutes=lag_minutes + 1),
                    stripe_session_id=f"cs_{n}",
                )
            )
            w.commit()
        self.stripe.charged[intent] = (amount, self.at - timedelta(minutes=lag_minutes))
        if fee_later:
            self.stripe.silent.add(intent)
        paid = CheckoutSessionInfo(
            id=f"cs_{n}",
            status="complete",
            payment_status="paid",
            amount_total=amount,
            currency=currency,
            url=None,
            expires_at=self.at + timedelta(hours=1),
            payment_intent_id=intent,
            payment_intent_status="succeeded",
        )
        settle.apply_session(station.deps, payment_id, paid)
        self.recorded[currency] += amount
        return payment_id

    def fill_fees(self, station: Station) -> None:
        """Stripe now answers: every missing fee (and time of the charge) is filled in."""
        self.stripe.silent.clear()
        with self.uow() as r:
            missing = r.payments.missing_charge_details()
        for payment in missing:
            settle.fill_charge_details(station.deps, payment)

    def refund(self, station: Station, payment_id: str, amount: int) -> str:
        """A refund of ``amount`` that Stripe says succeeded, recorded at ``station``."""
        n = next(self._ids)
        refund_id = f"ref_{n}"
        with self.uow(write=True) as w:
            payment = w.payments.get(payment_id)
            assert payment is not None
            w.refunds.add(
                Refund(
                    id=refund_id,
                    payment_id=payment_id,
                    booking_id=payment.booking_id,
                    amount=amount,
                    currency=payment.currency,
                    reason="requested_by_customer",
                    status=RefundStatus.PENDING,
                    idempotency_key=f"key_{refund_id}",
                    created_at=station.deps.clock.now(),
                    stripe_refund_id=f"re_{n}",
                )
            )
            w.commit()
        self._refund_news(station, refund_id, "succeeded")
        self.recorded[payment.currency] -= amount
        return refund_id

    def fail_refund(self, station: Station, refund_id: str) -> None:
        """Stripe says a succeeded refund failed after all (test card 4000000000005126):
        the money came back."""
        refund = self._refund_news(station, refund_id, "failed")
        self.recorded[refund.currency] += refund.amount

    def _refund_news(self, station: Station, refund_id: str, status: str) -> Refund:
        with self.uow() as r:
            refund = r.refunds.get(refund_id)
            assert refund is not None and refund.stripe_refund_id is not None
        info = RefundInfo(
            id=refund.stripe_refund_id,
            status=status,
            amount=refund.amount,
            currency=refund.currency,
            payment_intent_id=None,
            failure_reason="lost_or_stolen_card" if status == "failed" else None,
            balance_transaction_id=f"txn_{refund.stripe_refund_id}",
            fee=0,
            net=-refund.amount,
        )
        applied = settle.apply_refund(station.deps, refund_id, info)
        assert applied is not None and applied.status.value == status
        return applied

    def close(self, station: Station, day: date) -> bool:
        """``station``'s manager closes ``day`` counting no cash; False when refused (a day
        already closed, or not come yet by that station's clock)."""
        try:
            station.day_close.close(day, {"usd": "0", "eur": "0"}, actor=MANAGER)
        except (InvalidStateError, ValidationError):
            return False
        return True

    # -- where the money is --------------------------------------------------------------

    def days(self) -> list[date]:
        """Every local day money may count on: from the day before the start to two days
        past the true time now."""
        first = START.astimezone(TZ).date() - timedelta(days=1)
        last = self.at.astimezone(TZ).date() + timedelta(days=2)
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def accounted(self) -> dict[str, int]:
        """Per currency: the net of every closed day's frozen Z report plus the live net of
        every day not closed. A day is closed once for all its currencies (it cannot be
        closed again), so its frozen report is the only place its money can ever be shown.
        Also checks that each closed day's live figures are still its frozen ones."""
        reports = ReportService(self.station().deps)
        with self.uow() as r:
            frozen = {
                c.business_date: json.loads(c.report_json)["currencies"]
                for c in r.day_closes.between(date.min, date.max)
            }
        total: dict[str, int] = defaultdict(int)
        for day in self.days():
            live = {c: t.net for c, t in reports.daily(day, actor=MANAGER).currencies.items()}
            if day not in frozen:
                for currency, net in live.items():
                    total[currency] += net
                continue
            kept = {c: int(t.get("net", 0)) for c, t in frozen[day].items()}
            for currency in sorted(set(live) | set(kept)):
                now, then = live.get(currency, 0), kept.get(currency, 0)
                assert now == then, f"closed {day} {currency} changed: frozen {then}, live {now}"
                total[currency] += then
        return dict(total)

    def check(self) -> None:
        """Every unit of money recorded is in exactly one place: a frozen Z report or the
        live report of an open day."""
        accounted = self.accounted()
        for currency in sorted(set(self.recorded) | set(accounted)):
            assert accounted.get(currency, 0) == self.recorded.get(currency, 0), (
                f"{currency}: recorded {self.recorded.get(currency, 0)}, "
                f"closed days and open days hold {accounted.get(currency, 0)}"
            )
