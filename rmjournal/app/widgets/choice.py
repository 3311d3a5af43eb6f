"""Checkboxes and radio buttons whose state shows in their shape, not only their colour.

Textual's toggles draw the same mark on and off and change its colour; here an unticked box is
empty, so the state reads the same in any theme, on a monochrome screen and to colour-blind eyes.
Focus shows as an underlined, bold label as well as the theme's cursor colours, for the same
reason.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton

FOCUS_CSS = """
ClearCheckbox:focus > .toggle--label { text-style: bold underline; }
RadioSet:focus > ClearRadioButton.-selected > .toggle--label { text-style: bold underline; }
"""
"""Focus as a shape (underline), not only as the cursor colours."""


class ClearCheckbox(Checkbox):
    """A checkbox drawn `X` when ticked and empty when not."""

    DEFAULT_CSS = FOCUS_CSS
    SCOPED_CSS = False

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "


class ClearRadioButton(RadioButton):
    """A radio button drawn `●` when chosen and empty when not."""

    DEFAULT_CSS = FOCUS_CSS
    SCOPED_CSS = False

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "
