"""User text made safe to show: never markup, never terminal control codes.

Names, agenda topics and notes are data. `rich.text.Text` already ignores markup, but an ESC
character inside it would reach the terminal as a live escape sequence, so control characters
are replaced by their visible Unicode "control picture" (ESC shows as ␛).
"""

from __future__ import annotations

from rich.text import Text

from rmjournal.text import plain


def literal(text: str, style: str = "") -> Text:
    """A `Text` that shows `text` exactly as typed: no markup, no escape sequences."""
    return Text(plain(text), style=style)
