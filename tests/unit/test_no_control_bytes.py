"""No output of the command line carries a raw control character, whatever the shared text holds.

A partner can put any character in a shareable text (a topic, a note, a name, through the CLI or
an import). An ESC, BEL or C1 character reaching the other's terminal would be live: OSC 52
writes their clipboard, CSI moves the cursor or hides lines. So every payload below is put in
every shareable field, and the bytes of every command's standard output and error and of every
file it writes are scanned: C0 (other than newline and tab), DEL and C1 must never appear raw.
The JSON keeps the text exactly (its own `\\u` escapes), so an import of the export reads back
the same characters.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from testkit import EXAMPLE_JSON

from rmjournal.cli import main

PAYLOADS = [
    "\x1b]52;c;cGF5bG9hZA==\x07",  # OSC 52: write the clipboard, BEL-terminated
    "\x1b]52;c;cGF5bG9hZA==\x1b\\",  # OSC 52, ST-terminated
    "\x1b[2J\x1b[31m",  # CSI: clear the screen, red
    "\x9b2J\x9d0;title\x9c",  # C1 CSI and C1 OSC ... ST
    "\x07\x08\x7f\r\x0b\x0c\x1c\x85",  # BEL, backspace, DEL, CR, VT, FF, FS, NEL
]
PAYLOAD = "".join(PAYLOADS)
WORD = "Quokkaword"
"""A word searched for: every field that holds the payload holds it too."""

RAW = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
"""C0 but newline and tab, DEL, and C1 (as UTF-8 encodes U+0080-U+009F)."""

TEXT_KEYS = {"name", "network", "title", "agreement", "text", "topic", "notes", "detail", "note"}
TEXT_KEYS |= {"prompt", "place"}


def loaded(value: Any, key: str = "") -> Any:
    """`value` with the word and the payload added to every shareable text in it."""
    if isinstance(value, dict):
        return {k: loaded(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [loaded(v, key) for v in value]
    if isinstance(value, str) and (key in TEXT_KEYS or (key == "role" and " " in value)):
        return f"{value} {WORD}{PAYLOAD}"
    return value


def raw_controls(data: bytes, *, crlf: bool = False) -> list[bytes]:
    """The raw control characters in `data` (CRLF line ends allowed where the format has them)."""
    if crlf:
        data = data.replace(b"\r\n", b"\n")
    return RAW.findall(data)


class Cli:
    """`rmjournal` in this process at a fixed time: (code, stdout bytes, stderr bytes)."""

    def __init__(self, folder: Path, capsysbinary: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder, self.capsys, self.monkeypatch = folder, capsysbinary, monkeypatch
        (folder / "pw").write_text("correct horse battery staple\n")
        monkeypatch.setenv("RMJOURNAL_NOW", "2026-07-20T09:00:00+00:00")
        monkeypatch.chdir(folder)

    def __call__(self, *argv: str, unlock: bool = True, stdin: str = "") -> tuple[int, bytes]:
        self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        extra = ["--passphrase-file", "pw", "--insecure-test-kdf"] if unlock else []
        try:
            code = main([*argv, *extra])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = self.capsys.readouterr()
        return code, out + b"\n" + err


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return loaded(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))


@pytest.fixture
def cli(tmp_path: Path, capsysbinary: Any, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(tmp_path, capsysbinary, monkeypatch)


def _journal(cli: Cli, doc: dict[str, Any]) -> None:
    """A journal made with payloads in its names and title, the loaded example imported, and
    the payload written into each kind of item through the CLI's own commands."""
    code, out = cli(
        "new", "pair.rmj", "--mentor", f"Kwame{PAYLOAD}", "--mentee", f"Helen{PAYLOAD}",
        "--title", f"Title {WORD}{PAYLOAD}", "--mentor-job", f"Job{PAYLOAD}",
    )  # fmt: skip
    assert code == 0, out
    (cli.folder / "doc.json").write_text(json.dumps(doc), encoding="utf-8")
    code, out = cli("import", "pair.rmj", "--from", "doc.json")
    assert code == 0, out
    text = f"{WORD}{PAYLOAD}"
    for argv in (
        ("add", "pair.rmj", "--kind", "learning", "--visibility", "pair", "--text-file", "-"),
        ("plan", "pair.rmj", "--place", text),
        ("topic", "pair.rmj", "6", "--text", text, "--prompt", text),
        ("notes", "pair.rmj", "6", "1", "--text", text),
        ("act", "pair.rmj", "--title", text, "--owner", "both", "--detail", text, "--due", "+3"),
        ("goal", "add", "pair.rmj", "--text", text, "--visibility", "pair"),
        ("prompt", "add", "pair.rmj", "--phase", "after", "--for", "both", "--text", text),
    ):
        code, out = cli(*argv, stdin=text)
        assert code == 0, (argv, out)
    code, out = cli("follow-up", "pair.rmj", "#1", "--note", text)
    assert code == 0, out


