"""The dark scheme's style: Fusion, with check boxes and radio buttons that stay visible.

Apart from ``theme`` so that the light scheme never loads it (see ``theme._install_style``).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

# Outline of radio buttons and check boxes in the dark scheme (Fusion darkens the window colour
# for it, which on a dark window is all but invisible).
_DARK_INDICATOR_EDGE = "#8b9098"


class PosStyle(QProxyStyle):
    """Fusion, with radio buttons and check boxes that stay visible on a dark palette.

    Only the dark scheme uses it: Qt calls into this Python class for every primitive it
    draws (about 170 per repaint of the day's list, 2 ms), which the light scheme doesn't
    need."""

    _INDICATORS = frozenset(
        {
            QStyle.PrimitiveElement.PE_IndicatorRadioButton,
            QStyle.PrimitiveElement.PE_IndicatorCheckBox,
            QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
        }
    )

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if (
            element in self._INDICATORS
            and option.palette.color(QPalette.ColorRole.Window).lightness() < 128
        ):
            lifted = type(option)(option)
            palette = QPalette(option.palette)
            # Fusion draws the outline as window.darker(); give it a light "window" to darken.
            palette.setColor(QPalette.ColorRole.Window, QColor(_DARK_INDICATOR_EDGE).lighter(150))
            lifted.palette = palette
            option = lifted
        super().drawPrimitive(element, option, painter, widget)
