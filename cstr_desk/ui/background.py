"""Run slow work (opening the database, finalizing, rendering PDFs) off the UI thread and hand the result back on it.

`run_op` plays the part of Anki's CollectionOp: the window shows a busy indicator and keeps hands off the case
while the Desk works, then the result (or the error, in words) comes back on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

# Plain Python threads, polled from the UI thread: no Qt object crosses a thread (a Qt signal carrying a
# Python object from a worker thread crashed the interpreter at exit on PySide6 6.10).
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cstr-desk-work")
_alive: set[QTimer] = set()
POLL_MS = 10


def _message(exc: BaseException) -> str:
    from cstr_desk.errors import CstrDeskError

    if isinstance(exc, CstrDeskError | PermissionError):  # explained in plain words already
        return str(exc)
    # The message of an unexpected error may quote case content: name its kind only.
    return f"unexpected error ({type(exc).__name__}); the last saved draft is safe"


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[str], None]) -> None:
    """Run fn on a worker thread; on_done(result) or on_error(message) is called later on the UI thread."""
    future: Future[Any] = _executor.submit(fn)
    timer = QTimer()
    timer.setInterval(POLL_MS)
    _alive.add(timer)

    def poll() -> None:
        if not future.done():
            return
        timer.stop()
        _alive.discard(timer)
        timer.deleteLater()
        exc = future.exception()
        if exc is not None:
            on_error(_message(exc))
        else:
            on_done(future.result())

    timer.timeout.connect(poll)
    timer.start()


def run_op(owner: QWidget, label: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
           on_error: Callable[[str], None]) -> None:
    """Run fn off the UI thread with the owner window's busy indicator shown (begin_busy/end_busy) meanwhile."""
    window = owner.window()
    begin = getattr(window, "begin_busy", None)
    end = getattr(window, "end_busy", None)
    if begin is not None:
        begin(label)

    def done(result: Any) -> None:
        if end is not None:
            end()
        on_done(result)

    def failed(message: str) -> None:
        if end is not None:
            end()
        on_error(message)

    run_in_background(fn, done, failed)
