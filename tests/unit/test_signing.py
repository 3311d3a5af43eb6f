"""Signatures: each person's own key, pinned in the body; approvals per variant; padded seals."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import pytest
from testkit import start_old_pair

from rmjournal.core import signing, store
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher, Signer, random_key, verify_signature
from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.interchange import import_document
from rmjournal.core.journal import Journal
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.merge import merge_into
from rmjournal.core.model import Person
from rmjournal.core.secret import Secret
from rmjournal.core.summary import (
    VARIANTS,
    approve,
    build_summary,
    register_variant,
    render_summary,
    shown,
    variant_states,
)

MENTOR_PW = "correct horse battery staple"
MENTEE_PW = "mentee's own words, typed by them"
PROMPTS = json.loads(
    (Path(__file__).parents[2] / "rmjournal" / "core" / "prompts.json").read_text("utf-8")
)["prompts"]


def _pair(me: str = "mentor", key: bytes | None = None) -> Journal:
    j = Journal.new(me=me, cipher=PrivateCipher(me, key or random_key()))  # type: ignore[arg-type]
    j.start_pair(mentor=Person("Kwame Mensah"), mentee=Person("Helen Brightwell"))
    signing.ensure_pinned(j)
    return j


@pytest.fixture
def path(journal_dir: Path, clock: FixedClock, example_doc: dict) -> Path:
    """The example journal with both partners' slots, added with both present."""
    target = journal_dir / "pair.rmj"
    jf, _ = JournalFile.create(
        target, passphrase=Secret.passphrase(MENTOR_PW), test_kdf=True, clock=clock
    )
    with jf:
        import_document(jf.journal, example_doc)
        jf.save()
        jf.vault.add_slot("mentee", Secret.passphrase(MENTEE_PW))
        assert jf.vault.joined is not None
        signing.pin_partner(jf.journal, jf.vault.signer(), jf.vault.joined)
        jf.save()
    return target


def opened(path: Path, pw: str, clock: FixedClock) -> JournalFile:
    return JournalFile.open(path, Secret.passphrase(pw), allow_test_kdf=True, clock=clock)


# ------------------------------------------------------------------------------- the keys


def test_a_signature_is_bound_to_its_key_its_purpose_and_its_data() -> None:
    me = Signer("mentor", random_key())
    sig = me.sign("approval", b"the text")
    assert verify_signature(me.public_key, "approval", b"the text", sig)
    assert not verify_signature(me.public_key, "authorship", b"the text", sig)
    assert not verify_signature(me.public_key, "approval", b"the text!", sig)
    other = Signer("mentor", random_key())
    assert not verify_signature(other.public_key, "approval", b"the text", sig)
    # The same personal key always gives the same signing key; the role is part of it.
    key = random_key()
    assert Signer("mentor", key).public_key == Signer("mentor", key).public_key
    assert Signer("mentor", key).public_key != Signer("mentee", key).public_key


def test_each_person_signs_with_their_own_key_and_the_partner_verifies_it(
    path: Path, clock: FixedClock
) -> None:
    with opened(path, MENTEE_PW, clock) as jf:
        sig = signing.sign(jf.journal, "authorship", b"entry 1")
        mentee_key = jf.vault.signer().public_key
    with opened(path, MENTOR_PW, clock) as jf:
        assert signing.verify(jf.journal, "mentee", "authorship", b"entry 1", sig)
        wrong = signing.verify(jf.journal, "mentor", "authorship", b"entry 1", sig)
        assert not wrong and "not the mentor's" in wrong.reason
        assert signing.key_of(jf.journal, "mentee")[0] == mentee_key
        # The mentee's passphrase, typed at this keyboard, gives the mentee's key, no other.
        assert jf.vault.authenticate(Secret.passphrase(MENTEE_PW), "mentee").public_key == (
            mentee_key
        )


def test_a_replaced_pin_for_the_reader_is_reported_and_repaired(
    path: Path, clock: FixedClock
) -> None:
    fake = Signer("mentor", random_key())
    with opened(path, MENTEE_PW, clock) as jf:  # the partner, with the pair key, swaps it
        jf.journal.records.execute(
            "UPDATE signing_keys SET public_key = ?, self_signature = ? WHERE role = 'mentor'",
            (
                base64.b64encode(fake.public_key).decode(),
                signing.encode(fake.sign("pin", b"mentor\x00" + fake.public_key)),
            ),
        )
        jf.journal.records.count_changes()
        jf.save()
    with opened(path, MENTOR_PW, clock) as jf:
        assert jf.key_warning is not None and "was not yours" in jf.key_warning
        jf.save()
    with opened(path, MENTOR_PW, clock) as jf:
        assert jf.key_warning is None