def test_the_payload_reaches_every_field_and_the_json_keeps_it_exactly(
    cli: Cli, doc: dict[str, Any]
) -> None:
    _journal(cli, doc)
    code, out = cli("export", "pair.rmj", "--format", "json", "--out", "back.json")
    assert code == 0, out
    data = (cli.folder / "back.json").read_bytes()
    assert raw_controls(data) == []
    back = json.loads(data)
    assert back["pair"]["mentor"]["name"] == doc["pair"]["mentor"]["name"]
    assert back["pair"]["title"] == doc["pair"]["title"]
    assert PAYLOAD in back["pair"]["title"]
    topics = [i["topic"] for s in back["sessions"] for i in s["agenda"]]
    assert any(t.startswith(f"{WORD}{PAYLOADS[0]}") for t in topics)  # typed through the CLI
    # An import of the export gives the same text: the escape is JSON's own.
    again = cli.folder / "again.rmj"
    code, out = cli("new", str(again), "--mentor", "K", "--mentee", "H")
    assert code == 0, out
    code, out = cli("import", str(again), "--from", "back.json")
    assert code == 0, out
    code, out = cli("export", str(again), "--format", "json", "--out", "again.json")
    again_doc = json.loads((cli.folder / "again.json").read_bytes())
    assert again_doc["pair"]["mentor"]["name"] == doc["pair"]["mentor"]["name"]
    assert [i["topic"] for s in again_doc["sessions"] for i in s["agenda"]] == topics


COMMANDS: list[tuple[str, ...]] = [
    ("export", "pair.rmj", "--format", "json"),
    ("export", "pair.rmj", "--format", "markdown", "--yes"),
    ("export", "pair.rmj", "--format", "html", "--yes"),
    ("export", "pair.rmj", "--format", "markdown", "--anonymise", "--yes"),
    ("export", "pair.rmj", "--format", "html", "--anonymise", "--yes"),
    ("export", "pair.rmj", "--format", "markdown"),  # the third-party warning echoes text
    ("search", "pair.rmj", WORD),
    ("search", "pair.rmj", WORD, "--json"),
    ("recent", "pair.rmj", "-n", "50"),
    ("recent", "pair.rmj", "-n", "50", "--json"),
    ("actions", "pair.rmj"),
    ("actions", "pair.rmj", "--json"),
    ("sessions", "pair.rmj"),
    ("sessions", "pair.rmj", "--json"),
    *(("show", "pair.rmj", str(n)) for n in range(1, 7)),
    ("show", "pair.rmj", "6", "--json"),
    ("review", "pair.rmj"),
    ("review", "pair.rmj", "--json"),
    ("goals", "pair.rmj"),
    ("goals", "pair.rmj", "--json"),
    ("due", "pair.rmj", "--with-titles", "--days", "60"),
    ("due", "pair.rmj", "--with-titles", "--days", "60", "--json"),
    ("prompts", "pair.rmj", "--custom"),
    ("prompts", "pair.rmj", "--custom", "--json"),
    ("templates", "pair.rmj"),
    ("pack", "export", "pair.rmj", "--with-agreement", "--name", PAYLOAD),
    ("verify", "pair.rmj"),
    ("approve", "pair.rmj"),
    ("held", "pair.rmj", "6"),
]


