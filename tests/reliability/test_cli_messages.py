"""A walk through every error a person can trigger from the command line.

Each must end with the exit code of cli.md and a plain message on stderr: it starts with
`rmjournal:`, reads as one or two sentences (an invalid import then lists its problems, one per
line), never shows a traceback, a Python exception or a secret, and leaves stdout empty.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from testkit import EXAMPLE_JSON

from rmjournal.cli import main
from rmjournal.core.interchange import import_document
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.model import Person
from rmjournal.core.safefile import JournalLock
from rmjournal.core.secret import Secret

PW = "walk the messages passphrase"
VECTORS = Path(__file__).resolve().parent.parent / "vectors"
PYTHONISMS = re.compile(
    r"Traceback|File \"|\[Errno|Error\(|Exception|<class|<Secret|object at 0x|"
    r"unexpected problem|NoneType|KeyError|\(\w+Error\)|\\x[0-9a-f]{2}\\x"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a journal, another pair's journal, broken files and import documents."""
    w = tmp_path_factory.mktemp("walk")
    for name in ("pair.rmj", "other.rmj"):
        jf, recovery = JournalFile.create(
            w / name, passphrase=Secret.passphrase(PW), test_kdf=True,
            mentor=Person("Ama"), mentee=Person("Kofi"),
        )  # fmt: skip
        jf.close()
        if name == "pair.rmj":
            (w / "recovery").write_text(recovery + "\n")
    (w / "pw").write_text(PW + "\n")
    with JournalFile.open(w / "pair.rmj", Secret.passphrase(PW), allow_test_kdf=True) as jf:
        import_document(jf.journal, json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
        jf.save()
    (w / "wrong-pw").write_text("not the passphrase\n")
    (w / "empty-pw").write_text("\n")
    (w / "bad-utf8-pw").write_bytes(b"\xff\xfe\n")
    (w / "typo-recovery").write_text("AAAA-" * 13 + "AAAB\n")
    (w / "junk-recovery").write_text("this is not a recovery key!\n")
    (w / "damaged.rmj").write_bytes(b"RMJOURNL" + b"\x00" * 500)
    (w / "not-a-journal.rmj").write_bytes(b"SQLite format 3\x00" + bytes(500))
    shutil.copy(VECTORS / "slots-swapped.rmj", w / "tampered.rmj")
    (w / "tampered.pw").write_text("vector mentor passphrase\n")
    (w / "folder.rmj").mkdir()
    (w / "out-folder").mkdir()
    (w / "exists.rmj").write_bytes(b"x")
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    (w / "not-json.json").write_text("{not json")
    (w / "bad-utf8.json").write_bytes(b'{"format": "\xff"}')
    (w / "list.json").write_text("[]")
    (w / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (w / "digits.json").write_text('{"version": ' + "9" * 5000 + "}")
    wrong = json.loads(json.dumps(doc))
    wrong["sessions"][0]["status"] = "maybe"
    wrong["pair"]["cadence_days"] = "28"
    (w / "invalid.json").write_text(json.dumps(wrong))
    surrogate = json.loads(json.dumps(doc))
    surrogate["pair"]["title"] = "\ud800"
    (w / "surrogate.json").write_text(json.dumps(surrogate))
    other_pair = json.loads(json.dumps(doc))
    other_pair["pair"]["id"] = "00000000-0000-4000-8000-000000000001"
    (w / "doc.json").write_text(json.dumps(doc))
    (w / "other-pair.json").write_text(json.dumps(other_pair))
    private = json.loads(json.dumps(doc))
    private["exported_by"] = "mentee"
    private["sessions"][0]["entries"][0].update(author="mentee", visibility="private")
    (w / "partners-private.json").write_text(json.dumps(private))
    return w


# (name, argv, exit code, what stderr must mention); paths are relative to the world folder
P = ["--passphrase-file", "pw", "--insecure-test-kdf"]
CASES: list[tuple[str, list[str], int, str]] = [
    # usage (2)
    ("unknown-option", ["verify", "pair.rmj", "--frobnicate", *P], 2, "unrecognized arguments"),
    ("missing-argument", ["verify"], 2, "required"),
    ("unknown-command-option", ["--nope"], 2, "unrecognized arguments"),
    ("new-without-names", ["new", "x.rmj", *P], 2, "required"),
    ("bad-format", ["export", "pair.rmj", "--format", "pdf", *P], 2, "invalid choice"),
    ("bad-limit", ["search", "pair.rmj", "x", "--limit", "0", *P], 2, "at least 1"),
    ("bad-date", ["new", "x.rmj", "--mentor", "A", "--mentee", "B", "--start", "soon", *P], 2,
     "date"),
    ("two-secrets", ["verify", "pair.rmj", "--passphrase-stdin", *P], 2, "only one"),
    ("anonymise-json", ["export", "pair.rmj", "--anonymise", *P], 2, "--anonymise"),
    ("no-passphrase-no-tty", ["verify", "pair.rmj", "--insecure-test-kdf"], 2, "no terminal"),
    ("passphrase-file-missing", ["verify", "pair.rmj", "--passphrase-file", "nope",
                                 "--insecure-test-kdf"], 2, "does not exist"),
    ("passphrase-file-empty", ["verify", "pair.rmj", "--passphrase-file", "empty-pw",
                               "--insecure-test-kdf"], 2, "empty"),
    ("passphrase-file-not-utf8", ["verify", "pair.rmj", "--passphrase-file", "bad-utf8-pw",
                                  "--insecure-test-kdf"], 2, "not UTF-8 text"),
    ("empty-names", ["new", "x.rmj", "--mentor", " ", "--mentee", "B", *P], 2, "must not be empty"),
    ("import-from-folder", ["import", "pair.rmj", "--from", "out-folder", *P], 2, "folder"),
    ("export-out-folder", ["export", "pair.rmj", "--out", "out-folder", *P], 2, "folder"),
    ("merge-same-file", ["merge", "pair.rmj", "pair.rmj", *P], 2, "same file"),
    ("merge-folder", ["merge", "pair.rmj", "out-folder", *P], 2, "folder"),
    ("remove-only-passphrase", ["slot", "remove", "pair.rmj", "0", *P], 2, "only passphrase"),
    ("rekey-with-recovery", ["rekey", "pair.rmj", "--recovery-key-file", "recovery",
                             "--insecure-test-kdf"], 2, "passphrase"),
    # other errors (1)
    ("missing-journal", ["verify", "missing.rmj", *P], 1, "no journal"),
    ("info-missing-journal", ["info", "missing.rmj"], 1, "no journal"),
    ("missing-folder", ["verify", "no-such-folder/pair.rmj", *P], 1, "no journal"),
    ("new-exists", ["new", "exists.rmj", "--mentor", "A", "--mentee", "B", *P], 1,
     "already exists"),
    ("import-missing", ["import", "pair.rmj", "--from", "missing.json", *P], 1, "no file"),
    ("export-out-missing-folder", ["export", "pair.rmj", "--out", "nowhere/x.json", *P], 1,
     "does not exist"),
    ("export-out-unwritable", ["export", "pair.rmj", "--out", "/proc/rmjournal.json", *P], 1,
     "Saving failed"),
    ("backup-out-exists", ["backup", "pair.rmj", "--out", "exists.rmj", *P], 1, "already exists"),
    ("merge-not-a-copy", ["merge", "pair.rmj", "other.rmj", *P], 1, "not a copy"),
    ("merge-missing", ["merge", "pair.rmj", "missing.rmj", *P], 1, "no file"),
    ("unknown-slot", ["slot", "remove", "pair.rmj", "7", *P], 1, "no slot 7"),
    # wrong secret (3)
    ("wrong-passphrase", ["verify", "pair.rmj", "--passphrase-file", "wrong-pw",
                          "--insecure-test-kdf"], 3, "does not open"),
    ("recovery-typo", ["verify", "pair.rmj", "--recovery-key-file", "typo-recovery",
                       "--insecure-test-kdf"], 3, "typo"),
    ("recovery-junk", ["verify", "pair.rmj", "--recovery-key-file", "junk-recovery",
                       "--insecure-test-kdf"], 3, "not a recovery key"),
    # damaged, tampered, test KDF (4)
    ("damaged", ["verify", "damaged.rmj", *P], 4, "damaged"),
    ("not-a-journal", ["verify", "not-a-journal.rmj", *P], 4, "not an rmjournal journal"),
    ("info-not-a-journal", ["info", "not-a-journal.rmj"], 4, "not an rmjournal journal"),
    ("folder-as-journal", ["verify", "folder.rmj", *P], 4, "folder"),
    ("tampered", ["verify", "tampered.rmj", "--passphrase-file", "tampered.pw",
                  "--insecure-test-kdf"], 4, "altered"),
    ("test-kdf-without-switch", ["verify", "pair.rmj", "--passphrase-file", "pw"], 4,
     "insecure test key derivation"),
    ("merge-damaged-other", ["merge", "pair.rmj", "damaged.rmj", *P], 4, "damaged"),
    # invalid imports (6)
    ("import-not-json", ["import", "pair.rmj", "--from", "not-json.json", *P], 6, "not JSON"),
    ("import-bad-utf8", ["import", "pair.rmj", "--from", "bad-utf8.json", *P], 6, "not UTF-8"),
    ("import-list", ["import", "pair.rmj", "--from", "list.json", *P], 6, "expected a JSON object"),
    ("import-deep", ["import", "pair.rmj", "--from", "deep.json", *P], 6, "nested too deeply"),
    ("import-digits", ["import", "pair.rmj", "--from", "digits.json", *P], 6, "far too long"),
    ("import-invalid", ["import", "pair.rmj", "--from", "invalid.json", *P], 6,
     "sessions[0].status"),
    ("import-surrogate", ["import", "pair.rmj", "--from", "surrogate.json", *P], 6, "pair.title"),
    ("import-other-pair", ["import", "pair.rmj", "--from", "other-pair.json", *P], 6,
     "another pair"),
    ("import-partners-private", ["import", "pair.rmj", "--from", "partners-private.json", *P], 6,
     "private item of the mentee"),
]  # fmt: skip


def _files(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, lock files aside (made on first use, empty, never deleted by design)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.suffix != ".lock"}


def _check_message(err: str, code: int, mention: str) -> None:
    assert err.startswith("rmjournal: "), err
    assert err.endswith("\n")
    assert not PYTHONISMS.search(err), err
    assert PW not in err and "vector mentor passphrase" not in err
    assert mention.lower() in err.lower(), err
    first = err.splitlines()[0]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", first.strip()) if s]
    assert len(sentences) <= 3, first  # one or two sentences (a path may carry a dot)
    if code != 6:
        assert len(err.splitlines()) == 1, err
    else:
        assert len(err.splitlines()) <= 202, "an invalid import lists at most 200 problems"


@pytest.mark.parametrize(("name", "argv", "code", "mention"), CASES, ids=[c[0] for c in CASES])
def test_cli_error(
    name: str, argv: list[str], code: int, mention: str, world: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(world)
    before = _files(world)
    try:
        got = main(argv)
    except SystemExit as exit_:  # argparse exits for usage errors and --help
        got = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert got == code, (out, err)
    if code == 0:
        return
    _check_message(err, code, mention)
    assert out == "", out
    assert _files(world) == before, "a refused command changed a file"


def test_locked(
    world: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(world)
    lock = JournalLock(world / "pair.rmj")
    try:
        for argv in (["verify", "pair.rmj", *P], ["info", "pair.rmj"]):
            got = main(argv)
            out, err = capsys.readouterr()
            assert got == 5 and out == ""
            _check_message(err, 5, "is open in another rmjournal window or command")
    finally:
        lock.release()


def test_every_exit_code_is_walked() -> None:
    assert {code for _, _, code, _ in CASES} | {5} == {1, 2, 3, 4, 5, 6}