def test_a_confirmed_partner_key_cannot_be_swapped_by_the_partner(
    path: Path, clock: FixedClock
) -> None:
    fake = Signer("mentee", random_key())
    with opened(path, MENTEE_PW, clock) as jf:
        # The mentee replaces their own pin (self-signed by the new key, keeping the mentor's
        # old confirmation, which does not cover the new key).
        jf.journal.records.execute(
            "UPDATE signing_keys SET public_key = ?, self_signature = ? WHERE role = 'mentee'",
            (
                base64.b64encode(fake.public_key).decode(),
                signing.encode(fake.sign("pin", b"mentee\x00" + fake.public_key)),
            ),
        )
        jf.journal.records.count_changes()
        jf.save(last=True)
    with opened(path, MENTOR_PW, clock) as jf:
        key, reason = signing.key_of(jf.journal, "mentee")
        assert key is None and "not the one you confirmed" in reason
        forged = fake.sign("authorship", b"x")
        assert not signing.verify(jf.journal, "mentee", "authorship", b"x", forged)


def test_a_merge_adds_a_missing_pin_and_never_replaces_one() -> None:
    key = random_key()
    mine = _pair("mentor")
    theirs = Journal.from_bytes(mine.to_bytes(), me="mentee", cipher=PrivateCipher("mentee", key))
    signing.ensure_pinned(theirs)
    merge_into(mine, theirs.to_bytes())
    assert signing.key_of(mine, "mentee")[0] == Signer("mentee", key).public_key
    impostor = Journal.from_bytes(
        theirs.to_bytes(), me="mentee", cipher=PrivateCipher("mentee", random_key())
    )
    signing.ensure_pinned(impostor)  # another "mentee" key pinned in a crafted copy
    report = merge_into(mine, impostor.to_bytes())
    assert any("the one pinned here was kept" in note for note in report.key_notes)
    assert signing.key_of(mine, "mentee")[0] == Signer("mentee", key).public_key


# ------------------------------------------------------------------------- the variants


def test_approving_the_anonymised_summary_never_approves_the_named_one(
    path: Path, clock: FixedClock
) -> None:
    with opened(path, MENTOR_PW, clock) as jf:
        approve(jf.journal, variant_name="anonymised")
        theirs = jf.vault.authenticate(Secret.passphrase(MENTEE_PW), "mentee")
        approve(jf.journal, "mentee", variant_name="anonymised", signer=theirs)
        summary = build_summary(jf.journal)
        assert not summary.approved  # the named summary: still a draft
        assert "DRAFT" in render_summary(jf.journal, "markdown")
        anon = render_summary(jf.journal, "markdown", anonymise=True)
        assert "DRAFT" not in anon and "Approved by both partners" in anon
        assert shown(summary, anonymise=True).approved
        approve(jf.journal)  # and the named one, by the mentor alone: still a draft
        assert not build_summary(jf.journal).approved


def test_the_agreement_is_its_own_variant_withdrawn_when_its_text_changes(
    path: Path, clock: FixedClock
) -> None:
    with opened(path, MENTOR_PW, clock) as jf:
        j = jf.journal
        j.update_pair(agreement="We meet monthly. What is said here stays here.")
        approve(j, variant_name="agreement")
        theirs = jf.vault.authenticate(Secret.passphrase(MENTEE_PW), "mentee")
        approve(j, "mentee", variant_name="agreement", signer=theirs)
        assert all(s.approved for s in variant_states(j, "agreement").values())
        assert not build_summary(j).approved  # the summary is not the agreement
        j.update_pair(agreement="We meet monthly.")
        assert not any(s.approved for s in variant_states(j, "agreement").values())


def test_a_return_variant_registered_by_the_scheme_code_is_signed_the_same_way(
    path: Path, clock: FixedClock
) -> None:
    saved = VARIANTS.pop("return", None)
    try:
        with opened(path, MENTOR_PW, clock) as jf:
            with pytest.raises(NotFound):
                approve(jf.journal, variant_name="return")
            register_variant("return", "the scheme return", lambda j, today: b"sessions:4")
            approve(jf.journal, variant_name="return")
            states = variant_states(jf.journal, "return")
            assert states["mentor"].approved and not states["mentee"].approved
            register_variant("return", "the scheme return", lambda j, today: b"sessions:5")
            assert not variant_states(jf.journal, "return")["mentor"].approved
    finally:
        VARIANTS.pop("return", None)
        if saved is not None:
            VARIANTS[saved.name] = saved


