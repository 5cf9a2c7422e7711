"""Orders in the reports without a database (issue 14): the figures' sum and JSON, the rule
that places an order paid after its day was closed, and the words the dashboard, the Z
report and the terminal show for them."""

from __future__ import annotations

import json
from datetime import date, datetime

from pos_app.domain.order_report import (
    ItemSales,
    OrderFigures,
    OrderFiguresSum,
    PromoUse,
    RateTax,
    figures_from_json,
)
from pos_app.domain.report_sums import sum_reports
from pos_app.domain.reports import CurrencyTotals, SalesReport
from pos_app.reports.render.order_figures import money_rows, product_rows, text_lines
from pos_app.reports.render.sales import report_html
from pos_app.reports.render.sales_text import render_text
from pos_app.reports.render.z_report import order_lines
from pos_app.services.day_close import sales_report_from_json, z_totals
from pos_app.store.order_report_queries import landing_day
from pos_app.ui.reports.dashboard.dashboard_presenter import (
    NO_EXTRAS,
    NO_ORDERS,
    DashboardData,
    dashboard_state,
)
from pos_app.ui.reports.dashboard.periods import Period, Unit

DAY = date(2026, 12, 5)
DAY_AT = datetime(2026, 12, 5, 18, 0)

# The two orders of tests/integration/test_order_reports.py (their arithmetic is there).
FIGURES = OrderFigures(
    orders=2,
    tips=462,
    discounts=620,
    tax=390,
    by_product=(
        ItemSales("prod_sh", "product", "Shampoo", 3, 3624, 272, 296),
        ItemSales("svc_haircut", "service", "Haircut", 1, 3279, 221, 0),
        ItemSales("prod_co", "product", "Conditioner", 1, 1967, 127, 94),
    ),
    tax_by_rate=(RateTax("8.875", 296, 3328), RateTax("5", 94, 1873), RateTax("0", 0, 3279)),
    tips_by_staff=(("Priya", 300), ("Sam", 162)),
    promo_codes=(PromoUse("SAVE5", 1, 500),),
)


def _day(figures: OrderFigures, day: date = DAY) -> SalesReport:
    totals = CurrencyTotals("usd", 9332, 0, 0, 2, 0, order_figures=figures)
    return SalesReport(day, day, "UTC", {"usd": totals})


def test_a_frozen_days_figures_read_back_and_sum_with_a_live_days() -> None:
    frozen = json.loads(json.dumps(_day(FIGURES).to_json()))  # as day_closes stores it
    assert figures_from_json(frozen["currencies"]["usd"]) == FIGURES
    assert sales_report_from_json(frozen).currencies["usd"].order_figures == FIGURES
    later = OrderFigures(
        orders=1,
        tips=100,
        tax=107,
        by_product=(ItemSales("prod_sh", "product", "Shampoo", 1, 1307, 0, 107),),
        tax_by_rate=(RateTax("8.875", 107, 1200),),
        tips_by_staff=(("Priya", 100),),
    )
    both = sum_reports(
        [frozen, _day(later, date(2026, 12, 6))],
        start=DAY,
        end=date(2026, 12, 6),
        timezone="UTC",
    ).currencies["usd"]
    f = both.order_figures
    assert (f.orders, f.tips, f.discounts, f.tax) == (3, 562, 620, 497)
    assert f.by_product[0] == ItemSales("prod_sh", "product", "Shampoo", 4, 4931, 272, 403)
    assert f.tax_by_rate[0] == RateTax("8.875", 403, 4528)  # highest rate first
    assert f.tips_by_staff == (("Priya", 400), ("Sam", 162))
    assert f.promo_codes == (PromoUse("SAVE5", 1, 500),)


def test_figures_sum_in_a_stable_order() -> None:
    acc = OrderFiguresSum()
    acc.add_rate("0", tax=0, base=100)
    acc.add_rate("20", tax=20, base=100)
    acc.add_rate("8.875", tax=9, base=100)
    acc.add_tip("Sam", 5)
    acc.add_tip("Ana", 5)
    acc.add_promo("B", uses=1, discount=1)
    acc.add_promo("A", uses=1, discount=1)
    f = acc.figures()
    assert [r.rate for r in f.tax_by_rate] == ["20", "8.875", "0"]
    assert f.tips_by_staff == (("Ana", 5), ("Sam", 5))
    assert [p.code for p in f.promo_codes] == ["A", "B"]


def test_an_order_paid_after_its_day_closed_lands_after_the_last_day_closed_before() -> None:
    closes = [(date(2026, 12, 5), 40), (date(2026, 12, 6), 60)]
    # Numbered before the close of its day: that day's Z report counted it.
    assert landing_day(date(2026, 12, 5), 39, closes) == date(2026, 12, 5)
    # After the close of the 5th, before the 6th's: the 6th (its close counted it).
    assert landing_day(date(2026, 12, 5), 41, closes) == date(2026, 12, 6)
    # After both closes: the 7th, never a closed day.
    assert landing_day(date(2026, 12, 5), 61, closes) == date(2026, 12, 7)
    # Its own day not closed (only a later one): its own day.
    assert landing_day(date(2026, 12, 4), 61, closes) == date(2026, 12, 4)


def test_words_for_the_dashboard_the_z_report_and_the_terminal() -> None:
    assert [(r.label, r.detail, r.value) for r in product_rows(FIGURES, "usd")] == [
        ("Shampoo", "× 3", "$36.24"),
        ("Haircut", "× 1", "$32.79"),
        ("Conditioner", "× 1", "$19.67"),
    ]
    assert [(r.label, r.detail, r.value) for r in money_rows(FIGURES, "usd")] == [
        ("Tax", "", "$3.90"),
        ("Tax 8.875%", "on $33.28", "$2.96"),
        ("Tax 5%", "on $18.73", "$0.94"),  # 0 % leaves no tax line
        ("Tips", "", "$4.62"),
        ("Tips · Priya", "", "$3.00"),
        ("Tips · Sam", "", "$1.62"),
        ("Discounts", "", "−$6.20"),
        ("Promo SAVE5", "1 use", "−$5.00"),
    ]
    assert money_rows(OrderFigures(), "usd") == ()

    z = z_totals(_day(FIGURES).currencies["usd"])
    captions = [(line.caption, line.value) for line in order_lines(z, most=2)]
    assert captions[:4] == [
        ("Sales by product or service", ""),
        ("Shampoo × 3", "$36.24"),
        ("Haircut × 1", "$32.79"),
        ("… and 1 more (see the sales report)", ""),
    ]
    assert ("Tax 8.875% (on $33.28)", "$2.96") in captions
    assert order_lines(z_totals(_day(OrderFigures()).currencies["usd"])) == ()

    text = render_text(_day(FIGURES))
    assert "  Shampoo                              3        $36.24" in text
    assert text_lines(OrderFigures(), "usd") == []


def test_the_dashboard_presenter_gives_the_orders_panels_their_rows() -> None:
    period = Period(DAY, DAY, Unit.DAY)
    state = dashboard_state(DashboardData(_day(FIGURES)), "usd", period, DAY)
    assert [r.label for r in state.products] == ["Shampoo", "Haircut", "Conditioner"]
    assert state.extras[0].label == "Tax" and state.extras[-1].label == "Promo SAVE5"
    assert state.titles["product"] == "Sales by product · Sat 5 Dec"
    assert state.titles["extras"] == "Tax, tips and discounts · Sat 5 Dec"
    assert (state.empty_sentence("product"), state.empty_sentence("extras")) == ("", "")
    quiet = dashboard_state(DashboardData(_day(OrderFigures())), "usd", period, DAY)
    assert (quiet.products, quiet.extras) == ((), ())
    assert quiet.empty_sentence("product") == NO_ORDERS
    untaxed = OrderFigures(orders=1, by_product=FIGURES.by_product[1:2])
    plain = dashboard_state(DashboardData(_day(untaxed)), "usd", period, DAY)
    assert plain.extras == () and plain.empty_sentence("extras") == NO_EXTRAS


def test_json_keys_of_a_currency() -> None:
    usd = _day(FIGURES).to_json()["currencies"]["usd"]
    assert usd["tax_by_rate"]["8.875"] == {"tax": 296, "base": 3328}
    assert usd["tips_by_staff"] == {"Priya": 300, "Sam": 162}
    assert usd["promo_codes"] == {"SAVE5": {"uses": 1, "discount": 500}}
    assert usd["by_product"][0] == {
        "key": "prod_sh",
        "kind": "product",
        "name": "Shampoo",
        "quantity": 3,
        "amount": 3624,
        "discount": 272,
        "tax": 296,
    }


def test_the_sales_reports_pdf_lists_the_orders_figures() -> None:
    page = report_html(_day(FIGURES), business_name="Studio", generated_at=DAY_AT)
    assert "<td>Shampoo</td><td align='right'>× 3</td><td align='right'>$36.24</td>" in page
    assert "<td>Promo SAVE5</td><td align='right'>1 use</td><td align='right'>−$5.00</td>" in page
    quiet = report_html(_day(OrderFigures()), business_name="Studio", generated_at=DAY_AT)
    assert "Product or service" not in quiet


def test_three_refunds_of_one_each_give_back_the_line_exactly_in_the_order_made() -> None:
    """3 × Gel, line amount 1000 with tax 80 at 8 %: shared half-up in the order the refunds
    were made, (2000 + 3) // 6 = 333, then 667 − 333 = 334, then 1000 − 667 = 333; tax 27, 26,
    27. Only the refunds counted on the day are taken off (the second here, a reversal of the
    third puts its part back)."""
    from pos_app.domain.order_report import RefundedLine, refunded_back

    def part(refund_id: str) -> RefundedLine:
        return RefundedLine(refund_id, "ord_1", 0, 1, 3, "usd", "prd_gel", "product", "Gel",
                            8000, 1000, 90, 80)  # fmt: skip

    history = [part("re_a"), part("re_b"), part("re_c")]
    day: dict[str, OrderFiguresSum] = {}
    refunded_back(history, {"re_b": 1, "re_c": -1}, day)
    f = day["usd"].figures()
    # re_b takes off 334, discount 30 (90 shares 30, 30, 30), tax 26, base 308; re_c's
    # reversal puts back 333, 30, 27, base 306: −1, 0, +1, −2.
    assert [(i.quantity, i.amount, i.discount, i.tax) for i in f.by_product] == [(0, -1, 0, 1)]
    assert [(r.rate, r.tax, r.base) for r in f.tax_by_rate] == [("8", 1, -2)]
    every: dict[str, OrderFiguresSum] = {}
    refunded_back(history, {"re_a": 1, "re_b": 1, "re_c": 1}, every)
    g = every["usd"].figures()
    assert [(i.quantity, i.amount, i.discount, i.tax) for i in g.by_product] == [
        (-3, -1000, -90, -80)
    ]
    assert (g.tax, g.discounts, g.tax_by_rate[0].base) == (-80, -90, -920)


def test_a_day_with_only_a_refunded_line_shows_it_counted_back() -> None:
    """No order paid that day, one line given back: the rows show with a minus sign (not
    hidden as "no orders"), and a discount counted back is shown as money back on."""
    refund_day = OrderFigures(
        orders=0,
        discounts=-30,
        tax=-107,
        by_product=(ItemSales("prd_1", "product", "Shampoo", -1, -1307, -30, -107),),
        tax_by_rate=(RateTax("8.875", -107, -1200),),
    )
    assert refund_day.has_any and not OrderFigures().has_any
    [row] = product_rows(refund_day, "usd")
    assert (row.label, row.detail, row.value) == ("Shampoo", "× −1", "-$13.07")
    money = [(r.label, r.detail, r.value) for r in money_rows(refund_day, "usd")]
    assert money == [
        ("Tax", "", "-$1.07"),
        ("Tax 8.875%", "on -$12.00", "-$1.07"),
        ("Discounts", "", "+$0.30"),
    ]
    assert any("Shampoo" in line for line in text_lines(refund_day, "usd"))
