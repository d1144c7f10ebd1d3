"""CasePage: a scrolling wizard page bound to the CaseSession, read-only for the role that does not own it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from cstr_desk.domain.roles import DUTY_OFFICER, ROLES
from cstr_desk.ui.case_session import CaseSession


class CasePage(QWizardPage):
    step = ""
    owner = DUTY_OFFICER
    title_text = ""
    subtitle_text = ""
    records_step = True  # remember this page as where the officer was, for resume

    def __init__(self, session: CaseSession) -> None:
        super().__init__()
        self.session = session
        self._loading = False
        self.setTitle(self.title_text)
        if self.subtitle_text:
            self.setSubTitle(self.subtitle_text)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.role_note = QLabel(self)
        self.role_note.setWordWrap(True)
        self.role_note.setVisible(False)
        self.role_note.setStyleSheet("background: #fff4ce; padding: 4px;")
        outer.addWidget(self.role_note)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body = QWidget(scroll)
        self.layout_ = QVBoxLayout(self.body)
        scroll.setWidget(self.body)
        outer.addWidget(scroll)
        self.build()

    # subclasses fill these in
    def build(self) -> None: ...

    def load(self) -> None: ...

    def save(self) -> None: ...

    @property
    def case(self):  # type: ignore[no-untyped-def]
        return self.session.case

    @property
    def read_only(self) -> bool:
        return self.session.actor.role != self.owner

    def initializePage(self) -> None:
        self._loading = True
        try:
            self.load()
        finally:
            self._loading = False
        if self.read_only:
            who = ROLES[self.owner].lower()
            self.role_note.setText(f"Only the {who} can change this page; you can read it.")
        self.role_note.setVisible(self.read_only)
        self.body.setEnabled(True)
        self.set_read_only(self.read_only)
        if self.records_step:
            self.session.set_step(self.step)
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        for child in self.body.findChildren(QWidget):
            if hasattr(child, "setReadOnly"):
                child.setReadOnly(read_only)
            elif child.metaObject().className() in ("QComboBox", "QCheckBox", "QRadioButton", "QSpinBox",
                                                     "QPushButton"):
                child.setEnabled(not read_only)

    def edited(self, *_args: object) -> None:
        """A widget changed: copy the page into the case, save soon, re-check."""
        if self._loading or self.read_only:
            return
        self.save()
        self.session.touch()
        self.refresh()
        self.completeChanged.emit()

    def refresh(self) -> None:
        """Show problems and live results; called after every edit and on entering the page."""

    def validatePage(self) -> bool:
        return self.session.flush() or self.read_only
