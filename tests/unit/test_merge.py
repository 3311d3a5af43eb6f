"""Merging two copies of one pair journal: every way two copies can diverge, nothing lost.

The helpers (two diverging copies, normalised database contents, a fresh search index) are in
`tests/mergekit.py`, shared with the property, CLI and kill tests.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from mergekit import (
    BASE,
    add_legacy_approval_conflict,
    assert_index_consistent,
    base_journal,
    copy_of,
    live_ids,
    merged,
    normalised,
    tick,
)
from testkit import clock_of

from rmjournal.core.conflict_words import describe_item
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.errors import JournalError, NotACopy
from rmjournal.core.journal import Journal
from rmjournal.core.merge import (
    _Meta,
    conflicts,
    merge_into,
    merge_rows,
    resolve_conflict,
)

# ---------------------------------------------------------------------------- the big scenario


@pytest.fixture
def diverged() -> dict[str, Any]:
    """Two copies diverging in every way (mentor's copy A, mentee's copy B)."""
    base = base_journal()
    s1 = base.add_session(date(2026, 3, 2), status="held")
    s2 = base.add_session(date(2026, 3, 30))
    entry = base.add_entry(s1.id, "What we said at first")
    doomed_entry = base.add_entry(s2.id, "A note in session two")
    goal = base.add_goal("mentee", "Learn to say no")
    item = base.add_agenda_item(s1.id, "Stakeholders", raised_by="mentee")
    action = base.agree_action("Shadow a board meeting", owner="mentee")
    tracked = base.agree_action("Read the strategy", owner="mentor")
    private = base.add_entry(s1.id, "Mentor's own worry", visibility="private")
    data = base.to_bytes()

    a = copy_of(data, "mentor", BASE.replace(hour=10))
    b = copy_of(data, "mentee", BASE.replace(hour=10))
    ids: dict[str, Any] = {
        "s1": s1.id, "s2": s2.id, "entry": entry.id, "doomed_entry": doomed_entry.id,
        "goal": goal.id, "item": item.id, "action": action.id, "tracked": tracked.id,
        "private": private.id,
    }  # fmt: skip
    # adds on both sides
    ids["a_entry"] = a.add_entry(s1.id, "Mentor adds a learning", kind="learning").id
    ids["b_entry"] = b.add_entry(s1.id, "Mentee adds a reflection", kind="reflection").id
    ids["b_goal"] = b.add_goal("mentee", "Present to the board").id
    # different fields of the same record
    tick(a)
    a.edit_action(action.id, title="Shadow two board meetings")
    tick(b, 2)
    b.set_due(action.id, date(2026, 5, 1))
    # the same field: B's edit is later and wins; A's is kept as a conflict
    tick(a)
    a.edit_entry(entry.id, text="Mentor's version of what we said")
    tick(b, 5)
    b.edit_entry(entry.id, text="Mentee's version of what we said")
    # deletes against edits, both ways
    tick(b)
    b.edit_goal(goal.id, text="Learn to say no, kindly")  # older than A's delete: lost to it
    tick(a, 30)
    a.delete(goal.id)
    b.delete(item.id)  # older than A's edit: A's edit brings it back
    tick(a, 5)
    a.record_notes(item.id, "We agreed to map them")
    # a deleted session whose contents B added to later: comes back with them
    a.delete(s2.id)
    tick(b, 60)
    ids["late_entry"] = b.add_entry(s2.id, "Mentee adds to session two later").id
    # new follow-ups on the same action
    tick(a)
    ids["a_follow"] = a.follow_up(tracked.id, "Halfway through", status="in_progress").id
    tick(b, 3)
    ids["b_follow"] = b.follow_up(tracked.id, "Finished it", status="done").id
    # the mentor's private entry edited on the mentor's copy only
    a.edit_entry(private.id, text="Mentor's own worry, calmer now")
    return {"a": a, "b": b, "ids": ids}


def test_both_sides_work_is_present_and_conflicts_are_visible(diverged: dict[str, Any]) -> None:
    a: Journal = diverged["a"]
    b: Journal = diverged["b"]
    ids = diverged["ids"]
    report = merge_into(a, b.to_bytes())
    # adds on both sides
    texts = {e.text for e in a.entries()}
    assert {"Mentor adds a learning", "Mentee adds a reflection"} <= texts
    assert "Present to the board" in {g.text for g in a.goals()}
    # edits to different fields of the same record: both kept, no conflict
    action = a.action(ids["action"])
    assert action.title == "Shadow two board meetings" and action.due_on == date(2026, 5, 1)
    found = conflicts(a)
    assert not [c for c in found if c.item_id == ids["action"]]
    # the same field: the later one kept, the other visible as a conflict
    assert a.entry(ids["entry"]).text == "Mentee's version of what we said"
    (text_conflict,) = [c for c in found if c.item_id == ids["entry"]]
    assert text_conflict.field == "text"
    assert text_conflict.kept == "Mentee's version of what we said"
    assert text_conflict.other == "Mentor's version of what we said"
    # delete (newer) against edit: deleted, edit kept in the tombstone and shown as a conflict
    assert ids["goal"] not in live_ids(a, "goals")
    assert a.raw_record("goals", ids["goal"])["text"] == "Learn to say no, kindly"
    (goal_conflict,) = [c for c in found if c.item_id == ids["goal"]]
    assert (
        goal_conflict.field == "deleted_at" and goal_conflict.kept and goal_conflict.other is None
    )
    # edit (newer) against delete: alive with the edit, the deletion shown as a conflict
    assert a.agenda_item(ids["item"]).notes == "We agreed to map them"
    (item_conflict,) = [c for c in found if c.item_id == ids["item"]]
    assert item_conflict.field == "deleted_at" and item_conflict.kept is None
    # a deleted session with newer contents comes back with all of them
    assert ids["s2"] in live_ids(a, "sessions")
    assert {ids["doomed_entry"], ids["late_entry"]} <= live_ids(a, "entries")
    assert any(c.item_id == ids["s2"] and c.field == "deleted_at" for c in found)
    # follow-ups from both sides; the later status wins with its closed date
    tracked = a.action(ids["tracked"])
    assert {f.id for f in tracked.follow_ups} == {ids["a_follow"], ids["b_follow"]}
    assert tracked.status == "done" and tracked.closed_on is not None
    status = [c for c in found if c.item_id == ids["tracked"]]
    assert {c.field for c in status} == {"status", "closed_on"}  # they move together
    (lost_status,) = [c for c in status if c.field == "status"]
    assert lost_status.kept == "done" and lost_status.other == "in_progress"
    # the private entry: sealed throughout, readable by its author only
    assert a.entry(ids["private"]).text == "Mentor's own worry, calmer now"
    # the report counts what happened, per table
    assert report.added >= 3 and report.conflicts == len(found) and report.updated >= 5
    assert any(line.startswith("entries:") for line in report.lines())
    assert_index_consistent(a)
    assert a.search("kindly") == []  # the deleted goal is not in the index
    assert [h.id for h in a.search("reflection")] == [ids["b_entry"]]


def test_merge_is_commutative_and_idempotent_on_the_scenario(diverged: dict[str, Any]) -> None:
    a_data, b_data = diverged["a"].to_bytes(), diverged["b"].to_bytes()
    ab, ba = merged(a_data, b_data), merged(b_data, a_data, me="mentee")
    assert normalised(ab) == normalised(ba)
    for again in (b_data, a_data, ba.to_bytes()):
        before = normalised(ab)
        report = merge_into(ab, again)
        assert not report.changed and normalised(ab) == before
    # and the partner's copy, merged the other way, reads the same for the partner
    assert {c.id for c in conflicts(ab)} == {c.id for c in conflicts(ba)}


def test_private_items_stay_sealed_and_conflicts_of_them_too() -> None:
    base = base_journal()
    s = base.add_session(date(2026, 3, 2))
    p = base.add_entry(s.id, "First private words", visibility="private")
    data = base.to_bytes()
    laptop = copy_of(data, "mentor", BASE.replace(hour=10))
    desktop = copy_of(data, "mentor", BASE.replace(hour=11))
    laptop.edit_entry(p.id, text="Laptop private words")
    desktop.edit_entry(p.id, text="Desktop private words")
    partner = copy_of(desktop.to_bytes(), "mentee", BASE.replace(hour=12))
    merge_into(partner, laptop.to_bytes())  # the partner merges without reading anything
    raw = partner.raw_record("entries", p.id)
    assert raw is not None and PrivateCipher.is_sealed(raw["text"])
    (hidden,) = [c for c in conflicts(partner) if c.item_id == p.id and c.field == "text"]
    assert hidden.hidden and hidden.kept == "" and hidden.other == ""
    stored = partner.records.execute("SELECT kept, other FROM conflicts").fetchall()
    assert all(PrivateCipher.is_sealed(json.loads(v)) for row in stored for v in row if v != "null")
    assert "Laptop" not in json.dumps(normalised(partner))
    # the author reads both versions once the partner's copy comes back
    mine = copy_of(partner.to_bytes(), "mentor", BASE.replace(hour=13))
    assert mine.entry(p.id).text == "Desktop private words"
    (seen,) = [c for c in conflicts(mine) if c.item_id == p.id and c.field == "text"]
    assert not seen.hidden and seen.private
    assert (seen.kept, seen.other) == ("Desktop private words", "Laptop private words")
    assert [h.id for h in mine.search("Desktop")] == [p.id]


def test_making_an_item_private_moves_its_sealed_text_with_it() -> None:
    base = base_journal()
    s = base.add_session(date(2026, 3, 2))
    e = base.add_entry(s.id, "Shared words")
    data = base.to_bytes()
    one = copy_of(data, "mentor", BASE.replace(hour=10))
    two = copy_of(data, "mentor", BASE.replace(hour=11))
    one.set_visibility(e.id, "private")
    two.edit_entry(e.id, tags=["later"])  # later, touches only the tags
    merge_into(one, two.to_bytes())
    row = one.raw_record("entries", e.id)
    assert row is not None
    # visibility and sealed text come from one copy together, never mixed
    assert (row["visibility"] == "private") == PrivateCipher.is_sealed(row["text"])
    assert one.entry(e.id).text == "Shared words"
    assert_index_consistent(one)


def test_another_pair_is_refused_and_nothing_changes() -> None:
    mine = base_journal()
    theirs = base_journal()  # a different pair id
    before = normalised(mine)
    with pytest.raises(NotACopy, match="another pair"):
        merge_into(mine, theirs.to_bytes())
    assert normalised(mine) == before


def test_tombstones_win_over_older_edits_and_lose_to_newer() -> None:
    base = base_journal()
    g = base.add_goal("mentor", "Old words")
    data = base.to_bytes()
    edit, gone = copy_of(data, "mentor", BASE.replace(hour=10)), copy_of(data, "mentee", BASE)
    clock_of(gone).advance(hours=2)
    edit.edit_goal(g.id, text="Edited at ten")
    gone.delete(g.id)  # at eleven: newer
    assert g.id not in live_ids(merged(edit.to_bytes(), gone.to_bytes()), "goals")
    clock_of(edit).advance(hours=3)
    edit.edit_goal(g.id, text="Edited again at one")  # now newer than the deletion
    result = merged(gone.to_bytes(), edit.to_bytes())
    assert result.goal(g.id).text == "Edited again at one"


def test_a_deleted_action_takes_older_new_follow_ups_with_it() -> None:
    base = base_journal()
    x = base.agree_action("Write the plan")
    data = base.to_bytes()
    a, b = copy_of(data, "mentor", BASE.replace(hour=10)), copy_of(data, "mentee", BASE)
    clock_of(b).advance(hours=1)
    follow = b.follow_up(x.id, "Started", status="in_progress")
    clock_of(a).advance(hours=5)
    a.delete(x.id)  # later than B's follow-up
    for result in (merged(a.to_bytes(), b.to_bytes()), merged(b.to_bytes(), a.to_bytes())):
        assert x.id not in live_ids(result, "actions")
        assert follow.id not in live_ids(result, "follow_ups")
        assert result.raw_record("follow_ups", follow.id)["note"] == "Started"
        assert_index_consistent(result)


def test_approvals_and_conflicts_merge_as_a_union_and_resolutions_travel() -> None:
    base = base_journal()
    g = base.add_goal("mentor", "One")
    data = base.to_bytes()
    a, b = copy_of(data, "mentor", BASE.replace(hour=10)), copy_of(data, "mentee", BASE)
    clock_of(b).advance(hours=2)
    a.edit_goal(g.id, text="A")
    b.edit_goal(g.id, text="B")
    for j, role in ((a, "mentor"), (b, "mentee")):
        stamp = clock_of(j).stamp()
        j.records.execute(
            "INSERT INTO approvals (id, role, content_hash, approved_at, created_at, updated_at,"
            " author) VALUES (?, ?, 'h', ?, ?, ?, ?)",
            (
                f"00000000-0000-4000-8000-00000000000{role == 'mentor':d}",
                role,
                stamp,
                stamp,
                stamp,
                role,
            ),
        )
    merge_into(a, b.to_bytes())
    assert a.records.execute("SELECT count(*) FROM approvals").fetchone()[0] == 2
    (c,) = conflicts(a)
    clock_of(a).advance(hours=5)
    resolve_conflict(a, c.id)
    assert conflicts(a) == [] and conflicts(a, include_resolved=True)[0].resolved_at
    merge_into(b, a.to_bytes())  # the resolution reaches B; B's own merge adds nothing new
    assert conflicts(b) == [] and b.goal(g.id).text == "B"
    assert normalised(b) == normalised(a)


def test_one_persons_approvals_on_both_copies_merge_whole_without_a_conflict() -> None:
    """The same person approved on both copies: the later approval wins whole (every field
    its signature covers from one copy), both ways round, and nothing is left to review."""
    base = base_journal()
    data = base.to_bytes()
    a, b = copy_of(data, "mentor", BASE.replace(hour=10)), copy_of(data, "mentee", BASE)
    clock_of(b).advance(hours=2)
    for j, digest, variant in ((a, "hash-a", None), (b, "hash-b", "scheme")):
        stamp = clock_of(j).stamp()
        j.records.execute(
            "INSERT INTO approvals (id, role, content_hash, approved_at, variant, signature,"
            " created_at, updated_at, author) VALUES ('ap', 'mentee', ?, ?, ?, ?, ?, ?, 'mentee')",
            (digest, stamp, variant, f"sig-{digest}", stamp, stamp),
        )
    for result in (merged(a.to_bytes(), b.to_bytes()), merged(b.to_bytes(), a.to_bytes())):
        row = result.records.execute(
            "SELECT content_hash, variant, signature FROM approvals WHERE id = 'ap'"
        ).fetchone()
        assert tuple(row) == ("hash-b", "scheme", "sig-hash-b")  # B's is later, all of it
        assert conflicts(result, include_resolved=True) == []


def test_a_conflict_on_an_approval_from_an_older_merge_is_named_and_kept_whole() -> None:
    j = base_journal()
    conflict_id = add_legacy_approval_conflict(j, "mentee")
    (c,) = conflicts(j)
    assert describe_item(j, c) == "the mentee's approval"
    with pytest.raises(JournalError, match="approve again"):
        resolve_conflict(j, conflict_id, "other")
    resolve_conflict(j, conflict_id)
    assert conflicts(j) == []
    assert j.records.execute("SELECT content_hash FROM approvals").fetchone()[0] == "newer-hash"


def test_merge_rows_is_symmetric_and_ties_break_by_value() -> None:
    row = {"id": "x", "created_at": "t0", "updated_at": "t1", "author": "mentor",
           "deleted_at": None, "text": "one", "owner": "mentor", "visibility": "pair"}  # fmt: skip
    other = {**row, "text": "two"}
    ma, mb = (
        _Meta("t1~aa", ("t0~0",), (("text", "t1~aa"),)),
        _Meta("t1~bb", ("t0~0",), (("text", "t1~bb"),)),
    )
    r1, m1, l1, _ = merge_rows("goals", row, ma, other, mb)
    r2, m2, l2, _ = merge_rows("goals", other, mb, row, ma)
    assert (r1, m1, l1) == (r2, m2, l2)
    assert r1["text"] == "two" and l1[0].other == "one"  # equal times: the values decide
    # a descendant wins whole with no conflict
    child = _Meta("t2~cc", ("t0~0", "t1~aa"), (("text", "t2~cc"),))
    r3, m3, l3, _ = merge_rows("goals", {**row, "text": "three"}, child, row, ma)
    assert r3["text"] == "three" and m3 == child and l3 == []


def test_copies_from_before_schema_4_merge_conservatively() -> None:
    """Rows with no version history: differing fields become conflicts, newer kept."""
    base = base_journal()
    g = base.add_goal("mentor", "Base")
    data = base.to_bytes()
    a, b = copy_of(data, "mentor", BASE.replace(hour=10)), copy_of(data, "mentee", BASE)
    clock_of(b).advance(hours=2)
    a.edit_goal(g.id, text="A")
    b.edit_goal(g.id, text="B")
    for j in (a, b):
        j.records.execute("DELETE FROM row_versions")  # as a copy made before schema 4
    merge_into(a, b.to_bytes())
    assert a.goal(g.id).text == "B"
    assert [c.other for c in conflicts(a)] == ["A"]


def test_the_readers_private_search_index_follows_a_merge() -> None:
    base = base_journal()
    s = base.add_session(date(2026, 3, 2))
    p = base.add_entry(s.id, "private walrus", visibility="private")
    data = base.to_bytes()
    here = copy_of(data, "mentor", BASE.replace(hour=10))
    there = copy_of(data, "mentor", BASE.replace(hour=11))
    there.edit_entry(p.id, text="private narwhal")
    assert [h.id for h in here.search("walrus")] == [p.id]  # builds the private index
    merge_into(here, there.to_bytes())
    assert here.search("walrus") == []
    assert [h.id for h in here.search("narwhal")] == [p.id]


@pytest.mark.parametrize("later", [0, 5], ids=["same-moment", "edit-later"])
def test_a_partners_edit_against_the_authors_privatising_merges_alike_both_ways(
    later: int,
) -> None:
    """The mentee edits the mentor's shared entry; the mentor, on the other copy, makes it
    private. Whoever merges, the mentor's private version is kept and the mentee's edit is set
    aside and reported: the outcome never depends on whose keys the reader holds (the reader
    always knows their own signing key, not always the partner's)."""
    base = base_journal()
    s = base.add_session(date(2026, 3, 2), status="held")
    e = base.add_entry(s.id, "shared words")
    data = base.to_bytes()
    mentee = copy_of(data, "mentee", BASE.replace(hour=10))
    mentor = copy_of(data, "mentor", BASE.replace(hour=10))
    tick(mentee, later)
    mentee.edit_entry(e.id, text="alpha")
    mentor.set_visibility(e.id, "private")
    mentee_data, mentor_data = mentee.to_bytes(), mentor.to_bytes()

    into_mentee = copy_of(mentee_data, "mentee", BASE)
    report_mentee = merge_into(into_mentee, mentor_data)
    into_mentor = copy_of(mentor_data, "mentor", BASE)
    report_mentor = merge_into(into_mentor, mentee_data)

    assert normalised(into_mentee) == normalised(into_mentor)
    for j, report in ((into_mentee, report_mentee), (into_mentor, report_mentor)):
        row = j.raw_record("entries", e.id)
        assert row["visibility"] == "private" and PrivateCipher.is_sealed(row["text"])
        aside = j.records.execute("SELECT row FROM set_aside WHERE item_id = ?", (e.id,)).fetchall()
        assert [json.loads(r[0])["text"] for r in aside] == ["alpha"]
        said = "mentor's words were changed without the mentor's key"
        assert any(said in line for line in report.set_aside)
        assert not conflicts(j)
        assert not merge_into(j, mentor_data).changed and not merge_into(j, mentee_data).changed
    assert into_mentor.entry(e.id).text == "shared words"


def test_a_copy_that_took_over_an_item_loses_it_back_whoever_merges() -> None:
    """The mentee's copy rewrites the mentor's shared entry as the mentee's own (author changed,
    signed with the mentee's key). A change of who wrote an item is never taken: whichever
    copy merges, the mentor's version stays and the take-over is set aside."""
    from rmjournal.core import signing
    from rmjournal.core.journal import authorship

    base = base_journal()
    s = base.add_session(date(2026, 3, 2), status="held")
    e = base.add_entry(s.id, "shared words")
    data = base.to_bytes()
    mentee = copy_of(data, "mentee", BASE.replace(hour=10))
    mentor = copy_of(data, "mentor", BASE.replace(hour=10))
    row = {**mentee.raw_record("entries", e.id), "author": "mentee", "text": "mine now"}
    row["signature"] = authorship.sign_row(signing.signer(mentee), "entries", row)
    mentee.records.execute(
        "UPDATE entries SET author = ?, text = ?, signature = ? WHERE id = ?",
        (row["author"], row["text"], row["signature"], e.id),
    )
    mentee_data, mentor_data = mentee.to_bytes(), mentor.to_bytes()

    into_mentee = copy_of(mentee_data, "mentee", BASE)
    merge_into(into_mentee, mentor_data)
    into_mentor = copy_of(mentor_data, "mentor", BASE)
    merge_into(into_mentor, mentee_data)

    assert normalised(into_mentee) == normalised(into_mentor)
    for j in (into_mentee, into_mentor):
        kept = j.raw_record("entries", e.id)
        assert (kept["author"], kept["text"]) == ("mentor", "shared words")
        aside = j.records.execute("SELECT row FROM set_aside WHERE item_id = ?", (e.id,))
        assert [json.loads(r[0])["text"] for r in aside] == ["mine now"]


def test_a_private_item_deleted_on_one_copy_and_edited_on_the_other_at_once_merges_once() -> None:
    """The mentor deletes a private entry on one copy and edits it on another at the same
    moment. Its signature covers the deletion, so the words kept must come with the deletion
    kept: a row made of one copy's words and the other's deletion would carry a signature made
    for neither, and the next merge would set it aside (not idempotent)."""
    from rmjournal.core.journal import authorship
    from rmjournal.core.merge import _groups, _value_key

    base = base_journal()
    s = base.add_session(date(2026, 3, 2), status="held")
    e = base.add_entry(s.id, "private words", visibility="private")
    data = base.to_bytes()
    gone = copy_of(data, "mentor", BASE.replace(hour=10))
    gone.delete(e.id)
    a = gone.raw_record("entries", e.id)
    unit = next(g for g in _groups("entries", a, a) if "signature" in g)
    for _ in range(64):  # the edit's sealed text must win the same-moment tie (it is random)
        edited = copy_of(data, "mentor", BASE.replace(hour=10))
        edited.edit_entry(e.id, text="alpha")
        b = edited.raw_record("entries", e.id)
        if _value_key([b[c] for c in unit]) > _value_key([a[c] for c in unit]):
            break
    gone_data, edited_data = gone.to_bytes(), edited.to_bytes()

    one = copy_of(gone_data, "mentor", BASE)
    merge_into(one, edited_data)
    other = copy_of(edited_data, "mentor", BASE)
    merge_into(other, gone_data)
    assert normalised(one) == normalised(other)
    row = one.raw_record("entries", e.id)
    assert row["deleted_at"] and authorship.statement("entries", row) == authorship.statement(
        "entries", a
    )
    assert any(c.field == "text" and c.other == "alpha" for c in conflicts(one))
    for again in (gone_data, edited_data, other.to_bytes()):
        assert not merge_into(one, again).changed


def test_both_copies_changing_the_plan_keep_every_logged_change_and_no_conflict() -> None:
    """The plan's change log is append-only: two partners who each changed the plan on their
    own copy find both changes logged after a merge, either way round, and nothing to settle."""
    from datetime import timedelta

    from rmjournal.core.merge import conflicts

    data = base_journal().to_bytes()
    mentor = copy_of(data, "mentor", BASE + timedelta(hours=1))
    mentor.update_pair(cadence_days=21)
    mentee = copy_of(data, "mentee", BASE + timedelta(hours=2))
    mentee.update_pair(planned_sessions=8)
    one = merged(mentor.to_bytes(), mentee.to_bytes(), "mentor")
    other = merged(mentee.to_bytes(), mentor.to_bytes(), "mentee")
    for j in (one, other):
        assert [(c.by, c.field) for c in j.plan_changes()] == [
            ("mentor", "cadence_days"),
            ("mentee", "planned_sessions"),
        ]
        assert conflicts(j) == []
    assert normalised(one) == normalised(other)
