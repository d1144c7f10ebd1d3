"""Choosing one's own passphrase: at first sign-in (cannot be skipped) and from the case list at any time."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.errors import CstrDeskError
from cstr_desk.ui.widgets.fields import ErrorLabel, add_field
from cstr_desk.workflow import passphrase_problems

# What the Desk is asked to do: (current passphrase, or None at first sign-in; the new one). Raises in words.
Apply = Callable[[str | None, str], None]


def _secret() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class NewPassphraseForm(QWidget):
    """Current (optional), new and new again, each with its message beside it; emits `done` once the Desk agreed."""

    done = Signal()
    failed = Signal()

    def __init__(self, name: str, apply: Apply, ask_current: bool, button: str = "&Save my passphrase") -> None:
        super().__init__()
        self.name = name
        self._apply = apply
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.current: QLineEdit | None = None
        self.current_error: ErrorLabel | None = None
        if ask_current:
            self.current = _secret()
            self.current_error = add_field(form, "&Current passphrase", self.current)
        self.new = _secret()
        self.new_error = add_field(form, "&New passphrase", self.new,
                                   "At least 12 characters; three random words work well.")
        self.again = _secret()
        self.again_error = add_field(form, "New passphrase a&gain", self.again)
        for label in (self.new_error, self.again_error, getattr(self, 'current_error', None)):
            if label is not None:
                label.reveal()  # a form submitted as a whole: its messages answer the button
        self.button = QPushButton(button)
        self.button.setAutoDefault(False)  # in a dialog Enter would press it as well as returnPressed below
        form.addRow("", self.button)
        self.button.clicked.connect(self.submit)
        self.again.returnPressed.connect(self.submit)
        self.new.returnPressed.connect(self.again.setFocus)
        if self.current is not None:
            self.current.returnPressed.connect(self.new.setFocus)

    def first_field(self) -> QLineEdit:
        return self.current if self.current is not None else self.new

    def _clear_errors(self) -> None:
        for label in (self.current_error, self.new_error, self.again_error):
            if label is not None:
                label.show_error("")

    def submit(self) -> None:
        if not self._submit():
            self.failed.emit()

    def _submit(self) -> bool:
        from cstr_desk.storage.errors import SignInError

        self._clear_errors()
        current = self.current.text() if self.current is not None else None
        new = self.new.text()
        if self.current is not None and self.current_error is not None and not current:
            self.current_error.show_error("Type the passphrase you have now.")
            self.current.setFocus()
            return False
        problems = passphrase_problems(new, self.name)
        if problems:
            self.new_error.show_error(" ".join(problems))
            self.new.setFocus()
            return False
        if new != self.again.text():
            self.again_error.show_error("The two new passphrases are not the same. Type it again.")
            self.again.clear()
            self.again.setFocus()
            return False
        try:
            self._apply(current, new)
        except SignInError as exc:  # the current passphrase was wrong (counted like a failed sign-in)
            if self.current is not None and self.current_error is not None:
                self.current.clear()
                self.current_error.show_error(str(exc))
                self.current.setFocus()
            else:
                self.new_error.show_error(str(exc))
            return False
        except (CstrDeskError, PermissionError) as exc:
            self.new_error.show_error(str(exc))
            self.new.setFocus()
            return False
        for edit in (self.current, self.new, self.again):
            if edit is not None:
                edit.clear()
        self.done.emit()
        return True


class FirstPassphrasePage(QWidget):
    """After a first sign-in with the administrator's passphrase: choose your own before anything else."""

    def __init__(self, name: str, apply: Apply, sign_out: Callable[[], None]) -> None:
        super().__init__()
        from cstr_desk.ui.signin import card_column

        column = card_column(self)
        title = QLabel("<h1>Choose your own passphrase</h1>")
        title.setAccessibleName("Choose your own passphrase")
        column.addWidget(title)
        intro = QLabel(f"{name}, the administrator set the passphrase you signed in with. Choose one that only you "
                       "know before you carry on: at least 12 characters; three random words work well. Type it "
                       "twice.")
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.form = NewPassphraseForm(name, apply, ask_current=False, button="&Save and carry on")
        column.addWidget(self.form)
        self.sign_out = QPushButton("Sign o&ut instead")
        self.sign_out.clicked.connect(sign_out)
        out_row = QHBoxLayout()
        out_row.addWidget(self.sign_out)
        out_row.addStretch(1)
        column.addLayout(out_row)

    def focus(self) -> None:
        self.form.first_field().setFocus()


class ChangePassphraseDialog(QDialog):
    """Change my passphrase: current, new, new again. Opened window-modal with open(), so it never blocks."""

    def __init__(self, parent: QWidget, name: str, apply: Apply) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change my passphrase")
        column = QVBoxLayout(self)
        # Wrapped text and error lines that appear later need the dialog to grow with them, never to clip.
        column.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        intro = QLabel(f"Signed in as {name}. Your new passphrase works from your next sign-in or unlock.")
        intro.setWordWrap(True)
        intro.setMinimumWidth(520)  # wrapped text gets its full height at this width
        column.addWidget(intro)
        self.form = NewPassphraseForm(name, apply, ask_current=True, button="&Change passphrase")
        column.addWidget(self.form)
        self.cancel = QPushButton("Cancel")
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel)
        column.addLayout(row)
        self.form.done.connect(self.accept)
        self.form.failed.connect(self.adjustSize)  # room for the message that appeared
        self.form.first_field().setFocus()
        self.adjustSize()
