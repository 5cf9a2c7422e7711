"""The database-made CSV export is byte for byte the export Python wrote row by row
(csv_reference.py), on a shop full of awkward values: formulas, quotes, commas, line
breaks, tabs, control and bidi characters, non-ASCII and full-width text, zero- and
three-decimal currencies, UGX whole and not, unknown fees, refunds and a refund that failed
after it succeeded, an adjustment, microseconds just below a second, and both DST changes."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_app.domain.booking import Booking
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus, Refund, RefundStatus
from pos_app.domain.people import Resource, Role, User
from pos_app.domain.report_data import ReportWindow
from pos_app.store.report_queries import SqlReportQueries
from tests.integration.csv_reference import write_reference
from tests.integration.report_fixtures import Shop

FIRST, LAST = date(2026, 3, 7), date(2026, 11, 2)  # both of New York's DST changes in 2026
NAMES = [
    'Zoë, "the" stylist', "=cmd|' /C calc'!A0", "Tab\tName", "\u202eevil.exe", "＝１＋１",
    "Line\nBreak", "CR\rOnly", "CRLF\r\nboth", ",comma first", "-2+3", "@SUM(A1)", "+1 555",
    "Zoë Ångström 王", "esc\x1b[31mred", "bell\x07", "del\x7f", " lead space", "",
    "\\.", "emoji 😀", "zwj a\u200db", "nbsp\u00a0x", "line sep\u2028x", "tag\U000e0041",
    "－minus", "\t=tabbed", "'already quoted", '"', "a,b", "trailing space ",
]  # fmt: skip


def _odd_rows(shop: Shop) -> None:
    """One booking, payment and refund whose ids, names and reason are all odd."""
    at = shop.local(2026, 6, 10, 9)
    with shop.uow(write=True) as w:
        w.resources.add(Resource("res_odd", '=HYPER,"LINK"\n'))
        w.session.flush()  # type: ignore[attr-defined]
        w.users.add(User("usr_odd", "+O'Brien,\tPat", Role.STAFF, "x", at))
        w.bookings.add(
            Booking(
                id='=bk,"1"\n',
                customer_name="@cust\r\nomer",
                service_id="svc_cut",
                service_name="-Haircut, long",
                starts_at=at + timedelta(days=30),
                ends_at=at + timedelta(days=30, minutes=30),
                price_amount=3500,
                currency="usd",
                created_at=at - timedelta(days=1),
                resource_id="res_odd",
            )
        )
        w.session.flush()  # type: ignore[attr-defined]
        w.payments.add(
            Payment(
                id='+pay,"odd"',
                booking_id='=bk,"1"\n',
                method=PaymentMethod.CARD,
                status=PaymentStatus.SUCCEEDED,
                amount=3500,
                currency="usd",
                idempotency_key="key_odd_pay",
                created_at=at - timedelta(minutes=2),
                stripe_session_id="\tcs_odd",
                stripe_payment_intent_id="pi,odd",
                stripe_charge_id='ch"odd',
                stripe_balance_transaction_id="＠txn",
                paid_at=at,
                fee_amount=132,
                net_amount=3368,
                recorded_at=at,
                created_by="usr_odd",
            )
        )
        w.session.flush()  # type: ignore[attr-defined]
        w.refunds.add(
            Refund(
                id="-ref\u202eodd",
                payment_id='+pay,"odd"',
                booking_id='=bk,"1"\n',
                amount=1000,
                currency="usd",
                reason="=reason,\n2",
                status=RefundStatus.SUCCEEDED,
                idempotency_key="key_odd_ref",
                created_at=at + timedelta(minutes=5),
                stripe_refund_id="re\x1bodd",
                stripe_balance_transaction_id=None,
                fee_amount=None,
                net_amount=None,
                recorded_at=at + timedelta(minutes=5),
                created_by="usr_odd",
            )
        )
        w.commit()
    # Printable ASCII ids that start formulas or need quotes (no other cell is odd).
    b = shop.booking("svc_cut", customer="Plain Name")
    shop.cash(shop.booking("svc_cut", customer=""), 100, at + timedelta(minutes=2))
    with shop.uow(write=True) as w:
        w.payments.add(
            Payment(
                id="@pay2",
                booking_id=b,
                method=PaymentMethod.CARD,
                status=PaymentStatus.SUCCEEDED,
                amount=2000,
                currency="usd",
                idempotency_key="key_odd_pay2",
                created_at=at,
                stripe_session_id="cs,2",
                stripe_payment_intent_id='pi"2"',
                stripe_charge_id="+ch2",
                stripe_balance_transaction_id="=txn2",
                paid_at=at + timedelta(minutes=1),
                fee_amount=None,
                net_amount=None,
                recorded_at=at + timedelta(minutes=1),
            )
        )
        w.commit()
    # Odd order ids (one needing quotes and a guard, one only a guard) and promo code: the
    # two payments above move onto a copy of their booking's order under such an id, which
    # they completed (its tip and promo code then on their rows).
    for pay, order_id, promo in (('+pay,"odd"', '=ord,"1"\n', '=PROMO,"x"'),
                                 ("@pay2", "+ord2", "-SAVE")):  # fmt: skip
        _move_to_odd_order(shop, pay, order_id, promo)


def _move_to_odd_order(shop: Shop, pay: str, order_id: str, promo: str) -> None:
    values = {"pay": pay, "id": order_id, "promo": promo, "n": 990_000 + len(order_id)}
    with shop.uow(write=True) as w:
        run = w.session.execute  # type: ignore[attr-defined]
        run(
            text(
                "INSERT INTO orders (id, number, customer_name, currency, status, "
                "prices_include_tax, tip_base, subtotal, discount, tax, tip, total, created_at, "
                "created_by_name, paid_amount, refunded_amount, stock_taken, promo_use_taken, "
                "promo_code, paid_payment_id) SELECT :id, :n, o.customer_name, o.currency, "
                "o.status, o.prices_include_tax, o.tip_base, o.subtotal, 0, 0, 150, "
                "o.subtotal + 150, o.created_at, o.created_by_name, 0, 0, o.stock_taken, "
                "o.promo_use_taken, :promo, p.id FROM orders o JOIN payments p "
                "ON p.order_id = o.id WHERE p.id = :pay"
            ),
            values,
        )
        run(text("UPDATE payments SET order_id = :id WHERE id = :pay"), values)
        run(text("UPDATE refunds SET order_id = :id WHERE payment_id = :pay"), values)
        w.commit()


@pytest.fixture
def shop(tmp_path: Path, database_url: str | None) -> Shop:
    shop = Shop(tmp_path, database_url)
    at = shop.local
    with shop.uow(write=True) as w:
        for n, name in enumerate(NAMES):
            w.resources.add(Resource(f"res_{n}", name or "x"))
        w.session.flush()  # type: ignore[attr-defined]
        for n, name in enumerate(NAMES):
            w.users.add(User(f"usr_{n}", name, Role.STAFF, "x", at(2026, 1, 1, 9)))
        w.commit()
    sec = timedelta(seconds=1)
    moments = [
        at(2026, 3, 8, 1, 59) + 59 * sec + timedelta(microseconds=999_999),  # before the jump
        at(2026, 3, 8, 3, 0),  # the hour after it
        at(2026, 11, 1, 1, 30) + timedelta(microseconds=999_999),
        at(2026, 11, 1, 1, 30, fold=1) + timedelta(microseconds=500_000),
        at(2026, 6, 10, 23, 59) + 59 * sec + timedelta(microseconds=999_999),  # next day in UTC
        at(2026, 3, 7, 0, 0),
        at(2026, 11, 2, 23, 59),
    ]
    currencies = [("usd", 3505), ("eur", 3000), ("jpy", 500), ("kwd", 12_340), ("ugx", 500),
                  ("ugx", 550), ("usd", 5), ("isk", 12_300)]  # fmt: skip
    for n, name in enumerate(NAMES):
        b = shop.booking("svc_cut", customer=name, resource_id=f"res_{n}")
        when = moments[n % len(moments)] + timedelta(days=n // len(moments))
        currency, amount = currencies[n % len(currencies)]
        if n % 3 == 0:
            shop.cash(b, amount, when, currency=currency)
        else:
            fee = None if n % 3 == 1 else amount // 10
            pay = shop.card(b, amount, when, fee=fee, currency=currency, created_by=f"usr_{n}")
            shop.refund(pay, amount // 2 or 1, when + timedelta(hours=20), fee=0,
                        currency=currency, created_by=f"usr_{n}")  # fmt: skip
    # A refund that failed after it succeeded: a second row, money back.
    b = shop.booking("svc_colour", customer="Reversed")
    pay = shop.card(b, 9000, at(2026, 7, 1, 12), fee=291)
    ref = shop.refund(pay, 9000, at(2026, 7, 1, 13), fee=0)
    with shop.uow(write=True) as w:
        refund = w.refunds.get(ref)
        assert refund is not None
        refund.status = RefundStatus.FAILED
        refund.reversed_at = at(2026, 7, 2, 9)
        w.commit()
    # An adjustment: money recorded after its day was closed.
    shop.close(date(2026, 7, 3), at(2026, 7, 3, 22))
    late = shop.booking("svc_cut", customer='Late, "card"')
    shop.card(late, 3500, at(2026, 7, 3, 21, 58), fee=132, recorded_at=at(2026, 7, 4, 0, 5))
    _odd_rows(shop)
    return shop


def _reference(shop: Shop, first: date, last: date) -> tuple[str, int]:
    out = io.StringIO(newline="")
    with shop.uow() as r:
        assert isinstance(r.reports, SqlReportQueries)
        n = write_reference(r.reports, ReportWindow(first, last, shop.tz), out)
    return out.getvalue(), n


def test_the_file_is_byte_for_byte_the_row_by_row_export(shop: Shop, tmp_path: Path) -> None:
    expected, n = _reference(shop, FIRST, LAST)
    assert n > len(NAMES)  # payments, refunds, the reversal, the odd rows
    assert "'＝" in expected and "\ufffd" in expected and '"Line\nBreak"' in expected
    assert ",,Haircut,,cash," in expected and ",,Plain Name," not in expected
    assert "'=txn2" in expected and ',"cs,2",' in expected
    assert ',"\'=ord,""1""\n",0,0,150,"\'=PROMO,""x"""\r\n' in expected
    assert ",'+ord2,0,0,150,'-SAVE\r\n" in expected
    got = io.StringIO(newline="")
    assert shop.export.write(FIRST, LAST, got) == n
    assert got.getvalue() == expected
    out = tmp_path / "sales.csv"
    shop.export.export(FIRST, LAST, out)
    assert out.read_bytes() == b"\xef\xbb\xbf" + expected.encode()


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2026, 3, 8), date(2026, 3, 8)), (date(2026, 11, 1), date(2026, 11, 1)),
     (date(2026, 7, 3), date(2026, 7, 4)), (date(2026, 6, 10), date(2026, 6, 11))],
)  # fmt: skip
def test_each_day_alone_too(shop: Shop, first: date, last: date) -> None:
    expected, n = _reference(shop, first, last)
    got = io.StringIO(newline="")
    assert shop.export.write(first, last, got) == n > 0
    assert got.getvalue() == expected


def test_a_server_writing_other_dates_changes_nothing(shop: Shop) -> None:
    """PostgreSQL writes the dates and times as its own text, which its DateStyle changes
    ('SQL, DMY': 10/06/2026): the export sets ISO for its own transaction."""
    if shop.engine.dialect.name != "postgresql":
        pytest.skip("DateStyle is PostgreSQL's")
    expected, n = _reference(shop, FIRST, LAST)
    with shop.engine.begin() as c:
        name = c.exec_driver_sql("SELECT current_database()").scalar()
        c.exec_driver_sql(f"ALTER DATABASE \"{name}\" SET datestyle = 'SQL, DMY'")
    shop.engine.dispose()  # new connections start with it
    with shop.engine.connect() as c:
        assert c.exec_driver_sql("SHOW datestyle").scalar() == "SQL, DMY"
    got = io.StringIO(newline="")
    assert shop.export.write(FIRST, LAST, got) == n
    assert got.getvalue() == expected
