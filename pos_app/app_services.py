"""The use cases wired over one set of adapters: part of the composition root (``app.py``).

Every service gets the services it calls injected here, once; no service constructs another.
The first screen's services are made at once; the others when first used
(:class:`ServicesOnFirstUse`), so their modules load after the window is ready, not while it
waits for the database (bench/gui_responsiveness.py's cold start).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pos_app.services.audit import AuditService
from pos_app.services.bookings import BookingService
from pos_app.services.cash import CashService
from pos_app.services.catalog import CatalogService
from pos_app.services.checkout import CheckoutService
from pos_app.services.context import Deps
from pos_app.services.customers import CustomerService
from pos_app.services.link_counts import LinkCountFreezer
from pos_app.services.payment_sync import SyncService
from pos_app.services.people import PeopleService
from pos_app.services.refunds import RefundService
from pos_app.services.retention import Retention
from pos_app.services.sign_in import SignInService

if TYPE_CHECKING:
    from pos_app.services.export_csv import CsvExportService
    from pos_app.services.orders import OrderService
    from pos_app.services.pricing_settings import PricingSettingsService
    from pos_app.services.products import ProductService
    from pos_app.services.promo_codes import PromoCodeService
    from pos_app.services.receipts import ReceiptService
    from pos_app.services.reconciliation import ReconciliationService
    from pos_app.services.reports import ReportService


@dataclass(frozen=True)
class Services:
    """The use cases over one set of adapters, each handed the others it calls."""

    catalog: CatalogService
    bookings: BookingService
    checkout: CheckoutService
    refunds: RefundService
    cash: CashService
    sync: SyncService
    receipts: ReceiptService
    customers: CustomerService
    people: PeopleService
    audit: AuditService
    reports: ReportService
    csv_export: CsvExportService
    reconciliation: ReconciliationService
    products: ProductService
    promo_codes: PromoCodeService
    pricing: PricingSettingsService
    orders: OrderService


class ServicesOnFirstUse:
    """Use cases made when first asked for, each once, by the builder under its name.

    Thread-safe: the GUI thread and the workers may ask at the same time and get the same
    service. A builder may ask for another (the CSV export uses the reports), hence the
    re-entrant lock.
    """

    def __init__(self, builders: dict[str, Callable[[], object]]) -> None:
        self._builders = builders
        self._made: dict[str, object] = {}
        self._lock = threading.RLock()

    def __contains__(self, name: object) -> bool:
        return name in self._builders

    def made(self, name: str) -> bool:
        """Whether the service ``name`` has been made (for tests)."""
        return name in self._made

    def add(self, name: str, build: Callable[[], object]) -> None:
        """One more service, made by ``build`` when first asked for."""
        with self._lock:
            self._builders[name] = build

    def get(self, name: str) -> Any:
        """The service ``name``, made now if it has not been."""
        with self._lock:
            if name not in self._made:
                self._made[name] = self._builders[name]()
            return self._made[name]


def later_services(deps: Deps, refunds: RefundService) -> ServicesOnFirstUse:
    """The use cases the first screen (sign-in, the day) does not need; each module loads
    with its service's first use, not while the window waits for the database."""
    later = ServicesOnFirstUse({})

    def receipts() -> ReceiptService:
        from pos_app.services.receipts import ReceiptService

        return ReceiptService(deps)

    def reports() -> ReportService:
        from pos_app.services.reports import ReportService

        return ReportService(deps)

    def csv_export() -> CsvExportService:
        from pos_app.services.export_csv import CsvExportService

        return CsvExportService(deps, reports=later.get("reports"))

    def reconciliation() -> ReconciliationService:
        from pos_app.services.reconciliation import ReconciliationService

        return ReconciliationService(deps, resend_refund=refunds.resend)

    def products() -> ProductService:
        from pos_app.services.products import ProductService

        return ProductService(deps)

    def promo_codes() -> PromoCodeService:
        from pos_app.services.promo_codes import PromoCodeService

        return PromoCodeService(deps)

    def pricing() -> PricingSettingsService:
        from pos_app.services.pricing_settings import PricingSettingsService

        return PricingSettingsService(deps)

    def orders() -> OrderService:
        from pos_app.services.orders import OrderService

        return OrderService(deps)

    for build in (
        receipts,
        reports,
        csv_export,
        reconciliation,
        products,
        promo_codes,
        pricing,
        orders,
    ):
        later.add(build.__name__, build)
    return later


def wire_services(deps: Deps) -> Services:
    """Build every use case over ``deps`` once, injecting the collaborators it calls.

    The one place services meet (no service constructs another). ``open_app`` wires the same
    ones, the later ones on first use; tests and demo seeding call this for a station with
    its own clock or gateway (``replace(deps, ...)``). The services keep nothing but ``deps``
    (the sync's change lists and pruning pace aside), so sharing one checkout or refund
    service between them changes nothing.
    """
    first = first_services(deps)
    later = later_services(deps, first["refunds"])
    return Services(
        **first,
        receipts=later.get("receipts"),
        reports=later.get("reports"),
        csv_export=later.get("csv_export"),
        reconciliation=later.get("reconciliation"),
        products=later.get("products"),
        promo_codes=later.get("promo_codes"),
        pricing=later.get("pricing"),
        orders=later.get("orders"),
    )


def first_services(deps: Deps) -> dict[str, Any]:
    """The use cases the first screen and the first sync pass use, by Services' names."""
    checkout = CheckoutService(deps)
    people = PeopleService(deps, sign_in=SignInService(deps))
    refunds = RefundService(deps, managers=people)
    return {
        "catalog": CatalogService(deps),
        "bookings": BookingService(deps, checkout=checkout),
        "checkout": checkout,
        "refunds": refunds,
        "cash": CashService(deps, checkout=checkout),
        "sync": SyncService(
            deps,
            checkout=checkout,
            refunds=refunds,
            retention=Retention(deps),
            links=LinkCountFreezer(deps),
        ),
        "customers": CustomerService(deps),
        "people": people,
        "audit": AuditService(deps),
    }
