"""Rules in domain/ that `make mutation` found no unit test for: each test here kills
mutants that survived the first run (docs/testing.md). Edges to the minor unit, the field
a refusal names (the form marks that input), the sentences people read, the JSON keys the
command line prints, and tables built at import time (checked by building them again)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pos_app.domain import currency as cur
from pos_app.domain import report_data, stripe_permissions
from pos_app.domain.booking import Booking, BookingStatus, derive_status
from pos_app.domain.currency import CurrencyRule
from pos_app.domain.errors import (
    CardDeclined,
    FormErrors,
    GatewayPermissionError,
    InvalidStateError,
    SlotTakenError,
    ValidationError,
)
from pos_app.domain.gateway_types import ChargeDetails, RefundInfo
from pos_app.domain.money import Money, parse_money, validate_chargeable
from pos_app.domain.payment import (
    PaymentStatus,
    Refund,
    RefundStatus,
    check_cash,
    check_deposit,
    check_refund,
    refundable_amount,
)
from pos_app.domain.people import Actor, Role, User, customer_search_key
from pos_app.domain.reports import Conversion, CurrencyTotals, SalesReport, fees_pending_sentence
from tests.unit.card_payments import NOW, card_payment, session
from tests.unit.test_currency_table import (
    MINIMUMS,
    THREE_DECIMAL,
    WHOLE_UNITS_IN_HUNDREDTHS,
    ZERO_DECIMAL,
)

# -- the currency table, built again ------------------------------------------------------


def test_the_currency_table_builder_makes_stripes_table() -> None:
    """``RULES`` is built once at import; building it again must give Stripe's table, entry
    for entry (from the page's lists in test_currency_table.py, not from RULES)."""
    expected: dict[str, CurrencyRule] = {}
    for code in ZERO_DECIMAL:
        expected[code] = CurrencyRule(code, api_exponent=0, display_exponent=0)
    for code in THREE_DECIMAL:
        expected[code] = CurrencyRule(code, api_exponent=3, display_exponent=3, step=10)
    for code in WHOLE_UNITS_IN_HUNDREDTHS:
        expected[code] = CurrencyRule(code, api_exponent=2, display_exponent=0, step=100)
    for code, minimum in MINIMUMS.items():
        base = expected.get(code, CurrencyRule(code))
        expected[code] = CurrencyRule(
            code, base.api_exponent, base.display_exponent, base.step, minimum
        )
    assert cur._rules() == expected
    assert expected == cur.RULES


@pytest.mark.parametrize("text", ["us", "usdd", "u$d", "usd1", "ÚSD", "€€€"])
def test_a_currency_code_is_three_ascii_letters(text: str) -> None:
    with pytest.raises(ValueError, match="is not a three-letter currency code"):
        cur.normalize(text)


def test_codes_normalise_and_unknown_ones_get_stripes_default() -> None:
    assert cur.normalize(" EUR ") == "eur"
    assert cur.rule("xyz") == CurrencyRule("xyz")  # two decimals, no listed minimum


def test_decimals_shown_drop_only_zero_hundredths() -> None:
    assert cur.decimals_shown(500, "ugx") == 0  # 5 UGX
    assert cur.decimals_shown(550, "ugx") == 2  # 5.50 UGX (not chargeable, shown exactly)
    assert cur.decimals_shown(12500, "kwd") == 3
    assert cur.decimals_shown(3500, "usd") == 2
    assert cur.decimals_shown(3500, "jpy") == 0


# -- Money --------------------------------------------------------------------------------


def test_money_is_an_int_of_minor_units_and_says_so() -> None:
    for bad in (35.0, "3500", True):
        with pytest.raises(TypeError, match=r"^Money.amount must be an int of minor units$"):
            Money(bad, "usd")  # type: ignore[arg-type]


def test_money_comparisons_at_equality_and_across_currencies() -> None:
    a, b = Money(3500, "usd"), Money(3500, "usd")
    assert a <= b and a >= b and not a < b and not a > b
    assert Money(3499, "usd") <= b and not Money(3501, "usd") <= b
    assert Money(3501, "usd") >= b and not Money(3499, "usd") >= b
    for compare in (Money.__le__, Money.__ge__, Money.__lt__, Money.__add__):
        with pytest.raises(ValueError, match=r"^cannot combine usd with eur$"):
            compare(a, Money(3500, "eur"))


def test_is_positive_from_one_minor_unit() -> None:
    assert Money(1, "usd").is_positive()
    assert not Money(0, "usd").is_positive()
    assert not Money(-1, "usd").is_positive()


def test_format_signs_only_negative_amounts() -> None:
    assert Money(0, "usd").format() == "$0.00"
    assert Money(1, "usd").format() == "$0.01"
    assert Money(-1, "usd").format() == "-$0.01"
    assert Money(-1000, "sek").format() == "-SEK\u00a010.00"  # CLDR en


@pytest.mark.parametrize(
    ("text", "currency", "sentence"),
    [
        ("", "usd", "Enter an amount."),
        ("   ", "usd", "Enter an amount."),
        ("-5", "usd", "The amount must be more than zero."),
        ("1２", "usd", "Type the amount with the digits 0–9."),
        ("3.5.0", "usd", "Enter an amount as a number, like 35.00."),
        ("abc", "jpy", "Enter an amount as a number, like 3500."),
        ("abc", "kwd", "Enter an amount as a number, like 35.000."),
        ("1.234", "usd", "USD amounts have at most 2 decimal places."),
        ("1.5", "jpy", "JPY amounts are whole numbers, with no decimals."),
        ("1000000", "usd", "The largest amount you can enter is $999,999.99."),
        ("1.001", "kwd", "KWD amounts must end in 0 (Stripe's rule)."),
    ],
)
def test_parse_money_refusals_name_the_field_and_say_why(
    text: str, currency: str, sentence: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_money(text, currency, field="deposit")
    assert (refused.value.field, refused.value.message) == ("deposit", sentence)
    with pytest.raises(ValidationError) as default_field:
        parse_money(text, currency)
    assert default_field.value.field == "price"


@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [
        ("$35.00", "usd", 3500),
        ("35.00 USD", "usd", 3500),
        ("35 usd", "usd", 3500),
        ("USD 35", "usd", 3500),
        ("12.50 EUR", "eur", 1250),
        ("€12.50", "eur", 1250),
        ("5 UGX", "ugx", 500),
        ("1,000", "usd", 100000),
    ],
)
def test_parse_money_takes_symbols_and_codes_on_either_side(
    text: str, currency: str, amount: int
) -> None:
    assert parse_money(text, currency) == Money(amount, currency)


def test_parse_money_with_no_text_at_all() -> None:
    with pytest.raises(ValidationError, match=r"^Enter an amount\.$"):
        parse_money(None, "usd")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "currency", "sentence"),
    [
        (0, "usd", "The amount must be more than zero."),
        (-50, "usd", "The amount must be more than zero."),
        (1, "usd", "The smallest amount you can charge is $0.50."),
        (49, "usd", "The smallest amount you can charge is $0.50."),
        (1005, "kwd", "KWD amounts must end in 0 (Stripe's rule)."),
        (550, "ugx", "UGX amounts are whole numbers, with no decimals."),
        (100_000_000, "usd", "The largest amount you can charge is $999,999.99."),
    ],
)
def test_validate_chargeable_names_the_field(amount: int, currency: str, sentence: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_chargeable(Money(amount, currency), field="deposit")
    assert (refused.value.field, refused.value.message) == ("deposit", sentence)
    with pytest.raises(ValidationError) as default_field:
        validate_chargeable(Money(amount, currency))
    assert default_field.value.field == "price"


def test_the_smallest_and_largest_chargeable_amounts_pass() -> None:
    validate_chargeable(Money(50, "usd"))
    validate_chargeable(Money(99_999_999, "usd"))


# -- deposits and refunds -----------------------------------------------------------------


def test_a_deposit_may_be_the_whole_balance_but_not_more() -> None:
    due = Money(3500, "usd")
    check_deposit(Money(3500, "usd"), due)
    with pytest.raises(ValidationError) as refused:
        check_deposit(Money(3501, "usd"), due)
    assert refused.value.field == "deposit"
    assert refused.value.message == "The deposit can be at most the balance due, $35.00."
    with pytest.raises(ValidationError) as too_small:
        check_deposit(Money(10, "usd"), due)
    assert too_small.value.field == "deposit"


def test_check_refund_edges_fields_and_sentences() -> None:
    left = Money(1, "usd")  # one cent left is still refundable
    check_refund(Money(1, "usd"), left, "requested_by_customer")
    check_refund(Money(1, "usd"), left, None)
    cases: list[tuple[Money, Money, str | None, str, str]] = [
        (Money(1, "usd"), left, "because", "reason", "Unknown refund reason 'because'."),
        (Money(100, "eur"), Money(3500, "usd"), None, "amount", "Refunds must be in USD."),
        (Money(0, "usd"), left, None, "amount", "The refund must be more than zero."),
        (
            Money(2, "usd"),
            left,
            None,
            "amount",
            "You can refund at most $0.01 (what is left of the payment).",
        ),
    ]
    for amount, refundable, reason, field, sentence in cases:
        with pytest.raises(ValidationError) as refused:
            check_refund(amount, refundable, reason)
        assert (refused.value.field, refused.value.message) == (field, sentence)
    with pytest.raises(InvalidStateError, match=r"^There is nothing left to refund on this"):
        check_refund(Money(1, "usd"), Money(0, "usd"), None)


def _refund(status: RefundStatus, amount: int = 1000, **changes: object) -> Refund:
    refund = Refund(
        id="re_local_1",
        payment_id="pay_1",
        booking_id="bk_1",
        amount=amount,
        currency="eur",
        reason=None,
        status=status,
        idempotency_key="refund-re_local_1",
        created_at=NOW,
    )
    for name, value in changes.items():
        setattr(refund, name, value)
    return refund


def test_refundable_is_never_below_zero_and_zero_when_all_is_back() -> None:
    paid = card_payment(PaymentStatus.SUCCEEDED)  # 25.00
    assert refundable_amount(paid, [_refund(RefundStatus.SUCCEEDED, 2500)]).amount == 0
    assert refundable_amount(paid, [_refund(RefundStatus.SUCCEEDED, 2499)]).amount == 1
    assert refundable_amount(paid, [_refund(RefundStatus.FAILED, 2500)]).amount == 2500


def test_a_refund_marked_failed_keeps_stripes_words_only_while_creating() -> None:
    creating = _refund(RefundStatus.CREATING)
    creating.mark_failed("Your card was declined.")
    assert (creating.status, creating.failure_reason) == (
        RefundStatus.FAILED,
        "Your card was declined.",
    )
    pending = _refund(RefundStatus.PENDING)
    pending.mark_failed("late")
    assert (pending.status, pending.failure_reason) == (RefundStatus.PENDING, None)


def _info(status: str | None) -> RefundInfo:
    return RefundInfo(
        id="re_1",
        status=status,
        amount=1000,
        currency="eur",
        payment_intent_id="pi_1",
        failure_reason="expired_or_canceled_card" if status == "failed" else None,
    )


def test_a_refund_failing_after_success_records_the_money_back_once() -> None:
    later = NOW + timedelta(hours=2)
    refund = _refund(RefundStatus.SUCCEEDED, recorded_at=NOW, stripe_refund_id="re_1")
    assert refund.apply_stripe(_info("failed"), later)
    assert (refund.status, refund.reversed_at) == (RefundStatus.FAILED, later)
    assert refund.failure_reason == "expired_or_canceled_card"
    refund.apply_stripe(_info("failed"), later + timedelta(hours=1))
    assert refund.reversed_at == later  # once
    # Without a "now", the day it had been recorded stands in.
    quiet = _refund(RefundStatus.SUCCEEDED, recorded_at=NOW, stripe_refund_id="re_1")
    quiet.apply_stripe(_info("failed"))
    assert quiet.reversed_at == NOW


def test_a_refund_that_never_succeeded_fails_without_money_coming_back() -> None:
    refund = _refund(RefundStatus.PENDING, stripe_refund_id="re_1")
    refund.apply_stripe(_info("failed"), NOW)
    assert (refund.status, refund.reversed_at, refund.recorded_at) == (
        RefundStatus.FAILED,
        None,
        None,
    )
    # A succeeded one reverting to pending (a stale read) is no reversal either.
    done = _refund(RefundStatus.SUCCEEDED, recorded_at=NOW, stripe_refund_id="re_1")
    assert not done.apply_stripe(_info("pending"), NOW)
    assert (done.status, done.reversed_at) == (RefundStatus.SUCCEEDED, None)


def test_an_unknown_or_null_refund_status_is_no_news() -> None:
    for status in (None, "some_new_status"):
        refund = _refund(RefundStatus.PENDING, stripe_refund_id="re_1")
        refund.apply_stripe(_info(status), NOW)
        assert refund.status is RefundStatus.PENDING


# -- payments and Checkout Sessions -------------------------------------------------------


def test_a_session_of_another_payment_is_refused() -> None:
    payment = card_payment(PaymentStatus.OPEN)
    with pytest.raises(ValueError, match=r"^session does not belong to this payment$"):
        payment.apply_session(session("open", session_id="cs_other"), NOW)


def test_an_expired_or_paid_session_leaves_no_link_and_keeps_its_times() -> None:
    expired = card_payment(PaymentStatus.OPEN, checkout_url="https://pay.example/cs_1")
    assert expired.apply_session(session("expired"), NOW)
    assert (expired.status, expired.checkout_url) == (PaymentStatus.EXPIRED, None)
    paid = card_payment(PaymentStatus.OPEN, checkout_url="https://pay.example/cs_1")
    paid.apply_session(session("complete", "paid"), NOW)
    assert (paid.status, paid.checkout_url, paid.paid_at, paid.recorded_at) == (
        PaymentStatus.SUCCEEDED,
        None,
        NOW,
        NOW,
    )


def test_an_open_session_gives_the_link_and_its_expiry() -> None:
    creating = card_payment(PaymentStatus.CREATING, stripe_session_id=None, expires_at=None)
    assert creating.apply_session(session("open", expires_in=timedelta(minutes=40)), NOW)
    assert creating.status is PaymentStatus.OPEN
    assert creating.checkout_url == "https://pay.example/cs_1"
    assert creating.expires_at == NOW + timedelta(minutes=40)


def test_a_final_payment_never_takes_an_open_sessions_link() -> None:
    for status in (PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.EXPIRED):
        payment = card_payment(status)
        payment.apply_session(session("open", intent="requires_payment_method"), NOW)
        assert (payment.status, payment.checkout_url) == (status, None)


def test_a_processing_bank_payment_and_its_failure() -> None:
    waiting = card_payment(PaymentStatus.OPEN)
    waiting.apply_session(session("open", intent="processing"), NOW)
    assert waiting.status is PaymentStatus.PROCESSING
    done_unpaid = card_payment(PaymentStatus.OPEN)
    done_unpaid.apply_session(session("complete", intent="processing"), NOW)
    assert (done_unpaid.status, done_unpaid.recorded_at) == (PaymentStatus.PROCESSING, None)
    failed = card_payment(PaymentStatus.PROCESSING)
    failed.apply_session(session("complete", intent="requires_payment_method"), NOW)
    assert failed.status is PaymentStatus.FAILED and failed.failure_message
    assert failed.recorded_at is None


def test_a_payment_marked_failed_keeps_stripes_words_only_while_creating() -> None:
    creating = card_payment(PaymentStatus.CREATING)
    creating.mark_failed("Stripe could not open the link.")
    assert (creating.status, creating.failure_message) == (
        PaymentStatus.FAILED,
        "Stripe could not open the link.",
    )
    open_ = card_payment(PaymentStatus.OPEN)
    open_.mark_failed("late")
    assert (open_.status, open_.failure_message) == (PaymentStatus.OPEN, None)


def test_a_refused_move_changes_nothing() -> None:
    paid = card_payment(PaymentStatus.SUCCEEDED, recorded_at=NOW, stripe_payment_intent_id="pi_1")
    assert not paid.apply_session(session("expired"), NOW + timedelta(hours=1))
    assert (paid.status, paid.recorded_at) == (PaymentStatus.SUCCEEDED, NOW)


# -- booking status at one minor unit -----------------------------------------------------


@pytest.mark.parametrize(
    ("paid", "refunded", "status"),
    [
        (0, 0, BookingStatus.NEW),
        (1, 0, BookingStatus.DEPOSIT_PAID),
        (3500, 1, BookingStatus.PARTIALLY_REFUNDED),
        (3500, 3499, BookingStatus.PARTIALLY_REFUNDED),
        (3500, 3500, BookingStatus.REFUNDED),
        (3500, 0, BookingStatus.PAID),
    ],
)
def test_booking_status_turns_at_one_minor_unit(
    paid: int, refunded: int, status: BookingStatus
) -> None:
    got = derive_status(
        price=3500, paid=paid, refunded=refunded, cancelled=False, has_open_checkout=False
    )
    assert got is status


# -- reports: the JSON the command line prints, and the fees sentence ---------------------


def test_report_json_keys_are_the_documented_ones() -> None:
    totals = CurrencyTotals(
        "usd", gross=10000, refunds=2500, fees=300, count=3, refund_count=1, adjustments=2,
        adjustments_net=-500,
    )  # fmt: skip
    conversion = Conversion(started=5, paid=3, expired=1, failed=0, open=1)
    day = SalesReport(date(2026, 6, 10), date(2026, 6, 10), "UTC", {"usd": totals}, conversion)
    data = day.to_json()
    assert list(data) == ["date", "timezone", "currencies", "conversion"]
    assert (data["date"], data["timezone"]) == ("2026-06-10", "UTC")
    assert data["conversion"] == {"started": 5, "paid": 3, "expired": 1, "failed": 0, "open": 1}
    usd = data["currencies"]["usd"]
    assert usd == {
        "gross": 10000,
        "refunds": 2500,
        "net": 7500,
        "fees": 300,
        "net_after_fees": 7200,
        "fees_pending": 0,
        "fees_pending_amount": 0,
        "count": 3,
        "refund_count": 1,
        "average_order": 3333,
        "refund_rate": 0.25,
        "by_service": [],
        "by_staff": [],
        "by_method": [],
        "by_hour": [],
        "adjustments": 2,
        "adjustments_net": -500,
        # The orders' figures (issue 14, docs/orders.md 4.5): none in this report.
        "orders": 0,
        "tips": 0,
        "discounts": 0,
        "tax": 0,
        "by_product": [],
        "tax_by_rate": {},
        "tips_by_staff": {},
        "promo_codes": {},
    }
    week = SalesReport(date(2026, 6, 1), date(2026, 6, 7), "UTC").to_json()
    assert list(week) == ["from", "to", "timezone", "currencies", "conversion"]
    assert (week["from"], week["to"]) == ("2026-06-01", "2026-06-07")


def test_fees_pending_sentence_for_none_one_and_many() -> None:
    assert fees_pending_sentence(0, "") == ""
    assert fees_pending_sentence(-1, "") == ""
    assert fees_pending_sentence(1, "$35.00") == (
        "Stripe has not reported the fee of 1 card payment ($35.00) yet; fees and net after "
        "fees are shown once it has."
    )
    assert fees_pending_sentence(2, "$70.00").startswith(
        "Stripe has not reported the fee of 2 card payments ($70.00) yet;"
    )


# -- time zones: offsets and day starts ---------------------------------------------------


def test_offsets_are_whole_minutes_and_zero_in_utc() -> None:
    at = datetime(2026, 6, 10, 12, tzinfo=UTC)
    assert report_data.offset_minutes(at, UTC) == 0
    minutes = report_data.offset_minutes(at, ZoneInfo("Asia/Kathmandu"))
    assert minutes == 345 and isinstance(minutes, int)
    assert report_data.offset_minutes(at, ZoneInfo("Pacific/Pago_Pago")) == -660


def test_a_dst_change_is_found_to_the_second() -> None:
    tz = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 7, tzinfo=UTC)
    spans = report_data.offset_spans(tz, start, start + timedelta(days=3))
    assert spans == (
        report_data.OffsetSpan(start, -300),
        report_data.OffsetSpan(datetime(2026, 3, 8, 7, tzinfo=UTC), -240),
    )


