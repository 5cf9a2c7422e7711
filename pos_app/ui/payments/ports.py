"""The service calls the payments dialogs make, as narrow Protocols (no Qt, no AppContext).

Each dialog takes only the one it calls, so a test can hand it a small fake instead of the
whole app; the shell passes the real services (``ctx.checkout``, ``ctx.cash``,
``ctx.refunds``), which satisfy these structurally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pos_app.domain.money import Money
    from pos_app.domain.payment import Payment
    from pos_app.services.checkout import CheckoutView
    from pos_app.services.refunds import RefundOutcome


class LinkStarter(Protocol):
    """Opens (or reuses) a booking's payment link: what the deposit prompt calls."""

    def start(self, booking_id: str, deposit_text: str | None = None) -> CheckoutView:
        """The booking's open link, or a new one for the balance (or ``deposit_text``)."""
        ...


class CheckoutLinks(LinkStarter, Protocol):
    """Everything the charge screen asks of the checkout service."""

    def refresh(self, payment_id: str) -> CheckoutView:
        """Re-read the payment from Stripe."""
        ...

    def cancel(self, payment_id: str) -> CheckoutView:
        """Close the link so it can no longer be paid."""
        ...

    def regenerate(self, payment_id: str) -> CheckoutView:
        """A fresh link for the same amount."""
        ...


class CashRecorder(Protocol):
    """Records cash taken at the desk: what the cash dialog calls."""

    def record(self, booking_id: str, amount_text: str | None = None) -> Payment:
        """Record ``amount_text`` of cash (the whole balance when None)."""
        ...


class Refunder(Protocol):
    """Refunds card payments: what the refund dialog calls."""

    def refundable(self, booking_id: str) -> Money:
        """What can still be refunded on the booking."""
        ...

    def refund(
        self,
        booking_id: str,
        amount_text: str | None = None,
        *,
        reason: str | None = ...,
        note: str = "",
        manager_pin: str | None = None,
    ) -> RefundOutcome:
        """Refund ``amount_text`` and send it to Stripe."""
        ...
