"""The app's colours, chosen for at least 4.5:1 contrast (WCAG 2.1 AA) on the backgrounds they are drawn on."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ERROR = "#b00020"  # on white 7.0:1, on #efefef 6.1:1
WARNING = "#7a4d00"  # on white 7.9:1, on #efefef 6.9:1
NOTE_BACKGROUND = "#fff4ce"  # the role note: black text on it 19:1
PLACEHOLDER = "#595959"  # on white 7.0:1 (Qt's default placeholder is about 4.0:1)
DONE = "#1b5e20"
MUTED = "#4d4d4d"  # "not needed" steps: on white 8.5:1


def apply_palette(app: QApplication) -> None:
    """Darker placeholder text everywhere (it carries the dd/mm/yyyy and hh:mm hints)."""
    palette = app.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(PLACEHOLDER))
    app.setPalette(palette)


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(foreground: QColor | str, background: QColor | str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    a, b = _luminance(QColor(foreground)), _luminance(QColor(background))
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)