def test_a_business_day_starts_at_local_midnight_given_in_utc() -> None:
    start = report_data.day_start(date(2026, 6, 10), ZoneInfo("Pacific/Kiritimati"))
    assert start == datetime(2026, 6, 9, 10, tzinfo=UTC) and start.tzinfo is UTC


# -- Stripe permissions and people --------------------------------------------------------


def test_an_unknown_permission_is_spelled_out_from_its_id() -> None:
    p = stripe_permissions.permission
    assert p("rak_tax_rate_read") == stripe_permissions.StripePermission(
        "rak_tax_rate_read", "tax rate", "Read"
    )
    assert p("rak_tax_rate_write").access == "Write"
    odd = p("rak_something_odd")  # neither read nor write: named whole, as Read
    assert (odd.id, odd.resource, odd.access) == ("rak_something_odd", "something odd", "Read")
    bare = p("rak_write")  # no resource before the level
    assert (bare.resource, bare.access) == ("write", "Read")
    assert p("rak_charge_read").resource == "Charges"  # a known one, from the table


def test_missing_permission_sentences_list_every_one() -> None:
    p = stripe_permissions.permission
    assert stripe_permissions.missing_sentence([]) == (
        "This key has every permission the app needs."
    )
    three = [p("rak_charge_read"), p("rak_event_read"), p("rak_refund_write")]
    assert stripe_permissions.missing_sentence(three) == (
        "This restricted key lacks Charges: Read, Events: Read and Refunds: Write. Add them "
        "to the key in Stripe Dashboard › Developers › API keys, then check the key again."
    )
    assert stripe_permissions.denied_sentence(None) == (
        "This restricted key lacks a permission this needs. Use Check key in Settings to see which."
    )
    assert stripe_permissions.denied_sentence("rak_event_read").startswith(
        "This restricted key lacks Events: Read. Add it"
    )


