"""User text made safe to show anywhere: never markup, never terminal control codes.

Names, topics and notes are data. An ESC, BEL or C1 character inside them would reach a terminal
as a live control sequence (colours, cursor moves, OSC 52 clipboard writes), so every face — the
app, the command line, the summaries — shows them through `plain()`: each control character
(except newline and tab) becomes a visible symbol, ESC as ␛. One rule, so the app and the CLI
show the same text the same way. No textual or rich import: the CLI uses this on every line.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture" of C0 characters
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls have no picture


def plain(text: str) -> str:
    """`text` with control characters (except newline and tab) replaced by visible symbols."""
    return _CONTROL.sub(_picture, text)


def one_line(text: str, width: int | None = None) -> str:
    """`text` on one line (whitespace collapsed), made `plain()`, cut to `width` with "…"."""
    flat = plain(" ".join(text.split()))
    if width is not None and len(flat) > width:
        flat = flat[: max(width - 1, 0)] + "…"
    return flat
