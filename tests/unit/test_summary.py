"""The shareable summary on the example journal: contents, privacy, anonymising, safe text, HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from testkit import FIXED_NOW, PASSPHRASE, chromium_tmpdir

from rmjournal.core.clock import FixedClock
from rmjournal.core.interchange import import_document
from rmjournal.core.journal import Journal
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.model import Pair, Person
from rmjournal.core.secret import Secret
from rmjournal.core.summary import (
    Anonymiser,
    build_summary,
    md_inline,
    render_summary,
)

NAMES = ("kwame", "mensah", "helen", "brightwell")


@pytest.fixture
def example(journal_dir: Path, clock: FixedClock, example_doc: dict):
    """The example journal imported into a test-KDF journal file (opened by the mentor)."""
    jf, _ = JournalFile.create(
        journal_dir / "pair.rmj",
        passphrase=Secret.passphrase(PASSPHRASE),
        test_kdf=True,
        clock=clock,
    )
    import_document(jf.journal, example_doc)
    jf.save()
    yield jf
    jf.close()


def texts_by_visibility(doc: dict) -> dict[str, list[str]]:
    """Every piece of user text in an interchange document, by the visibility of its item."""
    found: dict[str, list[str]] = {"private": [], "pair": [], "shareable": []}
    for g in doc["pair"]["goals"]:
        found[g["visibility"]].append(g["text"])
    for s in doc["sessions"]:
        for a in s["agenda"]:
            found[a["visibility"]] += [a["topic"], a["notes"]]
        for e in s["entries"]:
            found[e["visibility"]].append(e["text"])
    for a in doc["actions"]:
        found[a["visibility"]] += [a["title"], a["detail"]]
        found["pair"] += [f["note"] for f in a["follow_ups"]]
    return {k: [t for t in v if t.strip()] for k, v in found.items()}


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_every_shareable_item_and_nothing_else(example, example_doc, fmt: str) -> None:
    out = render_summary(example.journal, fmt)
    show = (lambda t: escape(t, quote=True)) if fmt == "html" else md_inline
    texts = texts_by_visibility(example_doc)
    assert len(texts["shareable"]) == 8  # 1 goal, 3 learnings, 2 commitments (title + detail)
    for text in texts["shareable"]:
        assert show(text) in out, text
    for text in texts["pair"] + texts["private"]:
        assert text not in out and show(text) not in out, text
    assert "4 of 6 planned sessions held" in out


def test_markdown_shows_the_figures(example) -> None:
    out = render_summary(example.journal, "markdown")
    assert "| Open | 1 | 1 | 2 |" in out
    assert "| In progress | 0 | 1 | 1 |" in out
    assert "| Done | 2 | 0 | 2 |" in out
    assert "| Dropped | 1 | 0 | 1 |" in out
    assert "**Commitments kept:** 0 of 2" in out
    assert "**Overdue now:** 3" in out
    assert "**Median time to close an action:** 48 days" in out
    # held 5 Mar, 2 Apr, 30 Apr, 28 May; 25 Jun still planned on 20 Jul is missed; the gaps
    # 28, 28, 28 and the 53 days since 28 May average 34.25
    assert "every 34.2 days on average (planned: every 28 days; cadence not kept)" in out
    assert "4 of 6 planned sessions held (1 missed)" in out
    assert "44 days to the review (2026-09-02)" in out


def test_html_shows_the_figures(example) -> None:
    out = render_summary(example.journal, "html")
    rows = re.findall(r'<tr><th scope="row">(\w[\w ]*)</th>((?:<td class="n">\d+</td>)+)</tr>', out)
    counts = {name: re.findall(r"\d+", cells) for name, cells in rows}
    assert counts["Open"] == ["1", "1", "2"]
    assert counts["In progress"] == ["0", "1", "1"]
    assert counts["Done"] == ["2", "0", "2"]
    assert counts["Dropped"] == ["1", "0", "1"]
    assert "4 of 6 planned sessions held" in out


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_anonymise_leaves_no_name_anywhere(example, fmt: str) -> None:
    named = render_summary(example.journal, fmt).lower()
    assert "kwame" in named and "helen" in named
    out = render_summary(example.journal, fmt, anonymise=True).lower()
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", out), name
        assert name not in out, name
    assert "the mentor" in out and "the mentee" in out
    assert "invite the mentor to co-present" in out  # free text, not just the header


def test_anonymiser_handles_parts_possessives_case_and_word_boundaries() -> None:
    pair = Pair(
        "id",
        "Sir David Reed-Smith and Ana",
        Person("Ana María López"),
        Person("Sir David Reed-Smith"),
        FIXED_NOW.date(),
        28,
        6,
        FIXED_NOW.date(),
    )
    anon = Anonymiser(pair)
    assert anon("Sir David Reed-Smith and Ana") == "The mentee and the mentor"
    assert anon("Ask sir david") == "Ask sir the mentee"
    assert anon("david's view; REED said; smith agreed") == (
        "The mentee's view; the mentee said; the mentee agreed"
    )
    assert anon("María and LÓPEZ met Ana.") == "The mentor and the mentor met the mentor."
    assert anon("Anagram, Davidson, reedy, Smithers") == "Anagram, Davidson, reedy, Smithers"
    assert anon("Sir is a title, not a name") == "Sir is a title, not a name"


HOSTILE = (
    "# Not a heading\n---\n<script>alert('x')</script> <img src=http://evil.example/x.png>"
    "\n[click](http://evil.example) *em* `code` ![i](http://evil.example/i.png)"
    "\n1. not a list\n> not a quote\n```\nfence\n&amp; &#60;b&#62;"
)


@pytest.fixture
def hostile(example):
    journal: Journal = example.journal
    session = journal.sessions()[0]
    journal.add_entry(session.id, HOSTILE, kind="learning", visibility="shareable")
    journal.update_pair(title="<b>Pair</b> & [title](http://evil.example)")
    return journal


def test_markdown_user_text_cannot_change_the_structure(hostile) -> None:
    out = render_summary(hostile, "markdown")
    tokens = MarkdownIt("commonmark").parse(out)
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline", "fence", "code_block", "hr"}
    inline = [c for t in tokens if t.children for c in t.children]
    assert not {c.type for c in inline} & {"link_open", "image", "html_inline", "code_inline"}
    headings = [
        "".join(c.content for c in tokens[i + 1].children or [])
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]
    assert headings[0] == "<b>Pair</b> & [title](http://evil.example)"
    assert "Not a heading" not in " ".join(headings)
    assert all(t.type != "ordered_list_open" for t in tokens)


def test_html_escapes_user_text(hostile) -> None:
    out = render_summary(hostile, "html")
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in out
    assert "&amp;amp; &amp;#60;b&amp;#62;" in out
    assert (
        "<title>DRAFT – &lt;b&gt;Pair&lt;/b&gt; &amp; [title](http://evil.example)</title>" in out
    )


class _Refs(HTMLParser):
    """Every URL-bearing attribute and every piece of CSS in an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "action", "srcset", "poster", "data"}:
                self.urls.append((tag, name, value or ""))
            if name == "style":
                self.css.append(value or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css.append(data)


def assert_self_contained(html: str) -> None:
    refs = _Refs()
    refs.feed(html)
    for tag, attr, value in refs.urls:
        assert value.startswith(("#", "data:")), (tag, attr, value)
    css = "\n".join(refs.css)
    assert css and "@import" not in css
    for target in re.findall(r"url\(\s*['\"]?([^)'\"]*)", css, re.I):
        assert target.startswith(("#", "data:")), target
    banned = {"script", "link", "img", "iframe", "object", "embed", "base", "image", "use"}
    assert not banned & set(refs.tags)
    assert not re.search(r"<(script|link|img|iframe)\b", html, re.I)


def test_html_is_one_self_contained_printable_file(hostile) -> None:
    out = render_summary(hostile, "html")
    assert_self_contained(out)
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert '<html lang="en">' in out
    assert "@media print" in out and "@page" in out
    assert "default-src 'none'" in out  # the browser may load nothing
    assert out.count('<svg class="chart" role="img"') == 3
    assert out.count("<title id=") == 3 and out.count("<desc id=") == 3
    assert "<h1>" in out and out.count("<h2 ") >= 5


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is absent")
def test_html_renders_and_prints_in_headless_chromium(example, tmp_path: Path) -> None:
    page = tmp_path / "summary.html"
    page.write_text(render_summary(example.journal, "html"), encoding="utf-8")
    shot, pdf = tmp_path / "shot.png", tmp_path / "summary.pdf"
    flags = [
        "/usr/bin/chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    for extra in (
        [f"--screenshot={shot}", "--window-size=900,2000"],
        [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"],
    ):
        with chromium_tmpdir() as tmp:
            env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TMPDIR": str(tmp)}
            done = subprocess.run(
                [*flags, *extra, page.as_uri()], capture_output=True, timeout=60, env=env
            )
        assert done.returncode == 0, done.stderr[-500:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_left_out_counts(example) -> None:
    left = build_summary(example.journal).left_out
    assert left.private_mine == {"entry": 1}
    assert not left.private_partner
    # 2 goals, 11 agenda items, 2 entries, 4 actions, 3 follow-up notes are pair-only
    assert left.pair == {
        "goal": 2,
        "agenda item": 11,
        "entry": 2,
        "action": 4,
        "follow-up note": 3,
    }
    assert (left.private, left.pair_only) == (1, 22)


def test_unknown_format_is_a_plain_error(example) -> None:
    from rmjournal.core.errors import JournalError

    with pytest.raises(JournalError, match="markdown or html"):
        render_summary(example.journal, "pdf")
