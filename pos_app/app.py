"""Composition root: reads config, builds the database, gateway and services.

The only module that wires every layer together. It imports no Qt: the GUI entry point in
``ui`` calls ``open_app`` from a background thread.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pos_app import app_backups
from pos_app.app_services import Services as Services  # re-exported: tests and demo seeding
from pos_app.app_services import ServicesOnFirstUse, first_services, later_services
from pos_app.app_services import wire_services as wire_services
from pos_app.config import SANDBOX_API_KEY, Config, Mode
from pos_app.domain.changes import ChangeFeed, OnChange
from pos_app.domain.errors import GatewayError, PosError
from pos_app.domain.gateway_types import EventInfo
from pos_app.domain.ports import PaymentGateway
from pos_app.private_files import ensure_private_dir
from pos_app.services.audit import AuditService
from pos_app.services.backup import BackupService
from pos_app.services.bookings import BookingService
from pos_app.services.cash import CashService
from pos_app.services.catalog import CatalogService
from pos_app.services.checkout import CheckoutService
from pos_app.services.checkout_request import return_urls
from pos_app.services.context import Deps, Policy
from pos_app.services.customers import CustomerService
from pos_app.services.ids import new_id
from pos_app.services.payment_sync import SyncService
from pos_app.services.people import PeopleService
from pos_app.services.refunds import RefundService
from pos_app.services.retention import Retention
from pos_app.services.settings import (
    RESTRICTED_KEY_NOTE,
    KeyVerifier,
    SecretStore,
    SettingsService,
    ensure_database_mode,
    layer_business,
    read_business,
)
from pos_app.services.stations import StationService
from pos_app.store.change_feed import start_feed
from pos_app.store.repositories import SqlUnitOfWorkFactory
from pos_app.store.station_lock import StationLock
from pos_app.store.stations_repo import SqlStationStore
from pos_app.version import app_version

if TYPE_CHECKING:
    from pos_app.domain.poll_pace import PollRole
    from pos_app.services.day_close import DayCloseService
    from pos_app.services.doctor import DoctorService
    from pos_app.services.export_csv import CsvExportService
    from pos_app.services.orders import OrderService
    from pos_app.services.pricing_settings import PricingSettingsService
    from pos_app.services.products import ProductService
    from pos_app.services.promo_codes import PromoCodeService
    from pos_app.services.receipts import ReceiptService
    from pos_app.services.reconciliation import ReconciliationService
    from pos_app.services.reports import ReportService
    from pos_app.services.webhook_intake import WebhookIntake
    from pos_app.store.leader_lock import LeaderLock
    from pos_app.sync.poller import Poller

log = logging.getLogger(__name__)

# A stale webhook delivery re-measures the clock against Stripe at most this often.
REMEASURE_SECONDS = 60.0

SandboxPolicy = Literal["detached", "child", "none"]


class StartupError(PosError):
    """The app cannot start; the message says what to check."""


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        """Current UTC time."""
        return datetime.now(UTC)


@dataclass
class AppContext:
    """The running app's services and the resources to release at exit."""

    config: Config
    deps: Deps
    catalog: CatalogService
    bookings: BookingService
    checkout: CheckoutService
    refunds: RefundService
    cash: CashService
    sync: SyncService
    customers: CustomerService
    api_base: str | None
    people: PeopleService
    audit: AuditService
    sandbox_process: subprocess.Popen[bytes] | None = None
    # Where the sandbox serves its pages (its LAN address in LAN mode): the thank-you page
    # customers go to after paying when the business has no website set.
    sandbox_pages: str | None = None
    webhook_server: WebhookReceiver | None = None
    settings: SettingsService = field(init=False, repr=False)
    # The use cases the first screen does not need, built (and their modules loaded) when
    # first used: see __getattr__ (a field, so a context copied with replace() keeps them).
    on_first_use: ServicesOnFirstUse | None = field(default=None, repr=False)
    receipts: ReceiptService = field(init=False, repr=False)
    reports: ReportService = field(init=False, repr=False)
    csv_export: CsvExportService = field(init=False, repr=False)
    reconciliation: ReconciliationService = field(init=False, repr=False)
    day_close: DayCloseService = field(init=False, repr=False)
    doctor: DoctorService = field(init=False, repr=False)
    backups: BackupService = field(init=False, repr=False)
    products: ProductService = field(init=False, repr=False)
    promo_codes: PromoCodeService = field(init=False, repr=False)
    pricing: PricingSettingsService = field(init=False, repr=False)
    orders: OrderService = field(init=False, repr=False)
    # Held shared while this process has the database open: a restore waits for none.
    station_lock: StationLock | None = field(default=None, repr=False)
    # This station's row in the stations table, and every station (Settings ▸ Stations);
    # set by open_app (a field, not init=False, so a context copied with replace() keeps it).
    stations: StationService | None = field(default=None, repr=False)
    # What other stations commit, heard on background threads (watch_changes); stopped at close.
    change_feeds: list[ChangeFeed] = field(default_factory=list, repr=False)
    # The leader lock of this station's poller (poller()); released at close.
    leader_lock: LeaderLock | None = field(default=None, repr=False)

    def __getattr__(self, name: str) -> Any:
        # Called only when the attribute is not set yet: a service built on first use, kept
        # on the context from then on (so later reads are plain attribute reads).
        later = self.__dict__.get("on_first_use")
        if later is None or name not in later:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        service = later.get(name)
        self.__dict__.setdefault(name, service)
        return self.__dict__[name]

    @property
    def mode(self) -> str:
        """'sandbox', 'test' or 'live'."""
        return self.config.mode

    def install_config(self, config: Config) -> None:
        """Apply changed business settings (name, time zone, hold) to the running app."""
        self.config = config
        success_url, cancel_url = return_urls(config.success_url, config.mode, self.sandbox_pages)
        policy = replace(
            self.deps.policy,
            timezone=config.timezone,
            hold_minutes=config.hold_minutes,
            business_name=config.business_name,
            business_address=config.business_address,
            business_tax_id=config.business_tax_id,
            success_url=success_url,
            cancel_url=cancel_url,
        )
        # Deps is frozen so nothing rebinds it by accident; Settings is the one owner that
        # swaps the policy, in a single attribute store: a use case sees old or new, whole.
        object.__setattr__(self.deps, "policy", policy)

    def webhook_intake(self, secret: str) -> WebhookIntake:
        """The receiver's logic, verifying deliveries with the endpoint's ``whsec_`` secret."""

        measured_at: list[float] = []  # monotonic time of the last re-measure, if any

        from pos_app.gateway.webhooks import WebhookStale, verify_webhook
        from pos_app.services.webhook_intake import WebhookIntake

        def verify(payload: bytes, header: str | None, now: datetime) -> EventInfo:
            try:
                return verify_webhook(payload, header, secret, now=now)
            except WebhookStale as stale:
                # No Stripe call since start may have measured the clock offset yet (the
                # `webhooks` command makes none): measure it with one harmless read and
                # judge again, rather than refuse every delivery on a station that is off.
                # At most once a minute, so replayed stale deliveries cost Stripe nothing.
                if measured_at and time.monotonic() - measured_at[-1] < REMEASURE_SECONDS:
                    raise
                measured_at[:] = [time.monotonic()]
                try:
                    self.deps.gateway.list_events(
                        types=["checkout.session.completed"], ending_before=None, limit=1
                    )
                except GatewayError:
                    raise stale from None
                return verify_webhook(payload, header, secret, now=self.deps.server_now())

        return WebhookIntake(self.deps, self.sync, verify, retention=Retention(self.deps))

    def watch_changes(self, on_change: OnChange) -> ChangeFeed | None:
        """Call ``on_change`` (on a background thread) with what other stations commit:
        PostgreSQL's LISTEN/NOTIFY, or SQLite's data_version; stopped by ``close``."""
        engine = getattr(self.deps.uow, "engine", None)
        feed = start_feed(engine, on_change) if engine is not None else None
        if feed is not None:
            self.change_feeds.append(feed)
        return feed

    def poller(self, on_role: Callable[[PollRole], None] | None = None) -> Poller:
        """This station's reader of Stripe's events feed: it leads (reads for the business)
        while it holds the leader lock on PostgreSQL, always on SQLite; released by ``close``."""
        from pos_app.store.leader_lock import leader_lock_for
        from pos_app.store.poll_queries import link_open_anywhere
        from pos_app.sync.poller import Poller

        uow = self.deps.uow
        if not isinstance(uow, SqlUnitOfWorkFactory):
            raise TypeError("the poller needs the app's SQL database")
        engine = uow.engine
        if self.leader_lock is None:
            self.leader_lock = leader_lock_for(engine.url)
        return Poller(
            self.leader_lock,
            self.sync,
            lambda: link_open_anywhere(engine),
            busy_seconds=self.config.poll_seconds,
            on_role=on_role,
        )

    def close(self) -> None:
        """Stop the webhook receiver and a sandbox this process started; release the database."""
        for feed in self.change_feeds:
            feed.stop()
        self.change_feeds.clear()
        if self.webhook_server is not None:
            self.webhook_server.stop()
        if self.sandbox_process is not None and self.sandbox_process.poll() is None:
            self.sandbox_process.terminate()
            try:
                self.sandbox_process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.sandbox_process.kill()
        engine = getattr(self.deps.uow, "engine", None)
        if engine is not None:
            engine.dispose()
        if self.leader_lock is not None:
            self.leader_lock.release()  # another station takes over at once
        if self.station_lock is not None:
            self.station_lock.release()