def test_an_actor_of_a_user_carries_its_id_name_and_role() -> None:
    user = User("usr_9", "Priya", Role.MANAGER, "hash", NOW)
    assert Actor.of(user) == Actor("usr_9", "Priya", Role.MANAGER)


def test_validation_errors_keep_their_field() -> None:
    err = ValidationError("deposit", "Too much.")
    assert (err.field, err.message, str(err)) == ("deposit", "Too much.", "Too much.")


# -- cash, charging a booking, charge details, customer search ----------------------------


def test_cash_is_refused_when_paid_up_or_not_positive_or_above_the_balance() -> None:
    due = Money(3500, "usd")
    check_cash(Money(1, "usd"), due)
    check_cash(Money(3500, "usd"), due)
    with pytest.raises(InvalidStateError, match=r"^This booking is already paid in full\.$"):
        check_cash(Money(100, "usd"), Money(0, "usd"))
    cases = [
        (Money(0, "usd"), "The amount must be more than zero."),
        (
            Money(3501, "usd"),
            "The balance due is $35.00. Record at most that and give change for the rest.",
        ),
    ]
    for amount, sentence in cases:
        with pytest.raises(ValidationError) as refused:
            check_cash(amount, due)
        assert (refused.value.field, refused.value.message) == ("amount", sentence)