def test_no_command_writes_a_raw_control_character(cli: Cli, doc: dict[str, Any]) -> None:
    _journal(cli, doc)
    leaks: dict[str, list[bytes]] = {}
    for argv in COMMANDS:
        code, out = cli(*argv)
        assert code in (0, 1), (argv, out[-400:])
        # (anonymised, the word is a name: the loaded names end with it)
        silent = ("verify", "approve", "held", "templates", "review")
        assert WORD.encode() in out or argv[0] in silent or "--anonymise" in argv
        found = raw_controls(out)
        if found:
            leaks[" ".join(argv[:4])] = found
    code, out = cli("calendar", "pair.rmj", "--with-topics")
    assert code == 0 and WORD.encode() in out
    if raw_controls(out, crlf=True):
        leaks["calendar"] = raw_controls(out, crlf=True)
    code, out = cli("info", "pair.rmj", unlock=False)
    if raw_controls(out):
        leaks["info"] = raw_controls(out)
    assert leaks == {}


def test_no_file_written_holds_a_raw_control_character(cli: Cli, doc: dict[str, Any]) -> None:
    _journal(cli, doc)
    for fmt in ("json", "markdown", "html"):
        for anonymise in ((), ("--anonymise",)) if fmt != "json" else ((),):
            name = f"out-{fmt}{len(anonymise)}"
            code, out = cli(
                "export", "pair.rmj", "--format", fmt, "--out", name, "--yes", *anonymise
            )
            assert code == 0, out
            data = (cli.folder / name).read_bytes()
            assert WORD.encode() in data or anonymise
            at = RAW.search(data)
            assert at is None, (name, data[max(at.start() - 200, 0) : at.start() + 50])
    code, out = cli("calendar", "pair.rmj", "--with-topics", "--out", "cal.ics")
    assert code == 0, out
    assert raw_controls((cli.folder / "cal.ics").read_bytes(), crlf=True) == []
    code, out = cli("pack", "export", "pair.rmj", "--with-agreement", "--out", "pack.json")
    assert code == 0, out
    assert raw_controls((cli.folder / "pack.json").read_bytes()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ("export", f"no{PAYLOAD}.rmj"),
        (f"no{PAYLOAD}.rmj",),
        (f"exprot{PAYLOAD}",),
        ("export", "pair.rmj", "--format", f"x{PAYLOAD}"),
        ("show", "pair.rmj", f"9{PAYLOAD}"),
        ("add", "pair.rmj", "--text-file", f"none{PAYLOAD}"),
        ("import", "pair.rmj", "--from", f"none{PAYLOAD}.json"),
        ("export", "pair.rmj", "--out", f"no-folder{PAYLOAD}/x.json"),
    ],
)
def test_error_messages_echo_names_without_control_characters(
    cli: Cli, doc: dict[str, Any], argv: tuple[str, ...]
) -> None:
    _journal(cli, doc)
    code, out = cli(*argv)
    assert code != 0
    assert raw_controls(out) == [], out


def test_file_names_are_echoed_without_control_characters(cli: Cli) -> None:
    name = f"j{PAYLOAD}.rmj"
    (cli.folder / "new-pw").write_text("a new lantern for the long winter\n")
    (cli.folder / f"d{PAYLOAD}.json").write_text(EXAMPLE_JSON.read_text(encoding="utf-8"))
    runs: list[tuple[tuple[str, ...], bool]] = [
        (("new", name, "--mentor", "Kwame", "--mentee", "Helen"), True),
        (("info", name), False),
        (("import", name, "--from", f"d{PAYLOAD}.json"), True),
        (("export", name, "--out", f"o{PAYLOAD}.json"), True),
        (("backup", name, "--out", f"b{PAYLOAD}.rmj"), True),
        (("merge", name, f"b{PAYLOAD}.rmj"), True),
        (("calendar", name, "--out", f"c{PAYLOAD}.ics"), True),
        (("pack", "export", name, "--out", f"p{PAYLOAD}.json"), True),
        (("passwd", name, "--new-passphrase-file", "new-pw"), True),
    ]
    for argv, unlock in runs:
        code, out = cli(*argv, unlock=unlock)
        assert code == 0, (argv, out)
        assert raw_controls(out) == [], (argv, out)
