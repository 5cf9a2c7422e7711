"""The settings dialog's tabs as widgets: Business (with the receipt details and the logo),
Payments (mode and Stripe key), This station (lock, theme, backups) and Advanced (the webhook
receiver and where keys are kept). They only build fields; ``settings_dialog`` fills them,
reacts to edits and saves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos_app.config import MAX_LOCK_MINUTES, THEMES
from pos_app.domain import locale_format as lf
from pos_app.domain.payment import HOLD_MINUTES_MAX, HOLD_MINUTES_MIN
from pos_app.i18n import N_, SHIPPED, _
from pos_app.services.business_settings import MAX_ADDRESS_LINES, MAX_TAX_ID
from pos_app.services.currencies import CURRENCIES, currency_label
from pos_app.ui.kit import theme
from pos_app.ui.kit.forms import form_label
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.manage import success_url_field as website
from pos_app.ui.manage.settings_rows import (
    FieldRow,
    add_row,
    hint_label,
    page_form,
    section_label,
)

MODE_TEXT: dict[str, tuple[str, str]] = {
    "sandbox": (
        N_("&Sandbox"),
        N_(
            "Practice on this computer with the built-in sandbox. No Stripe account, no key, "
            "no card is ever charged."
        ),
    ),
    "test": (
        N_("&Test"),
        N_(
            "Stripe's test mode with your sk_test_ or rk_test_ key. Only Stripe's test cards "
            "work; no real money moves."
        ),
    ),
    "live": (
        N_("&Live"),
        N_(
            "Real payments: customers' cards are charged and money reaches your Stripe "
            "account. Needs your sk_live_ or rk_live_ key."
        ),
    ),
}
LOGO_HINT = N_(
    "A PNG or JPEG under 2 MB, shown on the customer's screen and receipts. A copy is kept "
    "in the data folder, so the original may be moved."
)
LOGO_PREVIEW_PX = 48
# Opens a file dialog over the given widget; the chosen file's path, or "" when cancelled.
LogoChooser = Callable[[QWidget], str]


def choose_logo_file(parent: QWidget) -> str:
    """Ask for a PNG or JPEG with the system's file dialog ("" when cancelled)."""
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Choose the logo"), str(Path.home()), _("Pictures (*.png *.jpg *.jpeg)")
    )
    return path


