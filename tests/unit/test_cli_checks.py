"""The command line's two checks: the passphrase policy, and the check before a summary.

A new passphrase the strength estimate refuses changes nothing and says why; a summary that
names someone outside the pair is listed before it is written, and on a terminal it is written
only when the person says yes.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from testkit import EXAMPLE_JSON

from rmjournal.cli import common, main

PW = "correct horse battery staple"


class Cli:
    def __init__(self, folder: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder, self.capsys, self.monkeypatch = folder, capsys, monkeypatch
        (folder / "pw").write_text(PW + "\n")
        monkeypatch.setenv("RMJOURNAL_NOW", "2026-07-20T09:00:00+00:00")
        monkeypatch.chdir(folder)

    def __call__(self, *argv: str, stdin: str = "", unlock: bool = True) -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        extra = ["--passphrase-file", "pw", "--insecure-test-kdf"] if unlock else []
        try:
            code = main([*argv, *extra])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err

    def journal(self) -> None:
        assert self("new", "pair.rmj", "--mentor", "Kwame", "--mentee", "Helen")[0] == 0
        assert self("import", "pair.rmj", "--from", str(EXAMPLE_JSON))[0] == 0


@pytest.fixture
def cli(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(tmp_path, capsys, monkeypatch)


@pytest.mark.parametrize("weak", ["x", "password", "Password1", "qwertyuiop", "kwame2026"])
def test_new_refuses_a_weak_passphrase_and_leaves_no_file(cli: Cli, weak: str) -> None:
    (cli.folder / "weak").write_text(weak + "\n")
    code, _, err = cli(
        "new", "pair.rmj", "--mentor", "Kwame", "--mentee", "Helen",
        "--passphrase-file", "weak", "--insecure-test-kdf", unlock=False,
    )  # fmt: skip
    assert code == 2
    assert "Too easy to guess" in err and "Nothing was changed." in err
    assert len(err.strip().splitlines()) == 1
    assert not (cli.folder / "pair.rmj").exists()


def test_passwd_and_slot_add_refuse_a_weak_passphrase(cli: Cli) -> None:
    assert cli("new", "pair.rmj", "--mentor", "Kwame", "--mentee", "Helen")[0] == 0
    before = (cli.folder / "pair.rmj").read_bytes()
    (cli.folder / "weak").write_text("password\n")
    code, _, err = cli("passwd", "pair.rmj", "--new-passphrase-file", "weak")
    assert code == 2 and "top-10 common password" in err
    code, _, err = cli(
        "slot", "add", "pair.rmj", "--role", "mentee", "--new-passphrase-file", "weak"
    )
    assert code == 2 and "Too easy to guess" in err
    assert (cli.folder / "pair.rmj").read_bytes() == before
    (cli.folder / "strong").write_text("mentee compass for the winter\n")
    code, _, err = cli("passwd", "pair.rmj", "--new-passphrase-file", "strong")
    assert code == 0, err


def _with_third_party(cli: Cli) -> None:
    cli.journal()
    code, _, err = cli(
        "add", "pair.rmj", "--kind", "learning", "--visibility", "shareable", "--text-file", "-",
        stdin="Off the record, Mr Patel (raj.patel@example.org) will back the pilot.",
    )  # fmt: skip
    assert code == 0, err


def test_a_script_gets_the_list_as_a_warning_and_the_summary(cli: Cli) -> None:
    _with_third_party(cli)
    code, out, err = cli("export", "pair.rmj", "--format", "markdown")
    assert code == 0 and "Mr Patel" in out
    assert 'a title and a name: "Mr Patel"' in err
    assert 'an e-mail address: "raj.patel@example.org"' in err
    assert 'words meant to stay in the room: "Off the record"' in err
    assert "Kwame" not in err and "Helen" not in err  # the pair's own names are not listed
    code, out, err = cli("export", "pair.rmj", "--format", "html", "--yes")
    assert code == 0 and err == "" and "Mr Patel" in out


def test_on_a_terminal_the_summary_is_written_only_on_yes(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_third_party(cli)
    monkeypatch.setattr(common, "can_ask", lambda: True)
    code, _, err = cli(
        "export", "pair.rmj", "--format", "markdown", "--anonymise", "--out", "s.md", stdin="n\n"
    )
    assert code == 1 and "Write it anyway? [y/N]" in err and "Nothing was written" in err
    assert not (cli.folder / "s.md").exists()
    code, _, err = cli(
        "export", "pair.rmj", "--format", "markdown", "--anonymise", "--out", "s.md", stdin="y\n"
    )
    assert code == 0, err
    text = (cli.folder / "s.md").read_text()
    assert "Mr Patel" in text and "Kwame" not in text and "Helen" not in text


def test_json_export_is_not_held_up(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_third_party(cli)
    monkeypatch.setattr(common, "can_ask", lambda: True)
    code, out, err = cli("export", "pair.rmj", "--format", "json", stdin="n\n")
    assert code == 0 and err == "" and "Mr Patel" in out


def test_the_anonymised_summary_holds_no_spelling_of_either_name(cli: Cli) -> None:
    """End to end: every spelling in shareable text, then `export --anonymise` in both formats."""
    import html

    from test_anonymise import MENTEE, MENTOR, _pieces, spellings

    from rmjournal.core.anonymise import folded

    code, _, err = cli("new", "pair.rmj", "--mentor", MENTOR, "--mentee", MENTEE)
    assert code == 0, err
    forms = [f for name in (MENTOR, MENTEE) for f in spellings(*name.split(" ", 1))]
    text = "\n".join(f"We spoke to {form} about it." for form in forms)
    code, _, err = cli(
        "add", "pair.rmj", "--kind", "learning", "--visibility", "shareable", "--text-file", "-",
        stdin=text,
    )  # fmt: skip
    assert code == 0, err
    for fmt in ("markdown", "html"):
        code, out, err = cli("export", "pair.rmj", "--format", fmt, "--anonymise", "--yes")
        assert code == 0, err
        assert out.count("about it.") == len(forms) >= 18
        flat = folded(html.unescape(out))
        for name in (MENTOR, MENTEE):
            assert [p for p in _pieces(name) if p in flat] == [], (fmt, name)


def test_on_a_terminal_a_session_is_deleted_only_on_yes(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rmjournal.cli import sessions

    cli.journal()
    code, out, err = cli("plan", "pair.rmj", "--on", "2026-08-03")
    assert code == 0, err
    number = out.strip()
    monkeypatch.setattr(sessions, "can_ask", lambda: True)
    code, _, err = cli("delete-session", "pair.rmj", number, stdin="n\n")
    assert code == 1 and f"Delete session {number} (planned, 2026-08-03) with its" in err
    assert "[y/N]" in err and "Nothing was deleted." in err
    assert "2026-08-03" in cli("sessions", "pair.rmj")[1]
    code, _, err = cli("delete-session", "pair.rmj", number, stdin="y\n")
    assert code == 0 and f"Deleted session {number}" in err
    assert "2026-08-03" not in cli("sessions", "pair.rmj")[1]


def test_held_before_its_day_says_so_and_on_gives_the_day_it_took_place(cli: Cli) -> None:
    cli.journal()
    code, out, err = cli("plan", "pair.rmj", "--on", "2026-08-03")
    assert code == 0, err
    number = out.strip()
    code, _, err = cli("held", "pair.rmj", number)
    assert code == 0, err
    assert "Its date, 2026-08-03, is after today: if you met early" in err and "--on" in err
    assert f"Session {number}, 2026-08-03 (Monday), held" in cli("sessions", "pair.rmj")[1]
    code, _, err = cli("held", "pair.rmj", number, "--on", "today")
    assert code == 0 and "It is dated 2026-07-20." in err and "after today" not in err
    assert f"Session {number}, 2026-07-20 (Monday), held" in cli("sessions", "pair.rmj")[1]
    code, _, err = cli("held", "pair.rmj", number, "--on", "someday")
    assert code == 2, err
