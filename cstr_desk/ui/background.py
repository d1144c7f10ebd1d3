"""Run slow work (PDF rendering, export) off the UI thread and hand the result back on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Bridge(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], bridge: _Bridge) -> None:
        super().__init__()
        self.fn = fn
        self.bridge = bridge

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - a thread boundary: every failure is reported on the UI thread
            self.bridge.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.bridge.done.emit(result)


_alive: set[_Bridge] = set()


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[str], None]) -> None:
    bridge = _Bridge()
    _alive.add(bridge)
    bridge.done.connect(on_done)
    bridge.failed.connect(on_error)
    bridge.done.connect(lambda _r: _alive.discard(bridge))
    bridge.failed.connect(lambda _e: _alive.discard(bridge))
    QThreadPool.globalInstance().start(_Job(fn, bridge))
