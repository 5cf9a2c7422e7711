"""The payment terms the command line and the configuration check before the app opens.

Kept apart from ``payment`` (which loads the gateway's types) so that reading the settings and
parsing a command line, both before the desktop app's first frame, load only these lines.
"""

from __future__ import annotations

from pos_app.i18n import N_

# How long a payment link is held before the app expires it. Stripe's sessions live at
# least 30 minutes, so a longer hold could not be kept; under 2 nobody could pay in time.
HOLD_MINUTES_MIN = 2
HOLD_MINUTES_MAX = 30
HOLD_MINUTES_RANGE = f"{HOLD_MINUTES_MIN} to {HOLD_MINUTES_MAX}"


def hold_minutes_ok(minutes: int) -> bool:
    """Whether a link can be held ``minutes`` minutes."""
    return HOLD_MINUTES_MIN <= minutes <= HOLD_MINUTES_MAX


REFUND_REASONS: dict[str, str] = {
    "requested_by_customer": N_("Requested by customer"),
    "duplicate": N_("Duplicate payment"),
    "fraudulent": N_("Fraudulent"),
}
