"""The main window: sign-in, the case list with search, the case wizard, accounts (administrator) and the idle lock."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.domain.roles import ROLES
from cstr_desk.paths import resources_dir
from cstr_desk.storage.errors import StorageError
from cstr_desk.storage.users import Keyring, SignedIn
from cstr_desk.ui.signin import FirstRunForm, SignInForm
from cstr_desk.ui.widgets.fields import ErrorLabel

DEFAULT_IDLE_MINUTES = 5.0
# No `Qt` namespace at import time here: loading it costs some 35 ms, and the sign-in screen does not need it.
class IdleWatcher(QObject):
    """Restarts the idle timer on any key, click or wheel anywhere in the app."""

    def __init__(self, timer: QTimer) -> None:
        super().__init__()
        self.timer = timer
        # Built here, not at import: creating Qt's large QEvent.Type enum costs tens of ms at start-up.
        from PySide6.QtCore import QEvent

        self.events = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
                                 QEvent.Type.MouseMove})

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.events and self.timer.isActive():
            self.timer.start()
        return False


class AccountsPage(QWidget):
    """The administrator's page: accounts and roles; no case content."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window_ = window
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
        self.list.clear()
        for name, role in self.window_.keyring.accounts():
            self.list.addItem(f"{name} ({ROLES.get(role, role)})")

    def add_account(self) -> None:
        from cstr_desk.domain.passphrase import passphrase_problems

        name, passphrase = self.name.text().strip(), self.passphrase.text()
        problems = passphrase_problems(passphrase, name, resources_dir() / "common-passphrases.txt")
        if problems:
            self.error.show_error(" ".join(problems))
            return
        try:
            self.window_.keyring.add_account(self.window_.signed, name, self.role.currentData(), passphrase)
            self.window_.store.record_event("user_added", detail=self.role.currentData())
        except (StorageError, PermissionError) as exc:  # shown beside the form
            self.error.show_error(str(exc))
            return
        self.error.show_error("")
        self.name.clear()
        self.passphrase.clear()
        self.reload()

    def remove_account(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        name = item.text().rsplit(" (", 1)[0]
        try:
            self.window_.keyring.remove_account(self.window_.signed, name)
            self.window_.store.record_event("user_removed")
        except (StorageError, PermissionError) as exc:
            self.error.show_error(str(exc))
            return
        self.reload()


class MainWindow(QMainWindow):
    def __init__(self, data_folder: Path, forms: Any = None, demo: bool = False,
                 idle_minutes: float = DEFAULT_IDLE_MINUTES, keyring: Keyring | None = None, demo_hint: str = "") -> None:
        super().__init__()
        self.data_folder = data_folder
        self._forms = forms  # the instruments and programme data: loaded at sign-in, not at start-up
        self.keyring = keyring or Keyring(data_folder)
        self.store: Any = None
        self.signed: SignedIn | None = None
        self.session: Any = None
        self.wizard: Any = None
        # The title never shows a person's name: it is visible across the room and in the task bar.
        self.setWindowTitle("CSTR Desk" + (" (demo)" if demo else ""))
        self.resize(1200, 760)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        if self.keyring.exists:
            self.signin = SignInForm(self.keyring, "CSTR Desk: sign in", hint=demo_hint)
            self.signin.signed_in.connect(self.on_signed_in)
        else:
            self.signin = FirstRunForm(self.keyring)
            self.signin.created.connect(self.on_signed_in)
        self.stack.addWidget(self.signin)
        self.home: QWidget | None = None  # the case list and the accounts page are built at sign-in
        self.accounts: AccountsPage | None = None
        self.lock_form: SignInForm | None = None
        self.before_lock: QWidget | None = None
        # Who is signed in and where the data is stay in view; "Saved" messages come and go beside them.
        self.who_label = QLabel(f"Data folder: {data_folder}")
        self.who_label.setAccessibleName("Signed-in person and data folder")
        self.statusBar().addPermanentWidget(self.who_label)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(int(idle_minutes * 60_000))
        self.idle_timer.timeout.connect(self.lock)
        self.idle_watcher: IdleWatcher | None = None  # installed at sign-in: nothing to lock before that
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(120)
        self.search_timer.timeout.connect(self.reload_cases)
        lock_action = QAction("&Lock", self)
        lock_action.setShortcut(QKeySequence("Ctrl+L"))
        lock_action.triggered.connect(self.lock)
        self.addAction(lock_action)
        QTimer.singleShot(0, self._focus_first)

    @property
    def forms(self) -> Any:
        if self._forms is None:
            from cstr_desk.domain.forms import load_forms
            from cstr_desk.paths import forms_dir

            self._forms = load_forms(forms_dir())
        return self._forms

    def _focus_first(self) -> None:
        if isinstance(self.signin, SignInForm):
            self.signin.focus()
        else:
            self.signin.name.setFocus()

    # ------------------------------------------------------------ home: the case list

    def _ensure_pages(self) -> None:
        if self.home is None:
            self.home = self._build_home()
            self.stack.addWidget(self.home)
            self.accounts = AccountsPage(self)
            self.stack.addWidget(self.accounts)

    def _build_home(self) -> QWidget:
        from cstr_desk.ui.case_list import CaseTableModel

        page = QWidget()
        column = QVBoxLayout(page)
        top = QHBoxLayout()
        label = QLabel("&Search")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name, CRN, court or hearing date (23/11/2026)")
        self.search.setAccessibleName("Search cases")
        label.setBuddy(self.search)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        top.addWidget(label)
        top.addWidget(self.search, 1)
        column.addLayout(top)
        self.model = CaseTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Cases: today's hearings first, then drafts, then finals")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        # Sized once to the first rows, not on every keystroke (ResizeToContents measures every row each time).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._columns_sized = False
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())
        column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("&New case")
        self.open_button = QPushButton("&Open")
        self.save_copy_button = QPushButton("Save a &copy of the annex…")
        self.amend_button = QPushButton("&Amend…")
        self.lock_button = QPushButton("&Lock (Ctrl+L)")
        self.signout_button = QPushButton("Sign o&ut")
        for b in (self.new_button, self.open_button, self.save_copy_button, self.amend_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.lock_button)
        buttons.addWidget(self.signout_button)
        column.addLayout(buttons)
        self.new_button.setShortcut(QKeySequence.StandardKey.New)
        self.new_button.clicked.connect(self.new_case)
        self.open_button.clicked.connect(self.open_selected)
        self.save_copy_button.clicked.connect(self.save_copy)
        self.amend_button.clicked.connect(self.amend_selected)
        self.lock_button.clicked.connect(self.lock)
        self.signout_button.clicked.connect(self.sign_out)
        return page

    def reload_cases(self) -> None:
        if self.store is None or not self.signed or not self.signed.actor.may("read_cases"):
            return
        self.model.set_rows(self.store.list_cases(self.search.text(), today=date.today()))
        if self.model.rows and not self._columns_sized:
            self.table.resizeColumnsToContents()
            self._columns_sized = True
        if self.model.rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    # ------------------------------------------------------------ signing in and out

    def on_signed_in(self, signed: SignedIn) -> None:
        from cstr_desk.storage.cases import CaseStore
        from cstr_desk.storage.db import StorageError, open_database

        try:
            database = open_database(self.data_folder, signed.key)
        except StorageError as exc:
            QMessageBox.critical(self, "CSTR Desk", str(exc))
            return
        self.signed = signed
        self.store = CaseStore(database, signed.actor)
        self._ensure_pages()
        for failure in signed.failed_attempts:
            self.store.record_event("sign_in_failed", detail=f"at {failure['at']}")
        self.store.record_event("unlock")
        role = ROLES[signed.actor.role]
        self.who_label.setText(f"Signed in as {signed.actor.name} ({role.lower()}) · Data folder: {self.data_folder}")
        if self.idle_watcher is None:
            # On the window, not the whole app: it sees every key and click but not every paint and layout event.
            self.idle_watcher = IdleWatcher(self.idle_timer)
            self.windowHandle().installEventFilter(self.idle_watcher)
        self.idle_timer.start()
        if signed.actor.role == "administrator":
            self.accounts.reload()
            self.stack.setCurrentWidget(self.accounts)
            return
        self.new_button.setEnabled(signed.actor.may("create_case"))
        self.amend_button.setEnabled(signed.actor.may("amend"))
        from cstr_desk.storage.retention import overdue_cases  # issue 14; Desk.not_handed_over once on the Desk

        self.model.not_handed_over = overdue_cases(database)  # once a sign-in, not at every keystroke
        self.stack.setCurrentWidget(self.home)
        self.reload_cases()
        self.search.setFocus()

    def sign_out(self) -> None:
        self.close_case()
        if self.store is not None:
            self.store.database.close()
        self.store = None
        self.signed = None
        if self.home is not None:
            self.model.set_rows([])
        self.idle_timer.stop()
        if not isinstance(self.signin, SignInForm):
            self.signin = SignInForm(self.keyring, "CSTR Desk: sign in")
            self.signin.signed_in.connect(self.on_signed_in)
            self.stack.addWidget(self.signin)
        self.stack.setCurrentWidget(self.signin)
        self.who_label.setText(f"Data folder: {self.data_folder}")
        self.signin.focus()

    # ------------------------------------------------------------ the idle lock

    def lock(self) -> None:
        """Hide every case on screen until the same person's passphrase is typed again; keep the wizard as it is."""
        if self.signed is None or self.lock_form is not None:
            return
        if self.session is not None:
            self.session.flush()
        self.before_lock = self.stack.currentWidget()
        self.lock_form = SignInForm(self.keyring, "Locked", fixed_name=self.signed.actor.name,
                                    hint="CSTR Desk locked itself. Type your passphrase to carry on where you were.")
        self.lock_form.signed_in.connect(self.unlock)
        switch = QPushButton("Sign in as someone else")
        switch.clicked.connect(self._switch_user)
        self.lock_form.column.addWidget(switch)
        self.stack.addWidget(self.lock_form)
        self.stack.setCurrentWidget(self.lock_form)
        self.lock_form.focus()
        self.idle_timer.stop()
        if self.store is not None:
            self.store.record_event("lock")

    def unlock(self, signed: SignedIn) -> None:
        assert self.signed is not None and self.lock_form is not None
        if signed.key != self.signed.key or signed.actor != self.signed.actor:
            self.lock_form.error.show_error("Only the person who was signed in can unlock.")
            return
        for failure in signed.failed_attempts:
            self.store.record_event("sign_in_failed", detail=f"at {failure['at']}")
        self.store.record_event("unlock")
        self.stack.setCurrentWidget(self.before_lock or self.home)
        self.stack.removeWidget(self.lock_form)
        self.lock_form.deleteLater()
        self.lock_form = None
        self.idle_timer.start()

    @property
    def locked(self) -> bool:
        return self.lock_form is not None

    def _switch_user(self) -> None:
        if self.lock_form is not None:
            self.stack.removeWidget(self.lock_form)
            self.lock_form.deleteLater()
            self.lock_form = None
        self.sign_out()

    # ------------------------------------------------------------ cases

    def new_case(self) -> None:
        from cstr_desk.domain.case import Author, Case

        if self.store is None or not self.signed.actor.may("create_case"):
            return
        case = Case(author=Author(self.signed.actor.name, self.signed.actor.role))
        case.hearing.hearing_date = date.today()
        self.store.create_case(case)
        self.open_wizard(case)

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.status == "final":
            from cstr_desk.ui.documents import open_pdf

            pdf = self.store.final_pdf(row.case_id, row.latest_final)
            self.store.record_export(row.case_id, f"annex v{row.latest_final} opened")
            open_pdf(pdf, f"annex-v{row.latest_final}.pdf")
            return
        self.open_wizard(self.store.load_draft(row.case_id))

    def save_copy(self) -> None:
        from cstr_desk.ui.documents import save_pdf

        row = self.selected()
        if row is None or not row.latest_final:
            QMessageBox.information(self, "CSTR Desk", "Choose a case with a final annex.")
            return
        pdf = self.store.final_pdf(row.case_id, row.latest_final)
        if save_pdf(self, pdf, f"annex-{row.crn or 'case'}-v{row.latest_final}.pdf") is not None:
            self.store.record_export(row.case_id, f"annex v{row.latest_final} saved")

    def amend_selected(self) -> None:
        row = self.selected()
        if row is None or row.status != "final":
            QMessageBox.information(self, "CSTR Desk", "Choose a final case to amend.")
            return
        reason, ok = QInputDialog.getText(self, "Amend the final annex",
                                          f"Version {row.latest_final} stays as it is. Why is a new version needed?")
        if not ok:
            return
        if not reason.strip():
            QMessageBox.warning(self, "CSTR Desk", "An amendment needs a reason.")
            return
        case = self.store.amend(row.case_id, reason)
        self.reload_cases()
        self.open_wizard(case)

    def open_wizard(self, case: Any) -> None:
        from cstr_desk.ui.case_session import CaseSession
        from cstr_desk.ui.wizard import CaseWizard

        self.close_case()
        self.session = CaseSession(self.store, self.forms, case)
        self.session.saved.connect(lambda n: self.statusBar().showMessage(f"Saved ({n})", 2000))
        self.session.save_failed.connect(self._save_failed)
        self.wizard = CaseWizard(self.session)
        from PySide6.QtCore import Qt

        self.wizard.setWindowFlags(Qt.WindowType.Widget)
        self.wizard.closed.connect(self.close_case)
        self.stack.addWidget(self.wizard)
        self.stack.setCurrentWidget(self.wizard)
        self.wizard.restart()
        self.wizard.show()

    def _save_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"NOT SAVED: {message}")
        QMessageBox.warning(self, "CSTR Desk", f"Your last change was not saved: {message}")

    def close_case(self) -> None:
        if self.wizard is None:
            return
        wizard, self.wizard = self.wizard, None
        if wizard.finalized is None and self.session is not None:
            self.session.flush()
        self.stack.removeWidget(wizard)
        wizard.deleteLater()
        self.session = None
        if self.signed is not None and not self.locked:
            self.stack.setCurrentWidget(self.home)
            self.reload_cases()
            self.table.setFocus()

    def closeEvent(self, event: Any) -> None:
        if self.session is not None:
            self.session.flush()
        if self.store is not None:
            self.store.database.close()
            self.store = None
        if self.idle_watcher is not None and self.windowHandle() is not None:
            self.windowHandle().removeEventFilter(self.idle_watcher)
        super().closeEvent(event)
