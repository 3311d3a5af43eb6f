"""All nine jobs of the product, done through the command line alone (no app, no core calls).

A journal made by `new` (test KDF) goes through a whole pairing: the pair and its agreement and
goals, agendas pre-filled from last time, notes and outcomes, reflections against prompts,
actions and commitments with their follow-ups, the review, the approved summary, search, and
the keys. Each result is checked through `export --format json`, and every `--json` output is
checked to parse and to carry the export's own values.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from rmjournal.cli import main

PW = "mentor lantern passphrase"
MENTEE_PW = "mentee compass passphrase"
START = "2026-03-02T09:00:00+00:00"


class Cli:
    """Runs `rmjournal` in this process at a fixed time; returns (code, stdout, stderr)."""

    def __init__(self, folder: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder, self.capsys, self.monkeypatch = folder, capsys, monkeypatch
        self.journal = folder / "pair.rmj"
        (folder / "pw").write_text(PW + "\n")
        (folder / "mentee-pw").write_text(MENTEE_PW + "\n")
        self.at(START)

    def at(self, now: str) -> None:
        self.monkeypatch.setenv("RMJOURNAL_NOW", now)

    def __call__(
        self, *argv: str, stdin: str = "", who: str = "pw", expect: int = 0
    ) -> tuple[str, str]:
        self.monkeypatch.chdir(self.folder)
        self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        unlock = ["--passphrase-file", who, "--insecure-test-kdf"]
        if argv[0] in ("new", "completion", "manpage", "--help"):
            unlock = []
        elif argv[0] == "info" or "--recovery-key-file" in argv:
            unlock = ["--insecure-test-kdf"]
        try:
            code = main([*argv, *unlock])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = self.capsys.readouterr()
        assert code == expect, (argv, out, err)
        return out, err

    def json(self, *argv: str, who: str = "pw") -> Any:
        out, _ = self(*argv, "--json", who=who)
        return json.loads(out)

    def export(self, who: str = "pw") -> dict[str, Any]:
        out, _ = self("export", "pair.rmj", "--format", "json", who=who)
        doc: dict[str, Any] = json.loads(out)
        return doc


@pytest.fixture
def cli(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(tmp_path, capsys, monkeypatch)


def _session(doc: dict[str, Any], number: int) -> dict[str, Any]:
    return next(s for s in doc["sessions"] if s["number"] == number)


def _action(doc: dict[str, Any], short: str) -> dict[str, Any]:
    return next(a for a in doc["actions"] if a["id"].startswith(short))


def test_the_nine_jobs_through_the_cli(cli: Cli) -> None:
    # 1. Start a pair journal: names, jobs, dates, cadence, plan; agreement and goals through
    #    the import of the journal's own export (a new journal takes the first pair imported).
    out, _ = cli(
        "new", "pair.rmj", "--mentor", "Kwame Mensah", "--mentee", "Helen Ward",
        "--mentor-job", "HEO, Digital", "--mentee-job", "Director General",
        "--title", "Kwame and Helen", "--start", "02/03/2026", "--cadence-days", "28",
        "--sessions", "6", "--review", "+26w", "--passphrase-file", "pw", "--insecure-test-kdf",
    )  # fmt: skip
    assert out.startswith("Recovery key: ") and out.count("Recovery key: ") == 1
    (cli.folder / "recovery").write_text(out.splitlines()[0].removeprefix("Recovery key: "))
    doc = cli.export()
    doc["pair"]["agreement"] = "We meet monthly. What is said here stays here."
    doc["pair"]["goals"] = [
        {"id": "6b1f2a4e-0000-4000-8000-000000000001", "owner": "mentee",
         "text": "Change one recruitment practice", "visibility": "shareable",
         "created_at": START, "updated_at": START},
    ]  # fmt: skip
    out, _ = cli("import", "pair.rmj", "--from", "-", stdin=json.dumps(doc))
    assert "Imported standard input" in out
    pair = cli.export()["pair"]
    assert pair["mentor"] == {"name": "Kwame Mensah", "role": "HEO, Digital"}
    assert (pair["started_on"], pair["review_on"]) == ("2026-03-02", "2026-08-31")
    assert pair["agreement"].startswith("We meet monthly") and len(pair["goals"]) == 1

    # 2. Prepare a candid agenda: plan, topics raised by each, time-boxed, with a prompt.
    out, _ = cli("plan", "pair.rmj", "--on", "2026-03-09", "--place", "Room 4", "--minutes", "60")
    assert out == "1\n"
    out, _ = cli("topic", "pair.rmj", "1", "--text", "What a panel looks like from my side",
                 "--minutes", "20", "--prompt", "What surprised you?")  # fmt: skip
    assert out == "1\n"
    out, _ = cli("topic", "pair.rmj", "1", "--text-file", "-", "--raised-by", "mentee",
                 stdin="Recruitment \n")  # fmt: skip
    assert out == "2\n"
    # 3. Run and record the session: notes, outcomes, a reflection against a prompt, learnings.
    cli("notes", "pair.rmj", "1", "1", "--text", "Panels were all white men in grade 7+.")
    cli("outcome", "pair.rmj", "1", "1", "discussed")
    cli("outcome", "pair.rmj", "1", "2", "carried_over")
    cli("held", "pair.rmj", "1")
    cli("add", "pair.rmj", "--session", "1", "--kind", "reflection",
        "--prompt", "What surprised you?", "--text-file", "-",
        stdin="How much I had never noticed.\n")  # fmt: skip
    learning_id, _ = cli("add", "pair.rmj", "--session", "1", "--kind", "learning",
                         "--tag", "recruitment", "--visibility", "shareable",
                         stdin="Diverse panels change who applies.\n")  # fmt: skip
    # 4. Agree actions: an action for both, and the mentee's own commitment on the goal.
    action_id, _ = cli("act", "pair.rmj", "--title", "Shadow a panel", "--owner", "both",
                       "--due", "2026-03-20", "--session", "1", "--detail-file", "-",
                       stdin="Kwame joins Helen's next SCS panel.\n")  # fmt: skip
    commit_id, _ = cli("act", "pair.rmj", "--title", "Require a diverse panel",
                       "--owner", "mentee", "--commitment", "--due", "+6w", "--session", "1",
                       "--goal", "1", "--visibility", "shareable")  # fmt: skip
    action_id, commit_id = action_id.strip(), commit_id.strip()
    doc = cli.export()
    s1 = _session(doc, 1)
    assert (s1["status"], s1["place"], s1["duration_minutes"]) == ("held", "Room 4", 60)
    topics = [(i["topic"], i["raised_by"], i["outcome"]) for i in s1["agenda"]]
    assert topics == [
        ("What a panel looks like from my side", "mentor", "discussed"),
        ("Recruitment", "mentee", "carried_over"),
    ]
    assert s1["agenda"][0]["notes"].startswith("Panels were") and s1["agenda"][0]["minutes"] == 20
    assert {e["kind"] for e in s1["entries"]} == {"reflection", "learning"}
    act = _action(doc, action_id)
    assert (act["owner"], act["due_on"], act["agreed_in"]) == ("both", "2026-03-20", s1["id"])
    assert act["detail"] == "Kwame joins Helen's next SCS panel."
    commitment = _action(doc, commit_id)
    assert commitment["kind"] == "commitment" and commitment["due_on"] == "2026-04-13"

    # The next agenda is pre-filled: the carried-over topic and both open actions.
    cli.at("2026-04-01T09:00:00+00:00")
    out, _ = cli("plan", "pair.rmj", "--on", "tuesday")
    assert out == "2\n"
    s2 = _session(cli.export(), 2)
    assert s2["date"] == "2026-04-07"
    assert [i["topic"] for i in s2["agenda"]] == [
        "Recruitment", "Follow-up: Shadow a panel", "Follow-up: Require a diverse panel",
    ]  # fmt: skip

    # 5. Follow up: the overdue action by its #N, the commitment by its id prefix.
    tracker = cli.json("actions", "pair.rmj", "--overdue")
    assert [a["number"] for a in tracker["actions"]] == [1]
    cli("status", "pair.rmj", "#1", "in_progress", "--note", "Booked for 14 April")
    cli.at("2026-04-15T09:00:00+00:00")
    cli("follow-up", "pair.rmj", action_id[:6], "--note-file", "-", "--status", "done",
        stdin="Sat on the panel.\n")  # fmt: skip
    cli("status", "pair.rmj", commit_id, "done", "--note", "Now the rule in my directorate")
    cli("held", "pair.rmj", "2")
    doc = cli.export()
    steps = [(f["on"], f["status"], f["note"]) for f in _action(doc, action_id)["follow_ups"]]
    assert steps == [
        ("2026-04-01", "in_progress", "Booked for 14 April"),
        ("2026-04-15", "done", "Sat on the panel."),
    ]
    assert _action(doc, commit_id)["closed_on"] == "2026-04-15"

    # 6. Review after six months.
    cli.at("2026-09-01T09:00:00+00:00")
    review = cli.json("review", "pair.rmj")
    assert review["as_of"] == "2026-09-01" and review["stage"] == "review_due"
    assert review["sessions"] == {"planned": 6, "held": 2, "cancelled": 0, "missed": 0,
                                  "scheduled": 0}  # fmt: skip
    # held 9 Mar and 7 Apr, then silent for 147 days with four sessions of the plan left: the
    # gaps average (29 + 147) / 2 = 88, and a silence of two cadences is not kept
    assert review["cadence"] == {"planned_days": 28, "average_days": 88.0, "kept": False}
    assert review["actions"] == {"agreed": 2, "open": 0, "in_progress": 0, "done": 2,
                                 "dropped": 0, "overdue": 0}  # fmt: skip
    assert review["commitments"] == {"agreed": 1, "kept": 1}
    assert review["goals"]["open"] == 1 and review["decision"] is None
    text, _ = cli("review", "pair.rmj")
    assert "2 of 6 planned sessions held" in text and "Commitments: 1 of 1 kept." in text
    # the learning's tag is a word of the goal, but a tag alone never links
    assert "Change one recruitment practice (1 action and 0 learnings linked)" in text
    cli("link", "pair.rmj", learning_id.strip(), "1")
    text, _ = cli("review", "pair.rmj")
    assert (
        "The mentee's goal [open]: Change one recruitment practice (1 action and 1 learning" in text
    )

    # 7. The shareable summary, approved by both partners (the mentee's slot added first).
    cli("slot", "add", "pair.rmj", "--role", "mentee", "--new-passphrase-file", "mentee-pw")
    draft, _ = cli("export", "pair.rmj", "--format", "markdown")
    assert "Diverse panels change who applies." in draft
    assert "How much I had never noticed" not in draft  # private reflection stays out
    cli("approve", "pair.rmj")
    cli("approve", "pair.rmj", "--role", "mentee", who="mentee-pw")
    cli("export", "pair.rmj", "--format", "html", "--out", "summary.html")
    assert "Diverse panels" in (cli.folder / "summary.html").read_text()

    # 8. Look things up: search finds the full text, as the export holds it.
    hits = cli.json("search", "pair.rmj", "panels")
    texts = {h.get("text") for h in hits["hits"] if h["kind"] == "entry"}
    assert "Diverse panels change who applies." in texts

    # 9. Keep it safe: a new passphrase, a new recovery key, a verified backup, JSON out and in.
    (cli.folder / "new-pw").write_text("a brand new mentor passphrase\n")
    cli("passwd", "pair.rmj", "--new-passphrase-file", "new-pw")
    out, _ = cli("recovery-key", "pair.rmj", who="new-pw")
    (cli.folder / "recovery2").write_text(out.split("Recovery key: ")[1].strip())
    cli("verify", "pair.rmj", "--recovery-key-file", "recovery2")
    cli("verify", "pair.rmj", "--recovery-key-file", "recovery", expect=3)  # the old key stops
    cli("backup", "pair.rmj", "--out", "backup.rmj", who="new-pw")
    cli("verify", "backup.rmj", who="new-pw")
    out, _ = cli("export", "pair.rmj", "--out", "-", who="new-pw")
    final = json.loads(out)
    cli("new", "restored.rmj", "--mentor", "K", "--mentee", "H",
        "--passphrase-file", "pw", "--insecure-test-kdf")  # fmt: skip
    cli("import", "restored.rmj", "--from", "-", stdin=out)
    again, _ = cli("export", "restored.rmj")
    restored = json.loads(again)
    assert restored["sessions"] == final["sessions"] and restored["actions"] == final["actions"]
    assert restored["pair"] == final["pair"]


@pytest.fixture
def lived_in(cli: Cli) -> Cli:
    """A journal with two sessions, topics, entries, an action and a commitment."""
    cli("new", "pair.rmj", "--mentor", "Ama", "--mentee", "Kofi",
        "--passphrase-file", "pw", "--insecure-test-kdf")  # fmt: skip
    cli("plan", "pair.rmj", "--on", "2026-03-09")
    cli("topic", "pair.rmj", "1", "--text", "Being the only one in the room")
    cli("topic", "pair.rmj", "1", "--text", "Private worry", "--visibility", "private")
    cli("notes", "pair.rmj", "1", "1", "--text", "Long notes " * 20)
    cli("outcome", "pair.rmj", "1", "1", "carried_over")
    cli("held", "pair.rmj", "1")
    cli("add", "pair.rmj", "--session", "1", "--kind", "learning", stdin="A learning\n")
    cli("act", "pair.rmj", "--title", "A rather long action title " * 4, "--owner", "both",
        "--session", "1", "--due", "2026-03-01")  # fmt: skip
    cli("act", "pair.rmj", "--title", "Commit", "--owner", "mentee", "--commitment")
    cli("plan", "pair.rmj")
    return cli


def _without(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in keys}


def test_every_json_output_matches_the_export(lived_in: Cli) -> None:
    cli = lived_in
    doc = cli.export()
    listed = cli.json("sessions", "pair.rmj")["sessions"]
    assert [_without(s, "state", "topics", "open_items") for s in listed] == [
        _without(s, "agenda", "entries") for s in doc["sessions"]
    ]
    assert [(s["state"], s["topics"], s["open_items"]) for s in listed] == [
        ("held", 2, 2), ("planned", 4, 4),
    ]  # fmt: skip
    for number in (1, 2):
        shown = cli.json("show", "pair.rmj", str(number))
        exported = _session(doc, number)
        assert _without(shown, "state", "actions") == {
            **exported,
            "agenda": [{**item, "number": n} for n, item in enumerate(exported["agenda"], 1)],
        }
    shown = cli.json("show", "pair.rmj", "1")
    assert [_without(a, "number") for a in shown["actions"]] == [doc["actions"][0]]
    tracker = cli.json("actions", "pair.rmj")
    assert [_without(a, "number", "overdue") for a in tracker["actions"]] == [
        doc["actions"][0], doc["actions"][1],
    ]  # fmt: skip
    assert [(a["number"], a["overdue"]) for a in tracker["actions"]] == [(1, True), (2, False)]
    hits = cli.json("search", "pair.rmj", "learning")["hits"]
    entry = _session(doc, 1)["entries"][0]
    assert [(h["id"], h["text"], h["session"]) for h in hits if h["kind"] == "entry"] == [
        (entry["id"], entry["text"], _session(doc, 1)["id"])
    ]
    recent = cli.json("recent", "pair.rmj")["hits"]
    assert {h["id"] for h in recent} >= {entry["id"], doc["actions"][1]["id"]}
    info = cli.json("info", "pair.rmj")
    assert [s["role"] for s in info["slots"]] == ["mentor", "mentor"] and info["test_kdf"]
    review = cli.json("review", "pair.rmj")
    statuses = [a["status"] for a in doc["actions"]]
    assert review["actions"]["agreed"] == len(statuses) == 2
    assert review["actions"]["open"] == statuses.count("open")
    held = [s for s in doc["sessions"] if s["status"] == "held"]
    assert review["sessions"]["held"] == len(held)
    assert review["commitments"]["agreed"] == sum(a["kind"] == "commitment" for a in doc["actions"])


def test_piped_output_is_never_cut(lived_in: Cli) -> None:
    cli = lived_in
    long_title = ("A rather long action title " * 4).strip()
    out, _ = cli("actions", "pair.rmj")
    assert long_title in out
    out, _ = cli("search", "pair.rmj", "rather")
    assert long_title in out
    out, _ = cli("recent", "pair.rmj")
    assert long_title in out and "…" not in out
    out, _ = cli("show", "pair.rmj", "1")
    assert ("Long notes " * 20).strip() in out


def test_show_and_sessions_read_as_sentences(lived_in: Cli) -> None:
    cli = lived_in
    out, _ = cli("sessions", "pair.rmj")
    assert out.splitlines()[0].startswith("Session 1, 2026-03-09 (Monday), held: 2 topics, 2 open.")
    out, _ = cli("show", "pair.rmj", "2")
    assert "  1. Being the only one in the room" in out
    assert "Follow-up: A rather long" in out
    for line in out.splitlines():
        assert not set(line) & set("│┃─━┌┐└┘├┤═║"), line  # no box drawing for a screen reader


@pytest.mark.parametrize(
    ("argv", "code", "mention"),
    [
        (["topic", "pair.rmj", "1", "--text", "   "], 2, "Type the topic"),
        (["topic", "pair.rmj", "1"], 2, "--text"),
        (["topic", "pair.rmj", "1", "--text", "x", "--minutes", "601"], 2, "0 to 600"),
        (["topic", "pair.rmj", "9", "--text", "x"], 1, "no session 9"),
        (["topic", "pair.rmj", "1", "--text", "x", "--text-file", "-"], 2, "not both"),
        (["notes", "pair.rmj", "1", "7", "--text", "x"], 1, "no item 7"),
        (["notes", "pair.rmj", "1", "abc", "--text", "x"], 2, "too short"),
        (["notes", "pair.rmj", "1", "1", "--text", " "], 2, "empty"),
        (["outcome", "pair.rmj", "1", "1", "maybe"], 2, "invalid choice"),
        (["act", "pair.rmj", "--title", " ", "--owner", "both"], 2, "title"),
        (["act", "pair.rmj", "--title", "x", "--owner", "both", "--due", "soon"], 2,
         "DD/MM/YYYY"),
        (["act", "pair.rmj", "--title", "x", "--owner", "both", "--goal", "1"], 1, "no goal 1"),
        (["status", "pair.rmj", "#9", "done"], 1, "no action #9"),
        (["status", "pair.rmj", "#x", "done"], 2, "not an action number"),
        (["status", "pair.rmj", "zzzzzz", "done"], 1, "no action whose id starts"),
        (["follow-up", "pair.rmj", "#1"], 2, "--note"),
        (["follow-up", "pair.rmj", "#1", "--note", "  "], 2, "empty"),
        (["plan", "pair.rmj", "--on", "31/02/2026"], 2, "not a date"),
        (["plan", "pair.rmj", "--at", "25:00"], 2, "24-hour clock"),
        (["plan", "pair.rmj", "--template", "nope"], 1, "no session template"),
        (["show", "pair.rmj", "0"], 2, "at least 1"),
    ],
)  # fmt: skip
def test_refusals_change_nothing(lived_in: Cli, argv: list[str], code: int, mention: str) -> None:
    cli = lived_in
    before = (cli.folder / "pair.rmj").read_bytes()
    out, err = cli(*argv, expect=code)
    assert out == "" and err.startswith("rmjournal: ") and len(err.splitlines()) == 1, err
    assert mention.lower() in err.lower()
    assert "Traceback" not in err and "Error" not in err
    assert (cli.folder / "pair.rmj").read_bytes() == before


def test_plan_with_a_time_of_day_and_a_template(lived_in: Cli) -> None:
    cli = lived_in
    out, _ = cli("plan", "pair.rmj", "--at", "9:05", "--minutes", "45", "--template", "regular")
    session = _session(cli.export(), int(out))
    assert session["time"] == "09:05" and session["duration_minutes"] == 45
    topics = [item["topic"] for item in session["agenda"]]
    assert "Check-in: what has happened since last time" in topics
    assert "Being the only one in the room" in topics  # carried over, as without a template
    cli("plan", "pair.rmj", "--template", "Regular session")  # the same session, applied again
    again = [item["topic"] for item in _session(cli.export(), int(out))["agenda"]]
    assert sorted(again) == sorted(topics)


def test_the_partners_private_topic_cannot_be_changed(lived_in: Cli) -> None:
    cli = lived_in
    cli("slot", "add", "pair.rmj", "--role", "mentee", "--new-passphrase-file", "mentee-pw")
    out, _ = cli("show", "pair.rmj", "1", who="mentee-pw")
    assert "  2. A topic private to the mentor." in out and "Private worry" not in out
    _, err = cli("notes", "pair.rmj", "1", "2", "--text", "mine", who="mentee-pw", expect=1)
    assert "private to your partner" in err
    _, err = cli("outcome", "pair.rmj", "1", "2", "dropped", who="mentee-pw", expect=1)
    assert "private to your partner" in err


def test_status_to_the_same_status_changes_nothing(lived_in: Cli) -> None:
    cli = lived_in
    before = (cli.folder / "pair.rmj").read_bytes()
    _, err = cli("status", "pair.rmj", "#2", "open")
    assert "already open; nothing was changed" in err
    assert (cli.folder / "pair.rmj").read_bytes() == before


def test_cancel_and_missed(lived_in: Cli) -> None:
    cli = lived_in
    cli.at("2026-06-01T09:00:00+00:00")  # session 2 (planned for early April) is long past
    states = [s["state"] for s in cli.json("sessions", "pair.rmj")["sessions"]]
    assert states == ["held", "missed"]
    assert cli.json("review", "pair.rmj")["sessions"]["missed"] == 1
    cli("cancel", "pair.rmj", "2")
    states = [s["state"] for s in cli.json("sessions", "pair.rmj")["sessions"]]
    assert states == ["held", "cancelled"]


def test_completion_and_manual_come_from_the_parser(cli: Cli) -> None:
    from rmjournal.cli import COMMANDS

    bash, _ = cli("completion", "bash")
    zsh, _ = cli("completion", "zsh")
    man, _ = cli("manpage")
    for command in COMMANDS:
        assert command in bash and command in zsh
        assert f".SS {command.replace('-', chr(92) + '-')}" in man
    assert "\\-\\-passphrase\\-file" in man and ".SH EXIT STATUS" in man
    help_text, _ = cli("--help")
    assert "exit codes:" in help_text and "6  invalid import" in help_text


def test_choices_of_two_words_take_a_hyphen_or_an_underscore(lived_in: Cli) -> None:
    """`decide part-two` is spelt with a hyphen; `in_progress`, `carried_over` and
    `not_achieved` with an underscore. Either spelling works for each."""
    cli = lived_in
    cli("status", "pair.rmj", "#1", "in-progress")
    cli("follow-up", "pair.rmj", "#2", "--note", "Started", "--status", "in-progress")
    assert cli.json("actions", "pair.rmj", "--status", "in-progress")["actions"]
    assert {a["status"] for a in cli.json("actions", "pair.rmj")["actions"]} == {"in_progress"}
    cli("outcome", "pair.rmj", "1", "1", "carried-over")
    _, err = cli("status", "pair.rmj", "#1", "in progress", expect=2)
    assert "invalid choice" in err and "in_progress" in err
    cli("decide", "pair.rmj", "part_two")
    assert cli.json("review", "pair.rmj")["decision"] == "part_two"


def test_an_action_is_named_by_its_number_with_or_without_the_hash(lived_in: Cli) -> None:
    cli = lived_in
    cli("status", "pair.rmj", "2", "done")
    cli("status", "pair.rmj", "#1", "in_progress")
    by_number = {a["number"]: a["status"] for a in cli.json("actions", "pair.rmj")["actions"]}
    assert by_number == {1: "in_progress", 2: "done"}
    _, err = cli("status", "pair.rmj", "9", "done", expect=1)
    assert "There is no action #9" in err


def test_one_action_in_full_with_its_follow_ups(lived_in: Cli) -> None:
    """`actions PATH ACTION`: the tracker's row opened, as the app's action page shows it."""
    cli = lived_in
    cli("act", "pair.rmj", "--title", "Ask [bold]why[/bold]", "--owner", "mentor",
        "--due", "2026-03-04", "--detail", "First line\nSecond \x1b[31mline")  # fmt: skip
    cli("goal", "add", "pair.rmj", "--text", "Be heard in the room")
    cli("link", "pair.rmj", "#3", "1")  # an action by its number, as `status` takes it
    cli("follow-up", "pair.rmj", "#3", "--note", "Booked a slot", "--status", "in_progress")
    cli.at("2026-03-06T09:00:00+00:00")
    cli("status", "pair.rmj", "#3", "done", "--note", "Asked; notes in session 2")
    out, _ = cli("actions", "pair.rmj", "#3")
    assert out.splitlines() == [
        "Action #3: Ask [bold]why[/bold]",
        "  Done; was due 2026-03-04, closed 2026-03-06.",
        "  An action for the mentor, written by the mentor; visible to: pair.",
        "  Agreed on 2026-03-02.",
        "  Serves goal #1: Be heard in the room",
        "Detail:",
        "     First line",
        "     Second \u241b[31mline",  # the escape byte shown as a symbol, never sent
        "Follow-ups: 2, oldest first.",
        "  2026-03-02  mentor  in progress  Booked a slot",
        "  2026-03-06  mentor  done         Asked; notes in session 2",
    ]
    out, _ = cli("actions", "pair.rmj", "1")
    assert "Agreed on 2026-03-09, in session 1." in out and "overdue by 5 days." in out
    cli.at("2026-02-27T09:00:00+00:00")
    assert "  Open; due 2026-03-01 (in 2 days)." in cli("actions", "pair.rmj", "1")[0]
    cli.at("2026-03-10T09:00:00+00:00")
    out, _ = cli("actions", "pair.rmj", "1")
    assert "  Open; due 2026-03-01, overdue by 9 days." in out
    assert "Follow-ups: none yet" in out and "Detail: none." in out
    one = cli.json("actions", "pair.rmj", "#3")["action"]
    assert (one["number"], one["status"], len(one["follow_ups"])) == (3, "done", 2)
    assert one["detail"] == "First line\nSecond \x1b[31mline"  # JSON keeps the text as written
    _, err = cli("actions", "pair.rmj", "#3", "--status", "open", expect=2)
    assert "not both" in err
    _, err = cli("actions", "pair.rmj", "#9", expect=1)
    assert "There is no action #9" in err


def test_the_partners_private_action_in_full_shows_only_its_facts(lived_in: Cli) -> None:
    cli = lived_in
    cli("slot", "add", "pair.rmj", "--role", "mentee", "--new-passphrase-file", "mentee-pw")
    cli("act", "pair.rmj", "--title", "Secret title", "--owner", "mentee", "--commitment",
        "--visibility", "private", "--detail", "Secret detail", who="mentee-pw")  # fmt: skip
    cli("follow-up", "pair.rmj", "#3", "--note", "Secret note", who="mentee-pw")
    out, _ = cli("actions", "pair.rmj", "#3")
    assert out.startswith("Action #3: (private to the mentee)\n  Open; no due date.")
    assert "Secret" not in out and "(private)" in out
    one = cli.json("actions", "pair.rmj", "#3")["action"]
    assert one["hidden"] is True and "title" not in one and "Secret" not in json.dumps(one)
    mine, _ = cli("actions", "pair.rmj", "#3", who="mentee-pw")
    assert "Secret title" in mine and "Secret detail" in mine and "Secret note" in mine


def test_show_gives_each_actions_detail(lived_in: Cli) -> None:
    cli = lived_in
    cli("act", "pair.rmj", "--title", "With detail", "--owner", "both", "--session", "1",
        "--detail", "Why it matters\nand how")  # fmt: skip
    out, _ = cli("show", "pair.rmj", "1")
    assert ": action of both, open.\n     Why it matters\n     and how\n" in out
