"""The administrator's page: accounts and roles, through the Desk; no case content."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.domain.roles import ROLES
from cstr_desk.errors import CstrDeskError
from cstr_desk.ui.widgets.fields import ErrorLabel
from cstr_desk.workflow import Desk


class AccountsPage(QWidget):
    """Add and remove accounts; every change goes through the Desk, which writes its audit event."""

    def __init__(self, desk: Callable[[], Desk | None]) -> None:
        super().__init__()
        self._desk = desk
        column = QVBoxLayout(self)
        column.addWidget(QLabel("<h2>Accounts</h2>"))
        self.list = QListWidget()
        self.list.setAccessibleName("Accounts on this laptop")
        column.addWidget(self.list)
        form = QFormLayout()
        self.name = QLineEdit()
        self.role = QComboBox()
        for key, label in ROLES.items():
            self.role.addItem(label, key)
        self.role.setCurrentIndex(self.role.findData("duty_officer"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in (("&Name", self.name), ("&Role", self.role), ("First &passphrase", self.passphrase)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(caption, widget)
        column.addLayout(form)
        self.error = ErrorLabel()
        column.addWidget(self.error)
        row = QHBoxLayout()
        self.add = QPushButton("&Add account")
        self.remove = QPushButton("Re&move selected")
        row.addWidget(self.add)
        row.addWidget(self.remove)
        row.addStretch(1)
        column.addLayout(row)
        self.add.clicked.connect(self.add_account)
        self.remove.clicked.connect(self.remove_account)

    def reload(self) -> None:
        desk = self._desk()
        self.list.clear()
        if desk is None:
            return
        for name, role in desk.accounts():
            self.list.addItem(f"{name} ({ROLES.get(role, role)})")

    def add_account(self) -> None:
        desk = self._desk()
        if desk is None:
            return
        try:
            desk.add_account(self.name.text().strip(), self.role.currentData(), self.passphrase.text())
        except (CstrDeskError, PermissionError) as exc:  # shown beside the form
            self.error.show_error(str(exc))
            return
        self.error.show_error("")
        self.name.clear()
        self.passphrase.clear()
        self.reload()

    def remove_account(self) -> None:
        desk = self._desk()
        item = self.list.currentItem()
        if desk is None or item is None:
            return
        try:
            desk.remove_account(item.text().rsplit(" (", 1)[0])
        except (CstrDeskError, PermissionError) as exc:
            self.error.show_error(str(exc))
            return
        self.reload()
