"""The idle lock: a timer restarted by any key, click or wheel in the window, and the screen that hides the case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

DEFAULT_IDLE_MINUTES = 5.0


class IdleWatcher(QObject):
    """Restarts the idle timer on any key, click or wheel anywhere in the window."""

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


class IdleTimer(QObject):
    """Fires `on_idle` after the given minutes without input; paused while nobody is signed in or work runs."""

    def __init__(self, parent: QObject, minutes: float, on_idle: object) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.timeout.connect(on_idle)
        self.watcher: IdleWatcher | None = None

    def watch(self, target: QObject) -> None:
        """Install once, on the window (not the whole app: it sees every key and click, not every paint)."""
        if self.watcher is None:
            self.watcher = IdleWatcher(self.timer)
            target.installEventFilter(self.watcher)

    def unwatch(self, target: QObject | None) -> None:
        if self.watcher is not None and target is not None:
            target.removeEventFilter(self.watcher)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def isActive(self) -> bool:
        return self.timer.isActive()