def test_an_approval_row_copied_as_the_other_role_does_not_count(
    path: Path, clock: FixedClock
) -> None:
    with opened(path, MENTEE_PW, clock) as jf:  # the mentee approves, then forges the mentor's
        approve(jf.journal)
        j = jf.journal
        row = j.records.execute(
            "SELECT content_hash, approved_at, signature FROM approvals WHERE role = 'mentee'"
        ).fetchone()
        j.records.execute(
            "INSERT INTO approvals (id, role, content_hash, approved_at, variant, signature,"
            " created_at, updated_at, author) VALUES ('forged', 'mentor', ?, ?, NULL, ?, ?, ?,"
            " 'mentor')",
            (*row, row[1], row[1]),
        )
        j.records.count_changes()
        jf.save()
    with opened(path, MENTOR_PW, clock) as jf:
        summary = build_summary(jf.journal)
        assert not summary.approved
        state = summary.approvals["mentor"]
        assert not state.approved and state.refused and "not the mentor's" in state.refused
        text = render_summary(jf.journal, "markdown")
        assert "Approved by both" not in text and "does not verify" in text


def test_an_unsigned_approval_reads_as_not_approved_with_the_reason() -> None:
    j = _pair()
    approve(j)
    j.records.execute("UPDATE approvals SET signature = NULL")
    state = build_summary(j).approvals["mentor"]
    assert not state.approved and state.refused and "approve again" in state.refused
    assert "approve again" in render_summary(j, "markdown")


def test_approving_for_the_partner_needs_the_partners_key() -> None:
    j = _pair()
    with pytest.raises(JournalError, match="Only the mentee"):
        approve(j, "mentee")
    with pytest.raises(JournalError, match="not the mentee's"):
        approve(j, "mentee", signer=Signer("mentor", random_key()))


def test_an_old_journal_gets_its_signing_tables_and_keeps_opening() -> None:
    db = store.new_database(8)
    j = Journal(db, me="mentor", cipher=PrivateCipher("mentor", random_key()))
    start_old_pair(j, mentor=Person("A B"), mentee=Person("C D"), started_on=date(2026, 1, 5))
    old = j.to_bytes()
    upgraded = Journal.from_bytes(old, me="mentor", cipher=PrivateCipher("mentor", random_key()))
    assert signing.ensure_pinned(upgraded).pinned_now
    approve(upgraded)
    assert build_summary(upgraded).approvals["mentor"].approved


# ---------------------------------------------------------------------------- padding


def test_sealed_lengths_do_not_tell_which_built_in_prompt_was_answered() -> None:
    cipher = PrivateCipher("mentor", random_key())
    lengths: dict[str, set[int]] = {"prompt": set(), "text": set()}
    for prompt in PROMPTS:
        answer = f"My answer to this: {prompt['text'][:40]} and a little more."
        lengths["prompt"].add(len(cipher.seal("e1", "prompt", prompt["text"])))
        lengths["text"].add(len(cipher.seal("e1", "text", answer)))
    assert len(PROMPTS) > 20
    assert len(lengths["prompt"]) == 1 and len(lengths["text"]) == 1


def test_padded_seals_open_and_old_unpadded_tokens_still_open() -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = random_key()
    cipher = PrivateCipher("mentor", key)
    for text in ("", "short", "é" * 300, "x" * 5000):
        assert cipher.open("id", "text", cipher.seal("id", "text", text)) == text
    nonce = b"\x01" * 12
    old = AESGCM(key).encrypt(nonce, b"from before", b"rmjournal private field v1\x00id\x00text")
    token = "p1:" + base64.b64encode(nonce + old).decode()
    assert PrivateCipher.is_sealed(token) and cipher.open("id", "text", token) == "from before"
    # Longer texts fall in coarse size classes: a handful of lengths, never the exact one.
    sizes = {len(cipher.seal("id", "text", "y" * n)) for n in range(0, 3000, 7)}
    assert len(sizes) <= 5  # 256, 512, 1024, 2048 and 4096 bytes, for 429 lengths
