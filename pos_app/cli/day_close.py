"""`pos-app close-day` and `pos-app reconcile`: the Z report and the comparison with Stripe."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pos_app.cli.input import counted, parse_date
from pos_app.cli.output import print_json
from pos_app.domain import locale_format as lf
from pos_app.domain.errors import FormErrors, PosError
from pos_app.i18n import gettext

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext


def close_day(ctx: AppContext, args: argparse.Namespace) -> int:
    """Print a day's Z report, or close the day with the cash counted."""
    from pos_app.services.day_close import ZReport

    day = parse_date(args.date, "date") if args.date is not None else ctx.day_close.today()
    z: ZReport = ctx.day_close.preview(day)
    if not args.preview and not z.is_closed:
        currencies = [t.currency for t in z.currencies]
        by_currency = counted(args.cash_counted, currencies)
        floats = counted(args.opening_float, currencies, option="--float")
        try:
            z = ctx.day_close.close(day, by_currency, args.note, floats=floats)
        except FormErrors as err:
            raise FormErrors({_option_of(k): v for k, v in err.errors.items()}) from None
    elif not args.preview:
        raise PosError(z.closed_sentence)
    if args.json:
        print_json(z.to_json())
        return 0
    print(
        gettext("Z report — {day} ({timezone})").format(
            day=lf.date_text(day, "day"), timezone=z.timezone
        )
    )
    for t in z.currencies:
        m = t.money
        close = z.close_for(t.currency)
        print(f"  {t.currency.upper()}")
        say = "    " + gettext("card payments ({count}) {gross}, refunds {refunds}")
        print(
            say.format(
                count=lf.number(t.card_count), gross=m(t.card_gross), refunds=m(t.card_refunds)
            )
        )
        fees, after_fees = (f if not isinstance(f, str) else gettext(f) for f in t.fee_figures())
        say = "    " + gettext("card net {net}, Stripe fees {fees}, after fees {after_fees}")
        print(say.format(net=m(t.card_net), fees=fees, after_fees=after_fees))
        if not t.fees_known:
            print(f"    {gettext(t.fees_pending_sentence())}")
        if t.opening_float:
            print("    " + gettext("opening float {amount}").format(amount=m(t.opening_float)))
        say = "    " + gettext("cash payments ({count}), expected in the drawer {amount}")
        print(say.format(count=lf.number(t.cash_count), amount=m(t.cash_expected)))
        if close is not None:
            say = "    " + gettext("counted {counted}, difference {difference}")
            print(say.format(counted=m(close.cash_counted), difference=m(close.cash_difference)))
        if t.adjustments:
            say = "    " + gettext("adjustments to closed days: {count} (net {net})")
            print(say.format(count=lf.number(t.adjustments), net=m(t.adjustments_net)))
    print(gettext(z.closed_sentence) if z.is_closed else gettext("Not closed (preview)."))
    return 0


def _option_of(field: str) -> str:
    """The command-line option behind a form field: "counted_usd" → "--cash-counted (USD)"."""
    if field.startswith("float_"):
        return f"--float ({field.removeprefix('float_').upper()})"
    return f"--cash-counted ({field.removeprefix('counted_').upper()})"


def reconcile(ctx: AppContext, args: argparse.Namespace) -> int:
    """Compare a range of days with Stripe; ``--settle`` takes Stripe's record."""
    start, end = parse_date(args.start, "start"), parse_date(args.end, "end")
    result = ctx.reconciliation.compare(start, end)
    settled: list[str] = []
    failed: list[str] = []
    if args.settle and result.mismatches:
        outcome = ctx.reconciliation.settle_all(result.mismatches)
        settled, failed = outcome.settled, outcome.failed
        result = ctx.reconciliation.compare(start, end)
    if args.json:
        print_json({**result.to_json(), "settled": settled, "not_settled": failed})
        return 0
    # Each sentence is the service's, already in the UI language; the prefix is a whole
    # marked sentence around it, so a translator may put the word after the sentence.
    for sentence in settled:
        print(gettext("Settled: {what}").format(what=sentence))
    for sentence in failed:  # still listed below, with why it was left
        print(gettext("Not settled: {reason}").format(reason=sentence))
    for m in result.mismatches:
        print(f"{m.kind.label}: {m.words()}")
        if not m.settleable and m.why_not:
            print(f"  {m.why_not_words()}")
    print(result.summary())
    return 0
