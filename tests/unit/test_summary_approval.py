"""Approving the summary: both partners, bound to its content, withdrawn by any change to it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rmjournal.core.clock import FixedClock
from rmjournal.core.errors import JournalError, UsageError, WrongSecret
from rmjournal.core.interchange import import_document
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret
from rmjournal.core.summary import DRAFT_MARKER, approve, build_summary, render_summary

MENTOR_PW = "correct horse battery staple"
MENTEE_PW = "mentee's own words, typed by them"


@pytest.fixture
def path(journal_dir: Path, clock: FixedClock, example_doc: dict) -> Path:
    """The example journal in a test-KDF file with a passphrase slot for each partner."""
    target = journal_dir / "pair.rmj"
    jf, _ = JournalFile.create(
        target, passphrase=Secret.passphrase(MENTOR_PW), test_kdf=True, clock=clock
    )
    with jf:
        import_document(jf.journal, example_doc)
        jf.save()
        jf.vault.add_slot("mentee", Secret.passphrase(MENTEE_PW))
    return target


def opened(path: Path, pw: str, clock: FixedClock) -> JournalFile:
    return JournalFile.open(path, Secret.passphrase(pw), allow_test_kdf=True, clock=clock)


def both_formats(jf: JournalFile) -> list[str]:
    return [render_summary(jf.journal, fmt) for fmt in ("markdown", "html")]


def approve_as(path: Path, pw: str, clock: FixedClock) -> None:
    with opened(path, pw, clock) as jf:
        approve(jf.journal)
        jf.save()


def test_draft_until_both_approve_then_back_after_a_change(path: Path, clock: FixedClock) -> None:
    with opened(path, MENTOR_PW, clock) as jf:
        assert all(DRAFT_MARKER in out for out in both_formats(jf))
    approve_as(path, MENTOR_PW, clock)
    with opened(path, MENTEE_PW, clock) as jf:
        summary = build_summary(jf.journal)
        assert summary.approvals["mentor"].approved and not summary.approvals["mentee"].approved
        assert not summary.approved
        outs = both_formats(jf)
        assert all(DRAFT_MARKER in out for out in outs)  # one approval is not enough
        assert "Kwame Mensah (the mentor) approved this version on 2026-07-20" in outs[0]
    clock.advance(days=1)
    approve_as(path, MENTEE_PW, clock)
    clock.advance(days=3)  # time passing alone withdraws nothing
    with opened(path, MENTOR_PW, clock) as jf:
        summary = build_summary(jf.journal)
        assert summary.approved
        for out in both_formats(jf):
            assert DRAFT_MARKER not in out and "DRAFT" not in out
            assert "Approved by both partners" in out
            assert "Kwame Mensah (the mentor) on 2026-07-20" in out
            assert "Helen Brightwell (the mentee) on 2026-07-21" in out
        # Approving the named summary never approves the anonymised one: it is its own variant.
        anon = render_summary(jf.journal, "markdown", anonymise=True)
        assert DRAFT_MARKER in anon and "Approved by both" not in anon
        learning = next(e for e in jf.journal.learnings() if e.visibility == "shareable")
        jf.journal.edit_entry(learning.id, text=learning.text + " Even more so.")
        after = build_summary(jf.journal)
        assert not after.approved
        for state in after.approvals.values():
            assert not state.approved and state.withdrawn is not None
        outs = both_formats(jf)
        assert all(DRAFT_MARKER in out for out in outs)
        assert "that approval was withdrawn" in outs[0]


@pytest.mark.parametrize(
    "change",
    [
        "goal",
        "commitment-status",
        "new-shareable-action",
        "make-pair-item-shareable",
        "session-held",
        "pair-title",
        "delete-shareable",
    ],
)
def test_any_change_to_the_content_withdraws(path: Path, clock: FixedClock, change: str) -> None:
    approve_as(path, MENTOR_PW, clock)
    approve_as(path, MENTEE_PW, clock)
    with opened(path, MENTOR_PW, clock) as jf:
        j = jf.journal
        assert build_summary(j).approved
        shared_goal = next(g for g in j.goals() if g.visibility == "shareable")
        commitment = next(a for a in j.commitments() if a.visibility == "shareable")
        if change == "goal":
            j.edit_goal(shared_goal.id, text="A different goal")
        elif change == "commitment-status":
            j.close_action(commitment.id)
        elif change == "new-shareable-action":
            j.agree_action("Something new", visibility="shareable")
        elif change == "make-pair-item-shareable":
            j.set_visibility(j.goals()[0].id, "shareable")
        elif change == "session-held":
            j.mark_held(j.sessions(status="planned")[0].id)
        elif change == "pair-title":
            j.update_pair(title="A new title")
        elif change == "delete-shareable":
            j.delete(commitment.id)
        assert not build_summary(j).approved


def test_what_the_summary_does_not_show_withdraws_nothing(path: Path, clock: FixedClock) -> None:
    approve_as(path, MENTOR_PW, clock)
    approve_as(path, MENTEE_PW, clock)
    with opened(path, MENTOR_PW, clock) as jf:
        j = jf.journal
        before = build_summary(j)
        pair_goal = next(g for g in j.goals() if g.visibility == "pair")
        j.edit_goal(pair_goal.id, text="Reworded, still between us")
        private = next(e for e in j.entries() if e.visibility == "private")
        j.edit_entry(private.id, text="Rewritten, still mine alone")
        shared = next(e for e in j.learnings() if e.visibility == "shareable")
        j.edit_entry(shared.id, text=shared.text)  # saved again, unchanged
        later = build_summary(j, date(2026, 12, 25))
        assert later.content_hash == before.content_hash
        assert later.approved


def test_the_hash_is_the_same_for_both_partners(path: Path, clock: FixedClock) -> None:
    with opened(path, MENTOR_PW, clock) as jf:
        mentor_hash = build_summary(jf.journal).content_hash
    with opened(path, MENTEE_PW, clock) as jf:
        assert build_summary(jf.journal).content_hash == mentor_hash


def test_approving_again_is_idempotent_and_for_the_partner_explicitly(
    path: Path, clock: FixedClock
) -> None:
    with opened(path, MENTOR_PW, clock) as jf:
        first = approve(jf.journal)
        again = approve(jf.journal)
        assert first.content_hash == again.content_hash
        count = jf.journal.records.execute("SELECT count(*) FROM approvals").fetchone()[0]
        assert count == 1
        with pytest.raises(JournalError, match="Only the mentee"):
            approve(jf.journal, "mentee")  # not without the mentee's own key
        assert not build_summary(jf.journal).approved
        # The app does this after the mentee typed their passphrase: they sign with their key.
        theirs = jf.vault.authenticate(Secret.passphrase(MENTEE_PW), "mentee")
        approve(jf.journal, "mentee", signer=theirs)
        assert build_summary(jf.journal).approved


def test_vault_authenticate_checks_a_role_without_changing_the_open_keys(
    path: Path, clock: FixedClock
) -> None:
    with opened(path, MENTOR_PW, clock) as jf:
        vault = jf.vault
        assert vault.authenticate(Secret.passphrase(MENTEE_PW), "mentee").role == "mentee"
        with pytest.raises(WrongSecret):
            vault.authenticate(Secret.passphrase(MENTOR_PW), "mentee")
        with pytest.raises(WrongSecret):
            vault.authenticate(Secret.passphrase("guess"), "mentee")
        with pytest.raises(UsageError):
            vault.authenticate(Secret.recovery("AAAA-BBBB"), "mentee")
        assert vault.role == "mentor"
        jf.save()  # the keys still work
    with opened(path, MENTOR_PW, clock) as jf:
        assert jf.journal.pair() is not None
