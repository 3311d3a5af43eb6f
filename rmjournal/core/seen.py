"""What this computer remembers about journals it opened: no secrets, only hints and a guard.

For each file id (copies of one journal share it) the state folder keeps two facts:

- the slot that opened the file last here (its index, role and kind), so the next unlock tries
  that slot first and runs one key derivation instead of one per slot before it;
- the highest save generation seen at each place (the file's resolved path, kept as a hash), so
  a copy older than one already opened at that place (a backup or a synced copy put back) is
  noticed and the person warned.

The generation is per place, not per file id: two copies of one journal on one computer (the
partner's copy received to merge, a copy on a USB stick) are different files at different
generations, and opening the lower one is not a rollback. A copy put back where the newer one was
is.

Neither is a secret: both are in the file itself, readable without a passphrase. The state file
is a hint, never a reason to fail: a missing, unreadable or corrupt one is treated as empty and
rewritten; a failed write is ignored. Writes are atomic (temp file, `os.replace`) and 0600.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import NamedTuple

STATE_NAME = "seen.json"
MAX_FILES = 256
"""The most journals remembered; the least recently opened are forgotten first."""
MAX_PLACES = 16
"""The most places remembered per file id; the least recently saved are forgotten first."""
_MAX_STATE_BYTES = 1 << 20


def place_of(path: Path | str) -> str:
    """The key a file's place is remembered by: a hash of its resolved path (no names kept)."""
    # cryptography's SHA-256, already loaded by every unlock (hashlib would add its own
    # OpenSSL binding to each command's start-up: test_layering).
    from cryptography.hazmat.primitives import hashes

    try:
        resolved = str(Path(path).resolve())
    except OSError:
        resolved = os.path.abspath(path)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(resolved.encode("utf-8", "surrogatepass"))
    return digest.finalize().hex()[:32]


def state_folder() -> Path:
    """`rmjournal.paths.state_dir()`, without importing `platformdirs` on Linux.

    Every unlocking command reads the state file, and `platformdirs` costs about 30 ms of
    imports (`shutil`, `random`) on each; on Linux its answer is the XDG rule, spelled out here
    (a test checks both agree). Other systems ask `platformdirs`.
    """
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_STATE_HOME", "").strip()
        return Path(base or os.path.expanduser("~/.local/state")) / "rmjournal"
    from rmjournal import paths

    return paths.state_dir()


class Memory(NamedTuple):
    """What is remembered about one file id."""

    slot: int | None  # index of the slot that opened it last here
    role: str | None
    kind: str | None
    generation: int  # the highest generation seen at the place asked about (0: never seen)


_NOTHING = Memory(None, None, None, 0)


class Seen:
    """The state file in `folder` (the user's state folder unless a test gives another)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    @property
    def folder(self) -> Path:
        """The folder holding the state file."""
        if self._folder is None:
            self._folder = state_folder()
        return self._folder

    @property
    def path(self) -> Path:
        """The state file."""
        return self.folder / STATE_NAME

    def recall(self, file_id: str, place: Path | str | None = None) -> Memory:
        """What is remembered about `file_id`, with the highest generation seen at `place`.

        Nothing, if the state file is missing or bad; generation 0 without a place.
        """
        entry = self._load().get(file_id)
        if not isinstance(entry, dict):
            return _NOTHING
        places = entry.get("places")
        generation = (
            places.get(place_of(place)) if place is not None and isinstance(places, dict) else 0
        )
        slot, role, kind = entry.get("slot"), entry.get("role"), entry.get("kind")
        return Memory(
            slot if isinstance(slot, int) and not isinstance(slot, bool) and slot >= 0 else None,
            role if isinstance(role, str) else None,
            kind if isinstance(kind, str) else None,
            generation if isinstance(generation, int) and generation > 0 else 0,
        )

    def remember(
        self,
        file_id: str,
        generation: int,
        place: Path | str,
        *,
        slot: int | None = None,
        role: str | None = None,
        kind: str | None = None,
    ) -> None:
        """Record a generation seen at `place` (the highest is kept) and, if given, the slot that
        opened it."""
        files = self._load()
        before = list(files.items())
        old = files.pop(file_id, None)
        entry: dict[str, object] = dict(old) if isinstance(old, dict) else {}
        entry.pop("generation", None)  # the per-file-id figure of earlier versions: not a place
        old_places = entry.get("places")
        places: dict[str, object] = dict(old_places) if isinstance(old_places, dict) else {}
        key = place_of(place)
        seen = places.pop(key, None)
        places[key] = seen if isinstance(seen, int) and seen > generation else generation
        while len(places) > MAX_PLACES:
            del places[next(iter(places))]
        entry["places"] = places
        if slot is not None:
            entry.update(slot=slot, role=role, kind=kind)
        files[file_id] = entry  # last: the most recently used
        while len(files) > MAX_FILES:
            del files[next(iter(files))]
        if list(files.items()) != before:  # an open that changes nothing writes nothing
            self._store(files)

    def _load(self) -> dict[str, object]:
        document = read_hint(self.path)
        if not isinstance(document, dict) or document.get("version") != 1:
            return {}
        files = document.get("files")
        return dict(files) if isinstance(files, dict) else {}

    def _store(self, files: dict[str, object]) -> None:
        write_hint(self.path, {"version": 1, "files": files})


def read_hint(path: Path) -> object:
    """The JSON document of a state file (`seen.json`, `checked.json`), or None when it is
    missing, unreadable, over 1 MiB or not JSON: a hint, so never a reason to fail."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_STATE_BYTES + 1)
        return json.loads(raw) if len(raw) <= _MAX_STATE_BYTES else None
    except (OSError, ValueError):
        return None


def write_hint(path: Path, document: object) -> None:
    """Write a state file's JSON document atomically (a fresh 0600 temp file beside it, then
    `os.replace`), its folder made 0700 if missing; a failed write is ignored (a hint only:
    never fail an open or a save for it)."""
    text = json.dumps(document, separators=(",", ":"))
    temp = path.with_name(f".{path.name}.{os.urandom(8).hex()}.tmp")
    with contextlib.suppress(OSError):
        os.makedirs(path.parent, mode=0o700, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)
        try:
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)


def rollback_warning(name: str, generation: int, highest: int) -> str | None:
    """One sentence when save `generation` is older than the `highest` seen here, else None."""
    if generation >= highest:
        return None
    return (
        f"{name} is older than a copy of it opened on this computer before (save {generation}, "
        f"after save {highest} was seen): an older copy may have been put back, so check for "
        "a newer one before you go on."
    )
