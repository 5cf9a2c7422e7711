"""What the customer display shows, decided without Qt.

The display mirrors the charge screen's :class:`ChargeState`; :func:`display_page` picks the
page for a new state and :func:`display_state` fills it in with the business's name, logo and
the test-mode marker. Only words safe for anyone at the counter: no customer names, no staff
controls, and a receipt address masked ("m•••@e…").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from pos_app.config import DEFAULT_BUSINESS_NAME
from pos_app.domain.percent import PER_PERCENT, Percent
from pos_app.domain.pricing import TipOffer
from pos_app.i18n import N_, _
from pos_app.ui.payments.charge_presenter import ChargePhase, ChargeState

WELCOME = N_("Welcome")
SCAN = N_("Scan to pay with your phone")
PREPARING = N_("Preparing your payment…")
THANKS = N_("Thank you!")
THANKS_DETAIL = N_("Your payment was received.")
DECLINED = N_("✕ Card declined — please try again or pay another way")
RECEIPT_SENT = N_("Receipt sent to {email}")
TEST_MARKER = N_("TEST MODE — no real money")
ASK_TIP = N_("Add a tip?")
NO_TIP = N_("No tip")
#: Modes in which no real money moves (the marker is shown).
TEST_MODES = frozenset({"sandbox", "test"})


class View(IntEnum):
    """The display's pages."""

    WELCOME = 0
    PREPARING = 1
    CHARGE = 2
    THANKS = 3
    TIP = 4  # the customer chooses a tip (a touch screen), before the charge


@dataclass(frozen=True)
class Business:
    """Who is being paid, as the display shows it."""

    name: str = ""
    logo_path: str = ""  # an image file; "" for none
    mode: str = "live"

    @property
    def shown_name(self) -> str:
        """The name at the top ("" for the app's own default name)."""
        name = self.name.strip()
        return "" if name == DEFAULT_BUSINESS_NAME else name

    @property
    def test_marker(self) -> str:
        """ "TEST MODE — no real money" in the sandbox and with a test key; "" live."""
        return _(TEST_MARKER) if self.mode in TEST_MODES else ""


@dataclass(frozen=True)
class TipButton:
    """One tip the customer can tap: its percent (0: no tip) and its words."""

    percent: int
    text: str  # "15%\n$1.80", or "No tip"


def tip_buttons(offer: TipOffer) -> tuple[TipButton, ...]:
    """The presets, each with the tip it comes to, then No tip (last, as Square shows it)."""
    buttons = [
        TipButton(o.percent, f"{Percent(o.percent * PER_PERCENT)}\n{o.tip.format()}")
        for o in offer.options
        if o.percent
    ]
    return (*buttons, TipButton(0, _(NO_TIP)))


@dataclass(frozen=True)
class DisplayState:
    """One snapshot of the customer display."""

    view: View
    business_name: str
    logo_path: str
    test_marker: str
    payment_id: str | None = None
    amount: str = ""
    service: str = ""
    url: str | None = None
    deadline: datetime | None = None
    clock_offset: float = 0.0
    total_seconds: float = 0.0
    declined: str = ""  # the declined line, while the last card failed
    thanks_detail: str = _(THANKS_DETAIL)
    receipt_line: str = ""  # "Receipt sent to m•••@e…", when Stripe emails one
    tips: tuple[TipButton, ...] = ()  # the tip page's buttons


def display_page(state: ChargeState, *, thanking: bool) -> View | None:
    """The page for a new charge state; None to keep the thank-you running (the charge
    screen closed while the display was still thanking)."""
    phase = state.phase
    if phase is ChargePhase.PAID:
        return View.THANKS
    if phase in (ChargePhase.WAITING, ChargePhase.DECLINED) and state.url:
        return View.CHARGE
    if phase is ChargePhase.PREPARING:
        return View.PREPARING
    if thanking:
        return None
    return View.WELCOME  # expired, cancelled, failed or closed: nothing to pay here any more


def display_state(view: View, state: ChargeState | None, business: Business) -> DisplayState:
    """What ``view`` shows for ``state`` (None or _(WELCOME): nothing of the last customer)."""
    head = DisplayState(
        view=view,
        business_name=business.shown_name,
        logo_path=business.logo_path.strip(),
        test_marker=business.test_marker,
    )
    if state is None or view is View.WELCOME:
        return DisplayState(head.view, head.business_name, head.logo_path, head.test_marker)
    paid = view is View.THANKS
    charging = view is View.CHARGE
    return DisplayState(
        view=view,
        business_name=head.business_name,
        logo_path=head.logo_path,
        test_marker=head.test_marker,
        payment_id=state.payment_id,
        amount=state.amount,
        service=state.service,
        url=state.url if charging else None,
        deadline=state.deadline if charging else None,
        clock_offset=state.clock_offset,
        total_seconds=state.total_seconds,
        declined=_(DECLINED) if charging and state.attempt_error else "",
        thanks_detail=(
            _("Your payment of {amount} was received.").format(amount=state.amount)
            if paid and state.amount
            else _(THANKS_DETAIL)
        ),
        receipt_line=_(RECEIPT_SENT).format(email=state.receipt_to)
        if paid and state.receipt_to
        else "",
    )


def tip_state(offer: TipOffer, business: Business) -> DisplayState:
    """The tip page: the total before a tip, and a button per tip (each with its amount)."""
    return DisplayState(
        view=View.TIP,
        business_name=business.shown_name,
        logo_path=business.logo_path.strip(),
        test_marker=business.test_marker,
        amount=_("Total {total}").format(total=offer.before_tip.format()),
        tips=tip_buttons(offer),
    )
