"""The main window: for now a start page that says where the data lives."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget


class MainWindow(QMainWindow):
    def __init__(self, data_folder: Path, demo: bool = False) -> None:
        super().__init__()
        self.setWindowTitle("CSTR Desk" + (" (demo)" if demo else ""))
        self.resize(1024, 700)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        heading = QLabel("<h1>CSTR Desk</h1>", central)
        heading.setAccessibleName("CSTR Desk")
        intro = QLabel(
            "Court-day screening, eligibility and the PSR treatment-requirement annex "
            "for Mental Health, Drug Rehabilitation and Alcohol Treatment Requirements.",
            central,
        )
        intro.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addStretch(1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(f"Data folder: {data_folder}")
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
