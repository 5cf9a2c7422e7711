"""Fakes for the doctor's unit tests: a settings-only database and a scripted Stripe."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pos_app.app import wire_services
from pos_app.config import Config
from pos_app.domain.gateway_types import (
    CheckoutRequest,
    CheckoutSessionInfo,
    EventInfo,
    EventPage,
    PermissionCheck,
)
from pos_app.services.context import Deps, Policy
from pos_app.services.doctor import DoctorService
from pos_app.services.doctor_local import PortState, Privacy
from pos_app.services.doctor_session import DoctorSession

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
STATION = "st_doctor"
RUN_KEY = f"doctor.test_session.{STATION}"
SUCCESS_URL = "https://salon.example.com/thanks"
PERMISSIONS = ("rak_checkout_session_write", "rak_charge_read", "rak_event_read")


class FakeEvents:
    """The settings table (all the doctor and the cursor use)."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def get_setting(self, key: str) -> str | None:
        return self._db.settings.get(key)

    def set_setting(self, key: str, value: str) -> None:
        self._db.pending[key] = value


class FakeUow:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db
        self.events = FakeEvents(db)

    def __enter__(self) -> FakeUow:
        self._db.pending = {}
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.pending = {}

    def commit(self) -> None:
        if self._db.read_only:
            raise OSError("attempt to write a readonly database")
        self._db.settings.update(self._db.pending)


@dataclass
class FakeDatabase:
    settings: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    read_only: bool = False

    def __call__(self, *, write: bool = False) -> FakeUow:
        return FakeUow(self)

    def run(self) -> dict[str, Any] | None:
        text = self.settings.get(RUN_KEY)
        return None if text is None else dict(json.loads(text))


class FakeClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


@dataclass
class FakeStripe:
    """A scripted Stripe: records every call; ``on_create`` sees the database at call time."""

    db: FakeDatabase
    mode: str = "test"
    offset: float = 0.0
    missing: frozenset[str] = frozenset()
    # Checks of optional permissions, after the required ones (none unless a test adds some).
    optional: tuple[PermissionCheck, ...] = ()
    permissions_error: Exception | None = None
    events_error: Exception | None = None
    cursor_error: Exception | None = None
    create_error: Exception | None = None
    found: CheckoutSessionInfo | None = None
    answered_currency: str | None = None
    calls: list[tuple[str, Any]] = field(default_factory=list)
    stored_at_create: list[dict[str, Any] | None] = field(default_factory=list)
    sessions: dict[str, CheckoutSessionInfo] = field(default_factory=dict)
    clock: FakeClock = field(default_factory=FakeClock)

    def server_clock_offset(self) -> float:
        return self.offset

    def check_permissions(self) -> list[PermissionCheck]:
        self.calls.append(("check_permissions", None))
        if self.permissions_error is not None:
            raise self.permissions_error
        return [
            PermissionCheck(
                p, p not in self.missing, f"{'Lacks' if p in self.missing else 'Has'} {p}."
            )
            for p in PERMISSIONS
        ] + list(self.optional)

    def create_checkout_session(
        self, request: CheckoutRequest, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        self.calls.append(("create", (request, idempotency_key)))
        self.stored_at_create.append(self.db.run())
        if self.create_error is not None:
            raise self.create_error
        run = request.metadata["doctor_run"]
        session = CheckoutSessionInfo(
            id=f"cs_test_{run}",
            status="open",
            payment_status="unpaid",
            amount_total=request.amount,
            currency=self.answered_currency or request.currency,
            url=f"https://checkout.example/{run}",
            expires_at=request.expires_at,
            payment_intent_id=None,
            metadata=dict(request.metadata),
        )
        self.sessions[session.id] = session
        return session

    def expire_checkout_session(
        self, session_id: str, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        self.calls.append(("expire", (session_id, idempotency_key)))
        expired = replace(self.sessions[session_id], status="expired", url=None)
        self.sessions[session_id] = expired
        return expired

    def retrieve_checkout_session(
        self, session_id: str, *, with_last_attempt: bool = False, with_charge: bool = False
    ) -> CheckoutSessionInfo:
        return self.sessions[session_id]

    def find_checkout_session(
        self, *, metadata_key: str, metadata_value: str, created_after: datetime
    ) -> CheckoutSessionInfo | None:
        self.calls.append(("find", (metadata_key, metadata_value)))
        if self.found is not None:
            self.sessions[self.found.id] = self.found
        return self.found

    def list_events(
        self, *, types: Sequence[str], ending_before: str | None, limit: int
    ) -> EventPage:
        self.calls.append(("list_events", ending_before))
        if ending_before is None and self.events_error is not None:
            raise self.events_error
        if ending_before is not None and self.cursor_error is not None:
            raise self.cursor_error
        event = EventInfo("evt_1", "checkout.session.completed", 0, "checkout.session", "cs_1")
        return EventPage(events=[event], has_more=False)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def config(
    tmp: Path, mode: str = "test", *, key: str = "sk_test_51Hdoctorunittest0001", **more: Any
) -> Config:
    values: dict[str, Any] = {
        "data_dir": tmp,
        "mode": mode,
        "secret_key": key,
        "api_base": None,
        "database_url": f"sqlite:///{tmp / 'pos-test.sqlite3'}",
        "hold_minutes": 10,
        "timezone": ZoneInfo("UTC"),
        "currency": "usd",
    }
    values.update(more)
    return Config(**values)


@dataclass
class Doctor:
    """A DoctorService on fakes, and the knobs the tests turn."""

    db: FakeDatabase
    stripe: FakeStripe
    cfg: Config
    schema: tuple[str | None, str] = ("0007", "0007")
    port: PortState = PortState.FREE
    private: bool = True
    success_url: str | None = SUCCESS_URL

    def service(self) -> DoctorService:
        deps = Deps(
            uow=self.db,  # type: ignore[arg-type]
            gateway=self.stripe,  # type: ignore[arg-type]
            clock=self.stripe.clock,
            policy=Policy(STATION, ZoneInfo("UTC"), success_url=self.success_url),
        )
        return DoctorService(
            deps,
            config=lambda: self.cfg,
            sync=wire_services(deps).sync,
            session=DoctorSession(deps),
            schema=lambda: self.schema,
            port_probe=lambda port: self.port,
            privacy=self._privacy,
        )

    def _privacy(self, folder: Path) -> Privacy:
        return Privacy(folder, 0o700 if self.private else 0o755, ())


def make_doctor(tmp: Path, mode: str = "test", **config_values: Any) -> Doctor:
    db = FakeDatabase()
    return Doctor(db, FakeStripe(db, mode=mode), config(tmp, mode, **config_values))


Probe = Callable[[int], PortState]
