"""Integration tests in time zones far from UTC, not only in UTC.

Most integration tests ran in UTC only, where a local date and a UTC date are the same day
and a time without its zone still looks right. A share of them (``FAR_ZONE_MODULES``, and
any test marked ``far_zones``) runs a second time with the business zone *and* the
process's ``TZ`` at UTC+14 (Pacific/Kiritimati) or UTC−11 (Pacific/Pago_Pago), each test
in one of the two (chosen by its id, so the same every run): there, local "today" and UTC
"today" differ for most of the day, so a date taken from the wrong clock shows.

``POS_TEST_FAR_ZONES=all`` runs every integration test in both far zones (a sweep for new
code; slower). Some modules are UTC by construction (their expected wall times and totals
are computed by hand in UTC: test_day_close, test_bookings_schedule); see docs/testing.md.
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Iterator

import pytest

from pos_app import i18n

#: UTC first (the zone every test ran in), then the two farthest inhabited offsets.
ZONES = ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago")
#: The modules whose tests also run far from UTC: holds, cash and deposits, receipts,
#: reports, reconciliation by day and the sync passes, where dates are taken from clocks.
FAR_ZONE_MODULES = frozenset(
    {
        "test_deposits_cash_fees",
        "test_holds",
        "test_receipts",
        "test_reconciliation",
        "test_reports",
        "test_sync_recovery",
    }
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "far_zones: also run in Pacific/Kiritimati (+14) and Pacific/Pago_Pago (-11)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "business_zone" not in metafunc.fixturenames:
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        if "business_zone" in str(mark.args[0] if mark.args else mark.kwargs.get("argnames")):
            return  # the test chose its zones itself (test_far_zones.py)
    if os.environ.get("POS_TEST_FAR_ZONES") == "all":
        zones: tuple[str, ...] = ZONES
    elif (
        metafunc.module.__name__.rsplit(".", 1)[-1] in FAR_ZONE_MODULES
        or metafunc.definition.get_closest_marker("far_zones") is not None
    ):
        # UTC and one far zone per test, alternating by the test's id: both far zones are
        # covered across the module at twice (not three times) the cost.
        far = ZONES[1 + zlib.crc32(metafunc.definition.nodeid.encode()) % 2]
        zones = ("UTC", far)
    else:
        return
    metafunc.parametrize("business_zone", zones, indirect=True, ids=_zone_id)


def _zone_id(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].lower()


@pytest.fixture(autouse=True)
def business_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The business's zone for this test (UTC unless parametrised), also set as the
    process's ``TZ`` so local-clock code (``date.today()``, naive ``now()``) sees it."""
    zone: str = getattr(request, "param", "UTC")
    if zone == "UTC":
        yield zone
        return
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield zone
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture
def app_env(app_env: dict[str, str], business_zone: str) -> dict[str, str]:
    """The shared test environment, in this test's business zone."""
    return {**app_env, "POS_TIMEZONE": business_zone}


@pytest.fixture
def english() -> Iterator[None]:
    """Written in English (the audit log's stored ``detail``), whatever the machine's
    language; the language before is set again after."""
    language = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(language)
