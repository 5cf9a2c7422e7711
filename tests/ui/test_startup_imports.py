"""The window paints before the dialogs are loaded: importing the GUI's entry point and the
main window leaves every dialog (and the services only they use) unloaded until it opens.

Checked in a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

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
]


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


@pytest.mark.parametrize("entry", ["pos_app.ui.shell.main_window", "pos_app.ui.shell.gui"])
def test_starting_the_window_loads_no_dialog(entry: str) -> None:
    loaded = _loaded_after(entry)
    assert entry in loaded
    assert [name for name in DEFERRED if name in loaded] == []
