"""The full sync pass's re-read of every open payment link, in few calls and little CPU
(issue 12).

A full pass (at start, on taking over as leader, after lost events) re-reads every open
link. One ``retrieve`` per link cost a Stripe call each (100 open links: 100 calls, beyond
the sandbox's and Stripe's test-mode 25 a second, so the pass waited out 429s for ~4 s) and a
database read of its payment, all Python in the worker whose GIL the GUI thread waits for.
Stripe lists the account's open Checkout Sessions (``GET /v1/checkout/sessions?status=open``,
100 a page, the PaymentIntent expanded as the retrieve expands it): one call gives the very
snapshot each retrieve would have. Sessions no longer open (paid or expired since the last
pass) are not on that list; those links are read alone, as before, and so are all of them
when the list cannot be read.

A listed snapshot that changes nothing of its payment as stored (the usual case) is judged on
rows read in one query, by the same rule ``settle.apply_session`` applies (``settle.
changes_nothing``); any other goes through ``CheckoutService.reread`` with the listed
snapshot, exactly as a retrieved one would. Rows are read again after any write of the pass,
so every judgement sees the database as a per-link read at that moment would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from pos_app.domain.errors import GatewayError
from pos_app.domain.gateway_types import CheckoutSessionInfo
from pos_app.domain.payment import Payment, PaymentStatus
from pos_app.services import settle
from pos_app.services.context import Deps

log = logging.getLogger(__name__)

#: From this many open links a pass lists the open sessions instead of reading each alone.
LIST_FROM = 2
#: At most this many pages of 100 (an account whose other apps keep many sessions open):
#: never more list calls than the links they replace; links not found are read alone.
MAX_PAGES = 10


def listed_sessions(deps: Deps, payments: Sequence[Payment]) -> dict[str, CheckoutSessionInfo]:
    """Stripe's snapshot of each open link's session that is still open, by payment id.

    Links whose session is not on the list (paid or expired since, past the pages read, or
    the list could not be read) are left out: the caller reads those alone.
    """
    wanted = {
        p.stripe_session_id: p.id
        for p in payments
        if p.status is PaymentStatus.OPEN and p.stripe_session_id is not None
    }
    found: dict[str, CheckoutSessionInfo] = {}
    if len(wanted) < LIST_FROM:
        return found
    sessions = deps.gateway.open_checkout_sessions(pages=min(MAX_PAGES, len(wanted)))
    try:
        for session in sessions:
            payment_id = wanted.get(session.id)
            if payment_id is not None:
                found[payment_id] = session
                if len(found) == len(wanted):
                    break  # the rest of the pages are other apps' sessions
    except GatewayError as err:
        # What was listed stands (each is a snapshot as good as a retrieve); the rest are
        # read alone, and their own failures go to the pass's report.
        log.warning("sync.open_links_list_failed error=%s", type(err).__name__)
    except Exception:
        log.exception("sync.open_links_list_failed")
    return found


def for_pass(deps: Deps, payments: Sequence[Payment]) -> OpenLinks:
    """One full pass's :class:`OpenLinks` over ``payments`` (the list is read here)."""

    def read_rows() -> dict[str, Payment]:
        with deps.uow() as uow:
            return {p.id: p for p in uow.payments.unsettled()}

    return OpenLinks(
        listed_sessions(deps, payments),
        read_rows,
        lambda row, session: settle.changes_nothing(deps, row, session),
    )


class OpenLinks:
    """The listed snapshots of one pass, and whether each changes its payment as stored: a
    value of the pass (made by :func:`for_pass`), not a service."""

    def __init__(
        self,
        listed: dict[str, CheckoutSessionInfo],
        read_rows: Callable[[], dict[str, Payment]],
        unchanged: Callable[[Payment, CheckoutSessionInfo], bool],
    ) -> None:
        self._listed = listed
        self._read_rows = read_rows
        self._unchanged = unchanged
        # The unsettled rows as stored, read at the first judgement and after each write.
        self._rows: dict[str, Payment] | None = None

    def snapshot(self, payment_id: str) -> CheckoutSessionInfo | None:
        """The session as listed, or None (the link is read alone)."""
        return self._listed.get(payment_id)

    def changes_nothing(self, payment_id: str) -> bool:
        """Whether the listed snapshot leaves the payment, open as stored now, as it is: what
        ``CheckoutService.reread`` would then do is nothing (no write, no call, no change)."""
        session = self._listed.get(payment_id)
        if session is None:
            return False
        if self._rows is None:
            self._rows = self._read_rows()
        row = self._rows.get(payment_id)
        # An open row only: any other (processing, closed meanwhile) takes the full path.
        if row is None or row.status is not PaymentStatus.OPEN:
            return False
        return self._unchanged(row, session)

    def wrote(self) -> None:
        """The pass may have written a payment: judge the next links on rows read afresh."""
        self._rows = None
