"""The least a Python program must do to answer any command on an rmjournal file.

`python -m benchmarks.floor JOURNAL` starts the interpreter, imports the AEAD and `sqlite3`,
reads the file once, checks its SHA-256 trailer and runs AES-256-GCM over the body in place,
then prints whether the trailer matched. It imports nothing of rmjournal and uses no key: the
decryption runs the whole body through AES-GCM and fails at the tag, which costs what a
successful one does. No query, row check, database or output of entries is made, so a real
command can only be slower. `bench_jrnl` times it beside the 10,000-entry commands, to show
how far the ratio targets are from what any implementation in Python could reach.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3  # noqa: F401  imported, as every command must, for the body's database
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HEAD_BYTES = 1024
"""Roughly the header of a journal with a few slots; the rest up to the trailer is body."""
TRAILER_BYTES = 32


def main(path: str) -> int:
    """Read, check and decrypt; 0 when the trailer matched."""
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    view = memoryview(data)
    matched = hashlib.sha256(view[:-TRAILER_BYTES]).digest() == view[-TRAILER_BYTES:]
    body = view[HEAD_BYTES:-TRAILER_BYTES]
    with contextlib.suppress(InvalidTag):  # no key was given: the tag fails, at the end
        AESGCM(bytes(32)).decrypt_into(bytes(12), body, b"", body[:-16])
    print("trailer matches" if matched else "trailer does not match")
    return 0 if matched else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
