"""The window paints before the dialogs are loaded: importing the GUI's entry point and the
main window leaves every dialog (and the services only they use) unloaded until it opens.

Checked in a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Loaded only when their window is opened (the openers import them inside the function).
DEFERRED = [
    "pos_app.ui.manage.settings_dialog",
    "pos_app.ui.manage.backup_panel",
    "pos_app.ui.manage.catalog_editor",
    "pos_app.ui.manage.customers_view",
    "pos_app.ui.day.booking_dialog",
    "pos_app.ui.payments.charge_view",
    "pos_app.ui.payments.cash_dialog",
    "pos_app.ui.payments.deposit_dialog",
    "pos_app.ui.payments.refund_dialog",
    "pos_app.ui.reports.receipt_view",
    "pos_app.ui.reports.day_close.day_close_view",
    "pos_app.ui.reports.reconcile.reconciliation_view",
    "pos_app.ui.reports.dashboard.dashboard_view",
    "pos_app.services.doctor",
    "pos_app.services.reconciliation",
    "pos_app.printing.receipt",
    "pos_app.services.bookings",  # and the money services it brings: after the first paint
    "http.client",
    # The payment model and the booking actions' rules load with the day, after the first
    # frame (the command line and the settings read only domain.payment_terms).
    "pos_app.domain.payment",
    "pos_app.ui.day.detail_presenter",
    # Walk-in orders and their pricing: loaded by the services that open the database,
    # after the first paint (the openers name OrderStatus only as a type).
    "pos_app.domain.orders",
    "pos_app.domain.pricing",
    # The notifier (chimes, tray) is built with the day, once the first screen shows.
    "pos_app.ui.shell.notifier",
    "pos_app.ui.kit.dark_style",  # the dark scheme's style, loaded only in that scheme
    # Babel (dates, amounts, percentages in the UI language: none on the first frame) and the
    # PIN hasher load after it; so do the command line's grammar and its commands' modules.
    "babel",
    "pos_app.domain.locale_format",
    "argon2",
    "pos_app.cli.parser",
    "pos_app.cli.people",
    # The booking model with Money and Percent: the theme's status chips and the booking rules
    # name only BookingStatus (domain/booking_status.py) before the first frame.
    "pos_app.domain.booking",
    "pos_app.domain.money",
]


# Built after the first paint, with the day, yet loaded only when first used.
NOT_WITH_THE_WINDOW = [
    "qrcode",  # the customer display's QR: drawn when a charge begins
]


def test_the_built_window_loads_no_qr_code_library() -> None:
    code = (
        "import json, os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from pos_app.ui.kit.tasks import TaskRunner\n"
        "from pos_app.ui.shell.gui import ensure_application\n"
        "from pos_app.ui.shell.main_window import MainWindow\n"
        "app = ensure_application()\n"
        "window = MainWindow(TaskRunner())  # built in full: the day, sign-in, customer display\n"
        "assert window.customer_display.qr is not None\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "pos_app.ui.payments.customer_display" in loaded
    assert [name for name in NOT_WITH_THE_WINDOW if name in loaded] == []


def _loaded_after(module: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "entry", ["pos_app.ui.shell.main_window", "pos_app.ui.shell.gui", "pos_app.cli"]
)
def test_starting_the_window_loads_no_dialog(entry: str) -> None:
    loaded = _loaded_after(entry)
    assert entry in loaded
    assert [name for name in DEFERRED if name in loaded] == []


# What the app's start (the worker's ``open_app``, before the first day shows) leaves
# unloaded: Alembic when the schema is current, the Stripe SDK and httpx until the first
# Stripe call (the first sync pass, right after); on SQLite, PostgreSQL's dialect; keyring
# until a secret is read (sandbox mode reads none).
NOT_AT_OPEN = [
    "alembic",
    "stripe",
    "httpx",
    "pos_app.gateway.stripe_gateway",
    "sqlalchemy.dialects.postgresql",
    "keyring",
    # The use cases the first screen does not need load with their first use (app_services).
    "pos_app.services.doctor",
    "pos_app.services.reconciliation",
    "pos_app.services.receipts",
    "pos_app.services.export_csv",
    "pos_app.services.day_close",
    "pos_app.services.webhook_intake",
]


def test_opening_an_up_to_date_app_loads_neither_alembic_nor_the_stripe_sdk(
    tmp_path: Path,
) -> None:
    env = f"{{'POS_DATA_DIR': {str(tmp_path)!r}, 'POS_TIMEZONE': 'UTC'}}"
    create = (
        "import json, sys\n"
        "from pos_app.app import open_app\n"
        "from pos_app.config import load_config\n"
        f"open_app(load_config({env}), sandbox='none').close()\n"
        "print(json.dumps('alembic' in sys.modules))\n"
    )
    reopen = (
        "import json, sys\n"
        "from pos_app.app import open_app\n"
        "from pos_app.config import load_config\n"
        f"ctx = open_app(load_config({env}), sandbox='none')\n"
        "at_open = sorted(sys.modules)\n"
        "ctx.bookings.day_sheet(ctx.bookings.today())\n"
        "mode = ctx.deps.gateway.mode\n"
        "after_day = sorted(sys.modules)\n"
        "ctx.deps.gateway.server_clock_offset()  # the first use makes the gateway\n"
        "made = 'pos_app.gateway.stripe_gateway' in sys.modules\n"
        "ctx.close()\n"
        "print(json.dumps([at_open, after_day, mode, made]))\n"
    )
    created = _run(create)
    assert created is True  # a new database: Alembic created its schema
    at_open, after_day, mode, made = _run(reopen)
    for loaded in (at_open, after_day):
        assert [name for name in NOT_AT_OPEN if name in loaded] == []
    assert mode == "sandbox"
    assert made


def _run(code: str) -> Any:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# What the sign-in page needs before the app is open (its page, desk access, and the early
# read of the accounts) leaves unloaded: the open loads these on its worker afterwards.
NOT_BEFORE_THE_OPEN = [
    "sqlalchemy",
    "alembic",
    "pos_app.store.schema",
    "pos_app.store.repositories",
    "pos_app.app",
    # The domain's ports and the models they name (orders, pricing, payments, reports): the
    # services the page uses (people, sign-in, audit words) name them only as types.
    "pos_app.domain.ports",
    "pos_app.domain.orders",
    "pos_app.domain.pricing",
    "pos_app.domain.payment",
    # Dates and amounts (babel) and the PIN hasher: the page shows none, and checks PINs later.
    "babel",
    "argon2",
]


@pytest.mark.sqlite_only
def test_the_sign_in_page_before_the_open_loads_no_sqlalchemy(app_env: dict[str, str]) -> None:
    code = (
        "import json, os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from pos_app.config import load_config\n"
        "from pos_app.ui.shell.gui import ensure_application\n"
        "from pos_app.ui.people.desk_access import DeskAccess\n"
        "from pos_app.ui.reports.day_close.closing_actions import ClosingActions\n"
        "from pos_app.app_early import early_people\n"
        f"people = early_people(load_config({app_env!r}), lambda: None)\n"
        "assert people is not None and people.roster() == (False, [])\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = set(_run(code))
    assert "pos_app.store.staff_preview" in loaded
    assert [name for name in NOT_BEFORE_THE_OPEN if name in loaded] == []