def _booking(**changes: object) -> Booking:
    start = datetime(2030, 6, 1, 14, tzinfo=UTC)
    booking = Booking(
        id="bk_1",
        customer_name="Ada",
        service_id="svc_haircut",
        service_name="Haircut",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        price_amount=3500,
        currency="usd",
        created_at=start,
    )
    for name, value in changes.items():
        setattr(booking, name, value)
    return booking


def test_a_booking_is_chargeable_until_paid_cancelled_or_no_show() -> None:
    _booking().ensure_chargeable()
    _booking(paid_amount=3499).ensure_chargeable()  # one cent still due
    cases = [
        (_booking(cancelled=True), "This booking is cancelled, so it cannot be charged."),
        (
            _booking(no_show=True),
            "This booking is marked as a no-show, so it cannot be charged.",
        ),
        (_booking(paid_amount=3500), "This booking is already paid in full."),
    ]
    for booking, sentence in cases:
        with pytest.raises(InvalidStateError) as refused:
            booking.ensure_chargeable()
        assert str(refused.value) == sentence


def test_charge_details_take_stripes_time_fee_and_ids() -> None:
    paid = card_payment(PaymentStatus.SUCCEEDED, paid_at=NOW, stripe_payment_intent_id="pi_1")
    charged = NOW - timedelta(minutes=3)
    details = ChargeDetails("pi_1", "ch_1", "txn_1", fee=103, net=2397, charged_at=charged)
    assert paid.apply_charge_details(details)
    assert (paid.paid_at, paid.stripe_charge_id, paid.stripe_balance_transaction_id) == (
        charged,
        "ch_1",
        "txn_1",
    )
    assert (paid.fee_amount, paid.net_amount) == (103, 2397)
    assert not paid.apply_charge_details(details)  # the same again changes nothing
    # A later read without the fee or ids keeps what is known.
    assert not paid.apply_charge_details(ChargeDetails("pi_1", None, None, None, None))
    assert (paid.stripe_charge_id, paid.fee_amount) == ("ch_1", 103)
    # Only a succeeded payment takes the charge's time.
    waiting = card_payment(PaymentStatus.PROCESSING)
    waiting.apply_charge_details(details)
    assert waiting.paid_at is None and waiting.stripe_charge_id == "ch_1"


