"""What the desk is told about Stripe's receipt emails in each mode.

Stripe's fact (docs/stripe-facts.md, "Receipts"): in test mode Stripe emails receipts only
to the account's verified team members. The app used to say test mode never sends them.
"""

from __future__ import annotations

from pos_app.services.receipt_notes import SANDBOX_NOTE, TEST_MODE_NOTE, email_note
from pos_app.services.receipts import ReceiptEmailResult


def _result(mode: str) -> ReceiptEmailResult:
    return ReceiptEmailResult(email="ada@example.com", mode=mode, sent=("pi_1",), already=())


def test_test_mode_says_team_members_get_the_email() -> None:
    assert "verified team members" in TEST_MODE_NOTE
    assert "live mode only" not in TEST_MODE_NOTE
    assert email_note("test") == TEST_MODE_NOTE
    assert (
        _result("test").message == f"Stripe has the receipt for ada@example.com. {TEST_MODE_NOTE}"
    )


def test_the_sandbox_says_it_sends_nothing() -> None:
    assert email_note("sandbox") == SANDBOX_NOTE
    assert _result("sandbox").message.endswith(SANDBOX_NOTE)


def test_live_mode_has_no_note() -> None:
    assert email_note("live") is None
    assert _result("live").message == "Stripe is emailing the receipt to ada@example.com."
