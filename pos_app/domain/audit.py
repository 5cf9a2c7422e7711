"""The audit log's entries: who did what to which money, and when. Entries are never changed."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Union

from pos_app.domain.money import Money
from pos_app.domain.percent import Percent
from pos_app.i18n import gettext, ngettext

# The audit search's text is cut to this: nothing longer is a name or an id, and the database
# need not scan every row for a pasted page.
SEARCH_TEXT_MAX = 200


class AuditAction(StrEnum):
    """Everything the audit log records."""

    BOOKING_CREATED = "booking.created"
    BOOKING_MOVED = "booking.moved"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_NO_SHOW = "booking.no_show"
    CHECKOUT_CREATED = "checkout.created"
    CHECKOUT_CANCELLED = "checkout.cancelled"
    CHECKOUT_EXPIRED = "checkout.expired"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    # The customer completed a bank payment whose money has not arrived yet.
    PAYMENT_PROCESSING = "payment.processing"
    CASH_RECEIVED = "cash.received"
    # The booking received more than its price: the excess is owed back to the customer.
    PAYMENT_OVERPAID = "payment.overpaid"
    REFUND_REQUESTED = "refund.requested"
    REFUND_SUCCEEDED = "refund.succeeded"
    REFUND_FAILED = "refund.failed"
    RECEIPT_SENT = "receipt.sent"
    USER_SIGNED_IN = "user.signed_in"
    USER_SIGN_IN_FAILED = "user.sign_in_failed"
    USER_CHANGED = "user.changed"
    CATALOG_CHANGED = "catalog.changed"
    # A product's stock changed: received, counted, damaged, sold, restocked after a refund.
    STOCK_ADJUSTED = "stock.adjusted"
    # An order was saved, open: its lines and figures (payments come later).
    ORDER_CREATED = "order.created"
    # Items were added to a booking's unpaid order (add-ons): its new lines and total.
    ORDER_CHANGED = "order.changed"
    # A walk-in order was voided unpaid: nothing was taken; its promo use is given back.
    ORDER_VOIDED = "order.voided"
    SETTINGS_CHANGED = "settings.changed"
    # A manager closed a business day (Z report: cash counted, the difference).
    DAY_CLOSED = "day.closed"
    # Reconciliation wrote Stripe's amount or fee over a local figure that differed.
    PAYMENT_CORRECTED = "payment.corrected"

    @property
    def is_money(self) -> bool:
        """Whether the action moved, asked for or counted money (a day close counts cash)."""
        return self.value.split(".")[0] in ("checkout", "payment", "cash", "refund", "day")


@dataclass
class AuditEntry:
    """One line of the audit log. ``amount`` is in minor units of ``currency`` when present."""

    at: datetime
    actor_id: str | None
    actor_name: str
    action: AuditAction
    booking_id: str | None = None
    payment_id: str | None = None
    refund_id: str | None = None
    amount: int | None = None
    currency: str | None = None
    stripe_ids: str = ""  # space-separated Stripe object ids (cs_…, pi_…, ch_…, re_…)
    detail: str = ""  # the sentence as written when it happened (English; old rows: only this)
    # What the detail says, to be put in the reader's language (migration 0024): the
    # sentence's marked template and its values as JSON (see ``Detail``); None on old rows.
    # Not compared: they are ``detail`` again, in a form each language can say.
    detail_template: str | None = field(default=None, compare=False)
    detail_params: str | None = field(default=None, compare=False)
    id: int | None = None


@dataclass(frozen=True)
class Day:
    """A day in a detail, written in the reader's language in one of ``locale_format``'s
    date styles ("Sun 06 Dec" in English, "So., 6. Dez." in German)."""

    value: date
    style: str = "date_plain"


@dataclass(frozen=True)
class Language:
    """A language setting's value ("de"), named in the reader's language when shown
    ("German", "Deutsch", "alemán")."""

    code: str


#: A detail's value: data (a name, an id, a count), an amount, a percentage, a day, a time of
#: day, a language, or a marked piece of words.
DetailValue = Union[str, int, Money, Percent, Day, time, Language, "Detail"]


@dataclass(frozen=True)
class Detail:
    """An audit detail that is said in the reader's language when it is shown.

    ``template`` is a whole sentence marked with ``N_`` ("Cash for {service}, {customer}");
    ``params`` fill it: text and counts are data (shown as they are), an amount is formatted
    in the reader's locale, and a ``Detail`` (a marked reason, say) is translated in turn.
    A sentence that counts something (``counted``) also has its ``plural`` msgid and the name
    of the value that is the ``count``: the form is picked by the reader's plural rules
    (Spanish has three forms), not by English's when the entry was written.
    The English sentence is stored too, for search and for readers of the old column.
    """

    template: str
    params: Mapping[str, DetailValue] = field(default_factory=dict)
    plural: str | None = None
    count: str = "count"

    def english(self) -> str:
        """The sentence in English (the stored ``detail``)."""
        return _fill(self, translate=False)

    def words(self) -> str:
        """The sentence in the UI language."""
        return _fill(self, translate=True)

    def params_json(self) -> str:
        """``params`` as the JSON stored in ``detail_params``."""
        return json.dumps({k: _value_json(v) for k, v in self.params.items()}, sort_keys=True)

    def stored(self) -> tuple[str, str]:
        """The template and values JSON to store (``detail_template``, ``detail_params``).
        A counting sentence goes in as the one value of an unmarked "{detail}", so its
        plural and count name fit the two columns that old rows have."""
        if self.plural is None:
            return self.template, self.params_json()
        return _WRAPPED, json.dumps({"detail": _value_json(self)}, sort_keys=True)

    @classmethod
    def from_stored(cls, template: str, params: str | None) -> Detail:
        """The detail of a stored row; ValueError when its JSON is not one."""
        data = json.loads(params or "{}")
        if not isinstance(data, dict):
            raise ValueError("audit detail params are not an object")
        return _upgraded(cls(template, {str(k): _value_from_json(v) for k, v in data.items()}))


def counted(
    forms: tuple[str, str], count: int, params: Mapping[str, DetailValue] | None = None
) -> Detail:
    """A sentence that counts: ``forms`` marked with ``N_plural("{count} use", "{count}
    uses")``, ``count`` its ``{count}`` (further values in ``params``)."""
    singular, plural = forms
    return Detail(singular, {**(params or {}), "count": count}, plural=plural)


# The unmarked template of a stored counting sentence (see ``Detail.stored``).
_WRAPPED = "{detail}"
# Counting sentences stored before ``counted`` existed, as one English form: read back with
# both forms, so an old "1 uses" reads "1 Einlösung" (the old msgids left the catalogs).
_OLD_SINGLE_FORMS: dict[str, tuple[str, str]] = {
    "{count} uses": ("{count} use", "{count} uses"),
    "{count} seconds": ("{count} second", "{count} seconds"),
    "{count} minute": ("{count} minute", "{count} minutes"),
    "{count} minutes": ("{count} minute", "{count} minutes"),
}


def _upgraded(detail: Detail) -> Detail:
    forms = _OLD_SINGLE_FORMS.get(detail.template)
    if detail.plural is not None or forms is None:
        return detail
    if not isinstance(detail.params.get("count"), int):
        return detail
    return Detail(forms[0], detail.params, plural=forms[1])


def joined(parts: Sequence[DetailValue], separator: str = "; ") -> Detail:
    """Pieces said one after another ("new PIN set; tip $2.00"): each piece is a whole
    marked phrase (or data) of its own; the separator is punctuation, not a sentence, so the
    template is not marked (gettext gives it back unchanged)."""
    names = [f"p{i}" for i in range(len(parts))]
    template = separator.join("{" + name + "}" for name in names)
    return Detail(template, dict(zip(names, parts, strict=True)))


def detail_text(detail: str | Detail) -> Detail:
    """A fixed sentence (``N_``) as a Detail with no values."""
    return detail if isinstance(detail, Detail) else Detail(detail)


def detail_words(entry: AuditEntry) -> str:
    """An entry's detail in the reader's language: rows written before migration 0024 (or
    whose stored words cannot be read back) show the sentence stored when it happened."""
    if not entry.detail_template:
        return entry.detail
    try:
        return Detail.from_stored(entry.detail_template, entry.detail_params).words()
    except (ValueError, KeyError, IndexError, TypeError):
        return entry.detail


def _fill(detail: Detail, *, translate: bool) -> str:
    values = {name: _value_text(v, translate=translate) for name, v in detail.params.items()}
    english = detail.template
    if detail.plural is not None:
        count = detail.params[detail.count]
        if not isinstance(count, int):
            raise TypeError(f"the count {detail.count!r} of a plural detail is not a number")
        english = detail.template if count == 1 else detail.plural
        if translate:
            return _formatted(ngettext(detail.template, detail.plural, count), english, values)
    if not translate:
        return english.format(**values)
    return _formatted(gettext(detail.template), english, values)


def _formatted(words: str, english: str, values: Mapping[str, str]) -> str:
    try:
        return words.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return english.format(**values)


def _value_text(value: DetailValue, *, translate: bool) -> str:
    # The stored English is English whatever the desk speaks when it is written: amounts,
    # days and times in English's formats too, so the column reads alike on every row.
    language = None if translate else "en"
    if isinstance(value, Detail):
        return value.words() if translate else value.english()
    if isinstance(value, (Money, Percent)):
        return value.format(language)
    # Here, not at the top: babel loads once words are written, not with the sign-in page.
    from pos_app.domain import locale_format as lf

    if isinstance(value, Day):
        return lf.date_text(value.value, value.style, language=language)
    if isinstance(value, time):
        return lf.clock(value, language=language)
    if isinstance(value, Language):
        return lf.tag_name(value.code, language=language)
    return str(value)


def _value_json(value: DetailValue) -> object:
    if isinstance(value, Detail):
        nested: dict[str, object] = {
            "t": value.template,
            "p": {k: _value_json(v) for k, v in value.params.items()},
        }
        if value.plural is not None:  # old rows have neither key: they read as before
            nested["pl"], nested["n"] = value.plural, value.count
        return nested
    if isinstance(value, Money):
        return {"money": [value.amount, value.currency]}
    if isinstance(value, Percent):
        return {"percent": value.thousandths}
    if isinstance(value, Day):
        return {"day": value.value.isoformat(), "style": value.style}
    if isinstance(value, time):
        return {"time": value.strftime("%H:%M")}
    if isinstance(value, Language):
        return {"language": value.code}
    return value


def _value_from_json(value: object) -> DetailValue:
    if isinstance(value, dict) and "money" in value:
        amount, currency = value["money"]
        return Money(int(amount), str(currency))
    if isinstance(value, dict) and "percent" in value:
        return Percent(int(value["percent"]))
    if isinstance(value, dict) and "day" in value:
        return Day(date.fromisoformat(str(value["day"])), str(value.get("style", "date_plain")))
    if isinstance(value, dict) and "time" in value:
        return time.fromisoformat(str(value["time"]))
    if isinstance(value, dict) and "language" in value:
        return Language(str(value["language"]))
    if isinstance(value, dict) and "t" in value:
        params = value.get("p") or {}
        if not isinstance(params, dict):
            raise ValueError("nested audit detail params are not an object")
        values = {str(k): _value_from_json(v) for k, v in params.items()}
        if "pl" in value:
            return Detail(str(value["t"]), values, str(value["pl"]), str(value.get("n", "count")))
        return _upgraded(Detail(str(value["t"]), values))
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"unexpected audit detail value {type(value).__name__}")
    return value
