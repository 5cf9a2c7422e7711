"""kit/tables.RowsModel: one table model over a list of rows, its columns described once
(header, text, alignment, tooltip, sort key, other roles); the audit, reconciliation,
dashboard and catalogue tables are built on it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import Service
from pos_app.services.catalog import ServiceForm
from pos_app.ui.kit.tables import RIGHT, STATUS_ROLE, Column, RowsModel
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.manage.catalog_editor import CatalogEditor
from pos_app.ui.people.audit_view import AuditTableModel
from pos_app.ui.reports.dashboard.widgets import BreakdownModel
from pos_app.ui.reports.reconcile.reconciliation_view import MismatchModel

DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
TIP = Qt.ItemDataRole.ToolTipRole


@dataclass(frozen=True)
class Sale:
    who: str
    cents: int


COLUMNS: list[Column[Sale]] = [
    Column("Who", lambda s: s.who, tooltip=lambda s: f"Sold by {s.who}"),
    Column(
        "Amount",
        lambda s: f"${s.cents / 100:.2f}",
        align=RIGHT,
        sort_key=lambda s: s.cents,
        roles={STATUS_ROLE: lambda s: "paid"},
    ),
]


def _model() -> RowsModel[Sale]:
    model = RowsModel(COLUMNS)
    model.set_rows([Sale("Bo", 900), Sale("Al", 10_000), Sale("Cy", 2500)])
    return model


def test_rows_read_through_their_columns(qapp: object) -> None:
    model = _model()
    assert (model.rowCount(), model.columnCount()) == (3, 2)
    assert [model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in (0, 1)] == [
        "Who",
        "Amount",
    ]
    assert model.headerData(1, Qt.Orientation.Horizontal, ALIGN) == RIGHT
    assert model.headerData(0, Qt.Orientation.Horizontal, ALIGN) is None
    assert model.headerData(0, Qt.Orientation.Vertical, DISPLAY) is None
    assert model.index(1, 1).data() == "$100.00"
    assert model.index(1, 1).data(ALIGN) == RIGHT
    assert model.index(1, 0).data(TIP) == "Sold by Al"
    assert model.index(1, 1).data(TIP) is None
    assert model.index(0, 1).data(STATUS_ROLE) == "paid"
    assert model.index(0, 0).data(STATUS_ROLE) is None
    assert model.texts() == [("Bo", "$9.00"), ("Al", "$100.00"), ("Cy", "$25.00")]
    assert model.row_at(2) == Sale("Cy", 2500)


def test_sorting_uses_the_sort_key_and_the_selection_follows_its_row(qapp: object) -> None:
    model = _model()
    held = QPersistentModelIndex(model.index(0, 0))  # "Bo", as a view's selection holds it
    model.sort(1, Qt.SortOrder.DescendingOrder)  # by cents, not by the text "$9.00"
    assert [s.who for s in model.rows()] == ["Al", "Cy", "Bo"]
    assert held.row() == 2 and held.data() == "Bo"
    model.sort(0)  # no key: by the text
    assert [s.who for s in model.rows()] == ["Al", "Bo", "Cy"]
    assert held.row() == 1


class FakeCatalog:
    """Only what the catalogue editor calls."""

    def list_services(self, include_inactive: bool = False) -> list[Service]:
        return [
            Service("svc_cut", "Haircut", 30, 3500, "usd"),
            Service("svc_beard", "Beard trim", 15, 1500, "usd", active=False),
        ]

    def save_service(self, form: ServiceForm) -> Service:
        raise AssertionError("not saved in this test")


def test_the_app_tables_are_rows_models(qtbot: QtBot, runner: TaskRunner) -> None:
    assert issubclass(AuditTableModel, RowsModel)
    assert issubclass(MismatchModel, RowsModel)
    assert issubclass(BreakdownModel, RowsModel)
    editor = CatalogEditor(FakeCatalog(), runner, manager=True)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.model.rowCount() == 2)
    assert editor.table.model() is editor.model and isinstance(editor.model, RowsModel)
    assert editor.model.texts() == [
        ("Haircut", "30 min", "$35.00", "Yes"),
        ("Beard trim", "15 min", "$15.00", "No"),
    ]
    # A service hidden from booking is greyed; the first one is loaded into the form.
    assert editor.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert editor.model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert editor.model.index(0, 2).data(ALIGN) == RIGHT
    assert editor.name_edit.text() == "Haircut"
    editor.edit_service("svc_beard")
    assert editor.form_title.text() == "Edit Beard trim"
