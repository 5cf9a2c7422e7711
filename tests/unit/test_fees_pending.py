"""Card payments whose fee Stripe has not reported yet: reports say "fees pending" with the
count and amount, never a net after fees that counts the missing fee as zero."""

from __future__ import annotations

import json
from datetime import date

from pos_app.domain.report_data import Movement, SalesCell
from pos_app.domain.reports import FEES_PENDING, SalesReport
from pos_app.reports.render.sales_text import render_text
from pos_app.services.day_close import sales_report_from_json, z_totals
from pos_app.services.reports import roll_up


def _cell(kind: Movement, amount: int, **kw: object) -> SalesCell:
    fields: dict[str, object] = {
        "kind": kind,
        "currency": "usd",
        "service_id": "svc_cut",
        "service_name": "Haircut",
        "resource_id": "",
        "method": "card",
        "hour": 10,
        "count": 1,
        "amount": amount,
        "fee": 0,
    }
    fields.update(kw)
    return SalesCell(**fields)  # type: ignore[arg-type]


CELLS = [
    _cell(Movement.PAYMENT, 3500, fee=132),  # fee known
    _cell(Movement.PAYMENT, 5000, count=2, fees_pending=2, fees_pending_amount=5000),
    _cell(Movement.PAYMENT, 2000, method="cash"),  # cash has no fee: never pending
    _cell(Movement.REFUND, 1000),
]


def test_pending_fees_are_counted_not_taken_as_zero() -> None:
    usd = roll_up(CELLS, services={}, staff={})["usd"]
    assert (usd.fees, usd.fees_pending, usd.fees_pending_amount) == (132, 2, 5000)
    assert not usd.fees_known
    data = usd.to_json()
    assert data["net_after_fees"] is None  # not 10500 - 132, which overstates what is kept
    assert (data["fees_pending"], data["fees_pending_amount"]) == (2, 5000)


def test_the_text_report_says_fees_pending_with_count_and_amount() -> None:
    report = SalesReport(
        date(2026, 12, 5), date(2026, 12, 5), "UTC", roll_up(CELLS, services={}, staff={})
    )
    lines = [line.split() for line in render_text(report).splitlines()]
    text = render_text(report)
    assert ["Stripe", "fees", "Fees", "pending"] in lines
    assert ["Net", "after", "fees", "Fees", "pending"] in lines
    assert "$93.68" not in text  # 95.00 less the one known fee: what a missing fee would show
    assert "Stripe has not reported the fee of 2 card payments ($50.00) yet" in text


def test_the_z_report_shows_fees_pending_and_keeps_it_when_frozen() -> None:
    usd = roll_up(CELLS, services={}, staff={})["usd"]
    z = z_totals(usd)
    assert z.fee_figures() == (FEES_PENDING, FEES_PENDING)
    assert "2 card payments ($50.00)" in z.fees_pending_sentence()
    assert z.fee_lines() == [
        ("Stripe fees (2 payments, $50.00, not reported yet)", FEES_PENDING),
        ("Net after fees", FEES_PENDING),
    ]
    report = SalesReport(date(2026, 12, 5), date(2026, 12, 5), "UTC", {"usd": usd})
    frozen = sales_report_from_json(json.loads(json.dumps(report.to_json())))
    assert frozen.currencies["usd"] == usd


def test_known_fees_show_figures() -> None:
    usd = roll_up(CELLS[:1], services={}, staff={})["usd"]
    assert usd.fees_known and usd.to_json()["net_after_fees"] == 3500 - 132
    fees, after = z_totals(usd).fee_figures()
    assert (str(fees), str(after)) == ("-$1.32", "$33.68")
