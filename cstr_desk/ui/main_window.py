"""The main window: sign-in, the case list with search, the case wizard, accounts (administrator) and the idle lock.

Everything it does to cases and accounts goes through the Desk; slow work (opening the database, rendering) runs
off the UI thread with a busy indicator in the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.domain.roles import ROLES
from cstr_desk.errors import CstrDeskError
from cstr_desk.ui.idle_lock import DEFAULT_IDLE_MINUTES, IdleTimer
from cstr_desk.ui.signin import FirstRunForm, SignInForm
from cstr_desk.workflow import keyring_for

if TYPE_CHECKING:
    from cstr_desk.domain.case import Case
    from cstr_desk.domain.forms import Forms
    from cstr_desk.storage.cases import CaseSummary
    from cstr_desk.storage.users import Keyring, SignedIn
    from cstr_desk.ui.accounts_page import AccountsPage
    from cstr_desk.ui.case_list import CaseTableModel
    from cstr_desk.ui.case_session import CaseSession
    from cstr_desk.ui.delete_draft import DeleteDraftDialog
    from cstr_desk.ui.passphrase_forms import ChangePassphraseDialog, FirstPassphrasePage
    from cstr_desk.ui.wizard import CaseWizard
    from cstr_desk.workflow import Desk

# No `Qt` namespace at import time here: loading it costs some 35 ms, and the sign-in screen does not need it.


class MainWindow(QMainWindow):
    def __init__(self, data_folder: Path, forms: Forms | None = None, demo: bool = False,
                 idle_minutes: float = DEFAULT_IDLE_MINUTES, keyring: Keyring | None = None, demo_hint: str = "") -> None:
        super().__init__()
        from PySide6.QtWidgets import QApplication

        from cstr_desk.ui.theme import apply_palette

        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_palette(app)
        self.data_folder = data_folder
        from cstr_desk.ui.opened_files import use_data_folder

        use_data_folder(data_folder)
        self._forms = forms  # the instruments and programme data: loaded at sign-in, not at start-up
        self.keyring = keyring or keyring_for(data_folder)
        self.desk: Desk | None = None
        self.session: CaseSession | None = None
        self.wizard: CaseWizard | None = None
        # The title never shows a person's name: it is visible across the room and in the task bar.
        self._demo = demo
        self.setWindowTitle("CSTR Desk" + (" (demo)" if demo else ""))
        self.resize(1200, 760)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.signin: SignInForm | FirstRunForm
        if self.keyring.exists:
            self.signin = SignInForm(self.keyring, "CSTR Desk: sign in", hint=demo_hint)
            self.signin.signed_in.connect(self.on_signed_in)
        else:
            self.signin = FirstRunForm(self.keyring)
            self.signin.created.connect(self.on_first_run)
        self.stack.addWidget(self.signin)
        self.home: QWidget | None = None  # the case list and the accounts page are built at sign-in
        self.accounts: AccountsPage | None = None
        self.lock_form: SignInForm | None = None
        self.before_lock: QWidget | None = None
        self.first_passphrase: FirstPassphrasePage | None = None  # shown instead of everything until it is done
        self.passphrase_dialog: ChangePassphraseDialog | None = None
        self.delete_dialog: DeleteDraftDialog | None = None
        # Who is signed in and where the data is stay in view; "Saved" messages come and go beside them.
        self.who_label = QLabel(f"Data folder: {data_folder}")
        self.who_label.setAccessibleName("Signed-in person and data folder")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setVisible(False)
        self.busy_label = QLabel()
        self.busy_label.setVisible(False)
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.who_label)
        self._busy = 0
        self.idle = IdleTimer(self, idle_minutes, self.lock)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(120)
        self.search_timer.timeout.connect(self.reload_cases)
        QTimer.singleShot(0, self._focus_first)

    @property
    def forms(self) -> Forms:
        if self._forms is None:
            from cstr_desk.workflow import shipped_forms

            self._forms = shipped_forms()
        return self._forms

    def _focus_first(self) -> None:
        if isinstance(self.signin, SignInForm):
            self.signin.focus()
        else:
            self.signin.name.setFocus()

    # ------------------------------------------------------------ long work off the UI thread

    def begin_busy(self, label: str) -> None:
        """Show what is being done, stop the idle lock and keep hands off the page until it ends."""
        self._busy += 1
        self.busy_label.setText(label)
        self.busy_label.setVisible(True)
        self.busy_bar.setVisible(True)
        self.stack.setEnabled(False)
        self.idle.stop()

    def end_busy(self) -> None:
        self._busy = max(0, self._busy - 1)
        if self._busy:
            return
        self.busy_label.setVisible(False)
        self.busy_bar.setVisible(False)
        self.stack.setEnabled(True)
        if self.desk is not None and self.lock_form is None:
            self.idle.start()

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def run_op(self, label: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[str], None] | None = None) -> None:
        from cstr_desk.ui.background import run_op

        run_op(self, label, fn, on_done, on_error or self._op_failed)

    def _op_failed(self, message: str) -> None:
        QMessageBox.warning(self, "CSTR Desk", message)

    # ------------------------------------------------------------ home: the case list

    def _ensure_pages(self) -> None:
        if self.home is None:
            # Ctrl+L locks. Made at sign-in, not at start-up: a key sequence makes PySide6 build Qt's key enums,
            # which took longer than the rest of the sign-in window (there is nothing to lock before sign-in).
            lock_action = QAction("&Lock", self)
            lock_action.setShortcut(QKeySequence("Ctrl+L"))
            lock_action.triggered.connect(self.lock)
            self.addAction(lock_action)
            from cstr_desk.ui.accounts_page import AccountsPage

            self.home = self._build_home()
            self.stack.addWidget(self.home)
            self.accounts = AccountsPage(lambda: self.desk)
            self.accounts.change_own.clicked.connect(self.change_own_passphrase)
            from cstr_desk.ui.retention_box import RetentionBox  # issue 14

            self.retention_box = RetentionBox(lambda: self.desk)
            page_layout = self.accounts.layout()
            assert page_layout is not None
            page_layout.addWidget(self.retention_box)
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
        self._add_outcome_controls(top)  # issue 13
        column.addLayout(top)
        self.model: CaseTableModel = CaseTableModel()
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
        self.preview_button = QPushButton("Pre&view and print")
        self.amend_button = QPushButton("&Amend…")
        self.delete_button = QPushButton("&Delete draft…")
        self.passphrase_button = QPushButton("Change my &passphrase…")
        self.lock_button = QPushButton("&Lock (Ctrl+L)")
        self.signout_button = QPushButton("Sign o&ut")
        # Case actions flow onto a second line on a narrow window (150% on a small laptop); the person's own
        # actions sit on their own line at the right.
        from cstr_desk.ui.widgets.flow import FlowLayout  # not on the sign-in path

        case_actions = FlowLayout()
        for b in (self.new_button, self.open_button, self.preview_button, self.save_copy_button, self.amend_button, self.delete_button,
                  self.outcome_button, self.dashboard_button):
            case_actions.addWidget(b)
        self._add_handover_button(case_actions)  # issue 14
        column.addLayout(case_actions)
        buttons.addStretch(1)
        buttons.addWidget(self.passphrase_button)
        buttons.addWidget(self.lock_button)
        buttons.addWidget(self.signout_button)
        column.addLayout(buttons)
        self.new_button.setShortcut(QKeySequence.StandardKey.New)
        self.new_button.clicked.connect(self.new_case)
        self.open_button.clicked.connect(self.open_selected)
        self.save_copy_button.clicked.connect(self.save_copy)
        self.preview_button.clicked.connect(self.preview_selected)
        self.amend_button.clicked.connect(self.amend_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.passphrase_button.clicked.connect(self.change_own_passphrase)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_case_buttons())
        self.lock_button.clicked.connect(self.lock)
        self.signout_button.clicked.connect(self.sign_out)
        return page

    def reload_cases(self) -> None:
        if self.desk is None or not self.desk.may("read_cases") or self.home is None:
            return
        to_record = self.desk.count_outcomes_to_record(date.today())  # issue 13
        self.to_record.setText(f"Outcome to &record ({to_record})")
        if self.to_record.isChecked():
            self.model.set_rows(self.desk.outcomes_to_record(date.today()))
        else:
            self.model.set_rows(self.desk.list_cases(self.search.text(), today=date.today()))
        if self.model.rows and not self._columns_sized:
            self.table.resizeColumnsToContents()
            self._columns_sized = True
        if self.model.rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._update_case_buttons()

    def _update_case_buttons(self) -> None:
        row = self.selected()
        deletable = row is not None and row.status == "draft" and row.latest_final is None
        self.delete_button.setEnabled(bool(self.desk and self.desk.may("delete_draft")) and deletable)
        self.delete_button.setToolTip("" if deletable else "Only a draft that was never final can be deleted.")

    def selected(self) -> CaseSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    # ------------------------------------------------------------ hand-over to the site hub (issue 14)

    def _add_handover_button(self, buttons: QLayout) -> None:
        self.handover_button = QPushButton("&Hand over")
        self.handover_button.setToolTip("Send the final annexes not yet received to the site hub (needs the network)")
        self.handover_button.setEnabled(False)
        self.handover_button.clicked.connect(self.hand_over)
        buttons.addWidget(self.handover_button)

    def hand_over(self) -> None:
        desk = self.desk
        if desk is None:
            return

        def done(run: Any) -> None:
            pending = f", {run.not_tried} still to send" if run.not_tried else ""
            failed = f", {len(run.failed)} failed: {run.failed[0][2]}" if run.failed else ""
            self.statusBar().showMessage(f"Handed over: {len(run.sent)} sent{failed}{pending}", 15000)
            self.model.not_handed_over = desk.not_handed_over()
            self.reload_cases()

        self.run_op("Handing over to the site hub…", desk.hand_over, done)

    # ------------------------------------------------------------ after the hearing (issue 13)

    def _add_outcome_controls(self, top: QHBoxLayout) -> None:
        from PySide6.QtWidgets import QCheckBox

        self.to_record = QCheckBox("Outcome to &record")
        self.to_record.setToolTip("Final annexes whose hearing has passed with no outcome recorded")
        self.to_record.toggled.connect(lambda _on: self.reload_cases())
        top.addWidget(self.to_record)
        self.outcome_button = QPushButton("Outc&ome…")
        self.outcome_button.clicked.connect(self.open_outcome)
        self.dashboard_button = QPushButton("&Dashboard")
        self.dashboard_button.clicked.connect(self.open_dashboard)
        self.after_hearing: QWidget | None = None

    def open_outcome(self) -> None:
        from cstr_desk.ui.outcome_page import OutcomePage

        row = self.selected()
        if row is None or self.desk is None or not self.desk.may("record_outcome"):
            return
        if row.status != "final" and row.latest_final is None and row.hearing_date and row.hearing_date > date.today():
            QMessageBox.information(self, "CSTR Desk", "An outcome is recorded after the hearing.")
            return
        self._show_after_hearing(OutcomePage(self.desk, row.case_id))

    def open_dashboard(self) -> None:
        from cstr_desk.ui.dashboard import DashboardPage

        if self.desk is not None:
            self._show_after_hearing(DashboardPage(self.desk))

    def _show_after_hearing(self, page: Any) -> None:
        self._close_after_hearing()
        self.after_hearing = page
        page.closed.connect(self._close_after_hearing)
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)

    def _close_after_hearing(self) -> None:
        page, self.after_hearing = self.after_hearing, None
        if page is None:
            return
        self.stack.removeWidget(page)
        page.deleteLater()
        if self.desk is not None and not self.locked and self.home is not None:
            self.stack.setCurrentWidget(self.home)
            self.reload_cases()
            self.table.setFocus()

    # ------------------------------------------------------------ signing in and out

    def on_signed_in(self, signed: SignedIn) -> None:
        from cstr_desk.workflow import Desk

        self._open_with(lambda: Desk.open(self.data_folder, self.keyring, signed, self._forms))

    def _open_with(self, open_desk: Callable[[], Desk]) -> None:
        """Open the database on the UI thread: a SQLCipher connection made on a worker thread crashed the interpreter
        at exit (PySide6 6.10, sqlcipher3 0.6), so only the work done on an open database runs off it."""
        if self.busy:
            return
        self.begin_busy("Opening the database…")
        try:
            desk = open_desk()
        except (CstrDeskError, PermissionError) as exc:
            QMessageBox.critical(self, "CSTR Desk", str(exc))
            return
        finally:
            self.end_busy()
        self._opened(desk)

    def on_first_run(self, details: tuple[str, str]) -> None:
        """Create the administrator and the empty encrypted database, then sign them in."""
        from cstr_desk.workflow import Desk

        name, passphrase = details
        self._open_with(lambda: Desk.create_first_administrator(self.keyring, name, passphrase, self._forms))
        recovery = self.desk.take_recovery_key() if self.desk is not None else None
        if recovery and isinstance(self.signin, FirstRunForm):  # issue 15 (D3): shown once, before carrying on
            current = self.stack.currentWidget()
            self.stack.setCurrentWidget(self.signin)

            def carry_on() -> None:
                if current is not None:
                    self.stack.setCurrentWidget(current)
            self.signin.show_recovery_key(recovery, carry_on)

    def _opened(self, desk: Desk) -> None:
        self.desk = desk
        self._watch_integrity()
        self._ensure_pages()
        actor = desk.actor
        self.who_label.setText(f"Signed in as {actor.name} ({ROLES[actor.role].lower()}) · Data folder: {self.data_folder}")
        handle = self.windowHandle()
        if handle is not None:
            self.idle.watch(handle)
        self.idle.start()
        if desk.must_change_passphrase:
            self._show_first_passphrase(desk)
            return
        self._show_start()

    def _show_first_passphrase(self, desk: Desk) -> None:
        """The administrator chose this passphrase: nothing else until the person has chosen their own."""
        from cstr_desk.ui.passphrase_forms import FirstPassphrasePage

        def apply(_current: str | None, new: str) -> None:
            desk.choose_own_passphrase(new)

        self.first_passphrase = FirstPassphrasePage(desk.actor.name, apply, self.sign_out)
        self.first_passphrase.form.done.connect(self._first_passphrase_chosen)
        self.stack.addWidget(self.first_passphrase)
        self.stack.setCurrentWidget(self.first_passphrase)
        self.first_passphrase.focus()

    def _drop_first_passphrase(self) -> None:
        if self.first_passphrase is not None:
            self.stack.removeWidget(self.first_passphrase)
            self.first_passphrase.deleteLater()
            self.first_passphrase = None

    def _first_passphrase_chosen(self) -> None:
        self._drop_first_passphrase()
        self.statusBar().showMessage("Your passphrase is changed. Use it from now on.", 5000)
        self._show_start()

    def _show_start(self) -> None:
        desk = self.desk
        assert desk is not None and self.accounts is not None and self.home is not None
        actor = desk.actor
        if actor.role == "administrator":
            self.accounts.reload()
            self.retention_box.reload()
            self.stack.setCurrentWidget(self.accounts)
            return
        self.new_button.setEnabled(desk.may("create_case"))
        self.amend_button.setEnabled(desk.may("amend"))
        self.save_copy_button.setEnabled(desk.may("read_full_case"))
        self.outcome_button.setEnabled(desk.may("record_outcome"))
        self.preview_button.setEnabled(desk.may("read_full_case") and desk.may("export"))
        self.model.not_handed_over = desk.not_handed_over()  # issue 14: once a sign-in, not at every keystroke
        self.handover_button.setEnabled(desk.may("hand_over") and desk.hub_linked())
        self.stack.setCurrentWidget(self.home)
        self.reload_cases()
        self.search.setFocus()

    def _watch_integrity(self) -> None:
        """The database's integrity check runs on its own thread after sign-in; say at once if it fails."""
        timer = QTimer(self)
        timer.setInterval(200)

        def poll() -> None:
            desk = self.desk
            if desk is None:
                timer.stop()
                return
            state = desk.integrity()
            if state is None:
                return
            timer.stop()
            timer.deleteLater()
            if state:
                self.statusBar().showMessage("The database is damaged: nothing can be changed. Restore a backup.")
                QMessageBox.critical(self, "CSTR Desk", "The database file failed its integrity check, so CSTR Desk "
                                     "will not change it; cases can still be read. Ask the administrator to restore "
                                     "the newest backup (cstr-desk restore).")
            else:
                warning = desk.settle()  # the sign-in events that waited for the check
                if warning:
                    self.statusBar().showMessage(warning)

        timer.timeout.connect(poll)
        timer.start()

    def sign_out(self) -> None:
        self.close_case()
        self._drop_first_passphrase()
        if self.passphrase_dialog is not None:
            self.passphrase_dialog.reject()
        self._close_after_hearing()
        if self.desk is not None:
            self.desk.close()
        self.desk = None
        if self.home is not None:
            self.model.set_rows([])
        self.idle.stop()
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
        if self.desk is None or self.lock_form is not None or self.busy:
            return
        if self.session is not None:
            self.session.flush()
        self.before_lock = self.stack.currentWidget()
        self.lock_form = SignInForm(self.keyring, "Locked", fixed_name=self.desk.actor.name,
                                    hint="CSTR Desk locked itself. Type your passphrase to carry on where you were.")
        self.lock_form.signed_in.connect(self.unlock)
        switch = QPushButton("Sign in as someone else")
        switch.clicked.connect(self._switch_user)
        self.lock_form.column.addWidget(switch)
        self.stack.addWidget(self.lock_form)
        self.stack.setCurrentWidget(self.lock_form)
        self.lock_form.focus()
        self.idle.stop()
        self.desk.lock()

    def unlock(self, signed: SignedIn) -> None:
        from cstr_desk.workflow import DifferentPerson

        assert self.desk is not None and self.lock_form is not None
        try:
            self.desk.unlock(signed)
        except DifferentPerson as exc:
            self.lock_form.error.show_error(str(exc))
            return
        back = self.before_lock or self.home
        if back is not None:
            self.stack.setCurrentWidget(back)
        self.stack.removeWidget(self.lock_form)
        self.lock_form.deleteLater()
        self.lock_form = None
        self.idle.start()

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
        if self.desk is None or not self.desk.may("create_case"):
            return
        self.open_wizard(self.desk.new_case(date.today()))

    def open_selected(self) -> None:
        row = self.selected()
        if row is None or self.desk is None:
            return
        if row.status == "final" and row.latest_final is not None:
            from cstr_desk.ui.documents import open_pdf

            if not self.desk.may("read_full_case"):
                self.statusBar().showMessage("A final annex holds the whole case: your role cannot open it.", 5000)
                return

            open_pdf(self.desk.final_annex(row.case_id, row.latest_final, "opened"), f"annex-v{row.latest_final}.pdf")
            return
        self.open_wizard(self.desk.open_draft(row.case_id))

    def preview_selected(self) -> None:
        """The selected case's final annex inside the app, printable; opening and printing are audited."""
        from cstr_desk.ui.pdf_preview import show_preview

        row, desk = self.selected(), self.desk
        if row is None or not row.latest_final or desk is None:
            QMessageBox.information(self, "CSTR Desk", "Choose a case with a final annex.")
            return
        case_id, version = row.case_id, row.latest_final
        show_preview(self, desk.final_annex(case_id, version, "previewed"), f"Annex, version {version}",
                     lambda pages: desk.record_export(case_id, f"annex v{version} printed, {pages} pages"))

    def save_copy(self) -> None:
        from cstr_desk.ui.documents import choose_save_path, write_file

        row = self.selected()
        if row is None or not row.latest_final or self.desk is None:
            QMessageBox.information(self, "CSTR Desk", "Choose a case with a final annex.")
            return
        path = choose_save_path(self, f"annex-{row.crn or 'case'}-v{row.latest_final}.pdf")
        if path is not None:
            write_file(path, self.desk.final_annex(row.case_id, row.latest_final, "saved"))

    def amend_selected(self) -> None:
        row = self.selected()
        if row is None or row.status != "final" or self.desk is None:
            QMessageBox.information(self, "CSTR Desk", "Choose a final case to amend.")
            return
        reason, ok = QInputDialog.getText(self, "Amend the final annex",
                                          f"Version {row.latest_final} stays as it is. Why is a new version needed?")
        if not ok:
            return
        try:
            case = self.desk.amend(row.case_id, reason)
        except CstrDeskError as exc:
            QMessageBox.warning(self, "CSTR Desk", str(exc))
            return
        self.reload_cases()
        self.open_wizard(case)

    def delete_selected(self) -> None:
        """Delete the selected draft, with a reason; the Desk refuses a final and another officer's draft."""
        from cstr_desk.ui.delete_draft import DeleteDraftDialog

        row = self.selected()
        if row is None or self.desk is None:
            return
        desk, case_id = self.desk, row.case_id
        self.delete_dialog = DeleteDraftDialog(self, row.person_name or "a person not named yet",
                                               lambda reason: desk.delete_draft(case_id, reason))
        self.delete_dialog.accepted.connect(self._draft_deleted)
        self.delete_dialog.open()

    def _draft_deleted(self) -> None:
        self.delete_dialog = None
        self.statusBar().showMessage("Draft deleted.", 5000)
        self.table.clearSelection()
        self.reload_cases()
        self.table.setFocus()

    def change_own_passphrase(self) -> None:
        """Anyone signed in: current passphrase, then the new one twice."""
        from cstr_desk.ui.passphrase_forms import ChangePassphraseDialog

        if self.desk is None:
            return
        desk = self.desk

        def apply(current: str | None, new: str) -> None:
            desk.change_own_passphrase(current or "", new)

        self.passphrase_dialog = ChangePassphraseDialog(self, desk.actor.name, apply)
        self.passphrase_dialog.accepted.connect(
            lambda: self.statusBar().showMessage("Your passphrase is changed. Use it from now on.", 5000))
        self.passphrase_dialog.finished.connect(self._passphrase_dialog_closed)
        self.passphrase_dialog.open()

    def _passphrase_dialog_closed(self) -> None:
        self.passphrase_dialog = None

    def open_wizard(self, case: Case) -> None:
        from cstr_desk.ui.case_session import CaseSession
        from cstr_desk.ui.wizard import CaseWizard

        assert self.desk is not None
        self.close_case()
        self.session = CaseSession(self.desk, case)
        self.session.saved.connect(lambda n: self.statusBar().showMessage(f"Saved ({n})", 2000))
        self.session.save_failed.connect(self._save_failed)
        self.wizard = CaseWizard(self.session)
        self.wizard.closed.connect(self.close_case)
        self.session.changed.connect(self._title_for_case)
        self.stack.addWidget(self.wizard)
        self.stack.setCurrentWidget(self.wizard)
        self.wizard.restart()
        self._title_for_case()

    def _title_for_case(self) -> None:
        """The title names the case by CRN and hearing, never by the person's name (it shows across the room and in
        the task bar); the header inside the window carries the name."""
        if self.session is None:
            return
        case = self.session.case
        label = f"CRN {case.identifiers.crn}" if case.identifiers.crn.strip() else "new case"
        when = f", hearing {case.hearing.hearing_date:%d/%m/%Y}" if case.hearing.hearing_date else ""
        self.setWindowTitle(f"CSTR Desk: {label}{when}" + (" (demo)" if self._demo else ""))

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
        self.setWindowTitle("CSTR Desk" + (" (demo)" if self._demo else ""))
        if self.desk is not None and not self.locked and self.home is not None:
            self.stack.setCurrentWidget(self.home)
            self.reload_cases()
            self.table.setFocus()

    def closeEvent(self, event: Any) -> None:
        if self.session is not None:
            self.session.flush()
        if self.desk is not None:
            self.desk.close()
            self.desk = None
        self.idle.unwatch(self.windowHandle())
        from cstr_desk.ui.opened_files import clean_temp_folder

        clean_temp_folder(keep_folder=True)  # PDFs opened in another program go at close (D14)
        super().closeEvent(event)