class WebhookReceiver:
    """The webhook receiver served from a background thread of the desktop app."""

    def __init__(self, ctx: AppContext, secret: str, host: str, port: int) -> None:
        import uvicorn

        from pos_app.logs import UVICORN_OPTIONS
        from pos_app.sync.webhook_server import create_webhook_app

        app = create_webhook_app(ctx.webhook_intake(secret))
        self._server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **UVICORN_OPTIONS))
        self._thread = threading.Thread(target=self._server.run, name="webhooks", daemon=True)
        self._thread.start()
        log.info("webhooks.listening host=%s port=%s", host, port)

    def stop(self) -> None:
        """Finish the request in flight, then stop."""
        self._server.should_exit = True
        self._thread.join(timeout=5)


class GatewayOnFirstUse:
    """The Stripe gateway, made when a service first calls it.

    Loading the Stripe SDK and httpx took a third of a second of the app's start, before the
    desk could see its day (which needs only the database); the first sync pass loads them
    in the background right after. Thread-safe: two first calls make one gateway.
    """

    def __init__(self, secret_key: str, *, mode: Mode, api_base: str | None) -> None:
        self._args = (secret_key, mode, api_base)
        self._mode: Mode = mode
        self._gateway: PaymentGateway | None = None
        self._lock = threading.Lock()

    @property
    def mode(self) -> str:
        """'sandbox', 'test' or 'live' (known without loading the SDK)."""
        return self._mode

    def loaded(self) -> bool:
        """Whether the gateway has been made (for tests)."""
        return self._gateway is not None

    def _made(self) -> PaymentGateway:
        with self._lock:
            if self._gateway is None:
                from pos_app.gateway.stripe_gateway import StripeGateway

                key, mode, api_base = self._args
                self._gateway = StripeGateway(key, mode=mode, api_base=api_base)
            return self._gateway

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gateway or self._made(), name)