class BusinessPage(QWidget):
    """Name, currency, time zone, hold, website, address, tax id and logo."""

    def __init__(self, choose_logo: LogoChooser = choose_logo_file) -> None:
        super().__init__()
        self._choose_logo = choose_logo
        form = page_form(self)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(120)
        self.name_edit.setPlaceholderText(_("e.g. Salon Nova"))
        self.currency_combo = QComboBox()
        for code in CURRENCIES:
            self.currency_combo.addItem(currency_label(code), code)
        self.currency_combo.setMaxVisibleItems(14)
        self.timezone_combo = QComboBox()
        self.timezone_combo.setEditable(True)
        self.timezone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone_combo.setMaxVisibleItems(14)
        line = self.timezone_combo.lineEdit()
        assert line is not None
        line.setPlaceholderText(_("Type a city to search, e.g. London"))
        self.hold_spin = QSpinBox()
        self.hold_spin.setRange(HOLD_MINUTES_MIN, HOLD_MINUTES_MAX)
        self.hold_spin.setSuffix(_(" minutes"))
        self.hold_spin.setMaximumWidth(160)
        self.success_url_edit = website.success_url_edit()
        self.address_edit = QPlainTextEdit()
        self.address_edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.address_edit.setPlaceholderText(_("Street and number\nTown and postcode"))
        self.address_edit.setAccessibleName(_("Business address"))
        self.address_edit.setObjectName("addressEdit")
        lines = self.address_edit.fontMetrics().lineSpacing()
        self.address_edit.setFixedHeight(max(theme.TOUCH_PX, lines * 4 + 16))
        self.tax_id_edit = QLineEdit()
        self.tax_id_edit.setMaxLength(MAX_TAX_ID)
        self.tax_id_edit.setPlaceholderText(_("e.g. VAT GB123456789"))
        self.logo_edit = QLineEdit()
        self.logo_edit.setReadOnly(True)
        self.logo_edit.setPlaceholderText(_("No logo"))
        self.logo_edit.setAccessibleName(_("Logo file"))
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedSize(LOGO_PREVIEW_PX, LOGO_PREVIEW_PX)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.choose_logo_button = QPushButton(_("C&hoose…"))
        self.choose_logo_button.setToolTip(_("Pick a PNG or JPEG picture of the logo"))
        self.remove_logo_button = QPushButton(_("Re&move"))
        self.remove_logo_button.setToolTip(_("Show no logo"))
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(lambda: self.set_logo(""))

        self.rows: dict[str, FieldRow] = {
            "business_name": FieldRow(
                self.name_edit,
                hint=_("Shown in the window, on receipts and on the customer's screen."),
            ),
            "currency": FieldRow(
                self.currency_combo,
                hint=_("New services start in this currency; prices keep theirs."),
            ),
            "timezone": FieldRow(
                self.timezone_combo, hint=_("The business day and every time shown use this zone.")
            ),
            "hold_minutes": FieldRow(
                self.hold_spin,
                hint=_("How long a payment QR stays payable before the app closes the link."),
            ),
            "success_url": FieldRow(self.success_url_edit, hint=_(website.HINT)),
            "address": FieldRow(
                self.address_edit,
                hint=_("Printed at the top of receipts; up to {count} lines.").format(
                    count=MAX_ADDRESS_LINES
                ),
            ),
            "tax_id": FieldRow(self.tax_id_edit, hint=_("Printed on receipts when set.")),
            "logo_path": FieldRow(
                self.logo_edit,
                self.logo_preview,
                self.choose_logo_button,
                self.remove_logo_button,
                hint=_(LOGO_HINT),
            ),
        }
        for name, text in (
            ("business_name", _("Business na&me")),
            ("currency", _("Default &currency")),
            ("timezone", _("&Time zone")),
            ("hold_minutes", _("&Hold payment links")),
            ("success_url", website.label()),
            ("address", _("A&ddress")),
            ("tax_id", _("Ta&x id")),
            ("logo_path", _("&Logo")),
        ):
            label = add_row(form, text, self.rows[name])
            if name == "address":  # beside the first line, not the middle of several
                label.setContentsMargins(0, 6, 0, 0)
        self.set_logo("")

    def choose_logo(self) -> None:
        """Open the file dialog; a chosen picture replaces the logo (checked when saved)."""
        path = self._choose_logo(self)
        if path:
            self.set_logo(path)
            self.rows["logo_path"].error.show_error(None)

    def set_logo(self, path: str) -> None:
        """Show ``path`` as the logo ("" for none), with a small preview when it loads."""
        self.logo_edit.setText(path)
        self.logo_edit.setToolTip(path)
        self.remove_logo_button.setEnabled(bool(path))
        pixmap = QPixmap(path) if path else QPixmap()
        if pixmap.isNull():
            self.logo_preview.clear()
            self.logo_preview.setVisible(False)
            return
        self.logo_preview.setPixmap(
            pixmap.scaled(
                LOGO_PREVIEW_PX,
                LOGO_PREVIEW_PX,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.logo_preview.setVisible(True)

    def address(self) -> str:
        """The address as typed (the service tidies and checks it)."""
        return self.address_edit.toPlainText()


class PaymentsPage(QWidget):
    """Mode (sandbox, test, live), what a change of mode means, and the Stripe key."""

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 14, 8, 8)
        box.setSpacing(8)

        box.addWidget(section_label(_("Mode")))
        self.mode_group = QButtonGroup(self)
        self.mode_radios: dict[str, QRadioButton] = {}
        self.mode_texts: dict[str, QLabel] = {}
        mode_box = QWidget()
        modes = QVBoxLayout(mode_box)
        modes.setContentsMargins(0, 0, 0, 0)
        modes.setSpacing(2)
        for mode, (label, text) in MODE_TEXT.items():
            radio = QRadioButton(_(label))
            radio.setFont(theme.font(radio, bold=mode == "live"))
            self.mode_group.addButton(radio)
            self.mode_radios[mode] = radio
            desc = hint_label(_(text))
            desc.setContentsMargins(26, 0, 0, 6)
            if mode == "live":
                theme.set_role(desc, muted=False, tone="danger")  # real money: said in red too
            self.mode_texts[mode] = desc
            modes.addWidget(radio)
            modes.addWidget(desc)
        self.rows: dict[str, FieldRow] = {"mode": FieldRow(mode_box)}
        self.rows["mode"].setFocusProxy(self.mode_radios["sandbox"])
        box.addWidget(self.rows["mode"])
        self.restart_note = QLabel("")
        self.restart_note.setWordWrap(True)
        self.restart_note.setObjectName("restartNote")
        theme.set_role(self.restart_note, "heading")
        self.restart_note.hide()
        box.addWidget(self.restart_note)

        box.addSpacing(6)
        box.addWidget(section_label(_("Stripe secret key")))
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setClearButtonEnabled(True)
        self.key_edit.setAccessibleName(_("Stripe secret key"))
        self.check_button = QPushButton(_("Check &key"))
        self.check_button.setToolTip(_("Ask Stripe whether this key works (nothing is charged)"))
        self.rows["secret_key"] = FieldRow(self.key_edit, self.check_button)
        box.addWidget(self.rows["secret_key"])
        self.check_spinner = Spinner(diameter=18)
        self.check_spinner.hide()
        self.check_label = QLabel("")
        self.check_label.setWordWrap(True)
        self.check_label.setObjectName("checkResult")
        check_line = QHBoxLayout()
        check_line.setContentsMargins(0, 0, 0, 0)
        check_line.addWidget(self.check_spinner, 0, Qt.AlignmentFlag.AlignTop)
        check_line.addWidget(self.check_label, 1)
        box.addLayout(check_line)
        box.addWidget(hint_label(_("Where keys are kept, and the webhook receiver: see Advanced.")))
        box.addStretch(1)

    def show_check(self, text: str, tone: str | None) -> None:
        """The "Check key" outcome: a sentence in the tone of its outcome ('' hides it)."""
        theme.set_role(self.check_label, tone=tone)
        self.check_label.setText(text)
        self.check_label.setVisible(bool(text))


class AdvancedPage(QWidget):
    """The webhook receiver on this computer, and where keys and secrets are kept."""

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 14, 8, 8)
        box.setSpacing(8)
        box.addWidget(section_label(_("Webhook receiver")))
        self.webhook_check = QCheckBox(_("&Receive Stripe webhooks on this computer"))
        self.rows: dict[str, FieldRow] = {"webhook_enabled": FieldRow(self.webhook_check)}
        box.addWidget(self.rows["webhook_enabled"])
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setMaximumWidth(120)
        self.webhook_secret_edit = QLineEdit()
        self.webhook_secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.webhook_secret_edit.setClearButtonEnabled(True)
        self.webhook_secret_edit.setAccessibleName(_("Webhook signing secret"))
        self.rows["webhook_port"] = FieldRow(self.port_spin)
        self.rows["webhook_secret"] = FieldRow(self.webhook_secret_edit)
        hook_form = QFormLayout()
        hook_form.setContentsMargins(26, 0, 0, 0)
        hook_form.setHorizontalSpacing(12)
        hook_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        add_row(hook_form, _("P&ort"), self.rows["webhook_port"])
        add_row(hook_form, _("Si&gning secret"), self.rows["webhook_secret"])
        box.addLayout(hook_form)
        self.webhook_hint = hint_label("")
        self.webhook_hint.setContentsMargins(26, 0, 0, 0)
        box.addWidget(self.webhook_hint)

        box.addSpacing(6)
        box.addWidget(section_label(_("Key storage")))
        box.addWidget(
            hint_label(
                _(
                    "Stripe keys and webhook signing secrets are kept here, never in the database, "
                    "the station file, exports or the log."
                )
            )
        )
        self.storage_label = QLabel("")
        self.storage_label.setWordWrap(True)
        self.storage_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.storage_label)
        box.addStretch(1)

    def show_receiver_hint(self, port: int) -> None:
        """Where Stripe (or ``stripe listen``) sends events on this computer."""
        self.webhook_hint.setText(
            _(
                "Stripe sends events to {url}, for example through {command}. Optional: "
                "the app also reads Stripe's events feed every few seconds."
            ).format(
                url=f"http://127.0.0.1:{port}/stripe/webhook",
                command=f"stripe listen --forward-to localhost:{port}/stripe/webhook",
            )
        )


