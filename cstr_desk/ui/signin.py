"""Sign-in, first-run (create the administrator) and unlock forms."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.storage.errors import SignInError, TooManyAttempts
from cstr_desk.storage.users import Keyring, SignedIn
from cstr_desk.ui.widgets.fields import ErrorLabel
from cstr_desk.workflow import passphrase_problems


def card_column(outer: QWidget) -> QVBoxLayout:
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
        column = card_column(self)
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
        column = card_column(self)
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
        # Shown once after the Desk has created the administrator (issue 15, D3): the recovery key, which also
        # unlocks the database, and a confirmation that it was written down before the app carries on.
        self.recovery = QWidget()
        panel = QVBoxLayout(self.recovery)
        panel.setContentsMargins(0, 0, 0, 0)
        note = QLabel("<b>Write down this recovery key now.</b> It is shown only this once. With it an administrator "
                      "can get back in if every passphrase is forgotten or the accounts file is lost "
                      "(cstr-desk recover). Keep it on paper, locked away, not on this laptop.")
        note.setWordWrap(True)
        panel.addWidget(note)
        self.recovery_key = QLabel()
        self.recovery_key.setAccessibleName("Recovery key")
        from PySide6.QtCore import Qt  # the first run only: the Qt namespace is slow to load at start-up

        self.recovery_key.setTextFormat(Qt.TextFormat.PlainText)
        self.recovery_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        font = self.recovery_key.font()
        font.setFamily("monospace")
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.recovery_key.setFont(font)
        panel.addWidget(self.recovery_key)
        self.written_down = QCheckBox("I have &written the recovery key down and will keep it locked away")
        panel.addWidget(self.written_down)
        self.carry_on = QPushButton("&Continue")
        self.carry_on.setEnabled(False)
        self.written_down.toggled.connect(self.carry_on.setEnabled)
        self.carry_on.clicked.connect(self._continue)
        panel.addLayout(_left(self.carry_on))
        self.recovery.setVisible(False)
        column.addWidget(self.recovery)
        self._after_recovery: Callable[[], None] | None = None

    def show_recovery_key(self, recovery_key: str, then: Callable[[], None]) -> None:
        """Show the recovery key once; `then` runs when the administrator confirms it was written down."""
        for widget in (self.name, self.passphrase, self.again, self.button):
            widget.setEnabled(False)
        self.passphrase.clear()
        self.again.clear()
        self.recovery_key.setText(recovery_key)
        self._after_recovery = then
        self.recovery.setVisible(True)
        self.written_down.setFocus()

    def _continue(self) -> None:
        if self._after_recovery is None or not self.written_down.isChecked():
            return
        then, self._after_recovery = self._after_recovery, None
        self.recovery_key.clear()  # shown once: gone from the screen before the app carries on
        self.recovery.setVisible(False)
        then()

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