def open_app(
    config: Config,
    *,
    sandbox: SandboxPolicy = "detached",
    receive_webhooks: bool = False,
    secrets: SecretStore | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> AppContext:
    """Build everything: migrate the database, find or start the sandbox, seed demo services.

    ``sandbox="detached"`` leaves a started sandbox running after this process exits (so a URL
    the CLI printed keeps working); ``"child"`` ends it with the app; ``"none"`` starts none.
    ``receive_webhooks`` serves the webhook receiver when ``POS_WEBHOOK_PORT`` is set (the
    desktop app does; CLI commands do not). ``secrets`` is where Settings keeps keys (the
    OS keyring by default). A database created in another mode is refused (StartupError);
    a damaged, locked or newer one is refused with a sentence naming the newest backup.
    ``on_wait`` is told (from this thread) when another station is migrating the database.
    """
    ensure_private_dir(config.data_dir)
    # Shared while this process runs, so `pos-app restore` never swaps the file under it.
    station_lock = app_backups.hold_station_lock(config)
    try:
        ctx = _open_app(config, sandbox, receive_webhooks, secrets, on_wait)
    except BaseException:
        if station_lock is not None:
            station_lock.release()
        raise
    ctx.station_lock = station_lock
    return ctx


def _open_app(
    config: Config,
    sandbox: SandboxPolicy,
    receive_webhooks: bool,
    secrets: SecretStore | None,
    on_wait: Callable[[str], None] | None,
) -> AppContext:
    # Checked (quick_check, schema not newer) and migrated, with a backup before an upgrade.
    backups = app_backups.backup_service(config, SystemClock())
    engine = app_backups.open_database(config, backups, on_wait)
    uow = SqlUnitOfWorkFactory(engine)
    try:
        ensure_database_mode(uow, config.mode, _database_name(engine.url))
    except PosError as err:
        engine.dispose()
        raise StartupError(err.message) from err
    config = layer_business(config, read_business(uow))
    station_id = _station_id(config.data_dir)

    api_base = config.api_base
    process: subprocess.Popen[bytes] | None = None
    if config.uses_local_sandbox and sandbox != "none":
        from pos_app.sandbox.discovery import ensure_running

        try:
            api_base, process = ensure_running(
                config.data_dir, detached=sandbox == "detached", lan=config.sandbox_lan
            )
        except (OSError, RuntimeError) as err:
            log.error("sandbox.start_failed error=%s", err)
            raise StartupError(
                f"The local sandbox could not be started: {err}. Details are in "
                f"{config.data_dir / 'sandbox.log'}."
            ) from err
    gateway = GatewayOnFirstUse(config.secret_key, mode=config.mode, api_base=api_base)
    sandbox_pages = _sandbox_pages(config, api_base)
    success_url, cancel_url = return_urls(config.success_url, config.mode, sandbox_pages)
    deps = Deps(
        uow=uow,
        gateway=gateway,
        clock=SystemClock(),
        policy=Policy(
            station_id=station_id,
            timezone=config.timezone,
            hold_minutes=config.hold_minutes,
            business_name=config.business_name,
            business_address=config.business_address,
            business_tax_id=config.business_tax_id,
            success_url=success_url,
            cancel_url=cancel_url,
        ),
    )
    first = first_services(deps)
    later = later_services(deps, first["refunds"])
    ctx = AppContext(
        config=config,
        deps=deps,
        **first,
        api_base=api_base,
        sandbox_process=process,
        sandbox_pages=sandbox_pages,
        on_first_use=later,
    )
    if secrets is None:
        from pos_app.keystore import KeyStore

        secrets = KeyStore(config.data_dir)
    ctx.settings = SettingsService(
        deps,
        config=lambda: ctx.config,
        install=ctx.install_config,
        secrets=secrets,
        verify_key=_key_verifier(config, api_base),
    )
    ctx.backups = app_backups.backup_service(
        config, deps.clock, timezone=lambda: ctx.config.timezone
    )
    ctx.stations = StationService(
        SqlStationStore(engine),
        station_id=station_id,
        host_name=socket.gethostname(),
        version=app_version,
        desk=deps.desk,
    )

    def day_close() -> DayCloseService:
        from pos_app.services.day_close import DayCloseService

        return DayCloseService(deps, ctx.reports, business_currency=lambda: ctx.config.currency)

    def doctor() -> DoctorService:
        from pos_app.services.doctor import DoctorService
        from pos_app.services.doctor_session import DoctorSession
        from pos_app.store.health import schema_revisions

        return DoctorService(
            deps,
            config=lambda: ctx.config,
            sync=ctx.sync,
            session=DoctorSession(deps),
            schema=lambda: schema_revisions(engine),
            api_base=api_base,
        )

    later.add("day_close", day_close)
    later.add("doctor", doctor)
    if receive_webhooks and config.webhook_port and config.webhook_secret:
        ctx.webhook_server = WebhookReceiver(
            ctx, config.webhook_secret, "127.0.0.1", config.webhook_port
        )
    if ctx.catalog.seed_demo():
        log.info("catalog.seeded demo services")
    log.info("app.opened mode=%s station=%s api_base=%s", config.mode, station_id, api_base)
    return ctx


def _sandbox_pages(config: Config, api_base: str | None) -> str | None:
    """The base address of the sandbox's pages as a customer's phone reaches them."""
    if config.mode != "sandbox" or api_base is None:
        return None
    if config.uses_local_sandbox:
        from pos_app.sandbox.discovery import read_record, record_path

        found = read_record(record_path(config.data_dir))
        if found is not None and found.public_url:
            return found.public_url
    return api_base


def _database_name(url: object) -> str:
    """The database as a person would name it: a file path, or the URL without password."""
    if getattr(url, "drivername", "").startswith("sqlite"):
        return str(getattr(url, "database", "") or url)
    render = getattr(url, "render_as_string", None)
    return str(render(hide_password=True)) if callable(render) else "in use"


def _key_verifier(config: Config, api_base: str | None) -> KeyVerifier:
    """Settings' "Check key": one read with a throwaway gateway for the key being checked."""

    def verify(mode: Mode, key: str) -> str:
        if mode == "sandbox":
            if api_base is None or config.mode != "sandbox":
                return "The sandbox needs no key: the app starts it on this computer."
            key = SANDBOX_API_KEY
        # POS_STRIPE_API_BASE (a local stand-in, the tests) serves every mode; otherwise a
        # test or live key is checked with Stripe itself.
        base = config.api_base or (api_base if mode == "sandbox" else None)
        from pos_app.gateway.stripe_gateway import StripeGateway

        gateway = StripeGateway(key, mode=mode, api_base=base, max_network_retries=0)
        # After the sentence, what a restricted key was checked for, then any optional
        # permission it lacks (the key is accepted either way).
        note = RESTRICTED_KEY_NOTE if key.startswith("rk_") else ""
        return gateway.verify_access(restricted_note=note)

    return verify


def _station_id(data_dir: Path) -> str:
    """This machine's station id, kept beside (not in) the possibly shared database."""
    path = data_dir / "station-id"
    try:
        station = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        station = ""
    if not station:
        station = new_id("st")
        path.write_text(station + "\n", encoding="utf-8")
    return station
