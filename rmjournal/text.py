"""User text made safe to show anywhere: never markup, never terminal control codes.

Names, topics and notes are data. An ESC, BEL or C1 character inside them would reach a terminal
as a live control sequence (colours, cursor moves, OSC 52 clipboard writes), so every face — the
app, the command line, the summaries — shows them through `plain()`: each control character
(except newline and tab) becomes a visible symbol, ESC as ␛. One rule, so the app and the CLI
show the same text the same way. No textual or rich import: the CLI uses this on every line.
JSON output keeps the text exact instead: `json_safe()` writes each control character as the
`\\u` escape JSON already has for it.
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
    return plain(flat_line(text, width))


def flat_line(text: str, width: int | None = None) -> str:
    """`one_line` before `plain()`: for many lines made plain at once (`plain` maps each
    character to one, so cutting before or after it is the same). Not safe to show alone."""
    flat = " ".join(text.split())
    if width is not None and len(flat) > width:
        flat = flat[: max(width - 1, 0)] + "…"
    return flat


_JSON_RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def json_safe(json_text: str) -> str:
    """JSON text with every raw control character as a `\\u` escape: the same document.

    `json.dumps(ensure_ascii=False)` and SQLite's JSON functions escape C0 characters but leave
    DEL and the C1 controls (U+0080–U+009F) raw, and a raw U+009B is a CSI to many terminals.
    Outside strings JSON text holds only printable ASCII, newlines and spaces, so every match is
    inside a string, where the escape means the same character: an import reads back the text.
    `json_text` is an encoder's output (C0 already escaped), so ASCII text needs only the DEL
    check, which runs in C.
    """
    if json_text.isascii():  # checked in C: the only raw control left can be DEL
        if "\x7f" not in json_text:
            return json_text
    elif _JSON_RAW.search(json_text) is None:
        return json_text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def json_dumps(document: object, indent: int | None = 1) -> str:
    """`document` as JSON text, non-ASCII kept as is, no raw control character (`json_safe`)."""
    import json

    return json_safe(json.dumps(document, ensure_ascii=False, indent=indent))


def counted(n: int, word: str) -> str:
    """`n` and `word`, with an s unless there is one: "1 result", "3 results"."""
    return f"{n} {word}{'' if n == 1 else 's'}"
