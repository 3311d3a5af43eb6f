"""Which bodies of a journal this computer has already checked row by row (`journal.checks`).

Checking every row costs a few tenths of a second at 50,000 entries, so a body this computer
saved or found sound is not checked again; any other body (a copy synced in, a file a script
rewrote) is. Kept in `checked.json` in the user's state folder beside `seen.json`: per file id,
the last few bodies' names (`Vault.body_identity`: the file's checksum and the opening slot), no
journal text and no secret. A hint only: missing or unreadable means "check".
"""

from __future__ import annotations

from pathlib import Path

from rmjournal.core.seen import read_hint, state_folder, write_hint

CHECKED_NAME = "checked.json"
_KEEP_PER_FILE = 4
_MAX_FILES = 256


def _checked_path() -> Path:
    return state_folder() / CHECKED_NAME


def _load_checked() -> dict[str, list[str]]:
    data = read_hint(_checked_path())
    if not isinstance(data, dict):
        return {}
    return {
        k: [d for d in v if isinstance(d, str)][-_KEEP_PER_FILE:]
        for k, v in data.items()
        if isinstance(k, str) and isinstance(v, list)
    }


def already_checked(file_id: str, digest: str) -> bool:
    """Whether this computer checked (or wrote) exactly this body of the file before."""
    return digest in _load_checked().get(file_id, [])


def remember_checked(file_id: str, digest: str) -> None:
    """Remember a body as checked (`seen.write_hint`: atomic, 0600, a failed write ignored)."""
    files = _load_checked()
    kept = [d for d in files.pop(file_id, []) if d != digest] + [digest]
    files[file_id] = kept[-_KEEP_PER_FILE:]
    while len(files) > _MAX_FILES:
        files.pop(next(iter(files)))
    write_hint(_checked_path(), files)
