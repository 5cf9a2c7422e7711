"""What the desk is told about Stripe's receipt emails in each mode (sandbox, test, live)."""

from __future__ import annotations

from pos_app.i18n import N_

# Stripe's fact: "in test mode Stripe emails receipts only to the account's verified team
# members"; anyone else's receipt can still be opened from the payment in the Dashboard.
TEST_MODE_NOTE = N_(
    "In test mode Stripe emails receipts only to the Stripe account's verified team members; "
    "any receipt can be opened from the payment in the Stripe Dashboard."
)
# The sandbox sends no email at all: it logs one "would send" line per receipt.
SANDBOX_NOTE = N_("The sandbox sends no email; it only notes the receipt Stripe would send.")


def email_note(mode: str) -> str | None:
    """What the desk should know about Stripe's receipt emails in ``mode`` (None when live)."""
    if mode == "live":
        return None
    return SANDBOX_NOTE if mode == "sandbox" else TEST_MODE_NOTE
