"""The case list's table model: one row a case, no personal data beyond what the list shows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Name", "CRN", "Court", "Hearing", "Status", "Step or version")
STEP_NAMES = {"details": "Case details", "consent": "Consent", "alcohol": "Alcohol screen", "audit": "AUDIT",
              "drugs": "Drug screen", "mh_screen": "MH screen", "assessment": "MH assessment", "mh_findings": "MH findings", "needs": "Needs",
              "mhtr": "MHTR", "drr": "DRR", "atr": "ATR", "together": "Proposal", "review": "Review",
              "eligibility": "Eligibility", "proposal": "Proposal"}  # the last two: drafts from the first wizard


class CaseTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Any] = []
        self.not_handed_over: set[str] = set()  # issue 14: older than the retention period, not at the site hub

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        r = self.rows[index.row()]
        if index.column() == 0:
            return r.person_name or "(no name yet)"
        if index.column() == 1:
            return r.crn
        if index.column() == 2:
            return r.court
        if index.column() == 3:
            return r.hearing_date.strftime("%d/%m/%Y") if r.hearing_date else ""
        if index.column() == 4:
            flag = " · not handed over" if r.case_id in self.not_handed_over else ""
            if r.status == "final":
                return "Final" + flag
            return ("Amendment draft" if r.latest_final else "Draft") + flag
        if r.status == "final":
            return f"Version {r.latest_final}"
        return STEP_NAMES.get(r.wizard_step, r.wizard_step or "Not started")
