"""The frozen format-v1 sample journal still opens, with the content it was made with.

`tests/data/v1-sample.rmj` was written once by `tests/data/make_v1_sample.py` and is never
regenerated: a change to the reader that breaks it breaks every journal people already have.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from vault_helpers import notes_of

from rmjournal.core import errors
from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault, inspect

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE_SHA256 = "111ec0722d0ecf949dc3562b06b86bb5a5327dec49f8b41f44026973db5c860a"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample (opening takes a lock file beside it; the repository stays clean)."""
    assert hashlib.sha256((DATA / "v1-sample.rmj").read_bytes()).hexdigest() == SAMPLE_SHA256, (
        "tests/data/v1-sample.rmj changed: the v1 sample is frozen and must never be regenerated"
    )
    copy = tmp_path / "v1-sample.rmj"
    shutil.copyfile(DATA / "v1-sample.rmj", copy)
    return copy


@pytest.fixture
def expected() -> dict:
    return json.loads((DATA / "v1-sample.expected.json").read_text(encoding="utf-8"))


def test_v1_sample_opens_with_its_passphrase(sample: Path, expected: dict) -> None:
    passphrase = (DATA / "v1-sample.passphrase").read_text(encoding="utf-8")
    with Vault.open(sample, Secret.passphrase(passphrase), allow_test_kdf=True) as vault:
        assert vault.role == "mentor"
        assert notes_of(vault.read_body()) == expected["notes"]
        assert vault.file_id == expected["file_id"]
        assert vault.generation == expected["generation"]


def test_v1_sample_mentee_and_recovery_keys(sample: Path, expected: dict) -> None:
    mentee = Secret.passphrase(expected["mentee_passphrase"])
    with Vault.open(sample, mentee, allow_test_kdf=True) as vault:
        assert vault.role == "mentee"
    for role, text in expected["recovery_keys"].items():
        with Vault.open(sample, Secret.recovery(text), allow_test_kdf=True) as vault:
            assert vault.role == role
            assert notes_of(vault.read_body()) == expected["notes"]


def test_v1_sample_facts_and_refusal_without_the_switch(sample: Path, expected: dict) -> None:
    facts = inspect(sample)
    assert facts.version == 1 and facts.test_kdf
    assert [[s.role, s.kind] for s in facts.slots] == expected["slots"]
    passphrase = (DATA / "v1-sample.passphrase").read_text(encoding="utf-8")
    with pytest.raises(errors.TestKdfRefused):
        Vault.open(sample, Secret.passphrase(passphrase))
