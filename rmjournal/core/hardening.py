"""Process hardening while a journal is open: no core dumps, no ptrace by other processes.

A core dump of a process holding an unlocked journal would write its keys and plaintext to disk
(`core` files, systemd-coredump, apport). Once a secret is in play, `harden_process()` sets the
core-size limit to 0 (soft and hard, so nothing in this process raises it again) and, on Linux,
marks the process non-dumpable (`prctl(PR_SET_DUMPABLE, 0)`): the kernel then writes no core
dump even through a `core_pattern` pipe, and other processes of the same user can no longer
attach with ptrace or read `/proc/<pid>/mem` (root still can). A tracer already attached, such
as `strace` started with the process, keeps working. Both last until the process exits; a
program it starts with `exec` is dumpable again (the core limit of 0 is inherited).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import sys
from typing import Any

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


@functools.cache
def libc() -> Any:
    """The C library among the process's own symbols (`CDLL(None)`, no library search), on
    Linux; None elsewhere or where it cannot be loaded. Found once."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def harden_process() -> None:
    """No core dumps of this process from now on; on Linux, not dumpable. Never fails."""
    if sys.platform != "win32":  # Windows writes no core files; Windows Error Reporting
        try:  # dumps are a system setting (docs/security.md)
            import resource

            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        except (ImportError, ValueError, OSError):  # a limit we may not lower
            pass
    found = libc()
    if found is not None:
        with contextlib.suppress(AttributeError):
            found.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def is_dumpable() -> bool | None:
    """Whether the kernel would write a core dump of this process (None where unknown)."""
    found = libc()
    if found is None:
        return None
    try:
        return bool(found.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))
    except AttributeError:
        return None
