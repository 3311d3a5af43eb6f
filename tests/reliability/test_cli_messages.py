"""A walk through every error a person can trigger from the command line.

Each must end with the exit code of cli.md and a plain message on stderr: it starts with
`rmjournal:`, reads as one or two sentences (an invalid import then lists its problems, one per
line), never shows a traceback, a Python exception or a secret, and leaves stdout empty.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from testkit import EXAMPLE_JSON

from rmjournal.cli import main
from rmjournal.core.interchange import import_document
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.locking import JournalLock
from rmjournal.core.model import Person
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
    (w / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    with (w / "huge.txt").open("wb") as sparse:  # sizes past the limits, no disk used
        sparse.truncate((16 << 20) + 1)
    with (w / "huge.json").open("wb") as sparse:
        sparse.truncate((256 << 20) + 1)
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
    ("passphrase-in-argv", ["verify", "pair.rmj", "--passphrase", PW, "--insecure-test-kdf"], 2,
     "--passphrase-file FILE"),
    ("passphrase-in-argv-with-equals", ["verify", "pair.rmj", f"--passphrase={PW}",
                                        "--insecure-test-kdf"], 2, "shell's history"),
    ("passphrase-abbreviated-with-equals", ["verify", "pair.rmj", f"--pass={PW}",
                                            "--insecure-test-kdf"], 2, "ambiguous option"),
    ("unknown-first-word", ["verfiy", "pair.rmj"], 2, "did you mean 'verify'"),
    ("unknown-word-no-match", ["zzqx"], 2, "neither a command nor an existing file"),
    ("missing-journal-as-first-word", ["missing.rmj"], 2, "rmjournal open missing.rmj"),
    ("help-word", ["help", "plan"], 0, ""),
    ("limit-caret", ["search", "pair.rmj", "x", "--limit", "10^30", *P], 2, "at least 1"),
    ("limit-huge", ["search", "pair.rmj", "x", "--limit", "1" + "0" * 30, *P], 2, "at most"),
    ("cadence-huge", ["new", "x.rmj", "--mentor", "A", "--mentee", "B", "--cadence-days",
                      "9" * 40, *P], 2, "at most"),
    ("passphrase-dev-zero", ["verify", "pair.rmj", "--passphrase-file", "/dev/zero",
                             "--insecure-test-kdf"], 2, "one short line"),
    ("passphrase-folder", ["verify", "pair.rmj", "--passphrase-file", "out-folder",
                           "--insecure-test-kdf"], 2, "folder"),
    ("text-too-big", ["add", "pair.rmj", "--text-file", "huge.txt", *P], 2, "16 MiB"),
    ("text-not-utf8", ["add", "pair.rmj", "--text-file", "latin1.txt", *P], 2, "not UTF-8"),
    ("import-too-big", ["import", "pair.rmj", "--from", "huge.json", *P], 2, "256 MiB"),
    ("new-undecodable-name", ["new", "x.rmj", "--mentor", "\udcff", "--mentee", "B", *P], 2,
     "not valid UTF-8"),
    ("date-form", ["act", "pair.rmj", "--title", "T", "--owner", "both", "--due", "next week",
                   *P], 2, "DD/MM/YYYY"),
    ("act-no-title", ["act", "pair.rmj", "--title", "", "--owner", "both", *P], 2, "title"),
    ("no-such-action", ["status", "pair.rmj", "#99", "done", *P], 1, "no action #99"),
    ("no-such-session", ["show", "pair.rmj", "99", *P], 1, "no session 99"),
    ("new-missing-folder", ["new", "nowhere/x.rmj", "--mentor", "A", "--mentee", "B", *P], 1,
     "does not exist"),
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


SECRET_IN_ARGV = "ABCD-EFGH-IJKL-secret-words"


@pytest.mark.parametrize(
    ("argv", "instead"),
    [
        (["verify", "pair.rmj", "--recovery-key", SECRET_IN_ARGV], "--recovery-key-file FILE"),
        (
            ["new", "x.rmj", "--mentor", "A", "--mentee", "B", "--passphrase", SECRET_IN_ARGV],
            "or --passphrase-stdin, or leave them out to be asked",
        ),
        (
            ["passwd", "pair.rmj", *P, "--new-passphrase", SECRET_IN_ARGV],
            "--new-passphrase-file FILE",
        ),
        (
            ["rekey", "pair.rmj", *P, "--partner-passphrase", SECRET_IN_ARGV],
            "--partner-passphrase-file FILE",
        ),
        (
            ["slot", "remove", "pair.rmj", "1", *P, f"--partner-passphrase={SECRET_IN_ARGV}"],
            "--partner-passphrase-file FILE",
        ),
    ],
    ids=["recovery-key", "new-passphrase-of-new", "new-passphrase", "partner", "partner-equals"],
)
def test_a_secret_in_the_command_line_is_refused_and_never_printed(
    argv: list[str], instead: str, world: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """`--recovery-key KEY` was taken as an abbreviation of `--recovery-key-file`, and the key
    printed back as the name of a file that does not exist."""
    monkeypatch.chdir(world)
    before = _files(world)
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == ""
    assert SECRET_IN_ARGV not in err and "secret-words" not in err
    _check_message(err, 2, instead)
    assert _files(world) == before


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
    assert {code for _, _, code, _ in CASES if code} | {5} == {1, 2, 3, 4, 5, 6}


# ---------------------------------------------------------------------- streams and terminals
# These run the real console entry point in a subprocess: a closed descriptor, a pipe whose
# reader has gone, or the absence of a terminal cannot be faked inside the test process.

NOW = {"RMJOURNAL_NOW": "2026-07-20T09:00:00+00:00"}


def _rmjournal(
    world: Path, *argv: str, close: tuple[int, ...] = (), **options: Any
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RMJOURNAL_ALLOW_TEST_KDF"}
    env.update(NOW, **options.pop("env", {}))

    def closing() -> None:
        for fd in close:
            os.close(fd)

    options.setdefault("stdin", subprocess.DEVNULL)
    options.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "rmjournal", *argv],
        cwd=world, env=env, stderr=subprocess.PIPE, text=True, timeout=60,
        preexec_fn=closing if close else None, **options,
    )  # fmt: skip


def _one_sentence(err: str, mention: str) -> None:
    assert err.startswith("rmjournal: ") and len(err.splitlines()) == 1, err
    assert not PYTHONISMS.search(err) and mention.lower() in err.lower(), err


@pytest.mark.parametrize(
    "argv", [[], ["pair.rmj"], ["open", "pair.rmj"], ["demo", "--path", "demo-here.rmj"]]
)
def test_no_terminal_no_app(world: Path, argv: list[str]) -> None:
    ran = _rmjournal(world, *argv)
    assert ran.returncode == 2 and ran.stdout == ""
    _one_sentence(ran.stderr, "needs a terminal")
    assert not (world / "demo-here.rmj").exists()


def test_closed_stdout_is_one_sentence(world: Path) -> None:
    for argv in (["info", "pair.rmj"], ["search", "pair.rmj", "panel", *P], ["--help"]):
        ran = _rmjournal(world, *argv, close=(1,), stdout=None)
        assert ran.returncode == 2
        _one_sentence(ran.stderr, "standard output is closed")


def test_closed_stdin_is_one_sentence(world: Path) -> None:
    before = _files(world)
    for argv in (["add", "pair.rmj", *P],
                 ["verify", "pair.rmj", "--passphrase-stdin", "--insecure-test-kdf"],
                 ["import", "pair.rmj", "--from", "-", *P]):  # fmt: skip
        ran = _rmjournal(world, *argv, close=(0,), stdin=None)
        assert ran.returncode == 2, ran.stderr
        _one_sentence(ran.stderr, "standard input is closed")
    assert _files(world) == before


def test_new_shows_the_key_first_even_to_head(world: Path) -> None:
    ran = subprocess.run(
        f"{sys.executable} -m rmjournal new headed.rmj --mentor A --mentee B {' '.join(P)}"
        " | head -1",
        shell=True, cwd=world, capture_output=True, text=True, timeout=60,
        env={**os.environ, **NOW},
    )  # fmt: skip
    assert ran.stdout.startswith("Recovery key: ") and len(ran.stdout.splitlines()) == 1
    assert (world / "headed.rmj").exists()
    (world / "headed.rmj").unlink()
    (world / "headed.rmj.lock").unlink()


def test_new_whose_key_cannot_be_shown_leaves_no_file(world: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    try:
        ran = _rmjournal(world, "new", "lost.rmj", "--mentor", "A", "--mentee", "B", *P,
                         stdout=write)  # fmt: skip
    finally:
        os.close(write)
    assert ran.returncode == 1
    lines = ran.stderr.splitlines()
    assert lines[0].startswith("Warning: ")  # the test KDF's warning comes first
    _one_sentence(lines[1] + "\n", "the journal was not created")
    assert not (world / "lost.rmj").exists() and not (world / "lost.rmj.lock").exists()


def test_a_new_that_fails_midway_leaves_no_file(
    world: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever stops `new` after the file was made takes the file away again, and the
    message does not claim that nothing changed."""
    from rmjournal.core.journal import Journal

    def broken(self: Journal, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.chdir(world)
    monkeypatch.setattr(Journal, "start_pair", broken)
    before = _files(world)
    got = main(["new", "half.rmj", "--mentor", "A", "--mentee", "B", *P])
    _, err = capsys.readouterr()
    assert got == 1
    _check_message(err.splitlines()[-1] + "\n", 1, "no file was left behind")
    assert "not changed" not in err
    assert _files(world) == before and not (world / "half.rmj.lock").exists()


def test_a_closed_pipe_is_a_quiet_exit(world: Path) -> None:
    ran = subprocess.run(
        f"{sys.executable} -m rmjournal export pair.rmj {' '.join(P)} | head -c 10;"
        f" {sys.executable} -m rmjournal manpage | head -c 10",
        shell=True, cwd=world, capture_output=True, text=True, timeout=60,
        env={**os.environ, **NOW},
    )  # fmt: skip
    assert ran.stderr == "" and ran.returncode == 0


def test_a_bom_is_stripped_from_secrets_and_texts(world: Path, tmp_path: Path) -> None:
    target = tmp_path / "pair.rmj"
    shutil.copy(world / "pair.rmj", target)
    (tmp_path / "bom-pw").write_bytes(b"\xef\xbb\xbf" + PW.encode() + b"\r\n")
    (tmp_path / "bom.txt").write_bytes("\ufeffWritten in Notepad.\r\n".encode())
    unlock = ["--passphrase-file", "bom-pw", "--insecure-test-kdf"]
    ran = _rmjournal(tmp_path, "add", "pair.rmj", "--text-file", "bom.txt", *unlock)
    assert ran.returncode == 0, ran.stderr
    out = _rmjournal(tmp_path, "search", "pair.rmj", "Notepad", "--json", *unlock)
    texts = [h.get("text", "") for h in json.loads(out.stdout)["hits"]]
    assert any(t.startswith("Written in Notepad.") for t in texts), texts
    assert not any("\ufeff" in t for t in texts)


def test_a_narrow_encoding_never_stops_the_output(world: Path) -> None:
    """A Windows pipe is often cp1252: a character it lacks is escaped, not a crash."""
    ran = _rmjournal(world, "search", "pair.rmj", "induction", *P,
                     env={"PYTHONIOENCODING": "ascii"})  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "\\u2014" in ran.stdout  # the em dash between title and snippet, escaped