class StationPage(QWidget):
    """This computer: the idle lock, the theme, the language, tips on the customer display,
    the data folder and ``backups`` (a panel)."""

    def __init__(self, backups: QWidget) -> None:
        super().__init__()
        form = page_form(self)
        self.lock_spin = QSpinBox()
        self.lock_spin.setRange(0, MAX_LOCK_MINUTES)
        self.lock_spin.setSpecialValueText(_("Never"))
        self.lock_spin.setSuffix(_(" minutes"))
        self.lock_spin.setMaximumWidth(160)
        self.theme_combo = QComboBox()
        for name in THEMES:
            self.theme_combo.addItem(_(theme.THEME_LABELS[name]), name)
        self.theme_combo.setMaximumWidth(240)
        self.language_combo = QComboBox()
        self.language_combo.addItem(_("Follow the system"), "system")
        for code in SHIPPED:  # each language named in itself, so anyone can find their own
            self.language_combo.addItem(lf.language_name(code), code)
        self.language_combo.setMaximumWidth(240)
        self.rows: dict[str, FieldRow] = {
            "lock_minutes": FieldRow(
                self.lock_spin,
                hint=_("Lock this computer after this long without a key press or click."),
            ),
            "theme": FieldRow(
                self.theme_combo, hint=_("Light or dark colours for this computer only.")
            ),
        }
        add_row(form, _("&Lock after"), self.rows["lock_minutes"])
        add_row(form, _("T&heme"), self.rows["theme"])
        self.rows["language"] = FieldRow(
            self.language_combo,
            hint=_("Words, money and dates on this computer; used from the next start."),
        )
        add_row(form, _("Lan&guage"), self.rows["language"])
        self.data_label = hint_label("")
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(form_label(_("Data folder"), self.data_label), self.data_label)
        self.backups = backups
        form.addRow(form_label(_("Backups"), backups), backups)
        # Last: the backups panel stays where its screenshot and staff expect it.
        self.tip_check = QCheckBox(_("Ask the customer for a tip on the customer display"))
        self.rows["tip_on_display"] = FieldRow(
            self.tip_check,
            # Never "% o" (or "% d", "% s"…): Babel reads it as a %-format and flags the
            # sentence python-format, which no .po flag can undo (python-babel/babel#35).
            hint=_(
                "For a touch screen facing the customer: Charge (QR) on the Sell screen first "
                "offers a choice of 10 %, 15 %, 20 % and no tip there, when the sale has no "
                "tip yet."
            ),
        )
        add_row(form, _("Tips"), self.rows["tip_on_display"])
