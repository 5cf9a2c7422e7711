"""Products sold off the shelf: a list, a form to add or change one, and its stock (managers).

Anyone may look; only a manager may save a product or change its stock by hand. The stock
is never typed into the product's form once it exists: it changes through a delivery
received, a count of the shelf, or items removed as damaged, each recorded with who and why
(and listed under the form), so the figure always has a history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain import locale_format as lf
from pos_app.domain.errors import PermissionDeniedError
from pos_app.domain.products import (
    DEFAULT_LOW_STOCK,
    MAX_STOCK,
    Product,
    StockAdjustment,
    StockReason,
    low_stock_warning,
    note_words,
)
from pos_app.i18n import _
from pos_app.services.catalog import MANAGERS_ONLY, SUPPORTED_CURRENCIES
from pos_app.services.products import ProductForm
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import dialog_title, muted_label
from pos_app.ui.kit.tables import RIGHT, Column, RowsModel, rows_table, size_columns
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.kit.widest_button import WidestTextButton
from pos_app.ui.manage.edit_form import EditForm


class ProductEditing(Protocol):
    """What the products editor asks of the product service."""

    def list_products(self, include_inactive: bool = False) -> list[Product]:
        """Products by name (every one with ``include_inactive``)."""
        ...

    def save_product(self, form: ProductForm) -> Product:
        """Add or change a product (managers only), or raise FormErrors."""
        ...

    def adjust_stock(
        self, product_id: str, change: int, reason: StockReason, note: str = ""
    ) -> StockAdjustment:
        """Receive (+) or remove as damaged (−), by hand (managers only)."""
        ...

    def count_stock(self, product_id: str, counted: int, note: str = "") -> StockAdjustment | None:
        """Set the stock to a count of the shelf (managers only); None when unchanged."""
        ...

    def adjustments(self, product_id: str, *, limit: int = 100) -> list[StockAdjustment]:
        """A product's stock changes, newest first."""
        ...


def product_columns(inactive: Callable[[], QBrush]) -> list[Column[Product]]:
    """The list's columns; a product taken off sale is greyed with ``inactive()``."""
    grey: dict[int, Callable[[Product], QBrush | None]] = {
        Qt.ItemDataRole.ForegroundRole: lambda p: None if p.active else inactive()
    }
    return [
        Column(_("Product"), lambda p: p.name, roles=grey),
        Column(_("SKU"), lambda p: p.sku or "", roles=grey),
        Column(
            _("Price"),
            lambda p: p.price.format(),
            align=RIGHT,
            sort_key=lambda p: (p.price.currency, p.price.amount),
            roles=grey,
        ),
        Column(
            _("In stock"),
            # Low stock is said in words, not only coloured.
            lambda p: (
                _("{count} · low").format(count=p.stock) if p.active and p.is_low else str(p.stock)
            ),
            align=RIGHT,
            sort_key=lambda p: p.stock,
            roles=grey,
        ),
        Column(_("Tax"), lambda p: str(p.tax_rate), align=RIGHT, roles=grey),
        Column(_("On sale"), lambda p: _("Yes") if p.active else _("No"), roles=grey),
    ]


def _when(at: datetime) -> str:
    return f"{lf.date_text(at, 'day_month_short')} {lf.clock(at)}"


def history_columns(timezone: tzinfo) -> list[Column[StockAdjustment]]:
    """The columns of a product's stock history, times in the business's ``timezone``."""
    return [
        Column(_("When"), lambda a: _when(a.at.astimezone(timezone))),
        Column(
            _("What"),
            lambda a: f"{a.reason.label} · {note_words(a)}" if a.note else a.reason.label,
            tooltip=lambda a: note_words(a) or None,
        ),
        Column(_("Change"), lambda a: f"{a.change:+d}", align=RIGHT),
        Column(_("After"), lambda a: str(a.stock_after), align=RIGHT),
        Column(_("Who"), lambda a: a.actor_name),
    ]


