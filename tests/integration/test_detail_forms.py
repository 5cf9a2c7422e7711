"""Audit details that count, or name a language, read in the reader's language (issue 15,
session 19): a promo code's limit takes the reader's plural form ("1 uso", "2 usos"), a
language setting is named in the reader's language ("Deutsch", "alemán"), and the charge
screen names a walk-in "Bestellung 1" for a German desk.

Each sentence below is read back from the stored template: without the plural stored with it,
"1 uses" would come back in English; without the language stored as a value, "de"."""

from __future__ import annotations

from dataclasses import replace

from pos_app import i18n
from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.services.orders import SaleItem, SaleRequest
from pos_app.services.promo_codes import PromoForm
from pos_app.services.settings import SettingsChange
from tests.integration.helpers import audit_entries, said, settings_app


def test_a_promo_codes_limit_takes_the_readers_plural_form(app: AppContext, english: None) -> None:
    for code, uses in (("ONE", 1), ("TWO", 2)):
        app.promo_codes.add_code(
            PromoForm(code=code, currency="usd", percent_text="10", max_uses=uses)
        )
    entries = audit_entries(app, AuditAction.CATALOG_CHANGED)
    assert [e.detail for e in entries] == [
        "Added promo code ONE (10% off, 1 use)",  # not "1 uses"
        "Added promo code TWO (10% off, 2 uses)",
    ]
    assert said(entries, "es") == [
        "Se añadió el código promocional ONE (10\xa0% de descuento, 1 uso)",
        "Se añadió el código promocional TWO (10\xa0% de descuento, 2 usos)",
    ]
    assert said(entries, "de") == [
        "Aktionscode ONE (10\xa0% Rabatt, 1 Einlösung) hinzugefügt",
        "Aktionscode TWO (10\xa0% Rabatt, 2 Einlösungen) hinzugefügt",
    ]


def test_a_language_setting_is_named_in_the_readers_language(
    app_env: dict[str, str], english: None
) -> None:
    with settings_app(app_env) as ctx:
        saved = ctx.settings.save(
            replace(SettingsChange.from_view(ctx.settings.load()), language="de")
        )
        ctx.settings.save(replace(SettingsChange.from_view(saved.view), language="bn"))
        entries = audit_entries(ctx, AuditAction.SETTINGS_CHANGED)
    assert [e.detail for e in entries] == [
        "language: system → German",
        "language: German → Bangla",
    ]
    assert said(entries, "de") == [
        "Sprache: wie das System → Deutsch",
        "Sprache: Deutsch → Bengalisch",
    ]
    assert said(entries, "es") == ["idioma: como el sistema → alemán", "idioma: alemán → bengalí"]


def test_the_charge_screen_names_a_walk_in_in_the_desks_language(app: AppContext) -> None:
    order = app.orders.create_walk_in(SaleRequest([SaleItem("Haircut")]))
    language = i18n.current_language()
    i18n.set_language("de")
    try:
        view = app.checkout.start(order.id)
    finally:
        i18n.set_language(language)
    app.checkout.cancel(view.payment_id)
    assert view.service_name == f"Bestellung {order.number}"
