"""The catalogue's Save button: primary, and never clipped whichever text it shows."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pos_app.ui.kit import theme
from pos_app.ui.kit.widest_button import WidestTextButton
from pos_app.ui.manage.catalog_editor import CatalogEditor
from pos_app.ui.shell.main_window import MainWindow


def text_fits(button: QPushButton, text: str) -> bool:
    """Whether ``button`` is as wide as a button of its look showing ``text`` wants to be."""
    probe = QPushButton(text)
    probe.setObjectName(button.objectName())
    probe.setProperty("role", button.property("role"))
    probe.setFont(button.font())
    probe.ensurePolished()
    return probe.sizeHint().width() <= button.width()


def test_the_save_button_is_primary_and_fits_both_its_texts(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.catalog_action.trigger()
    qtbot.waitUntil(lambda: window.catalog_window is not None)
    editor = window.catalog_window
    assert isinstance(editor, CatalogEditor)
    qtbot.waitUntil(lambda: len(editor.service_names()) == 5)
    assert editor.save_button.property("role") == "primary" and editor.save_button.isDefault()
    editor.new_service()
    QApplication.processEvents()
    assert editor.save_button.text() == "Add service"
    width = editor.save_button.width()
    assert text_fits(editor.save_button, "Save changes")  # room for the longer text already
    editor.edit_service("svc_haircut")
    qtbot.waitUntil(lambda: editor.save_button.text() == "Save changes")
    # Checked before the layout has had a chance to run again: nothing to catch up on.
    assert editor.save_button.width() == width and text_fits(editor.save_button, "Save changes")
    editor.reject()


def test_a_widest_text_button_keeps_its_width_beside_a_stretching_neighbour(
    qtbot: QtBot,
) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    row = QHBoxLayout(holder)
    row.addWidget(QLabel(""), 1)
    button = WidestTextButton(("Add", "Save all the changes now"))
    theme.make_primary(button)
    row.addWidget(button)
    holder.resize(600, 60)
    holder.show()
    qtbot.waitExposed(holder)
    assert button.text() == "Add" and text_fits(button, "Save all the changes now")
