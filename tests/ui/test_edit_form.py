"""manage/edit_form.EditForm, the form the catalogue and customers windows share: labelled
fields with their sentences underneath, a general sentence, a status line, a primary save
button disabled while saving."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pos_app.domain.errors import FormErrors
from pos_app.ui.manage.edit_form import EditForm


def test_fields_show_their_sentences_and_the_save_waits(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    name, email = QLineEdit(), QLineEdit()
    save, close = QPushButton("Save"), QPushButton("Close")
    form = EditForm(owner, [("name", "&Name", name), ("email", "&Email", email)], save)
    owner.setLayout(form.layout)
    form.layout.addRow(form.general_error)
    form.layout.addRow(form.button_row(close))
    owner.show()

    assert [form.labels[f].text() for f in ("name", "email")] == ["&Name", "&Email"]
    assert form.labels["email"].buddy() is email
    assert form.layout.rowCount() == 4 and save.property("role") == "primary"
    row = form.button_row(close)
    assert [row.itemAt(i).widget() for i in range(row.count())] == [
        form.status_label,
        close,
        save,
    ]

    first = form.feedback.show_error(
        FormErrors({"email": "Enter an email like a@b.com.", "x": "?"})
    )
    assert first == "email" and form.feedback.text("email") == "Enter an email like a@b.com."
    assert form.feedback.text("name") == "" and form.general_error.text() == "?"
    form.busy.begin()
    assert not save.isEnabled() and form.status_label.text() == "Saving…"
    form.busy.end()
    assert save.isEnabled() and form.status_label.text() == ""
