"""Checkboxes and radio buttons whose state shows in their shape, not only their colour.

Textual's toggles draw the same mark on and off and change its colour; here an unticked box is
empty, so the state reads the same in any theme, on a monochrome screen and to colour-blind eyes.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class ClearCheckbox(Checkbox):
    """A checkbox drawn `X` when ticked and empty when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "


class ClearRadioButton(RadioButton):
    """A radio button drawn `●` when chosen and empty when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "
