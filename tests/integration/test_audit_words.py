"""Every audit entry the app writes is said in the reader's language (issue 15): the
catalogue, staff, products and their stock, promo codes, orders, the pricing and station
settings and a booking's move store their detail as a marked template with its values, so a
German reader reads German while the stored English ``detail`` stays what it was. A stock note
the app writes (a paid order took the product) is stored the same way (migration 0026).

Each German sentence below is read back from the stored template: were the template not
stored, ``detail_words`` would fall back to the English and the German assertion would fail.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from pos_app import i18n
from pos_app.app import AppContext
from pos_app.domain import locale_format as lf
from pos_app.domain.audit import AuditAction
from pos_app.domain.people import ResourceKind, Role
from pos_app.domain.pricing import TipBase
from pos_app.domain.products import StockReason, note_words
from pos_app.services.catalog import ServiceForm
from pos_app.services.orders import SaleItem, SaleRequest
from pos_app.services.people import ResourceForm, UserForm
from pos_app.services.products import ProductForm
from pos_app.services.promo_codes import PromoForm
from pos_app.services.settings import SettingsChange
from tests.cli_here import run_json_here
from tests.integration.helpers import audit_entries, book, cash_written_directly, said, settings_app
from tests.payments import pay

PIN = "4826"


def test_catalogue_products_promo_codes_and_pricing_read_in_german(
    app: AppContext, english: None
) -> None:
    app.catalog.save_service(ServiceForm(None, "Blow-dry", 45, "28.50", "usd"))
    app.catalog.save_service(
        ServiceForm("svc_haircut", "Haircut", 40, "40.00", "usd", True, "8.875")
    )
    shampoo = app.products.save_product(
        ProductForm(None, "Shampoo", "9.50", "usd", stock=3, sku="SH-1")
    )
    app.products.save_product(
        ProductForm(shampoo.id, "Shampoo", "9.50", "usd", sku="SH-1", low_stock=2, active=False)
    )
    app.products.adjust_stock(shampoo.id, 5, StockReason.RECEIVE, note="Delivery 4471")
    promo = app.promo_codes.add_code(
        PromoForm(
            code="SUMMER10",
            currency="usd",
            percent_text="10",
            max_uses=100,
            valid_from=date(2026, 6, 1),
            min_order_text="20.00",
        )
    )
    app.promo_codes.set_active(promo.id, False)
    app.pricing.save(
        prices_include_tax=True, tip_base=TipBase.AFTER_TAX, manager_discount_text="12.5"
    )
    entries = audit_entries(
        app, AuditAction.CATALOG_CHANGED, AuditAction.STOCK_ADJUSTED, AuditAction.SETTINGS_CHANGED
    )
    assert [e.detail for e in entries] == [
        "Added Blow-dry (45 min, $28.50)",
        "Changed Haircut (30 min, $35.00) → Haircut (40 min, $40.00, tax 8.875%)",
        "Added product Shampoo ($9.50, tax 0%, SKU SH-1, warn at 3)",
        "Changed product Shampoo ($9.50, tax 0%, SKU SH-1, warn at 3) → "
        "Shampoo ($9.50, tax 0%, SKU SH-1, warn at 2, inactive)",
        "Shampoo: Received +5 (stock 3 → 8). Delivery 4471",
        "Added promo code SUMMER10 (10% off, 100 uses, 1 Jun 2026 – …, orders of $20.00 or more)",
        "Switched off promo code SUMMER10",
        "Pricing: tax added to prices, tips before tax, manager for discounts above 20% → "
        "prices include tax, tips after tax, manager for discounts above 12.5%",
    ]
    assert said(entries, "de") == [
        "Blow-dry (45 Min., 28,50\xa0$) hinzugefügt",
        "Geändert: Haircut (30 Min., 35,00\xa0$) → "
        "Haircut (40 Min., 40,00\xa0$, Steuer 8,875\xa0%)",
        "Produkt Shampoo (9,50\xa0$, Steuer 0\xa0%, SKU SH-1, Warnung bei 3) hinzugefügt",
        "Produkt geändert: Shampoo (9,50\xa0$, Steuer 0\xa0%, SKU SH-1, Warnung bei 3) → "
        "Shampoo (9,50\xa0$, Steuer 0\xa0%, SKU SH-1, Warnung bei 2, inaktiv)",
        "Shampoo: Eingegangen +5 (Bestand 3 → 8). Delivery 4471",  # the typed note as typed
        "Aktionscode SUMMER10 (10\xa0% Rabatt, 100 Einlösungen, 1. Juni 2026 – …, "
        "Bestellungen ab 20,00\xa0$) hinzugefügt",
        "Aktionscode SUMMER10 ausgeschaltet",
        "Preise: Steuer kommt auf die Preise, Trinkgeld vor Steuer, Leitung bei Rabatten über "
        "20\xa0% → Preise inkl. Steuer, Trinkgeld nach Steuer, Leitung bei Rabatten über 12,5\xa0%",
    ]
    # A note a person typed is data: no template is stored for it.
    (typed,) = [a for a in app.products.adjustments(shampoo.id) if a.note]
    assert (typed.note, typed.note_template) == ("Delivery 4471", None)


def test_staff_and_columns_read_in_german(app: AppContext, english: None) -> None:
    sam = app.people.create_user(UserForm("Sam Lee", Role.STAFF, PIN, PIN, takes_bookings=True))
    app.people.update_user(sam.id, UserForm("Sam Lee", Role.MANAGER, "7391", "7391"))
    app.people.save_resource(ResourceForm("Room 2", ResourceKind.ROOM))
    entries = audit_entries(app, AuditAction.USER_CHANGED, AuditAction.CATALOG_CHANGED)
    assert [e.detail for e in entries] == [
        "Added Sam Lee (staff, takes bookings)",
        "Changed Sam Lee: Sam Lee (staff, takes bookings) → Sam Lee (manager); new PIN set",
        "Added Room 2 (room, position 4)",
    ]
    assert said(entries, "de") == [
        "Sam Lee (Mitarbeitende, nimmt Buchungen an) hinzugefügt",
        "Sam Lee geändert: Sam Lee (Mitarbeitende, nimmt Buchungen an) → Sam Lee (Leitung); "
        "neue PIN gesetzt",
        "Room 2 (Raum, Position 4) hinzugefügt",
    ]


def test_orders_their_stock_notes_and_a_walk_ins_overpayment_read_in_german(
    app: AppContext, english: None
) -> None:
    shampoo = app.products.save_product(ProductForm(None, "Shampoo", "9.50", "usd", stock=2))
    comb = app.products.save_product(ProductForm(None, "Comb", "3.00", "usd", stock=5))
    order = app.orders.create_walk_in(
        SaleRequest([SaleItem("Shampoo", 2), SaleItem("Comb")], tip_text="1.00")
    )
    app.products.adjust_stock(shampoo.id, -1, StockReason.DAMAGE)  # before the order is paid
    # 2 sold with 1 on the shelf, and $5 too much.
    cash_written_directly(app, order.id, order.total + 500)
    void = app.orders.create_walk_in(SaleRequest([SaleItem("Haircut")], discount_text="10%"))
    app.orders.void(void.id)
    cash = app.orders.create_walk_in(SaleRequest([SaleItem("Comb")]))
    app.cash.record(cash.id)
    entries = audit_entries(
        app,
        AuditAction.ORDER_CREATED,
        AuditAction.ORDER_VOIDED,
        AuditAction.STOCK_ADJUSTED,
        AuditAction.PAYMENT_OVERPAID,
        AuditAction.CASH_RECEIVED,
    )
    one, two, three = order.id, void.id, cash.id
    assert [e.detail for e in entries] == [
        f"Order 1 ({one}): 2 × Shampoo, Comb; tip $1.00; total $23.00, open",
        "Shampoo: Damaged -1 (stock 2 → 1)",
        "Order 1: Overpaid by $5.00: received $28.00 for a price of $23.00; refund the excess",
        "Shampoo: Sold -1 (stock 1 → 0). oversold by 1 on order 1",
        "2 × Shampoo sold on order 1 with 1 on the shelf: oversold by 1; check the shelf",
        "Comb: Sold -1 (stock 5 → 4). sold on order 1",
        f"Order 2 ({two}): Haircut; 10% off; total $31.50, open",
        f"Order 2 ({two}): Haircut; 10% off; total $31.50, open; voided",
        f"Order 3 ({three}): Comb; total $3.00, open",
        "Comb: Sold -1 (stock 4 → 3). sold on order 3",
        "Cash for Order 3, walk-in",
    ]
    assert said(entries, "de") == [
        f"Bestellung 1 ({one}): 2 × Shampoo, Comb; Trinkgeld 1,00\xa0$; gesamt 23,00\xa0$, offen",
        "Shampoo: Beschädigt -1 (Bestand 2 → 1)",
        "Bestellung 1: überzahlt um 5,00\xa0$: 28,00\xa0$ erhalten bei einem Preis von "
        "23,00\xa0$; den Überschuss erstatten",
        "Shampoo: Verkauft -1 (Bestand 1 → 0). 1 zu viel verkauft mit Bestellung 1",
        "2 × Shampoo mit Bestellung 1 verkauft, 1 im Regal: 1 zu viel verkauft; Regal prüfen",
        "Comb: Verkauft -1 (Bestand 5 → 4). verkauft mit Bestellung 1",
        f"Bestellung 2 ({two}): Haircut; 10\xa0% Rabatt; gesamt 31,50\xa0$, offen",
        f"Bestellung 2 ({two}): Haircut; 10\xa0% Rabatt; gesamt 31,50\xa0$, offen; storniert",
        f"Bestellung 3 ({three}): Comb; gesamt 3,00\xa0$, offen",
        "Comb: Verkauft -1 (Bestand 4 → 3). verkauft mit Bestellung 3",
        "Bar für Bestellung 3, ohne Termin",
    ]
    # The stock notes themselves: stored in English with their template (migration 0026).
    notes = [a for a in app.products.adjustments(shampoo.id) if a.order_id]
    notes += [a for a in reversed(app.products.adjustments(comb.id)) if a.order_id]
    assert [(a.note, a.note_template) for a in notes] == [
        ("oversold by 1 on order 1", "oversold by {short} on order {order}"),
        ("sold on order 1", "sold on order {order}"),
        ("sold on order 3", "sold on order {order}"),
    ]
    i18n.set_language("de")
    try:
        assert [note_words(a) for a in notes] == [
            "1 zu viel verkauft mit Bestellung 1",
            "verkauft mit Bestellung 1",
            "verkauft mit Bestellung 3",
        ]
    finally:
        i18n.set_language("en")


def test_items_added_to_a_booking_and_a_refunds_restock_note_read_in_german(
    app: AppContext, app_env: dict[str, str], english: None
) -> None:
    serum = app.products.save_product(ProductForm(None, "Serum", "12.00", "usd", stock=5))
    booking = book(app)
    order = app.orders.add_to_booking(booking.id, [SaleItem("Serum", 2)])
    # A walk-in paid by card, one item refunded and put back on the shelf.
    sold = run_json_here(app_env, "sell", "--item", "Serum")
    pay(run_json_here(app_env, "charge", sold["id"])["url"])
    assert run_json_here(app_env, "status", sold["id"])["status"] == "paid"
    refund = run_json_here(app_env, "refund", sold["id"], "--item", "Serum", "--restock")
    (refund_id,) = [r["id"] for r in refund["refunds"]]
    changed = audit_entries(app, AuditAction.ORDER_CHANGED)
    stock = audit_entries(app, AuditAction.STOCK_ADJUSTED)
    restocked = [e for e in stock if "Restocked" in e.detail]
    assert [e.detail for e in changed + restocked] == [
        f"Order {order.number} ({order.id}): added 2 × Serum; total $59.00, open",
        f"Serum: Restocked after a refund +1 (stock 4 → 5). refund {refund_id} on order 2",
    ]
    assert said(changed + restocked, "de") == [
        f"Bestellung {order.number} ({order.id}): 2 × Serum hinzugefügt; gesamt 59,00\xa0$, offen",
        f"Serum: Nach Erstattung zurückgelegt +1 (Bestand 4 → 5). "
        f"Erstattung {refund_id} zu Bestellung 2",
    ]
    (note,) = [a for a in app.products.adjustments(serum.id) if a.note.startswith("refund")]
    assert note.note_template == "refund {refund} on order {order}"


def test_a_booking_moved_reads_in_german(app: AppContext, english: None) -> None:
    booking = book(app)
    app.bookings.move(booking.id, booking.starts_at + timedelta(days=1), None)
    entries = audit_entries(app, AuditAction.BOOKING_CREATED, AuditAction.BOOKING_MOVED)
    zone = app.deps.policy.timezone
    start, end = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)

    def when(moved: int, anyone: str) -> str:
        day = start + timedelta(days=moved)
        return f"{lf.date_text(day, 'weekday_day_month')} {lf.clock(day)}–{lf.clock(end)}{anyone}"

    assert [e.detail for e in entries] == [
        f"Haircut for Ada Lovelace, {when(0, ' with anyone')}",
        f"{when(0, ' with anyone')} → {when(1, ' with anyone')}",
    ]
    i18n.set_language("de")
    try:
        german = [when(0, ", beliebige Person"), when(1, ", beliebige Person")]
        assert german[0].startswith(lf.weekday(start, short=True))  # the day in German
    finally:
        i18n.set_language("en")
    assert said(entries, "de") == [
        f"Haircut für Ada Lovelace, {german[0]}",
        f"{german[0]} → {german[1]}",
    ]


def test_station_and_business_settings_read_in_german(
    app_env: dict[str, str], english: None
) -> None:
    with settings_app(app_env) as ctx:
        change = SettingsChange.from_view(ctx.settings.load())
        saved = ctx.settings.save(
            replace(change, hold_minutes=15, tip_on_display=True, theme="dark")
        )
        ctx.settings.save(replace(SettingsChange.from_view(saved.view), lock_minutes=0))
        entries = audit_entries(ctx, AuditAction.SETTINGS_CHANGED)
    assert saved.changes == (  # what saving says: the audit log's English, as before
        "hold (minutes): 10 → 15",
        "theme: system → dark",
        "tip on the customer display: off → on",
    )
    assert [e.detail for e in entries] == [
        "hold (minutes): 10 → 15; theme: system → dark; tip on the customer display: off → on",
        "lock after: 5 min → never",
    ]
    assert said(entries, "de") == [
        "Zahlungslinks offen (Minuten): 10 → 15; Design: wie das System → dunkel; "
        "Trinkgeld auf dem Kundenbildschirm: aus → an",
        "Sperren nach: 5 Min. → nie",
    ]
