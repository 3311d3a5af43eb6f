"""User text made safe to show: never markup, never terminal control codes.

Names, agenda topics and notes are data. `rich.text.Text` already ignores markup, but an ESC
character inside it would reach the terminal as a live escape sequence, so control characters
are replaced by their visible Unicode "control picture" (ESC shows as ␛).
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def plain(text: str) -> str:
    """`text` with control characters (except newline and tab) replaced by visible symbols."""
    return _CONTROL.sub(_picture, text)


def literal(text: str, style: str = "") -> Text:
    """A `Text` that shows `text` exactly as typed: no markup, no escape sequences."""
    return Text(plain(text), style=style)
