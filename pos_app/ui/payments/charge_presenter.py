"""What the charge screen shows, decided without Qt: its words, which parts are visible, and
the :class:`ChargeState` it publishes for the customer display.

The widget (``charge_view.py``) holds the latest :class:`~pos_app.services.checkout.CheckoutView`
and paints :func:`charge_screen`; it publishes :func:`charge_state`. Both are pure functions
of what the service said, so they are tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from enum import IntEnum, StrEnum
from urllib.parse import quote

from pos_app.config import DEFAULT_BUSINESS_NAME, Config
from pos_app.domain import locale_format as lf
from pos_app.domain.gateway_types import PaymentAttemptError
from pos_app.domain.payment import BANK_PAYMENT_FAILED, PaymentStatus
from pos_app.i18n import N_, _
from pos_app.services.checkout import CheckoutView

WAITING = N_("Waiting for the customer to pay…")
CREATING = N_("Creating payment link…")
PAID = N_("Paid ✓")
EXPIRED = N_("Link expired")
CANCELLED = N_("Link cancelled")
RECONNECTING = N_("Reconnecting to Stripe…")
COULD_NOT_OPEN = N_("The payment link could not be opened.")
DECLINED_CAPTION = N_("Last attempt failed")
DECLINED_HINT = N_("The link stays open for another card.")
TAKE_CASH = N_("Take cash instead")
TAKE_CASH_TIP = N_("Close this screen and record cash for the booking instead")
NO_EMAIL_TIP = N_("This booking has no email address. Add one to the booking to send the link.")
EMAIL_TIP = N_("Open a new email to {email} with the payment link (Ctrl+E)")
EXPIRES_IN = N_("Link expires in")
PROCESSING = N_("Bank payment processing")
PROCESSING_PLACEHOLDER = N_(
    "The customer paid by bank; the money has not arrived yet.\n\n"
    "The booking updates by itself when it does, or if the bank refuses it."
)
NOT_PAYABLE_PLACEHOLDER = N_(
    "This link can no longer be paid.\n\nPress “Regenerate link” for a new one."
)

#: Statuses the charge screen shows without a payable QR code.
CLOSED_STATUSES = frozenset({PaymentStatus.EXPIRED, PaymentStatus.FAILED, PaymentStatus.PROCESSING})

# -- declines, in the words staff act on --------------------------------------------------

ANOTHER_CARD = N_("ask for another card or take cash")
TRY_AGAIN = N_("ask the customer to try again, or take cash")
# Stripe asks that lost, stolen and fraud declines be shown as a plain refusal (the customer
# may be standing at the desk), so those read "refused by the bank".
_REFUSED = N_("refused by the bank")
# code or decline_code → (reason in brackets, what to do). Stripe's list:
# https://docs.stripe.com/declines/codes ; the sandbox gives a subset of these.
_DECLINES: dict[str, tuple[str | None, str]] = {
    "generic_decline": (None, ANOTHER_CARD),
    "card_declined": (None, ANOTHER_CARD),
    "insufficient_funds": (N_("insufficient funds"), ANOTHER_CARD),
    "card_velocity_exceeded": (N_("card limit reached"), ANOTHER_CARD),
    "withdrawal_count_limit_exceeded": (N_("card limit reached"), ANOTHER_CARD),
    "expired_card": (N_("card expired"), ANOTHER_CARD),
    "card_not_supported": (N_("card not accepted for this purchase"), ANOTHER_CARD),
    "currency_not_supported": (N_("card does not take this currency"), ANOTHER_CARD),
    "invalid_account": (N_("card account not valid"), ANOTHER_CARD),
    "new_account_information_available": (N_("card account not valid"), ANOTHER_CARD),
    "call_issuer": (N_("the customer should call their bank"), ANOTHER_CARD),
    "invalid_amount": (N_("the bank refused this amount"), ANOTHER_CARD),
    "card_decline_rate_limit_exceeded": (N_("too many attempts"), ANOTHER_CARD),
    "do_not_honor": (_REFUSED, ANOTHER_CARD),
    "do_not_try_again": (_REFUSED, ANOTHER_CARD),
    "transaction_not_allowed": (_REFUSED, ANOTHER_CARD),
    "not_permitted": (_REFUSED, ANOTHER_CARD),
    "lost_card": (_REFUSED, ANOTHER_CARD),
    "stolen_card": (_REFUSED, ANOTHER_CARD),
    "pickup_card": (_REFUSED, ANOTHER_CARD),
    "restricted_card": (_REFUSED, ANOTHER_CARD),
    "security_violation": (_REFUSED, ANOTHER_CARD),
    "fraudulent": (_REFUSED, ANOTHER_CARD),
    "merchant_blacklist": (_REFUSED, ANOTHER_CARD),
    "approve_with_id": (_REFUSED, ANOTHER_CARD),
    "incorrect_cvc": (N_("wrong security code"), TRY_AGAIN),
    "invalid_cvc": (N_("wrong security code"), TRY_AGAIN),
    "incorrect_number": (N_("wrong card number"), TRY_AGAIN),
    "invalid_number": (N_("wrong card number"), TRY_AGAIN),
    "invalid_expiry_month": (N_("wrong expiry date"), TRY_AGAIN),
    "invalid_expiry_year": (N_("wrong expiry date"), TRY_AGAIN),
    "incorrect_zip": (N_("wrong postcode"), TRY_AGAIN),
    "processing_error": (N_("processing error"), TRY_AGAIN),
    "try_again_later": (N_("the bank is busy"), TRY_AGAIN),
    "issuer_not_available": (N_("the bank could not be reached"), TRY_AGAIN),
    "reenter_transaction": (N_("the bank asks to try again"), TRY_AGAIN),
    "authentication_required": (N_("bank verification needed"), TRY_AGAIN),
    "payment_intent_authentication_failure": (N_("bank verification failed"), TRY_AGAIN),
    "test_mode_live_card": (N_("a real card in test mode"), N_("use a test card, or take cash")),
}


def decline_sentence(attempt: PaymentAttemptError) -> str:
    """Staff wording for a failed card attempt, e.g. "Card declined (insufficient funds) —
    ask for another card or take cash"; a code this table does not know reads as a plain
    decline."""
    found = _DECLINES.get(attempt.decline_code or "") or _DECLINES.get(attempt.code or "")
    reason, advice = found if found is not None else (None, ANOTHER_CARD)
    if reason:
        return _("Card declined ({reason}) — {advice}").format(reason=_(reason), advice=_(advice))
    return _("Card declined — {advice}").format(advice=_(advice))


def closed_texts(
    status: PaymentStatus, failure_message: str | None, expired_text: str
) -> tuple[str, str, str]:
    """``(status line, tone, QR placeholder)`` for a link in one of CLOSED_STATUSES."""
    if status is PaymentStatus.PROCESSING:
        return _(PROCESSING), "accent", _(PROCESSING_PLACEHOLDER)
    if status is PaymentStatus.FAILED:
        if failure_message == BANK_PAYMENT_FAILED:
            return _(failure_message), "danger", _(NOT_PAYABLE_PLACEHOLDER)
        sentence = (
            _("The payment link could not be created: {reason}").format(reason=failure_message)
            if failure_message
            else _("The payment link could not be created.")
        )
        return sentence, "danger", _(NOT_PAYABLE_PLACEHOLDER)
    return expired_text, "danger", _(NOT_PAYABLE_PLACEHOLDER)


def format_remaining(seconds: float) -> str:
    """'m:ss' for a number of seconds (never negative; rounds up so 0:00 means over)."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


def expiry_text(seconds: float | None) -> str:
    """ "Link expires in 9:41" ('' without a deadline)."""
    if seconds is None:
        return ""
    return _("Link expires in {time}").format(time=format_remaining(seconds))


# -- email ----------------------------------------------------------------------------------


def mailto_url(to: str, subject: str, body: str) -> str:
    """A ``mailto:`` URL (RFC 6068): every part percent-encoded, line breaks sent as CRLF."""
    crlf_body = "\r\n".join(body.splitlines())
    return (
        f"mailto:{quote(to.strip(), safe='@')}"
        f"?subject={quote(subject, safe='')}&body={quote(crlf_body, safe='')}"
    )


def mask_email(email: str | None) -> str | None:
    """'m•••@e…' for 'maria@example.com': enough for the customer to recognise their own
    address on a screen others can see; None for no (or no usable) address."""
    local, at, domain = (email or "").strip().partition("@")
    if not at or not local or not domain:
        return None
    return f"{local[0]}•••@{domain[0]}…"


@dataclass(frozen=True)
class ChargeSettings:
    """What the charge screen needs of the app's settings (not the whole config)."""

    mode: str = "sandbox"
    business_name: str = ""
    timezone: tzinfo = UTC
    hold_minutes: int = 10

    @property
    def hold_seconds(self) -> float:
        """The link's full time, for the countdown ring."""
        return float(self.hold_minutes * 60)

    @classmethod
    def from_config(cls, config: Config) -> ChargeSettings:
        """The settings as the app's config has them now."""
        return cls(config.mode, config.business_name, config.timezone, config.hold_minutes)


def payment_email(view: CheckoutView | None, settings: ChargeSettings) -> tuple[str, str] | None:
    """Subject and body of the payment-link email, or None while there is no open link."""
    if view is None or view.status is not PaymentStatus.OPEN or not view.url:
        return None
    business = settings.business_name.strip()
    if business == DEFAULT_BUSINESS_NAME:
        business = ""  # the app's own name is no signature for a business
    amount = view.amount.format()
    subject = _("Payment link for {service} ({amount})").format(
        service=view.service_name, amount=amount
    )
    if business:
        subject = _("{business}: payment link for {service} ({amount})").format(
            business=business, service=view.service_name, amount=amount
        )
    first = view.customer_name.split()[0] if view.customer_name.strip() else ""
    lines = [_("Hello {name},").format(name=first) if first else _("Hello,"), ""]
    lines.append(
        _("Please use this secure link to pay {amount} for {service}:").format(
            amount=amount, service=view.service_name
        )
    )
    lines.append(view.url)
    ends = view.countdown_ends_at
    if ends is not None:
        local = ends.astimezone(settings.timezone)
        lines += [
            "",
            _("The link can be used until {time} ({date}).").format(
                time=lf.clock(local), date=lf.date_text(local, "date")
            ),
        ]
    lines += ["", _("Thank you,")]
    if business:
        lines.append(business)
    return subject, "\n".join(lines)


# -- the published state ------------------------------------------------------------------


class ChargePhase(StrEnum):
    """What the charge screen is showing, as a customer-facing screen needs to know it."""

    PREPARING = "preparing"  # the link is being created
    WAITING = "waiting"  # the QR is up, nobody has paid yet
    DECLINED = "declined"  # the last card attempt failed; the QR is still up
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    ERROR = "error"  # the link could not be opened
    CLOSED = "closed"  # the charge screen was closed
    PROCESSING = "processing"  # paid by a bank method whose money has not arrived yet


@dataclass(frozen=True)
class ChargeState:
    """One snapshot of the charge screen, safe to show a customer: no names, no secrets."""

    phase: ChargePhase
    booking_id: str
    payment_id: str | None = None
    url: str | None = None  # the hosted payment page, only while it can be paid
    amount: str = ""  # formatted, e.g. "$35.00"
    service: str = ""
    deadline: datetime | None = None  # UTC, Stripe's clock
    clock_offset: float = 0.0
    total_seconds: float = 0.0
    attempt_error: str | None = None  # "Your card was declined: insufficient funds."
    receipt_to: str | None = None  # masked ("m•••@e…"), once paid, when Stripe emails a receipt


