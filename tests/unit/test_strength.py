"""The passphrase policy: a real estimate, one sentence of reason and a suggestion when refused.

The same `core.strength` decides for `rmjournal new`/`passwd`/`slot add` and the app's forms, so
these cases hold for both. The test passphrases of the kit must pass it (the tests make journals
with them through the same checks).
"""

from __future__ import annotations

import pytest
from testkit import MENTEE_PASSPHRASE, PASSPHRASE

from rmjournal.core.demo import DEMO_MENTEE_PASSPHRASE, DEMO_PASSPHRASE
from rmjournal.core.strength import (
    MIN_SCORE,
    WeakPassphrase,
    assess,
    check_new_passphrase,
)


@pytest.mark.parametrize(
    "weak",
    ["x", "password", "Password1!", "qwertyuiop", "11111111", "letmein2026", "abc abc abc abc"],
)
def test_weak_passphrases_are_refused_with_a_reason_and_a_suggestion(weak: str) -> None:
    verdict = assess(weak)
    assert not verdict.accepted and verdict.score < MIN_SCORE
    assert verdict.reason.startswith("Too easy to guess: ") and verdict.reason.endswith(".")
    assert verdict.reason.count(". ") == 0  # one sentence
    assert verdict.suggestion.endswith(".") and len(verdict.suggestion) > 10
    with pytest.raises(WeakPassphrase) as refused:
        check_new_passphrase(weak)
    assert refused.value.exit_code == 2
    assert str(refused.value) == f"{verdict.reason} {verdict.suggestion} Nothing was changed."


def test_the_pairs_names_are_known_words() -> None:
    for name_based in ("Kwame2026", "KwameMensah"):
        assert assess(name_based).accepted  # to the estimate alone, uncommon words
        assert not assess(name_based, ["Kwame Mensah", "Helen Brightwell"]).accepted


@pytest.mark.parametrize(
    "strong",
    [PASSPHRASE, MENTEE_PASSPHRASE, DEMO_PASSPHRASE, DEMO_MENTEE_PASSPHRASE, "jam ox fig"],
)
def test_the_kits_and_the_demos_passphrases_pass(strong: str) -> None:
    assert assess(strong).accepted
    check_new_passphrase(strong)


def test_a_very_long_passphrase_is_judged_quickly_and_accepted() -> None:
    verdict = assess("a" * 10_000 + " plus some distinct words at the very end")
    assert verdict.score in range(5)  # judged on its first characters; never hangs


def test_empty_is_refused() -> None:
    assert not assess("   ").accepted
