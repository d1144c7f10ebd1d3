"""CasePage: one step of the case, bound to the CaseSession; read-only (as readable text) for a role that does not own it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.domain.roles import DUTY_OFFICER, ROLES, STEP_OWNERS
from cstr_desk.ui.case_session import CaseSession
from cstr_desk.ui.theme import NOTE_BACKGROUND
from cstr_desk.ui.widgets.fields import ErrorLabel
from cstr_desk.ui.widgets.wrap_label import WrapLabel

if TYPE_CHECKING:
    from cstr_desk.domain.case import Case
    from cstr_desk.ui.wizard import CaseWizard

NOT_STARTED, IN_PROGRESS, DONE, ATTENTION = "not started", "in progress", "done", "needs attention"


@dataclass(frozen=True)
class Missing:
    """Something that stops the person going on from this page, and the field to put it right."""

    message: str
    widget: QWidget | None = None


class _ReadOnlyInput(QObject):
    """Keeps choices readable and reachable by Tab, but unchangeable: swallows clicks, wheel and keys except Tab."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
                    QEvent.Type.Wheel):
            return True
        if kind == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            return key not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        return False


class CasePage(QWidget):
    step = ""
    title_text = ""
    subtitle_text = ""
    records_step = True  # remember this page as where the person was, for resume

    def __init__(self, session: CaseSession, wizard: CaseWizard | None = None) -> None:
        super().__init__()
        self.session = session
        self._wizard = wizard
        self._loading = False
        self._read_only_filter = _ReadOnlyInput(self)
        self._made_read_only: list[QWidget] = []
        self._hidden_in_read_only: list[QWidget] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel(f"<h2>{self.title_text}</h2>")
        self.title_label.setAccessibleName(self.title_text)
        outer.addWidget(self.title_label)
        if self.subtitle_text:
            subtitle = WrapLabel(self.subtitle_text)
            subtitle.setWordWrap(True)
            outer.addWidget(subtitle)
        self.role_note = WrapLabel(self)
        self.role_note.setWordWrap(True)
        self.role_note.setVisible(False)
        self.role_note.setStyleSheet(f"background: {NOTE_BACKGROUND}; color: #000000; padding: 4px;")
        outer.addWidget(self.role_note)
        # What is missing, listed at the top when Next is pressed on an incomplete page; each item a link to its field.
        self.missing_panel = WrapLabel(self)
        self.missing_panel.setWordWrap(True)
        self.missing_panel.setTextFormat(Qt.TextFormat.RichText)
        self.missing_panel.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByKeyboard
                                                   | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.missing_panel.setStyleSheet("border: 2px solid #b00020; padding: 6px;")
        self.missing_panel.setAccessibleName("What is missing on this page")
        self.missing_panel.setVisible(False)
        self.missing_panel.linkActivated.connect(self._go_to_missing)
        outer.addWidget(self.missing_panel)
        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # One scrollbar per page, vertical: wide content (tables of tests, long names) wraps instead.
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget(self.scroller)
        self.layout_ = QVBoxLayout(self.body)
        self.scroller.setWidget(self.body)
        outer.addWidget(self.scroller, 1)
        self._missing: list[Missing] = []
        self.build()
        for combo in self.body.findChildren(QComboBox):
            # A long choice (a provider's full name, a kind of treatment) must not widen the page at 150%.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)

    def wrapping_label(self, name: str, rich: bool = True) -> QLabel:
        """A label that wraps to the page width (a rich-text table in it must not widen the page)."""
        label = WrapLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        label.setMinimumWidth(200)
        label.setAccessibleName(name)
        return label

    # subclasses fill these in
    def build(self) -> None: ...

    def load(self) -> None: ...

    def save(self) -> None: ...

    def missing(self) -> list[Missing]:
        """What must be put right before going on from this page (empty: Next may go on)."""
        return []

    def has_data(self) -> bool:
        """Anything recorded on this step yet (for the step list's 'not started')."""
        return False

    @property
    def owners(self) -> tuple[str, ...]:
        """Who may change this step: data in domain/roles.py (STEP_OWNERS), enforced again by storage."""
        return STEP_OWNERS.get(self.step, (DUTY_OFFICER,))

    def wizard(self) -> CaseWizard:
        assert self._wizard is not None
        return self._wizard

    @property
    def case(self) -> Case:
        return self.session.case

    @property
    def read_only(self) -> bool:
        return self.session.actor.role not in self.owners

    def owner_text(self) -> str:
        return " or ".join(ROLES[r].lower() for r in self.owners if r in ROLES)

    def prime(self) -> None:
        """Fill the widgets from the case without showing the page, so the step list can tell its state."""
        self._loading = True
        try:
            self.load()
        finally:
            self._loading = False

    def initializePage(self) -> None:
        self._loading = True
        try:
            self.load()
        finally:
            self._loading = False
        if self.read_only:
            self.role_note.setText(f"Only the {self.owner_text()} can change this step; you can read it.")
        self.role_note.setVisible(self.read_only)
        self.missing_panel.setVisible(False)
        self.set_read_only(self.read_only)
        if self.records_step:
            self.session.set_step(self.step)
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        """Read-only content stays readable text (never greyed out) and reachable by Tab; it just cannot change."""
        for widget in self._made_read_only:
            if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox):
                widget.setReadOnly(False)
            else:
                widget.removeEventFilter(self._read_only_filter)
        for widget in self._hidden_in_read_only:
            widget.setVisible(True)
        self._made_read_only, self._hidden_in_read_only = [], []
        if not read_only:
            return
        for child in self.body.findChildren(QWidget):
            if isinstance(child, QPushButton):
                if child.isVisibleTo(self.body):
                    child.setVisible(False)
                    self._hidden_in_read_only.append(child)
            elif isinstance(child, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox):
                if not child.isReadOnly():
                    child.setReadOnly(True)
                    self._made_read_only.append(child)
            elif isinstance(child, QAbstractButton | QComboBox):
                child.installEventFilter(self._read_only_filter)
                self._made_read_only.append(child)

    def edited(self, *_args: object) -> None:
        """A widget changed: copy the page into the case, save soon, re-check."""
        if self._loading or self.read_only:
            return
        self.save()
        self.session.touch()
        self.refresh()
        if self.missing_panel.isVisible():
            self.show_missing()

    def refresh(self) -> None:
        """Show problems and live results; called after every edit and on entering the page."""

    def reveal_errors(self) -> None:
        for label in self.body.findChildren(ErrorLabel):
            label.reveal()

    def show_missing(self) -> bool:
        """List what is missing at the top, each a link that moves focus to its field; False when nothing is."""
        self._missing = [] if self.read_only else self.missing()
        if not self._missing:
            self.missing_panel.setVisible(False)
            return False
        from html import escape

        items = "".join(f'<li><a href="missing:{n}">{escape(m.message)}</a></li>' for n, m in enumerate(self._missing))
        self.missing_panel.setText(f"<b>Before going on:</b><ul>{items}</ul>")
        self.missing_panel.setVisible(True)
        return True

    def _go_to_missing(self, link: str) -> None:
        n = int(link.split(":", 1)[1])
        if 0 <= n < len(self._missing) and self._missing[n].widget is not None:
            widget = self._missing[n].widget
            assert widget is not None
            self.scroller.ensureWidgetVisible(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def validatePage(self) -> bool:
        """Next was pressed: go on when nothing is missing (and the draft is saved); otherwise say what is missing."""
        if not self.read_only:
            self.reveal_errors()
            if self.show_missing():
                self.missing_panel.setFocus(Qt.FocusReason.OtherFocusReason)
                return False
        return self.session.flush_content() or self.read_only
