"""The currencies the settings offer: Stripe's presentment currencies, with names."""

from __future__ import annotations

from pos_app.domain import locale_format as lf

# Stripe's presentment currencies (lowercase ISO 4217), from its currencies page. Their names
# come from CLDR in the UI language (``lf.currency_name``), not from a table kept here.
_STRIPE_CURRENCIES = (
    "usd eur gbp aud cad nzd chf jpy sek nok dkk pln czk huf ron bgn isk try ils aed sar "
    "inr sgd hkd myr thb php idr krw twd cny mxn brl ars clp cop pen zar ngn kes egp mad "
    "afn all amd ang aoa awg azn bam bbd bdt bhd bif bmd bnd bob bsd bwp byn bzd cdf "
    "crc cve djf dop dzd etb fjd fkp gel gip gmd gnf gtq gyd hnl htg jmd jod kgs khr "
    "kmf kwd kyd kzt lak lbp lkr lrd lsl mdl mga mkd mmk mnt mop mur mvr mwk mzn nad "
    "nio npr omr pab pgk pkr pyg qar rsd rwf sbd scr shp sle sos srd std szl tjs tnd "
    "top ttd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zmw"
)
CURRENCIES: tuple[str, ...] = tuple(sorted(set(_STRIPE_CURRENCIES.split(" "))))
#: Stripe's currencies that CLDR can also name and format: what a price may be set in.
PRICEABLE: tuple[str, ...] = tuple(c for c in CURRENCIES if lf.knows_currency(c))


def currency_label(code: str) -> str:
    """'USD — US Dollar' in English, 'USD — US-Dollar' in German (CLDR's name)."""
    name = lf.currency_name(code)
    return f"{code.upper()} — {name}" if name else code.upper()
