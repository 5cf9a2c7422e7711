"""An overpaid walk-in order (issue 14): the same one rule as an overpaid booking
(domain/overpaid.py, services/ledger.py), on the order as the payable.

The state is made as tests/integration/test_overpaid.py makes it for a booking: the customer
pays the open card link on their phone while a station of the previous version writes the
cash straight into the database; the card payment then lands through the ordinary sync.

By hand: 2 × Shampoo at $12.00 with 8.875 % tax = 2400 + 213 = 2613. Paid 2613 in cash and
2613 by card: 5226 received for 2613, overpaid by 2613; the excess refund is exactly 2613.
"""

from __future__ import annotations

import logging

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.overpaid import ORDER_NOT_OVERPAID
from pos_app.domain.ports import AuditQuery
from tests.cli_here import run_here, run_json_here
from tests.integration.helpers import cash_written_directly
from tests.payments import pay


def _overpaid_entries(app: AppContext) -> list[object]:
    query = AuditQuery(actions=frozenset({AuditAction.PAYMENT_OVERPAID}))
    return list(app.audit.query(query))


def test_a_walk_in_paid_in_cash_and_by_card_is_overpaid_and_refund_excess_gives_back_the_excess(
    app: AppContext,
    app_env: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The command line's own logging set-up would take the records away from caplog.
    monkeypatch.setattr("pos_app.cli.setup_logging", lambda *_a, **_k: None)
    caplog.set_level(logging.INFO, logger="pos_app.services.ledger")
    run_json_here(app_env, "product", "add", "Shampoo", "--price", "12.00", "--tax-rate", "8.875",
                  "--stock", "9")  # fmt: skip
    sold = run_json_here(app_env, "sell", "--item", "Shampoo x2")
    order_id = sold["id"]
    assert sold["total"] == 2613
    link = run_json_here(app_env, "charge", order_id)
    pay(link["url"])  # on the phone; the desk has not seen it
    cash_written_directly(app, order_id)  # for the whole total, with no look at the link
    assert _overpaid_entries(app) == []  # paid in full in cash: not overpaid yet
    app.sync.sync_once(full=True)  # the card payment lands

    status = run_json_here(app_env, "status", order_id)
    assert (status["status"], status["paid"]) == ("overpaid", 5226)
    [entry] = _overpaid_entries(app)
    card = next(p["id"] for p in status["payments"] if p["method"] == "card")
    assert (entry.amount, entry.payment_id, entry.booking_id) == (2613, card, None)  # type: ignore[attr-defined]
    assert entry.detail == (  # type: ignore[attr-defined]
        "Order 1: Overpaid by $26.13: received $52.26 for a price of $26.13; refund the excess"
    )
    lines = [r.getMessage() for r in caplog.records if "order.overpaid" in r.getMessage()]
    assert len(lines) == 1 and f"order={order_id}" in lines[0] and "overpaid=2613" in lines[0]
    app.sync.sync_once(full=True)  # read again: still one entry
    assert len(_overpaid_entries(app)) == 1

    back = run_json_here(app_env, "refund", order_id, "--excess")
    assert back["refund"]["amount"] == 2613
    assert [r["amount"] for r in back["refund"]["refunds"]] == [2613]
    after = run_json_here(app_env, "status", order_id)
    assert (after["status"], after["paid"], after["refunded"]) == ("paid", 5226, 2613)
    # Nothing left beyond the total: a second press changes nothing.
    again = run_here(app_env, "refund", order_id, "--excess")
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr.strip() == ORDER_NOT_OVERPAID
