"""Bringing local payments and refunds in line with Stripe: events, holds, reconciliation.

Events are only triggers: each names an object, which is re-read from Stripe and applied
through ``settle``. An event id is recorded once processed so a duplicate costs nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import TypeVar

from pos_app.domain.errors import (
    GatewayAuthError,
    GatewayError,
    GatewayUnavailable,
)
from pos_app.domain.gateway_types import EventInfo
from pos_app.domain.money import Money
from pos_app.domain.payment import Payment, PaymentStatus, Refund, RefundStatus
from pos_app.services import event_batch, event_cursor, open_links, payables, settle
from pos_app.services.checkout import CheckoutService
from pos_app.services.context import Deps
from pos_app.services.link_counts import LinkCountFreezer
from pos_app.services.refunds import RefundService
from pos_app.services.retention import Retention

log = logging.getLogger(__name__)

EVENT_TYPES: tuple[str, ...] = (
    "checkout.session.completed",
    "checkout.session.expired",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "charge.refunded",
    # Under asynchronous capture (the default in recent API versions) a charge's balance
    # transaction, hence its fee, can appear after the payment: this event announces it.
    "charge.updated",
)
CURSOR_KEY = event_cursor.CURSOR_KEY
MAX_PENDING_CHANGES = 500  # newly paid / newly failed kept between two passes
PAGE_SIZE = 100
# A refund can fail after it succeeded (``refund.failed``), and Stripe keeps events 30 days:
# when events may have been lost, succeeded refunds this recent are re-read too. A day more
# than Stripe's window, for stations whose clocks (which stamped ``created_at``) run behind.
RECENT_REFUNDS = timedelta(days=31)
#: What a person reads when a step of a pass broke on something unexpected (details: the log).
STEP_FAILED = {
    "events": "Reading the latest updates from Stripe failed",
    "holds": "Closing payment links whose hold has ended failed",
    "resends": "Re-checking unfinished payments and refunds with Stripe failed",
    "prune": "Clearing webhook records older than Stripe keeps events failed",
    "links": "Saving the payment-link counts of closed days failed",
}
TRY_AGAIN = "; the next sync tries again, and if this keeps happening send the log file to support."

T = TypeVar("T")


@dataclass(frozen=True)
class PaymentCompleted:
    """A card payment this station saw succeed (for a notification)."""

    booking_id: str | None  # None for a walk-in order
    payment_id: str
    amount: Money
    customer_name: str
    service_name: str


@dataclass(frozen=True)
class RefundFailed:
    """A refund Stripe reported failed after accepting it (for a notification)."""

    booking_id: str | None  # None for a walk-in order
    refund_id: str
    amount: Money
    customer_name: str
    failure_reason: str | None


@dataclass
class SyncReport:
    """What one pass did, for the CLI and the status bar."""

    events_seen: int = 0
    events_applied: int = 0
    payments_checked: int = 0
    refunds_checked: int = 0
    holds_expired: int = 0
    errors: list[str] = field(default_factory=list)
    # What changed since the previous pass, by this pass or by a webhook delivery meanwhile;
    # each change is listed once (the charge screen's own refresh is not included).
    newly_paid: list[PaymentCompleted] = field(default_factory=list)
    refunds_newly_failed: list[RefundFailed] = field(default_factory=list)
    # Set when this pass found the events cursor unknown to Stripe and started afresh.
    cursor_reset: str | None = None
    # Events that could not be applied and were passed over (their objects are re-read).
    events_skipped: int = 0
    # Set once this pass re-read every unsettled row and recent refund (nothing left to resend).
    reread_all: bool = False

    def add_counts(self, other: SyncReport) -> None:
        """Add what an interrupted earlier pass did (its errors are stale and left out)."""
        self.events_seen += other.events_seen
        self.events_applied += other.events_applied
        self.events_skipped += other.events_skipped
        self.payments_checked += other.payments_checked
        self.refunds_checked += other.refunds_checked
        self.holds_expired += other.holds_expired
        self.cursor_reset = self.cursor_reset or other.cursor_reset


class SyncService:
    """One idempotent processor for everything Stripe tells us."""

    # Declared on the class, not in __init__: mutmut copies __init__ for each mutant, and
    # mypy refuses an attribute annotated twice (docs/testing.md, mutation testing).
    _paid: list[PaymentCompleted]
    _refunds_failed: list[RefundFailed]
    _interrupted: SyncReport | None

    def __init__(
        self,
        deps: Deps,
        *,
        checkout: CheckoutService,
        refunds: RefundService,
        retention: Retention,
        links: LinkCountFreezer,
    ) -> None:
        self._d = deps
        self._links = links  # closed days' link counts, frozen once settled
        # Collaborators are wired once, in app.py: links refreshed or cancelled, refunds
        # re-sent, old webhook rows pruned.
        self._checkout = checkout
        self._refunds = refunds
        self._retention = retention
        # Changes seen by any path (sync passes, the webhook receiver's thread) until the next
        # sync_once hands them out in its report.
        self._changes_lock = threading.Lock()
        self._paid = []
        self._refunds_failed = []
        # What a pass that ended by raising (Stripe unreachable) did, for the next report.
        self._interrupted = None
        self._reconcile_due = False  # an event was skipped by a pass Stripe then cut short

    def sync_once(self, *, full: bool = False) -> SyncReport:
        """One pass: new events, ended holds, unsent requests; ``full`` re-reads all unsettled.

        The steps fail on their own: any error of a step (Stripe's, the database's, a bug)
        goes to ``report.errors`` as a sentence, the traceback to the log, and the next step
        still runs, so a broken events feed never keeps holds from ending or refunds from
        being resent. Only when the events read found Stripe unreachable (or the key refused)
        is that error raised, after the other steps had their try, so the caller backs off
        and shows "offline"; what the pass did (holds ended, a cursor reset, the changes
        seen) is then handed out in the next pass's report.
        """
        report = SyncReport()
        unreachable: GatewayError | None = None
        steps: tuple[tuple[str, Callable[[], object]], ...] = (
            ("events", lambda: self.poll_events(report)),
            ("holds", lambda: self.expire_ended_holds(report)),
            ("resends", lambda: self._resend(report, full=full)),
            # Housekeeping rides on the periodic pass; at most every few hours (retention).
            ("prune", lambda: self._retention.prune_if_due()),
            ("links", lambda: self._links.freeze_if_due()),
        )
        for name, step in steps:
            try:
                step()
            except GatewayError as err:
                report.errors.append(err.message)
                log.warning("sync.step_failed step=%s error=%s", name, type(err).__name__)
                if name == "events" and isinstance(err, GatewayUnavailable | GatewayAuthError):
                    unreachable = err
            except Exception:
                log.exception("sync.step_failed step=%s", name)
                report.errors.append(STEP_FAILED[name] + TRY_AGAIN)
        with self._changes_lock:
            earlier, self._interrupted = self._interrupted, None
        if earlier is not None:
            report.add_counts(earlier)
        if unreachable is not None:
            with self._changes_lock:
                self._interrupted = report
            raise unreachable
        self.take_changes(report)
        return report

    def take_changes(self, report: SyncReport) -> None:
        """Move the payments newly paid and refunds newly failed since the last call into
        ``report`` (each is handed out once)."""
        with self._changes_lock:
            paid, self._paid = self._paid, []
            failed, self._refunds_failed = self._refunds_failed, []
        report.newly_paid.extend(paid)
        report.refunds_newly_failed.extend(failed)

    def _note_payment(self, was: PaymentStatus, payment: Payment | None) -> None:
        if payment is None or was is PaymentStatus.SUCCEEDED:
            return
        if payment.status is not PaymentStatus.SUCCEEDED:
            return
        with self._d.uow() as uow:
            paid_for = payables.read(uow, payment.order_id or payment.booking_id or "")
        change = PaymentCompleted(
            booking_id=payment.booking_id,
            payment_id=payment.id,
            amount=payment.money,
            customer_name=paid_for.customer_name if paid_for else "",
            service_name=paid_for.title_shown if paid_for else "",
        )
        with self._changes_lock:
            # Bounded: a process that receives webhooks but never runs a pass keeps the latest.
            self._paid = [*self._paid[-(MAX_PENDING_CHANGES - 1) :], change]

    def _note_refund(self, was: RefundStatus, refund: Refund | None) -> None:
        if refund is None or was is RefundStatus.FAILED or refund.status is not RefundStatus.FAILED:
            return
        with self._d.uow() as uow:
            paid_for = payables.read(uow, refund.order_id or refund.booking_id or "")
        change = RefundFailed(
            booking_id=refund.booking_id,
            refund_id=refund.id,
            amount=refund.money,
            customer_name=paid_for.customer_name if paid_for else "",
            failure_reason=refund.failure_reason,
        )
        with self._changes_lock:
            self._refunds_failed = [*self._refunds_failed[-(MAX_PENDING_CHANGES - 1) :], change]

    def refresh_booking(self, booking_id: str) -> None:
        """Re-read from Stripe whatever of this booking (or order) is not settled yet."""
        with self._d.uow() as uow:
            order_id = payables.require(uow, booking_id).id
            payments = [p for p in uow.payments.for_order(order_id) if not p.status.is_final]
            refunds = [r for r in uow.refunds.for_order(order_id) if not r.status.is_final]
        for payment in payments:
            self._checkout.refresh(payment.id)
        for refund in refunds:
            self._refresh_refund(refund)

    def poll_events(self, report: SyncReport) -> None:
        """Page through events newer than the stored cursor, oldest first, and apply each.

        A cursor Stripe no longer knows (older than its 30 days of events, or from another
        account) is reset to now, and every unsettled row is re-read instead of the events
        missed; the reset is logged and recorded (see ``event_cursor``). One event that
        cannot be applied is skipped rather than stopping the feed there on every pass.
        """
        cursor = event_cursor.load(self._d)
        try:
            self._read_pages(cursor, report)
        except (GatewayUnavailable, GatewayAuthError):
            # Stripe cannot be asked now: the re-read of a skipped event's objects waits.
            self._reconcile_due = self._reconcile_due or report.events_skipped > 0
            raise
        if (report.events_skipped or self._reconcile_due) and not report.reread_all:
            # Skipping an event loses nothing: everything it could have changed (an
            # unsettled payment or refund, a missing fee, a refund that failed after
            # succeeding) is re-read from Stripe now. That re-read is also the retry of
            # the event: a retry of the event itself would re-read the same objects.
            self.reconcile_all(report)

    def _read_pages(self, cursor: str | None, report: SyncReport) -> None:
        while True:
            try:
                page = self._d.gateway.list_events(
                    types=EVENT_TYPES, ending_before=cursor, limit=PAGE_SIZE
                )
            except GatewayError as err:
                if cursor is None or not event_cursor.is_unknown_cursor(err, cursor):
                    raise
                self._recover_cursor(cursor, report)
                return
            if not page.events:
                return
            events = list(reversed(page.events))  # oldest first
            # Their objects are re-read side by side (event_batch), then judged in order.
            outcomes = event_batch.process_page(events, self.process_event)
            for event, outcome in zip(events, outcomes, strict=True):
                if outcome is None or isinstance(outcome, event_batch.STOPPING):
                    # Stripe unreachable or the key refused: every later event would fail the
                    # same way (None: not tried for that reason). Keep the events before it;
                    # the next pass reads on from there (any later one done is not redone).
                    if cursor is not None:
                        event_cursor.save(self._d, cursor)
                    if outcome is None:
                        raise self._first_stop(outcomes)
                    report.events_seen += 1
                    raise outcome
                report.events_seen += 1
                if isinstance(outcome, Exception):
                    self._skip_event(event, outcome, report)
                elif outcome:
                    report.events_applied += 1
                cursor = event.id
            cursor = page.events[0].id  # the newest of the page, the last one handled
            event_cursor.save(self._d, cursor)
            if not page.has_more:
                return

    @staticmethod
    def _first_stop(outcomes: list[event_batch.Outcome]) -> Exception:
        """The error that kept an event from being tried (another event hit it first)."""
        return next(o for o in outcomes if isinstance(o, event_batch.STOPPING))

    def _skip_event(self, event: EventInfo, err: Exception, report: SyncReport) -> None:
        """Pass over an event that cannot be applied (it would stop the feed for good)."""
        report.events_skipped += 1
        if isinstance(err, GatewayError):
            log.warning(
                "sync.event_skipped event=%s type=%s object=%s error=%s",
                event.id,
                event.type,
                event.object_id,
                type(err).__name__,
            )
            why = f" ({err.message.rstrip('.')})"
        else:
            log.error(
                "sync.event_skipped event=%s type=%s object=%s",
                event.id,
                event.type,
                event.object_id,
                exc_info=err,
            )
            why = ""
        report.errors.append(
            f"Stripe's update {event.id} ({event.type}) could not be applied{why}, so it was "
            "skipped and the payments and refunds it may concern were re-read from Stripe "
            "instead; if this keeps happening send the log file to support."
        )

    def _recover_cursor(self, cursor: str, report: SyncReport) -> None:
        """Start the feed afresh from now and re-read everything the lost events could have
        changed: every unsettled payment and refund, paid cards still missing a fee, and
        recent refunds that succeeded (one may have failed since)."""
        record = event_cursor.reset(self._d, old_cursor=cursor, types=EVENT_TYPES)
        report.cursor_reset = event_cursor.reset_sentence(record)
        self.reconcile_all(report)

    def reconcile_all(self, report: SyncReport) -> None:
        """Re-read everything events could have changed, for when events may have been lost.

        Every unsettled row and missing fee, and the refunds that succeeded within Stripe's
        events window: Stripe can fail a refund after it succeeded (``refund.failed``), and
        the app would otherwise go on believing the money went back. A succeeded card
        payment needs nothing more (a bank payment in flight is PROCESSING, so unsettled).
        """
        self.settle_unsettled(report, reread_open=True)
        since = self._d.server_now() - RECENT_REFUNDS
        with self._d.uow() as uow:
            succeeded = uow.refunds.succeeded_since(since)
        for refund in succeeded:
            report.refunds_checked += 1
            self._attempt(
                report, f"Re-checking refund {refund.id}", partial(self._refresh_refund, refund)
            )
        report.reread_all = True
        self._reconcile_due = False

    def _resend(self, report: SyncReport, *, full: bool) -> None:
        if not report.reread_all:  # a cursor recovery or a skipped event re-read everything
            self.settle_unsettled(report, reread_open=full)

    def _attempt(self, report: SyncReport, doing: str, work: Callable[[], T]) -> T | None:
        """Run one row's work; its failure goes to ``report.errors`` and the next row runs."""
        try:
            return work()
        except GatewayError as err:
            report.errors.append(err.message)
        except Exception:
            log.exception("sync.row_failed doing=%s", doing)
            report.errors.append(f"{doing} failed{TRY_AGAIN}")
        return None

    def cursor_health(self) -> event_cursor.CursorHealth:
        """Whether Stripe still knows where this station stopped reading events (one read).

        For ``pos-app doctor`` and Settings; raises GatewayError when Stripe cannot be asked.
        """
        return event_cursor.health(self._d, EVENT_TYPES)

    def process_event(self, event: EventInfo) -> bool:
        """Re-read the object the event names and apply it; False if not ours or already done."""
        if event.type not in EVENT_TYPES or event.metadata.get("app") not in (None, "pos-app"):
            return False
        with self._d.uow() as uow:
            if uow.events.is_processed(event.id):
                return False  # a duplicate delivery: nothing to re-read
        if event.object_type == "checkout.session":
            with self._d.uow() as uow:
                payment = uow.payments.by_session_id(event.object_id)
            if payment is None:
                return False  # another app's session, or one we never stored
            # With its charge: a paid session's fee comes in the same call (one, not two).
            session = self._d.gateway.retrieve_checkout_session(event.object_id, with_charge=True)
            applied = settle.apply_session(self._d, payment.id, session)
            self._note_payment(payment.status, applied)
            if applied is not None and applied.needs_charge_details:
                settle.fill_charge_details(self._d, applied)
        elif event.object_type == "refund":
            with self._d.uow() as uow:
                refund = uow.refunds.by_stripe_id(event.object_id) or (
                    uow.refunds.get(event.metadata["refund_id"])
                    if "refund_id" in event.metadata
                    else None
                )
            if refund is None:
                return False
            self._note_refund(
                refund.status,
                settle.apply_refund(
                    self._d, refund.id, self._d.gateway.retrieve_refund(event.object_id)
                ),
            )
        elif event.object_type == "charge":
            payment = self._payment_of_charge(event)
            if payment is None:
                return False  # another app's charge, or one we never stored
            if event.type == "charge.updated":
                self._fill_fee(payment)
            else:
                self._refresh_refunds_of_charge(payment.id)
        else:
            return False
        return self._mark(event)

    def _payment_of_charge(self, event: EventInfo) -> Payment | None:
        """The local payment a charge event is about.

        By the charge's PaymentIntent, which Stripe always names on the charge; Checkout
        copies ``payment_intent_data.metadata`` to the PaymentIntent, and the charge's own
        metadata is only a fallback.
        """
        with self._d.uow() as uow:
            payment = (
                uow.payments.by_payment_intent_id(event.payment_intent_id)
                if event.payment_intent_id
                else None
            )
            if payment is None and event.metadata.get("payment_id"):
                payment = uow.payments.get(event.metadata["payment_id"])
        return payment

    def _fill_fee(self, payment: Payment) -> None:
        """A charge changed (its balance transaction appeared, under asynchronous capture):
        re-read it and store the fee and net, unless they are known already."""
        if payment.needs_charge_details:
            settle.fill_charge_details(self._d, payment)

    def _refresh_refunds_of_charge(self, payment_id: str) -> None:
        with self._d.uow() as uow:
            pending = [
                r
                for r in uow.refunds.for_payment(payment_id)
                if r.stripe_refund_id and not r.status.is_final
            ]
        for refund in pending:
            assert refund.stripe_refund_id is not None
            self._note_refund(
                refund.status,
                settle.apply_refund(
                    self._d, refund.id, self._d.gateway.retrieve_refund(refund.stripe_refund_id)
                ),
            )

    def _refresh_refund(self, refund: Refund) -> None:
        if refund.status is RefundStatus.CREATING:
            self._refunds.resend(refund.id)
        elif refund.stripe_refund_id:
            info = self._d.gateway.retrieve_refund(refund.stripe_refund_id)
            self._note_refund(refund.status, settle.apply_refund(self._d, refund.id, info))

    def _mark(self, event: EventInfo) -> bool:
        with self._d.uow(write=True) as uow:
            fresh = uow.events.mark_processed(event.id, event.type, self._d.clock.now())
            uow.commit()
        return fresh

    def expire_ended_holds(self, report: SyncReport) -> None:
        """Close sessions whose hold has ended; a payment made meanwhile stands."""
        now = self._d.server_now()
        with self._d.uow() as uow:
            due = uow.payments.holds_ended(now)
        for payment in due:
            view = self._attempt(
                report,
                f"Closing payment link {payment.id}",
                partial(self._checkout.cancel, payment.id),
            )
            if view is None:
                continue
            if view.status is PaymentStatus.EXPIRED:
                report.holds_expired += 1
            elif view.status is PaymentStatus.SUCCEEDED:
                self._note_payment(payment.status, self._payment_now(payment.id))

    def settle_unsettled(self, report: SyncReport, *, reread_open: bool) -> None:
        """Resend requests whose answer was never stored; with ``reread_open`` re-read the rest.

        A full pass also fetches the fee and net of paid card payments that lack them (normally
        stored the moment the payment is seen, or when ``charge.updated`` announces a balance
        transaction that came later; only the full pass retries, so a charge whose balance
        transaction never appears cannot make every pass cost a call).
        """
        with self._d.uow() as uow:
            # Only a full pass re-reads open links: the others need only the requests whose
            # answer was lost (loading every open link each pass cost the worker's CPU).
            payments = uow.payments.unsettled() if reread_open else uow.payments.creating()
            refunds = uow.refunds.unsettled()
            incomplete = uow.payments.missing_charge_details() if reread_open else []
        for paid in incomplete:
            fill = partial(settle.fill_charge_details, self._d, paid)
            self._attempt(report, f"Reading the fee of payment {paid.id}", fill)
        # A full pass lists the open sessions in one call instead of a read per link.
        links = open_links.for_pass(self._d, payments) if reread_open else None
        for payment in payments:
            # Open links and bank payments in flight change through events; a full pass
            # re-reads them (a processing debit can take days: not a call every pass).
            if payment.status in (PaymentStatus.OPEN, PaymentStatus.PROCESSING) and not reread_open:
                continue
            if payment.status is PaymentStatus.CREATING and self._checkout.sending(payment.id):
                continue  # a desk of this process is sending it: its answer will be stored
            report.payments_checked += 1
            doing = f"Checking payment {payment.id}"
            if payment.status is PaymentStatus.CREATING:
                view = self._attempt(report, doing, partial(self._checkout.refresh, payment.id))
                status = view.status if view is not None else None
            elif links is not None and links.changes_nothing(payment.id):
                continue  # still open as stored: the re-read would change nothing
            else:  # an open link or a payment in flight: no charge-screen view is needed
                listed = links.snapshot(payment.id) if links is not None else None
                reread = partial(self._checkout.reread, payment, session=listed)
                now = self._attempt(report, doing, reread)
                status = now.status if now is not None else None
            if links is not None:
                links.wrote()  # judge the next links on rows read after this one's write
            if status is PaymentStatus.SUCCEEDED:
                self._note_payment(payment.status, self._payment_now(payment.id))
        for refund in refunds:
            if refund.status is not RefundStatus.CREATING and not reread_open:
                continue
            report.refunds_checked += 1
            self._attempt(
                report, f"Checking refund {refund.id}", partial(self._refresh_refund, refund)
            )

    def _payment_now(self, payment_id: str) -> Payment | None:
        with self._d.uow() as uow:
            return uow.payments.get(payment_id)
