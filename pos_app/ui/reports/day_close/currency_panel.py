"""One currency of the Z report on screen: the card and cash figures, the opening float and
the cash counted (typed while the day is open), and the drawer's difference in words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.money import Money
from pos_app.domain.reports import DayClose
from pos_app.i18n import _
from pos_app.reports.render.z_report import ZLine, card_lines, cash_lines, order_lines
from pos_app.services.day_close import ZTotals, counted_field, float_field
from pos_app.ui.kit import theme
from pos_app.ui.kit.forms import ErrorLabel
from pos_app.ui.reports.day_close.day_close_presenter import (
    DrawerState,
    adjustment_note,
    closed_drawer_state,
    drawer_state,
)

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
FIELD_WIDTH = 150
ORDER_ROWS = 5  # products shown on the screen's panel; paper and PDF list them all


class CurrencyPanel(QFrame):
    """The Z report of one currency: cards, fees, float, cash expected, counted, difference."""

    edited = Signal()

    def __init__(
        self,
        totals: ZTotals,
        close: DayClose | None,
        parent: QWidget | None = None,
        *,
        columns: int = 1,
    ) -> None:
        """``columns=2`` puts the drawer (float, count, difference) beside the figures, so
        a day of one currency is half as tall."""
        super().__init__(parent)
        self.totals = totals
        self.record = close  # the day's close in this currency, once closed
        self.setObjectName("zPanel")
        theme.set_role(self, "card")
        box = QVBoxLayout(self)
        box.setContentsMargins(18, 14, 18, 16)
        box.setSpacing(4)
        t = totals
        code = t.currency.upper()
        head = QLabel(code)
        head.setFont(theme.font(self, scale=1.25, bold=True))
        box.addWidget(head)
        sections = QHBoxLayout()
        sections.setSpacing(40)
        box.addLayout(sections, 1)
        grid = self._section(sections)
        for line in (*card_lines(t), *cash_lines(t), *order_lines(t, most=ORDER_ROWS)):
            self._line(line)
        if columns > 1:
            grid.setRowStretch(self._next(), 1)
            grid = self._section(sections)
            self._line(ZLine(_("Drawer"), heading=True))

        self.float_edit, self.float_label, self.float_value, self.float_error = self._field(
            float_field(t.currency),
            _("Opening &float"),
            _("Opening float, {currency}").format(currency=code),
            Money.zero(t.currency).input_text(),  # "0,00" where a comma is typed
        )
        self.float_edit.setToolTip(_("The cash the drawer started the day with"))
        self.expected_caption = QLabel(_("Cash expected in the drawer"))
        self.expected_caption.setFont(theme.font(self, bold=True))
        self.expected_value = QLabel("")
        self.expected_value.setObjectName("cashExpected")
        self.expected_value.setAlignment(RIGHT)
        self.expected_value.setFont(theme.font(self, bold=True))
        self.expected_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = self._next()
        grid.addWidget(self.expected_caption, row, 0)
        grid.addWidget(self.expected_value, row, 1)
        self.expected_detail = QLabel("")
        theme.set_role(self.expected_detail, muted=True)
        self.expected_detail.setAlignment(RIGHT)
        grid.addWidget(self.expected_detail, self._next(), 0, 1, 2)

        self.counted_edit, self.counted_label, self.counted_value, self.error = self._field(
            counted_field(t.currency),
            _("Cash &counted"),
            _("Cash counted, {currency}").format(currency=code),
            "",
        )
        self.difference_caption = QLabel(_("Difference"))
        self.difference_label = QLabel("")
        self.difference_label.setObjectName("difference")
        self.difference_label.setAlignment(RIGHT)
        self.difference_label.setFont(theme.font(self, bold=True))
        row = self._next()
        grid.addWidget(self.difference_caption, row, 0)
        grid.addWidget(self.difference_label, row, 1)

        note = adjustment_note(t)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            theme.set_role(label, muted=True)
            grid.addWidget(label, self._next(), 0, 1, 2)
        grid.setRowStretch(self._next(), 1)

        if close is not None:
            for edit, value, label, text in (
                (self.float_edit, self.float_value, self.float_label, _("Opening float")),
                (self.counted_edit, self.counted_value, self.counted_label, _("Cash counted")),
            ):
                edit.hide()
                value.show()
                label.setText(text)
            self.float_value.setText(t.money(close.opening_float).format())
            self.counted_value.setText(t.money(close.cash_counted).format())
            self._paint(closed_drawer_state(t, close))
        else:
            self.float_value.hide()
            self.counted_value.hide()
            self.float_edit.textChanged.connect(self._on_typed)
            self.counted_edit.textChanged.connect(self._on_typed)
            self._paint(drawer_state(t, "", ""))

    # -- public ---------------------------------------------------------------------------

    def counted_text(self) -> str:
        """What was typed in "Cash counted"."""
        return self.counted_edit.text()

    def float_text(self) -> str:
        """What was typed in "Opening float"."""
        return self.float_edit.text()

    def expected_text(self) -> str:
        """Cash expected as shown (float + cash taken − cash given back)."""
        return self.expected_value.text()

    def difference_text(self) -> str:
        """The difference as shown ('' while nothing valid is typed)."""
        return self.difference_label.text()

    def difference_tone(self) -> str:
        """'danger', 'warning', 'success' or '' (for tests and the PDF)."""
        return str(self.difference_label.property("tone") or "")

    def set_enabled_for_input(self, enabled: bool) -> None:
        """Typing is allowed (not while the close is being saved)."""
        self.counted_edit.setEnabled(enabled)
        self.float_edit.setEnabled(enabled)

    # -- internals ------------------------------------------------------------------------

    def _next(self) -> int:
        self._row += 1
        return self._row

    def _section(self, sections: QHBoxLayout) -> QGridLayout:
        """A new column of caption–figure rows; what follows goes into it."""
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(7)
        grid.setColumnStretch(0, 1)
        sections.addLayout(grid, 1)
        self._grid = grid
        self._row = 0
        return grid

    def _line(self, line: ZLine) -> None:
        if line.heading:
            label = QLabel(line.caption)
            label.setFont(theme.font(self, scale=1.0, bold=True))
            theme.set_role(label, muted=True)
            self._grid.addItem(QSpacerItem(0, 6), self._next(), 0)
            self._grid.addWidget(label, self._next(), 0, 1, 2)
            return
        row = self._next()
        caption = QLabel(line.caption)
        value = QLabel(line.value)
        value.setAlignment(RIGHT)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if line.bold:
            caption.setFont(theme.font(self, bold=True))
            value.setFont(theme.font(self, bold=True))
        self._grid.addWidget(caption, row, 0)
        self._grid.addWidget(value, row, 1)

    def _field(
        self, name: str, caption: str, accessible: str, placeholder: str
    ) -> tuple[QLineEdit, QLabel, QLabel, ErrorLabel]:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setPlaceholderText(placeholder)
        edit.setMaximumWidth(FIELD_WIDTH)
        edit.setAccessibleName(accessible)
        label = QLabel(caption)
        label.setBuddy(edit)
        value = QLabel("")
        value.setAlignment(RIGHT)
        row = self._next()
        self._grid.addWidget(label, row, 0)
        self._grid.addWidget(edit, row, 1, Qt.AlignmentFlag.AlignRight)
        self._grid.addWidget(value, row, 1)
        error = ErrorLabel()
        self._grid.addWidget(error, self._next(), 0, 1, 2)
        return edit, label, value, error

    def _on_typed(self, _text: str = "") -> None:
        self.error.show_error(None)
        state = drawer_state(self.totals, self.float_edit.text(), self.counted_edit.text())
        self._paint(state)
        self.edited.emit()

    def _paint(self, state: DrawerState) -> None:
        self.float_error.show_error(state.float_error or None)
        self.counted_edit.setPlaceholderText(self.totals.money(state.expected).input_text())
        self.expected_value.setText(state.expected_text)
        self.expected_detail.setText(state.expected_detail)
        self.expected_detail.setVisible(bool(state.expected_detail))
        self.difference_label.setText(state.difference)
        theme.set_role(self.difference_label, tone=state.tone)
