"""What the charge screen says once its link can no longer be paid (Qt-free words)."""

from __future__ import annotations

from pos_app.domain.payment import BANK_PAYMENT_FAILED, PaymentStatus

#: Statuses the charge screen shows without a payable QR code.
CLOSED_STATUSES = frozenset({PaymentStatus.EXPIRED, PaymentStatus.FAILED, PaymentStatus.PROCESSING})
PROCESSING = "Bank payment processing"
PROCESSING_PLACEHOLDER = (
    "The customer paid by bank; the money has not arrived yet.\n\n"
    "The booking updates by itself when it does, or if the bank refuses it."
)
NOT_PAYABLE_PLACEHOLDER = (
    "This link can no longer be paid.\n\nPress “Regenerate link” for a new one."
)


def closed_texts(
    status: PaymentStatus, failure_message: str | None, expired_text: str
) -> tuple[str, str, str]:
    """``(status line, tone, QR placeholder)`` for a link in one of CLOSED_STATUSES."""
    if status is PaymentStatus.PROCESSING:
        return PROCESSING, "accent", PROCESSING_PLACEHOLDER
    if status is PaymentStatus.FAILED:
        if failure_message == BANK_PAYMENT_FAILED:
            return failure_message, "danger", NOT_PAYABLE_PLACEHOLDER
        reason = f": {failure_message}" if failure_message else "."
        return f"The payment link could not be created{reason}", "danger", NOT_PAYABLE_PLACEHOLDER
    return expired_text, "danger", NOT_PAYABLE_PLACEHOLDER