def test_a_customer_is_found_by_casefolded_name_email_and_phone_digits() -> None:
    assert customer_search_key("Zoë ÅNGSTRÖM", "Zoe@Example.COM", "+1 (555) 01-34") == (
        "zoë ångström zoe@example.com 15550134"
    )
    assert customer_search_key("Ada", None, None) == "ada"
    assert customer_search_key("Ada", "", "no digits") == "ada"


def test_cash_may_pay_a_last_cent() -> None:
    check_cash(Money(1, "usd"), Money(1, "usd"))


def test_a_refused_move_keeps_the_reason_a_payment_failed() -> None:
    """A replaced attempt (FAILED) read again as completed unpaid with a failed bank debit:
    FAILED cannot be entered again, so its own reason stays."""
    replaced = card_payment(PaymentStatus.FAILED, failure_message="Replaced by a new link.")
    replaced.apply_session(session("complete", intent="requires_payment_method"), NOW)
    assert (replaced.status, replaced.failure_message) == (
        PaymentStatus.FAILED,
        "Replaced by a new link.",
    )


@pytest.mark.parametrize("minutes", range(0, 12 * 60, 97))
def test_a_dst_change_is_found_to_the_second_from_any_window(minutes: int) -> None:
    tz = ZoneInfo("Europe/London")
    start = datetime(2026, 3, 28, tzinfo=UTC) + timedelta(minutes=minutes, seconds=minutes)
    spans = report_data.offset_spans(tz, start, start + timedelta(days=2))
    assert [s.minutes for s in spans] == [0, 60]
    assert spans[1].starts_at == datetime(2026, 3, 29, 1, tzinfo=UTC)


