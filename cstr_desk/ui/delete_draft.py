"""Delete a draft started by mistake: the reason is required; the Desk decides who may and writes the audit event."""

from __future__ import annotations

from collections.abc import Callable

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
from cstr_desk.ui.widgets.fields import add_field


class DeleteDraftDialog(QDialog):
    """Opened window-modal with open(), so it never blocks; `delete(reason)` is the Desk's delete_draft."""

    def __init__(self, parent: QWidget, who: str, delete: Callable[[str], None]) -> None:
        super().__init__(parent)
        self._delete = delete
        self.setWindowTitle("Delete draft")
        column = QVBoxLayout(self)
        # Wrapped text and error lines that appear later need the dialog to grow with them, never to clip.
        column.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        intro = QLabel(f"Delete the draft for {who}? Only a draft started by mistake should be deleted: it cannot "
                       "be brought back. The reason is kept in the encrypted database; the audit log records the "
                       "deletion.")
        intro.setWordWrap(True)
        intro.setMinimumWidth(520)  # wrapped text gets its full height at this width
        column.addWidget(intro)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason_error = add_field(form, "&Reason", self.reason, "For example: started for the wrong person.")
        self.reason_error.reveal()  # the message answers the Delete button
        column.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        self.delete_button = QPushButton("&Delete draft")
        self.cancel = QPushButton("Cancel")
        row.addWidget(self.delete_button)
        row.addWidget(self.cancel)
        column.addLayout(row)
        self.delete_button.clicked.connect(self.confirm)
        self.reason.returnPressed.connect(self.confirm)
        self.cancel.clicked.connect(self.reject)
        for button in (self.delete_button, self.cancel):  # Enter in the reason box deletes, once
            button.setAutoDefault(False)
        self.reason.setFocus()
        self.adjustSize()

    def confirm(self) -> None:
        if not self.reason.text().strip():
            self.reason_error.show_error("Say why this draft is being deleted.")
            self.reason.setFocus()
            self.adjustSize()
            return
        try:
            self._delete(self.reason.text())
        except (CstrDeskError, PermissionError) as exc:  # not the author, a final, or a storage problem
            self.reason_error.show_error(str(exc))
            self.adjustSize()
            return
        self.accept()
