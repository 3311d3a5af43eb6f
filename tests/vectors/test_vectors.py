"""Every committed test vector gives exactly its expected outcome (see `make_vectors.py`).

The vectors freeze the reader's behaviour: a later version may write files differently, but it
must still open, refuse and classify these files exactly so. Key derivations are counted: where
a vector says `kdf: none`, the reader must refuse it before running any.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from rmjournal.core import crypto, errors, fileformat, opening
from rmjournal.core.errors import BadRecoveryKey, FileDamaged, JournalError, Tampered, WrongSecret
from rmjournal.core.secret import Secret

HERE = Path(__file__).resolve().parent
VECTORS = sorted(HERE.glob("*.rmj"))
OUTCOMES: dict[str, type[JournalError] | None] = {
    "opens": None,
    "damaged": FileDamaged,
    "tampered": Tampered,
    "wrong-secret": WrongSecret,
    "bad-recovery-key": BadRecoveryKey,
    "test-kdf-refused": errors.TestKdfRefused,
}


def _expectation(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.with_suffix(".txt").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(": ")
        fields[key] = value
    return fields


def _secret(text: str) -> Secret:
    kind, _, value = text.partition(":")
    return Secret.passphrase(value) if kind == "passphrase" else Secret.recovery(value)


def test_the_vectors_cover_every_outcome() -> None:
    assert len(VECTORS) >= 80
    seen = {_expectation(p)["expect"] for p in VECTORS}
    assert seen == set(OUTCOMES)


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    want = _expectation(path)
    expected = OUTCOMES[want["expect"]]
    calls: list[Any] = []
    real = crypto.argon2id

    def counting(secret: bytes, salt: bytes, params: crypto.Argon2Params) -> bytes:
        calls.append(params)
        return real(secret, salt, params)

    monkeypatch.setattr(crypto, "argon2id", counting)
    data = path.read_bytes()
    try:
        _, unlocked = opening.unlock(
            data, _secret(want["secret"]), path.name,
            role_hint=None, allow_test_kdf=want["switch"] == "yes",
        )  # fmt: skip
    except JournalError as error:
        assert expected is not None, f"{path.name} should open: {error}"
        # exactly the expected class: a damaged file is not reported as tampered, and so on
        assert type(error) is expected, f"{path.name}: {type(error).__name__}: {error}"
        assert path.name in str(error) or isinstance(error, BadRecoveryKey)
    else:
        assert expected is None, f"{path.name} opened but should be {want['expect']}"
        assert unlocked.slot.role == want["role"]
        assert hashlib.sha256(unlocked.body).hexdigest() == want["body-sha256"]
    if want["kdf"] == "none":
        assert calls == [], f"{path.name}: a key derivation ran before the refusal"
    for params in calls:  # whatever ran, ran within the bounds
        assert fileformat.kdf_in_bounds(params, test_kdf=True)
