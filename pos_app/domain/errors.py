"""Errors that carry a sentence a front-desk person can act on."""

from __future__ import annotations


class PosError(Exception):
    """Base for every expected failure; ``str(err)`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(PosError):
    """Input that cannot be accepted; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class FormErrors(PosError):
    """Several field errors from one form, keyed by field name."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


class NotFoundError(PosError):
    """A booking, service or payment that does not exist."""


class InvalidStateError(PosError):
    """The action does not fit the object's current state (e.g. refunding an unpaid booking)."""


class GatewayError(PosError):
    """Stripe (or the sandbox) refused or could not be reached."""

    retryable: bool = False


class GatewayUnavailable(GatewayError):
    """Network trouble, timeouts, 5xx or rate limits: safe to retry with the same key."""

    retryable = True


class GatewayStoredFailure(GatewayError):
    """Stripe replayed a failure it stored for this idempotency key.

    Resending with the same key will only ever give the same answer, yet the first request
    may have been applied: look the object up before giving the attempt up.
    """


class GatewayRejected(GatewayError):
    """Stripe answered that the request itself is wrong; retrying will not help."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class GatewayAuthError(GatewayError):
    """The API key is missing, wrong or lacks permission."""


class GatewayPermissionError(GatewayAuthError):
    """A restricted key lacks a permission (Stripe's 403); the key itself is accepted."""

    def __init__(self, message: str, *, permission: str | None = None) -> None:
        super().__init__(message)
        self.permission = permission  # Stripe's id, e.g. "rak_refund_write", when named


class CardDeclined(GatewayError):
    """The customer's card was refused."""

    def __init__(self, message: str, *, code: str | None, decline_code: str | None) -> None:
        super().__init__(message)
        self.code = code
        self.decline_code = decline_code


class SlotTakenError(PosError):
    """Another booking already holds the staff member or room at that time."""

    def __init__(self, message: str, holder_id: str | None = None) -> None:
        super().__init__(message)
        self.holder_id = holder_id


class DuplicateError(PosError):
    """The database refused a second row where its unique rule allows one (another station
    saved the same thing a moment earlier); ``rule`` names which: ``customer_email``."""

    rule: str

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


class PermissionDeniedError(PosError):
    """The signed-in person may not do this (e.g. a refund without a manager)."""
