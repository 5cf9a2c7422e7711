"""Webhook deliveries: verified, recorded, then fed to the same processor as polled events."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.errors import GatewayError, PosError
from pos_app.domain.gateway_types import EventInfo
from pos_app.services.context import Deps
from pos_app.services.payment_sync import EVENT_TYPES, SyncService

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
    """Turns one HTTP delivery into a recorded outcome and, if genuine, an applied event."""

    def __init__(self, deps: Deps, sync: SyncService, verify: Verifier) -> None:
        self._d = deps
        self._sync = sync
        self._verify = verify

    def handle(self, payload: bytes, signature_header: str | None) -> DeliveryResult:
        """Verify and process one delivery; never raises."""
        try:
            # The signature's age is judged by Stripe's clock: this station's may be off.
            event = self._verify(payload, signature_header, self._d.server_now())
        except PosError as err:
            return self._record(None, DeliveryResult(400, "rejected", err.message))
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
