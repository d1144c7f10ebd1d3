"""Every step, for each role: every focusable widget has a name, no two share one, Tab visits each and leaves each
(no keyboard trap), nothing is shown as a disabled control, and the app's colours reach 4.5:1."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QRadioButton, QWidget

from cstr_desk.demo import DEMO_PASSPHRASE
from cstr_desk.ui import theme
from cstr_desk.ui.wizard import ORDER, P_DONE
from tests.ui.conftest import make_window, sign_in

ROLES = [("Jo Adeyemi", "duty_officer"), ("Priya Shah", "assistant_psychologist"), ("Dee Mensah", "support_worker")]


def name_of(widget: QWidget) -> str:
    """The name a screen reader announces: the accessible name set on it, else what Qt derives (a button's text)."""
    if widget.accessibleName():
        return widget.accessibleName()
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def focusable(root: QWidget) -> list[QWidget]:
    found = []
    for w in root.findChildren(QWidget):
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus and not w.focusProxy():
            found.append(w)
    return found


def group_key(widget: QWidget) -> object:
    """Radio buttons in one group are one Tab stop (arrow keys move within it)."""
    if isinstance(widget, QRadioButton):
        group = widget.group()
        return ("group", id(group)) if group is not None else ("parent", id(widget.parentWidget()))
    return widget


def tab_chain(qtbot, root: QWidget, start: QWidget, limit: int) -> list[QWidget]:
    start.setFocus(Qt.FocusReason.TabFocusReason)
    assert QApplication.focusWidget() is start, f"cannot focus {type(start).__name__} '{name_of(start)}'"
    seen = [start]
    for _ in range(limit):
        before = QApplication.focusWidget()
        assert before is not None, f"focus was lost after {type(seen[-1]).__name__} '{name_of(seen[-1])}'"
        qtbot.keyClick(before, Qt.Key.Key_Tab)
        after = QApplication.focusWidget()
        assert after is not before, f"Tab does not leave {type(before).__name__} '{name_of(before)}' (keyboard trap)"
        if after is seen[0]:
            break
        seen.append(after)
    return seen


def test_the_apps_colours_reach_four_and_a_half_to_one(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder)
    palette = QApplication.instance().palette()
    pairs = [(QPalette.ColorRole.WindowText, QPalette.ColorRole.Window), (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
             (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
             (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button)]
    for fg, bg in pairs:
        ratio = theme.contrast(palette.color(fg), palette.color(bg))
        assert ratio >= 4.5, f"{fg.name} on {bg.name}: {ratio:.2f}:1"
    window_bg = palette.color(QPalette.ColorRole.Window)
    for colour in (theme.ERROR, theme.WARNING, theme.DONE, theme.MUTED):
        assert theme.contrast(colour, window_bg) >= 4.5 and theme.contrast(colour, "#ffffff") >= 4.5, colour
    assert theme.contrast("#000000", theme.NOTE_BACKGROUND) >= 4.5
    window.close()


@pytest.mark.parametrize("user, role", ROLES)
def test_every_step_is_named_unique_reachable_and_readable(qtbot, demo_folder, user, role):
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window, user, DEMO_PASSPHRASE)
    qtbot.waitUntil(lambda: window.desk is not None)
    window.open_wizard(window.desk.open_draft("demo-mhtr-atr-women"))
    wizard = window.wizard
    palette_bg = QApplication.instance().palette().color(QPalette.ColorRole.Window)
    checked = 0
    for page_id, cls in ORDER:
        if page_id == P_DONE or not wizard.available(page_id):
            continue
        wizard.go_to(page_id)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        page = wizard.currentPage()
        where = f"{cls.__name__} as {role}"
        widgets = focusable(wizard)
        names = [name_of(w) for w in widgets]
        unnamed = [type(w).__name__ for w, n in zip(widgets, names, strict=True) if not n.strip()]
        assert not unnamed, f"{where}: focusable widgets without a name: {unnamed}"
        repeated = [n for n, c in Counter(n for n in names).items() if c > 1]
        assert not repeated, f"{where}: names used twice on one step: {repeated}"
        chain = tab_chain(qtbot, wizard, widgets[0], limit=len(widgets) * 2 + 20)
        visited = {group_key(w) for w in chain}
        missed = [name_of(w) for w in widgets if group_key(w) not in visited]
        assert not missed, f"{where}: Tab never reaches {missed}"
        for w in page.body.findChildren(QWidget):
            if w.isVisible() and isinstance(w, QAbstractButton | QWidget) and not w.isEnabled():
                pytest.fail(f"{where}: '{name_of(w)}' is shown as a disabled control; read-only content is text")
            for colour in re.findall(r"(?<!-)color:\s*(#[0-9a-fA-F]{6})", w.styleSheet()):
                assert theme.contrast(colour, palette_bg) >= 4.5, f"{where}: {colour} on the window background"
            if isinstance(w, QLabel) and w.isVisible() and w.text():
                text, ground = w.palette().color(QPalette.ColorRole.WindowText), w.palette().color(QPalette.ColorRole.Window)
                assert theme.contrast(text, ground) >= 4.5, f"{where}: '{w.text()[:40]}' at {theme.contrast(text, ground):.1f}:1"
        checked += 1
    assert checked >= (2 if role == "support_worker" else 12)
    window.close()
