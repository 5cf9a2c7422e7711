"""Webhook deliveries: verified, recorded, then fed to the same processor as polled events."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.errors import GatewayError, PosError
from pos_app.domain.gateway_types import EventInfo
from pos_app.domain.webhook_records import DeliveryUnreadable
from pos_app.services.context import Deps
from pos_app.services.payment_sync import EVENT_TYPES, SyncService
from pos_app.services.rejected_deliveries import RejectedBatch, RejectionBuffer
from pos_app.services.retention import Retention

log = logging.getLogger(__name__)

#: ``(payload, Stripe-Signature header, now by Stripe's clock) -> event``; raises PosError.
Verifier = Callable[[bytes, str | None, datetime], EventInfo]


@dataclass(frozen=True)
class DeliveryResult:
    """What to answer Stripe: 2xx means "do not send again"."""

    status: int
    outcome: str  # applied | duplicate | ignored | rejected | retry
    detail: str = ""


class WebhookIntake:
    """Turns one HTTP delivery into a recorded outcome and, if genuine, an applied event.

    Deliveries not provably from Stripe are counted in a :class:`RejectionBuffer` and
    written in batches (a flood must not take the write lock once per request); everything
    else is recorded at once. ``tick()`` (the receiver's ticker) writes what is due and
    prunes old records; ``close()`` writes what is left.
    """

    def __init__(
        self,
        deps: Deps,
        sync: SyncService,
        verify: Verifier,
        *,
        retention: Retention,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._d = deps
        self._sync = sync
        self._verify = verify
        # ``monotonic`` paces the batched writes (tests pass a fake one); ``retention``
        # prunes old records on its own clock (app.py wires it, paced by the same one).
        self.rejections = RejectionBuffer(self._write_rejections, monotonic=monotonic)
        self._retention = retention

    def handle(self, payload: bytes, signature_header: str | None) -> DeliveryResult:
        """Verify and process one delivery; never raises."""
        try:
            # The signature's age is judged by Stripe's clock: this station's may be off.
            event = self._verify(payload, signature_header, self._d.server_now())
        except DeliveryUnreadable as err:
            # Signed with the secret: only Stripe sends these, so each is recorded.
            return self._record(None, DeliveryResult(400, "rejected", err.message))
        except PosError as err:
            return self.refuse(err.message)
        except Exception:
            # A verifier bug: Stripe retries on 5xx; counted like a rejection, as anybody
            # could be sending whatever triggers it.
            log.exception("webhook.verify_failed")
            return self.refuse("Checking the delivery failed unexpectedly.", 500, "retry")
        if event.type not in EVENT_TYPES:
            return self._record(event, DeliveryResult(200, "ignored", "not a type the app uses"))
        try:
            applied = self._sync.process_event(event)
        except GatewayError as err:
            # Stripe redelivers on non-2xx; the re-read will be tried again then.
            return self._record(event, DeliveryResult(503, "retry", err.message))
        except Exception:
            log.exception("webhook.failed event=%s", event.id)
            return self._record(event, DeliveryResult(500, "retry", "unexpected error"))
        if applied:
            return self._record(event, DeliveryResult(200, "applied"))
        return self._record(event, DeliveryResult(200, "ignored", "duplicate or not ours"))

    def refuse(self, reason: str, status: int = 400, outcome: str = "rejected") -> DeliveryResult:
        """Answer a delivery that is not provably Stripe's; it is recorded with the next
        batch (see :mod:`rejected_deliveries`)."""
        self.rejections.add(self._d.clock.now(), reason, outcome)
        return DeliveryResult(status, outcome, reason)

    def tick(self) -> None:
        """Periodic work of the receiver: write due rejections, prune old records."""
        self.rejections.flush_if_due()
        self._retention.prune_if_due()

    def close(self) -> None:
        """Write the rejections still counted (at shutdown)."""
        self.rejections.flush()

    def _write_rejections(self, batches: list[RejectedBatch]) -> None:
        with self._d.uow(write=True) as uow:
            for batch in batches:
                uow.events.record_delivery(
                    received_at=batch.first_at,
                    event_id=None,
                    event_type=None,
                    outcome=batch.outcome,
                    detail=batch.detail(),
                )
            uow.commit()

    def _record(self, event: EventInfo | None, result: DeliveryResult) -> DeliveryResult:
        with self._d.uow(write=True) as uow:
            uow.events.record_delivery(
                received_at=self._d.clock.now(),
                event_id=event.id if event else None,
                event_type=event.type if event else None,
                outcome=result.outcome,
                detail=result.detail,
            )
            uow.commit()
        log.info(
            "webhook.%s event=%s type=%s status=%s %s",
            result.outcome,
            event.id if event else None,
            event.type if event else None,
            result.status,
            result.detail,
        )
        return result