def test_errors_carry_what_the_screens_need() -> None:
    both = FormErrors({"name": "Enter a name.", "price": "Enter a price."})
    assert str(both) == "Enter a name. Enter a price."
    assert both.errors == {"name": "Enter a name.", "price": "Enter a price."}
    denied = GatewayPermissionError("No.", permission="rak_refund_write")
    assert (str(denied), denied.permission) == ("No.", "rak_refund_write")
    declined = CardDeclined("Your card was declined.", code="card_declined", decline_code="x")
    assert (str(declined), declined.code, declined.decline_code) == (
        "Your card was declined.",
        "card_declined",
        "x",
    )
    taken = SlotTakenError("Priya is already booked.", holder_id="bk_7")
    assert (str(taken), taken.holder_id) == ("Priya is already booked.", "bk_7")


@pytest.mark.parametrize(
    ("minutes", "ok"), [(1, False), (2, True), (15, True), (30, True), (31, False)]
)
def test_hold_minutes_take_both_ends_of_the_range(minutes: int, ok: bool) -> None:
    from pos_app.domain.payment import HOLD_MINUTES_MAX, HOLD_MINUTES_MIN, hold_minutes_ok

    assert (HOLD_MINUTES_MIN, HOLD_MINUTES_MAX) == (2, 30)
    assert hold_minutes_ok(minutes) is ok
