"""The doctor's one mutation: a test session of the smallest amount, opened and closed at once.

As for every Stripe mutation, the key and every parameter are stored before the call: in a
doctor-run record in the settings table, one per station (no booking or payment row is
made). The key derives from the run's id, so an interrupted check is finished by the next
one with the very same request, never repeated.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from pos_app.domain.currency import minimum_charge
from pos_app.domain.errors import GatewayRejected, GatewayStoredFailure
from pos_app.domain.gateway_types import CheckoutRequest, CheckoutSessionInfo
from pos_app.services.checkout import RESEND_MIN_LIFETIME, STRIPE_MIN_LIFETIME
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key, new_id

log = logging.getLogger(__name__)

RUN_KEY = "doctor.test_session.{station}"
PRODUCT_NAME = "pos-app connection check (nothing to pay)"


@dataclass(frozen=True)
class SessionRun:
    """The stored record of one test session; its keys derive from ``run_id``."""

    run_id: str
    amount: int
    currency: str
    created_at: str  # ISO 8601, by Stripe's clock
    expires_at: str
    success_url: str | None
    state: str  # creating → created → done
    session_id: str | None = None
    cancel_url: str | None = None

    @property
    def create_key(self) -> str:
        """The idempotency key of the create call."""
        return idempotency_key("doctor-checkout", self.run_id)

    @property
    def expire_key(self) -> str:
        """The idempotency key of the expire call."""
        return idempotency_key("doctor-expire", self.run_id)


class DoctorSession:
    """Opens and closes the doctor's test session, storing each step first."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def open_and_close(
        self, currency: str, success_url: str | None, cancel_url: str | None = None
    ) -> tuple[SessionRun, CheckoutSessionInfo | None]:
        """Finish an interrupted earlier run, then store, create and expire a new one.

        Returns the run as last stored and Stripe's last word on its session (None if
        none was made).
        Raises GatewayError when Stripe refuses or cannot be reached.
        """
        leftover = self.load()
        if leftover is not None and leftover.state != "done":
            self._finish(leftover)
        return self._finish(self._reserve(currency, success_url, cancel_url))

    def load(self) -> SessionRun | None:
        """This station's last stored run, if any."""
        with self._d.uow() as uow:
            text = uow.events.get_setting(self._key())
        if not text:
            return None
        try:
            return SessionRun(**json.loads(text))
        except (TypeError, ValueError):
            log.warning("doctor.run_unreadable key=%s", self._key())
            return None

    def _key(self) -> str:
        return RUN_KEY.format(station=self._d.policy.station_id)

    def _store(self, run: SessionRun) -> None:
        with self._d.uow(write=True) as uow:
            uow.events.set_setting(self._key(), json.dumps(asdict(run), sort_keys=True))
            uow.commit()

    def _reserve(
        self, currency: str, success_url: str | None, cancel_url: str | None
    ) -> SessionRun:
        """Store the run (its key and every parameter) before anything is sent."""
        now = self._d.server_now()
        run = SessionRun(
            run_id=new_id("dr"),
            amount=minimum_charge(currency),
            currency=currency,
            created_at=now.isoformat(),
            expires_at=(now + STRIPE_MIN_LIFETIME).isoformat(),
            success_url=success_url,
            cancel_url=cancel_url,
            state="creating",
        )
        self._store(run)
        return run

    def _request(self, run: SessionRun) -> CheckoutRequest:
        """The create request, entirely from the stored run: a resend is the same request."""
        return CheckoutRequest(
            amount=run.amount,
            currency=run.currency,
            product_name=PRODUCT_NAME,
            expires_at=datetime.fromisoformat(run.expires_at),
            metadata={
                "app": "pos-app",
                "purpose": "doctor",
                "doctor_run": run.run_id,
                "station_id": self._d.policy.station_id,
            },
            success_url=run.success_url,
            cancel_url=run.cancel_url,
        )

    def _finish(self, run: SessionRun) -> tuple[SessionRun, CheckoutSessionInfo | None]:
        """Create (or find) the run's session and expire it; store each step's outcome."""
        session: CheckoutSessionInfo | None = None
        if run.state == "creating":
            session = self._create(run)
            if session is None:
                run = replace(run, state="done")
                self._store(run)
                return run, None
            run = replace(run, state="created", session_id=session.id)
            self._store(run)
            log.info("doctor.session_created run=%s session=%s", run.run_id, session.id)
        if run.state == "created" and run.session_id:
            try:
                session = self._d.gateway.expire_checkout_session(
                    run.session_id, idempotency_key=run.expire_key
                )
            except GatewayRejected:
                # Not open any more (expired on its own meanwhile): Stripe's state decides.
                session = self._d.gateway.retrieve_checkout_session(run.session_id)
            run = replace(run, state="done")
            self._store(run)
            log.info("doctor.session_expired run=%s session=%s", run.run_id, run.session_id)
        return run, session

    def _create(self, run: SessionRun) -> CheckoutSessionInfo | None:
        """Send the stored create; a run past its sending window is looked up instead.

        Stripe refuses ``expires_at`` under 30 minutes ahead, so a resend more than a minute
        after the run was stored could only fail: find the session the first try may have
        made (by its metadata) and close that one, or give the run up.
        """
        # The same window as a payment link's resend (checkout), margin for skew included.
        window_ends = datetime.fromisoformat(run.expires_at) - RESEND_MIN_LIFETIME
        if self._d.server_now() < window_ends:
            try:
                return self._d.gateway.create_checkout_session(
                    self._request(run), idempotency_key=run.create_key
                )
            except GatewayStoredFailure:
                pass  # Stripe stored a failure for this key: the session may still exist
        return self._d.gateway.find_checkout_session(
            metadata_key="doctor_run",
            metadata_value=run.run_id,
            created_after=datetime.fromisoformat(run.created_at) - timedelta(minutes=5),
        )