def charge_state(
    view: CheckoutView | None,
    *,
    booking_id: str,
    error: str | None = None,
    cancelled_by_user: bool = False,
    total_seconds: float = 0.0,
    amount: str = "",
    service: str = "",
) -> ChargeState:
    """The state to publish for ``view`` (``amount``/``service`` as shown before it came)."""
    if view is None:
        phase = ChargePhase.ERROR if error is not None else ChargePhase.PREPARING
        return ChargeState(phase=phase, booking_id=booking_id, amount=amount, service=service)
    status = view.status
    attempt = view.last_attempt_error
    if error is not None or status is PaymentStatus.FAILED:
        phase = ChargePhase.ERROR
    elif status is PaymentStatus.CREATING:
        phase = ChargePhase.PREPARING
    elif status is PaymentStatus.SUCCEEDED:
        phase = ChargePhase.PAID
    elif status is PaymentStatus.PROCESSING:
        phase = ChargePhase.PROCESSING
    elif status is PaymentStatus.EXPIRED:
        phase = ChargePhase.CANCELLED if cancelled_by_user else ChargePhase.EXPIRED
    elif not view.url:
        phase = ChargePhase.PREPARING
    else:
        phase = ChargePhase.DECLINED if attempt is not None else ChargePhase.WAITING
    showing_link = phase in (ChargePhase.WAITING, ChargePhase.DECLINED)
    return ChargeState(
        phase=phase,
        booking_id=view.booking_id or view.order_id,  # a walk-in: its order
        payment_id=view.payment_id,
        url=view.url if showing_link else None,
        amount=view.amount.format(),
        service=view.service_name,
        deadline=view.countdown_ends_at if showing_link else None,
        clock_offset=view.clock_offset,
        total_seconds=total_seconds,
        attempt_error=attempt.message if attempt is not None and showing_link else None,
        receipt_to=mask_email(view.receipt_email) if phase is ChargePhase.PAID else None,
    )


# -- what the staff screen paints ---------------------------------------------------------


class Page(IntEnum):
    """What the big square on the left shows (an expired link is the QR's empty square)."""

    CREATING = 0
    QR = 1
    PAID = 2
    ERROR = 3


@dataclass(frozen=True)
class ChargeScreen:
    """Everything the charge dialog paints for one moment: words, tone and visibility."""

    page: Page
    status: str
    tone: str | None  # a theme tone ("danger", "success", "accent") or None for plain text
    status_scale: float
    error: str | None = None  # the error page's sentence
    url: str | None = None  # the QR's link, only while it can be paid
    placeholder: str | None = None  # the QR's empty square, for a closed link
    open_link: bool = False  # copy, email, cancel and the scan hint
    email_enabled: bool = False
    email_tip: str = NO_EMAIL_TIP
    regenerate: bool = False
    declined: bool = False  # the "Last attempt failed" caption, the hint and Take cash
    ring: bool = False  # the countdown


def charge_screen(
    view: CheckoutView | None,
    *,
    error: str | None = None,
    cancelled_by_user: bool = False,
    email: str | None = None,
) -> ChargeScreen:
    """What the charge dialog shows for ``view`` (None while the link is being asked for)."""
    status = view.status if view is not None else None
    url = view.url if view is not None and status is PaymentStatus.OPEN and view.url else None
    attempt = view.last_attempt_error if url is not None and view is not None else None
    base = ChargeScreen(
        Page.QR,
        _(WAITING),
        None,
        1.25,
        url=url,
        open_link=url is not None,
        email_enabled=url is not None and email is not None,
        email_tip=_(EMAIL_TIP).format(email=email) if email else _(NO_EMAIL_TIP),
        regenerate=error is None and status in (PaymentStatus.EXPIRED, PaymentStatus.FAILED),
        declined=attempt is not None,
    )
    if error is not None:
        return replace(
            base,
            page=Page.ERROR,
            status=_(COULD_NOT_OPEN),
            tone="danger",
            status_scale=1.2,
            error=error,
        )
    if view is None or status is PaymentStatus.CREATING:
        # The spinner says it.
        return replace(base, page=Page.CREATING, status="", status_scale=1.2)
    if status is PaymentStatus.SUCCEEDED:
        return replace(base, page=Page.PAID, status=_(PAID), tone="success", status_scale=2.6)
    if status in CLOSED_STATUSES:
        expired = _(CANCELLED) if cancelled_by_user else _(EXPIRED)
        text, tone, placeholder = closed_texts(status, view.failure_message, expired)
        return replace(base, status=text, tone=tone, status_scale=1.6, placeholder=placeholder)
    # Open: the QR, the countdown, and the wait (or what to do about the last card).
    if attempt is not None:
        return replace(
            base, status=decline_sentence(attempt), tone="danger", status_scale=1.3, ring=True
        )
    return replace(base, ring=True)
