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
from cstr_desk.ui.widgets.fields import ErrorLabel, add_field
from cstr_desk.workflow import Desk, WeakPassphrase, passphrase_problems


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
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in (("&Name", self.name), ("&Role", self.role)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(caption, widget)
        self.passphrase_error = add_field(form, "First &passphrase", self.passphrase,
                                          "The person must change it at their first sign-in.")
        self.again_error = add_field(form, "First passphrase a&gain", self.again)
        self.passphrase_error.reveal()
        self.again_error.reveal()  # messages answer the Add button
        column.addLayout(form)
        self.error = ErrorLabel()
        column.addWidget(self.error)
        row = QHBoxLayout()
        self.add = QPushButton("&Add account")
        self.reset = QPushButton("Re&set selected's passphrase")
        self.reset.setToolTip("Gives the selected account the first passphrase typed above; they must change it "
                              "at their next sign-in.")
        self.remove = QPushButton("Re&move selected")
        self.change_own = QPushButton("Change m&y passphrase…")  # connected by the main window
        row.addWidget(self.add)
        row.addWidget(self.reset)
        row.addWidget(self.remove)
        row.addStretch(1)
        row.addWidget(self.change_own)
        column.addLayout(row)
        self.add.clicked.connect(self.add_account)
        self.reset.clicked.connect(self.reset_passphrase)
        self.remove.clicked.connect(self.remove_account)

    def reload(self) -> None:
        desk = self._desk()
        self.list.clear()
        if desk is None:
            return
        for name, role in desk.accounts():
            self.list.addItem(f"{name} ({ROLES.get(role, role)})")

    def _passphrases_agree(self, name: str) -> bool:
        """Good enough (said beside the first box) and typed twice (a mismatch is said beside the second)."""
        problems = passphrase_problems(self.passphrase.text(), name)
        self.passphrase_error.show_error(" ".join(problems))
        if problems:
            self.again_error.show_error("")
            self.passphrase.setFocus()
            return False
        if self.passphrase.text() != self.again.text():
            self.again_error.show_error("The two passphrases are not the same. Type the first passphrase again.")
            self.again.clear()
            self.again.setFocus()
            return False
        self.again_error.show_error("")
        return True

    def _clear_passphrases(self) -> None:
        self.passphrase.clear()
        self.again.clear()

    def add_account(self) -> None:
        desk = self._desk()
        if desk is None or not self._passphrases_agree(self.name.text().strip()):
            return
        try:
            desk.add_account(self.name.text().strip(), self.role.currentData(), self.passphrase.text())
        except WeakPassphrase as exc:
            self.passphrase_error.show_error(str(exc))
            return
        except (CstrDeskError, PermissionError) as exc:  # shown beside the form
            self.error.show_error(str(exc))
            return
        self.error.show_error("")
        self.name.clear()
        self._clear_passphrases()
        self.reload()

    def reset_passphrase(self) -> None:
        desk = self._desk()
        item = self.list.currentItem()
        if desk is None:
            return
        if item is None:
            self.error.show_error("Choose the account to reset in the list.")
            return
        name = item.text().rsplit(" (", 1)[0]
        if not self._passphrases_agree(name):
            return
        try:
            desk.change_passphrase(name, self.passphrase.text())
        except WeakPassphrase as exc:
            self.passphrase_error.show_error(str(exc))
            return
        except (CstrDeskError, PermissionError) as exc:
            self.error.show_error(str(exc))
            return
        self._clear_passphrases()
        self.error.show_error("")
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