class ProductsEditor(QDialog):
    """Products on the left; the chosen (or a new) product's form, stock and history right."""

    def __init__(
        self,
        products: ProductEditing,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        manager: bool,
        currency: str = "usd",
        timezone: tzinfo = UTC,
    ) -> None:
        super().__init__(parent)
        self._tz = timezone
        self._products = products
        self._runner = runner
        self._manager = manager
        self._editing: str | None = None  # product id, None for a new one
        self._select_after_load: str | None = None
        self.saved: Product | None = None
        self.setWindowTitle(_("Products"))
        self.resize(1320, 720)
        self.setMinimumSize(980, 600)

        title = dialog_title(self, _("Products"))
        self.banner = QLabel(
            _(MANAGERS_ONLY) + " " + _("You can look, but not save or change stock.")
        )
        self.banner.setObjectName("productsBanner")
        self.banner.setWordWrap(True)
        theme.set_role(self.banner, "notice", tone="warning")
        self.banner.setVisible(not manager)

        self.model = RowsModel(product_columns(lambda: self.palette().placeholderText()), self)
        self.table = rows_table(self.model, "productTable")
        size_columns(self.table, stretch=0, fit=(1, 2, 3, 4, 5))
        self.add_button = QPushButton(_("New product"))
        self.add_button.setToolTip(_("Add a product (Ctrl+N)"))
        self.list_status = muted_label(_("Loading…"))
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.list_status, 1)
        row.addWidget(self.add_button)
        left_box.addLayout(row)

        self.form_title = QLabel(_("New product"))
        self.form_title.setFont(theme.font(self, scale=1.15, bold=True))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("e.g. Shampoo 250 ml"))
        self.sku_edit = QLineEdit()
        self.sku_edit.setPlaceholderText(_("Optional: scan the barcode"))
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText(_("e.g. 12.00"))
        self.price_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.currency_combo = QComboBox()
        for code in SUPPORTED_CURRENCIES:
            self.currency_combo.addItem(code.upper(), code)
        self._currency = currency
        self.currency_combo.setCurrentIndex(max(0, self.currency_combo.findData(currency)))
        self.tax_edit = QLineEdit("0")
        self.tax_edit.setPlaceholderText(_("e.g. 8.875"))
        self.tax_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.opening_spin = QSpinBox()
        self.opening_spin.setRange(0, MAX_STOCK)
        self.low_spin = QSpinBox()
        self.low_spin.setRange(0, MAX_STOCK)
        self.low_spin.setValue(DEFAULT_LOW_STOCK)
        self.low_spin.setToolTip(_("The desk is warned when the stock is at or below this"))
        self.active_check = QCheckBox(_("On sale"))
        self.active_check.setChecked(True)
        self.save_button = WidestTextButton((_("Add product"), _("Save changes")))
        record = self._record = EditForm(
            self,
            [
                ("name", _("&Name"), self.name_edit),
                ("sku", _("S&KU"), self.sku_edit),
                ("price", _("&Price"), self.price_edit),
                ("currency", _("C&urrency"), self.currency_combo),
                ("tax_rate", _("&Tax rate %"), self.tax_edit),
                ("stock", _("&Opening stock"), self.opening_spin),
                ("low_stock", _("&Warn at"), self.low_spin),
            ],
            self.save_button,
        )
        form = record.layout
        form.addRow("", self.active_check)
        self._opening_label = record.labels["stock"]
        self.general_error, self._feedback = record.general_error, record.feedback
        self.status_label, self._busy = record.status_label, record.busy
        self.close_button = QPushButton(_("Close"))
        buttons = record.button_row(self.close_button)

        details = QWidget()
        details_box = QVBoxLayout(details)
        details_box.setContentsMargins(12, 12, 12, 12)
        details_box.setSpacing(10)
        details_box.addLayout(form)
        details_box.addStretch(1)
        details_box.addWidget(self.general_error)
        details_box.addLayout(buttons)
        self.stock_box = self._stock_panel()
        # Details and stock side by side would not fit a 1366 px desk screen: one tab each.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("productTabs")
        self.tabs.setUsesScrollButtons(False)
        self.tabs.addTab(details, _("Details"))
        self.tabs.addTab(self.stock_box, _("Stock and history"))
        right = QFrame()
        right.setObjectName("productForm")
        theme.set_role(right, "card")
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(18, 14, 18, 14)
        right_box.setSpacing(10)
        right_box.addWidget(self.form_title)
        right_box.addWidget(self.tabs, 1)
        right.setMinimumWidth(520)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(left, 1)
        body.addWidget(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        self.save_button.setDefault(True)

        for widget in (
            self.name_edit,
            self.sku_edit,
            self.price_edit,
            self.currency_combo,
            self.tax_edit,
            self.opening_spin,
            self.low_spin,
            self.active_check,
            self.save_button,
            self.add_button,
        ):
            widget.setEnabled(manager)

        self.table.selectionModel().selectionChanged.connect(self._on_selected)
        self.add_button.clicked.connect(self.new_product)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        for edit in (self.name_edit, self.sku_edit, self.price_edit, self.tax_edit):
            edit.textEdited.connect(self._clear_error_of_sender)
            edit.returnPressed.connect(self.save)
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self).activated.connect(
            self.new_product
        )
        self.new_product()
        self.load()

    def _stock_panel(self) -> QFrame:
        box = QFrame()
        box.setObjectName("stockPanel")
        column = QVBoxLayout(box)
        column.setContentsMargins(12, 12, 12, 12)
        column.setSpacing(8)
        self.stock_label = QLabel("")
        self.stock_label.setFont(theme.font(self, scale=1.1, bold=True))
        self.stock_warning = QLabel("")
        theme.set_role(self.stock_warning, tone="warning")
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(0, MAX_STOCK)
        self.quantity_spin.setValue(1)
        self.quantity_spin.setToolTip(_("How many: received, removed, or counted on the shelf"))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(_("Note (optional): delivery number, what broke…"))
        self.note_edit.setMaxLength(200)
        self.receive_button = QPushButton(_("Receive"))
        self.receive_button.setToolTip(_("Add this many to the stock: a delivery came in"))
        self.damage_button = QPushButton(_("Remove damaged"))
        self.damage_button.setToolTip(_("Take this many off the stock: broken, expired or lost"))
        self.count_button = QPushButton(_("Set counted"))
        self.count_button.setToolTip(_("The shelf holds exactly this many: set the stock to it"))
        self.stock_status = muted_label("")
        row = QHBoxLayout()
        row.addWidget(self.quantity_spin)
        row.addWidget(self.receive_button)
        row.addWidget(self.damage_button)
        row.addWidget(self.count_button)
        self.history_model = RowsModel(history_columns(self._tz), self)
        self.history = rows_table(self.history_model, "stockHistory", select=False)
        size_columns(self.history, stretch=1, fit=(0, 2, 3, 4))
        column.addWidget(self.stock_label)
        column.addWidget(self.stock_warning)
        column.addLayout(row)
        column.addWidget(self.note_edit)
        column.addWidget(self.stock_status)
        column.addWidget(self.history, 1)
        self.receive_button.clicked.connect(lambda: self._change_stock(StockReason.RECEIVE))
        self.damage_button.clicked.connect(lambda: self._change_stock(StockReason.DAMAGE))
        self.count_button.clicked.connect(lambda: self._change_stock(StockReason.COUNT))
        for widget in (self.quantity_spin, self.note_edit, *self._stock_buttons()):
            widget.setEnabled(self._manager)
        return box

    def _stock_buttons(self) -> tuple[QPushButton, ...]:
        return (self.receive_button, self.damage_button, self.count_button)

    # -- public -------------------------------------------------------------------------

    def load(self) -> None:
        """Reload the list of products (on sale and not) in the background."""
        products = self._products
        self._runner.run(
            lambda: products.list_products(include_inactive=True),
            on_success=self._on_loaded,
            on_failure=lambda err: self.list_status.setText(user_message(err)),
            owner=self,
        )

    def product_names(self) -> list[str]:
        """The products listed, in order."""
        return [p.name for p in self.model.rows()]

    def error_text(self, field: str) -> str:
        """The sentence under a field ('' when none); 'general' for the one above the buttons."""
        return self._record.error_text(field)

    def edit_product(self, product_id: str) -> None:
        """Select a product in the list and load it into the form."""
        row = self.model.row_where(lambda r: r.id == product_id)
        if row >= 0:
            self.table.selectRow(row)

    def new_product(self) -> None:
        """Clear the form for a new product (its opening stock is typed here, once)."""
        self.table.clearSelection()
        self._editing = None
        self.form_title.setText(_("New product"))
        self.save_button.setText(_("Add product"))
        for edit in (self.name_edit, self.sku_edit, self.price_edit):
            edit.clear()
        self.tax_edit.setText("0")
        self.currency_combo.setCurrentIndex(max(0, self.currency_combo.findData(self._currency)))
        self.opening_spin.setValue(0)
        self.low_spin.setValue(DEFAULT_LOW_STOCK)
        self.active_check.setChecked(True)
        self._opening_label.setVisible(True)
        self.opening_spin.setVisible(True)
        self.tabs.setCurrentIndex(0)
        self.tabs.setTabEnabled(1, False)  # a new product's stock is its opening stock
        self._feedback.clear()
        self.status_label.setText("")
        self.name_edit.setFocus()

    def save(self) -> None:
        """Send the form to ``ProductService.save_product`` in the background."""
        if self._busy.busy:
            return
        self._feedback.clear()
        currency = self.currency_combo.currentData()
        form = ProductForm(
            id=self._editing,
            name=self.name_edit.text(),
            price_text=self.price_edit.text(),
            currency=currency if isinstance(currency, str) else "",
            stock=self.opening_spin.value(),
            sku=self.sku_edit.text(),
            tax_rate_text=self.tax_edit.text(),
            low_stock=self.low_spin.value(),
            active=self.active_check.isChecked(),
        )
        products = self._products
        self._busy.begin()
        self._runner.run(
            lambda: products.save_product(form),
            on_success=self._on_saved,
            on_failure=self._on_save_failed,
            owner=self,
        )

    # -- internals ----------------------------------------------------------------------

    def _on_loaded(self, products: list[Product]) -> None:
        self.model.set_rows(products)
        on_sale = [p for p in products if p.active]
        low = sum(1 for p in on_sale if p.is_low)
        words = [_("{count} on sale").format(count=len(on_sale))]
        if low:
            words.append(_("{count} running low").format(count=low))
        hidden = len(products) - len(on_sale)
        if hidden:
            words.append(_("{count} off sale").format(count=hidden))
        self.list_status.setText(_(", ").join(words))
        wanted = self._select_after_load or self._editing
        self._select_after_load = None
        if wanted is not None:
            self.edit_product(wanted)
        elif products:
            self.table.selectRow(0)

    def _on_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        product = self.model.row_at(rows[0].row())
        another = product.id != self._editing
        self._editing = product.id
        self.form_title.setText(_("Edit {name}").format(name=product.name))
        self.save_button.setText(_("Save changes"))
        self.name_edit.setText(product.name)
        self.sku_edit.setText(product.sku or "")
        self.price_edit.setText(product.price.input_text())
        index = self.currency_combo.findData(product.price.currency)
        self.currency_combo.setCurrentIndex(max(0, index))
        self.tax_edit.setText(product.tax_rate.input_text())
        self.low_spin.setValue(product.low_stock)
        self.active_check.setChecked(product.active)
        # An existing product's stock changes only through the stock panel, with a reason.
        self._opening_label.setVisible(False)
        self.opening_spin.setVisible(False)
        self._show_stock(product)
        if another:
            self._feedback.clear()
            self.status_label.setText("")
            self.stock_status.setText("")
            self.note_edit.clear()

    def _show_stock(self, product: Product) -> None:
        self.tabs.setTabEnabled(1, True)
        self.stock_label.setText(_("In stock: {count}").format(count=product.stock))
        warning = low_stock_warning(product) if product.active else None
        self.stock_warning.setText(f"⚠ {warning}" if warning else "")
        self.stock_warning.setVisible(warning is not None)
        products, product_id = self._products, product.id
        self._runner.run(
            lambda: products.adjustments(product_id, limit=50),
            on_success=self.history_model.set_rows,
            on_failure=lambda err: self.stock_status.setText(user_message(err)),
            owner=self,
        )

    def _change_stock(self, reason: StockReason) -> None:
        product_id = self._editing
        if product_id is None or self._busy.busy:
            return
        quantity, note = self.quantity_spin.value(), self.note_edit.text()
        products = self._products
        work: Callable[[], object]
        if reason is StockReason.COUNT:
            work = lambda: products.count_stock(product_id, quantity, note)  # noqa: E731
        elif quantity == 0:
            self.stock_status.setText(_("Enter how many, 1 or more."))
            return
        else:
            change = quantity if reason is StockReason.RECEIVE else -quantity
            work = lambda: products.adjust_stock(product_id, change, reason, note)  # noqa: E731
        for button in self._stock_buttons():
            button.setEnabled(False)
        self.stock_status.setText(_("Saving…"))
        self._runner.run(
            work,
            on_success=self._on_stock_changed,
            on_failure=self._on_stock_failed,
            owner=self,
        )

    def _on_stock_changed(self, done: object) -> None:
        for button in self._stock_buttons():
            button.setEnabled(self._manager)
        if isinstance(done, StockAdjustment):
            self.stock_status.setText(
                _("{reason} {change}: {stock} in stock.").format(
                    reason=done.reason.label, change=f"{done.change:+d}", stock=done.stock_after
                )
            )
        else:
            self.stock_status.setText(_("The count matches the stock: nothing changed."))
        self.note_edit.clear()
        self._select_after_load = self._editing
        self.load()

    def _on_stock_failed(self, error: BaseException) -> None:
        for button in self._stock_buttons():
            button.setEnabled(self._manager and not isinstance(error, PermissionDeniedError))
        self.stock_status.setText(user_message(error))

    def _on_saved(self, product: Product) -> None:
        self._busy.end()
        self.saved = product
        self.status_label.setText(_("Saved."))
        self._select_after_load = product.id
        self._editing = product.id
        self.load()

    def _on_save_failed(self, error: BaseException) -> None:
        self._busy.end()
        self._feedback.show_error(error)
        if isinstance(error, PermissionDeniedError):
            self.save_button.setEnabled(False)

    def _clear_error_of_sender(self) -> None:
        self._feedback.clear_field_of(self.sender())
