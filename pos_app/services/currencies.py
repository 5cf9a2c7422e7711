"""The currencies the settings offer: Stripe's presentment currencies, with names."""

from __future__ import annotations

# Stripe's presentment currencies (lowercase ISO 4217); names for the common ones.
CURRENCY_NAMES: dict[str, str] = {
    "usd": "US dollar",
    "eur": "Euro",
    "gbp": "British pound",
    "aud": "Australian dollar",
    "cad": "Canadian dollar",
    "nzd": "New Zealand dollar",
    "chf": "Swiss franc",
    "jpy": "Japanese yen",
    "sek": "Swedish krona",
    "nok": "Norwegian krone",
    "dkk": "Danish krone",
    "pln": "Polish złoty",
    "czk": "Czech koruna",
    "huf": "Hungarian forint",
    "ron": "Romanian leu",
    "bgn": "Bulgarian lev",
    "isk": "Icelandic króna",
    "try": "Turkish lira",
    "ils": "Israeli shekel",
    "aed": "UAE dirham",
    "sar": "Saudi riyal",
    "inr": "Indian rupee",
    "sgd": "Singapore dollar",
    "hkd": "Hong Kong dollar",
    "myr": "Malaysian ringgit",
    "thb": "Thai baht",
    "php": "Philippine peso",
    "idr": "Indonesian rupiah",
    "krw": "South Korean won",
    "twd": "New Taiwan dollar",
    "cny": "Chinese yuan",
    "mxn": "Mexican peso",
    "brl": "Brazilian real",
    "ars": "Argentine peso",
    "clp": "Chilean peso",
    "cop": "Colombian peso",
    "pen": "Peruvian sol",
    "zar": "South African rand",
    "ngn": "Nigerian naira",
    "kes": "Kenyan shilling",
    "egp": "Egyptian pound",
    "mad": "Moroccan dirham",
}
_OTHER_CURRENCIES = (
    "afn all amd ang aoa awg azn bam bbd bdt bhd bif bmd bnd bob bsd bwp byn bzd cdf "
    "crc cve djf dop dzd etb fjd fkp gel gip gmd gnf gtq gyd hnl htg jmd jod kgs khr "
    "kmf kwd kyd kzt lak lbp lkr lrd lsl mdl mga mkd mmk mnt mop mur mvr mwk mzn nad "
    "nio npr omr pab pgk pkr pyg qar rsd rwf sbd scr shp sle sos srd std szl tjs tnd "
    "top ttd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zmw"
)
CURRENCIES: tuple[str, ...] = tuple(sorted({*CURRENCY_NAMES, *_OTHER_CURRENCIES.split(" ")}))


def currency_label(code: str) -> str:
    """'USD — US dollar' (or just 'KES' where no name is known)."""
    name = CURRENCY_NAMES.get(code.lower())
    return f"{code.upper()} — {name}" if name else code.upper()
