"""Choosing Argon2id's cost on this machine: about half a second per unlock, never below the
floor (`crypto.MIN_MEMORY_KIB`, `crypto.MIN_ITERATIONS`), each cost timed more than once.

Used when a journal is made and when a passphrase is set (`fileformat`, `vault_keys`); opening a
journal reads the cost from its header and never calibrates.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from rmjournal.core import crypto
from rmjournal.core.crypto import (
    CALIBRATION_LANES,
    MAX_CALIBRATED_ITERATIONS,
    MIN_ITERATIONS,
    MIN_MEMORY_KIB,
    PREFERRED_MEMORY_KIB,
    Argon2Params,
)


def time_argon2(params: Argon2Params) -> float:
    """Seconds one derivation at `params` takes on this machine."""
    started = time.perf_counter()
    crypto.argon2id(b"calibration", os.urandom(32), params)
    return time.perf_counter() - started


def _verdict(seconds: float, low: float, high: float) -> int:
    return -1 if seconds < low else 1 if seconds > high else 0


def sample_median(
    params: Argon2Params, measure: Callable[[Argon2Params], float], low: float, high: float
) -> float:
    """The median of three timings at `params`, stopping at two when both say the same.

    One timing can be thrown by a busy moment of the machine; the median of three cannot be
    thrown by one. Two agreeing timings (both too fast, both too slow, both in range) already
    fix which side the median is on, so the third is only taken when they disagree.
    """
    first, second = measure(params), measure(params)
    if _verdict(first, low, high) == _verdict(second, low, high):
        return (first + second) / 2
    return sorted([first, second, measure(params)])[1]


def calibrate_argon2(
    target: float = 0.5,
    *,
    low: float = 0.3,
    high: float = 1.0,
    measure: Callable[[Argon2Params], float] = time_argon2,
) -> tuple[Argon2Params, float]:
    """Argon2id parameters costing about `target` seconds here, and the time they measured.

    Unlocking should take about half a second on the user's own machine: long enough to make
    guessing expensive, short enough not to annoy. Memory never goes below 64 MiB nor passes
    below 2; on a machine too slow for even that, the floor wins over the time. Each cost tried
    is timed by `sample_median`, so one noisy timing does not change the result.
    """
    params = Argon2Params(PREFERRED_MEMORY_KIB, MIN_ITERATIONS, CALIBRATION_LANES)
    seconds = sample_median(params, measure, low, high)
    for _ in range(6):
        if low <= seconds <= high:
            break
        scale = target / seconds
        if seconds > high:
            if params.iterations > MIN_ITERATIONS:
                iterations = max(MIN_ITERATIONS, int(params.iterations * scale))
                candidate = Argon2Params(params.memory_kib, iterations, params.lanes)
            else:
                memory = max(MIN_MEMORY_KIB, int(params.memory_kib * scale) // 1024 * 1024)
                candidate = Argon2Params(memory, params.iterations, params.lanes)
        elif params.memory_kib < PREFERRED_MEMORY_KIB:
            memory = min(PREFERRED_MEMORY_KIB, int(params.memory_kib * scale) // 1024 * 1024)
            candidate = Argon2Params(
                max(memory, params.memory_kib + 1024), params.iterations, params.lanes
            )
        else:
            iterations = min(
                MAX_CALIBRATED_ITERATIONS,
                max(params.iterations + 1, round(params.iterations * scale)),
            )
            candidate = Argon2Params(params.memory_kib, iterations, params.lanes)
        if candidate == params:
            break
        params = candidate
        seconds = sample_median(params, measure, low, high)
    return params, seconds


def calibrated_key(secret: bytes, salt: bytes) -> tuple[Argon2Params, bytes]:
    """Calibrate with the real secret and salt, and return the key of the accepted cost.

    Every timing derives the actual key, so the accepted run's output is the key itself: a new
    journal needs no derivation beyond calibration.
    """
    keys: dict[Argon2Params, bytes] = {}

    def measure(params: Argon2Params) -> float:
        started = time.perf_counter()
        keys[params] = crypto.argon2id(secret, salt, params)
        return time.perf_counter() - started

    params, _ = calibrate_argon2(measure=measure)
    key = keys.get(params)
    return params, key if key is not None else crypto.argon2id(secret, salt, params)
