"""Sign-in, first-run (create the administrator) and unlock forms."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from cstr_desk.storage.users import Keyring, SignedIn, SignInError, TooManyAttempts
from cstr_desk.ui.widgets.fields import ErrorLabel
from cstr_desk.workflow import passphrase_problems


def _card(outer: QWidget) -> QVBoxLayout:
    """A centred column of fixed width, so wrapped text gets its full height at any scale."""
    grid = QVBoxLayout(outer)
    grid.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    card = QWidget()
    card.setFixedWidth(600)
    row.addWidget(card)
    row.addStretch(1)
    grid.addLayout(row)
    grid.addStretch(2)
    return QVBoxLayout(card)


def _left(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row


def _passphrase_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


class SignInForm(QWidget):
    """Name and passphrase; emits signed_in with the unwrapped key and the account's role."""

    signed_in = Signal(object)

    def __init__(self, keyring: Keyring, heading: str = "Sign in", fixed_name: str | None = None,
                 hint: str = "") -> None:
        super().__init__()
        self.keyring = keyring
        self.fixed_name = fixed_name
        column = _card(self)
        title = QLabel(f"<h1>{heading}</h1>")
        title.setAccessibleName(heading)
        column.addWidget(title)
        self.hint = QLabel(hint)
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        column.addWidget(self.hint)
        form = QFormLayout()
        self.name = QLineEdit(fixed_name or "")
        self.name.setAccessibleName("User name")
        self.name.setReadOnly(fixed_name is not None)
        self.passphrase = _passphrase_edit("Passphrase")
        name_label = QLabel("&Name")
        name_label.setBuddy(self.name)
        pass_label = QLabel("&Passphrase")
        pass_label.setBuddy(self.passphrase)
        form.addRow(name_label, self.name)
        form.addRow(pass_label, self.passphrase)
        column.addLayout(form)
        self.error = ErrorLabel()
        column.addWidget(self.error)
        self.button = QPushButton("&Sign in" if fixed_name is None else "&Unlock")
        self.button.setDefault(True)
        self.button.setAutoDefault(True)
        column.addLayout(_left(self.button))
        self.column = column
        self.button.clicked.connect(self.attempt)
        self.passphrase.returnPressed.connect(self.attempt)
        self.name.returnPressed.connect(self.passphrase.setFocus)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(lambda: self.button.setEnabled(True))

    def focus(self) -> None:
        (self.passphrase if self.fixed_name or self.name.text() else self.name).setFocus()

    def attempt(self) -> None:
        if not self.button.isEnabled():
            return
        name = self.name.text()
        passphrase = self.passphrase.text()
        self.passphrase.clear()
        try:
            signed: SignedIn = self.keyring.sign_in(name, passphrase)
        except TooManyAttempts as exc:
            self.error.show_error(str(exc))
            self.button.setEnabled(False)
            self._retry.start(exc.wait_seconds * 1000)
            return
        except SignInError as exc:
            self.error.show_error(str(exc))
            self.focus()
            return
        self.error.show_error("")
        self.signed_in.emit(signed)


class FirstRunForm(QWidget):
    """First start on this laptop: create the administrator, who then adds the officers and psychologists.

    Emits `created` with (name, passphrase); the window has the Desk create the account and the database."""

    created = Signal(object)

    def __init__(self, keyring: Keyring) -> None:
        super().__init__()
        self.keyring = keyring
        column = _card(self)
        column.addWidget(QLabel("<h1>Set up CSTR Desk on this laptop</h1>"))
        intro = QLabel("Create the administrator account. The administrator adds the duty officers, assistant "
                       "psychologists and support workers, and cannot see case content. Choose a passphrase of at least 12 characters: "
                       "three random words work well.")
        intro.setWordWrap(True)
        column.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName("Administrator name")
        self.passphrase = _passphrase_edit("New passphrase")
        self.again = _passphrase_edit("New passphrase again")
        for label, widget in (("&Name", self.name), ("&Passphrase", self.passphrase), ("&Again", self.again)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        column.addLayout(form)
        self.error = ErrorLabel()
        column.addWidget(self.error)
        self.button = QPushButton("&Create the administrator")
        self.button.setDefault(True)
        self.button.clicked.connect(self.create_account)
        self.again.returnPressed.connect(self.create_account)
        column.addLayout(_left(self.button))

    def create_account(self) -> None:
        name, passphrase = self.name.text().strip(), self.passphrase.text()
        if not name:
            self.error.show_error("Enter a name.")
            return
        if passphrase != self.again.text():
            self.error.show_error("The two passphrases are not the same.")
            return
        problems = passphrase_problems(passphrase, name)
        if problems:
            self.error.show_error(" ".join(problems))
            return
        self.error.show_error("")
        self.created.emit((name, passphrase))
