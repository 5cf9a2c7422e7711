"""One person's tile on the sign-in page: initials in a circle, the name, the role."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from pos_app.services.people import StaffMember
from pos_app.ui.kit import theme
from pos_app.ui.people.sign_in_presenter import tile_state

BADGE_PX = 44


class UserTile(QPushButton):
    """A checkable tile for ``member`` (styled by the people section of the stylesheet)."""

    def __init__(self, member: StaffMember, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        state = tile_state(member)
        self.member = member
        self.setCheckable(True)
        self.setObjectName("userTile")
        self.setMinimumSize(210, 76)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(state.tooltip)
        self.setAccessibleName(state.accessible_name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.badge = QLabel(state.initials)
        self.badge.setObjectName("userBadge")
        self.badge.setFixedSize(BADGE_PX, BADGE_PX)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setFont(theme.font(self, scale=1.1, bold=True))
        self.name_label = QLabel(state.name)
        self.name_label.setFont(theme.font(self, scale=1.15, bold=True))
        self.role_label = QLabel(state.role)
        theme.set_role(self.role_label, muted=True)
        for label in (self.badge, self.name_label, self.role_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addStretch(1)
        text.addWidget(self.name_label)
        text.addWidget(self.role_label)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.setSpacing(12)
        row.addWidget(self.badge)
        row.addLayout(text, 1)
