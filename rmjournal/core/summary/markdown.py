"""The shareable summary as Markdown: user text made literal (no emphasis, links or HTML)."""

from __future__ import annotations

import re

from rmjournal.core.model import OUTCOME_WORDS, STATUS_WORDS
from rmjournal.core.summary.content import DRAFT_MARKER, Summary
from rmjournal.core.summary.wording import (
    Wording,
    action_line,
    cap,
    entry_line,
    figure_lines,
    goal_status_line,
    month_table,
    opportunity_line,
    owner_table,
    pair_lines,
    relationship_lines,
    status_table,
    year_on_line,
)
from rmjournal.text import plain

# ---------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def md_line(line: str) -> str:
    """One line of user text as literal Markdown: no emphasis, links, HTML or block syntax, and
    no control character (each one `plain()`'s visible symbol, so no terminal acts on it)."""
    line = _MD_SPECIAL.sub(r"\\\1", plain(line.strip()))
    line = _MD_ENTITY.sub(r"\\&", line)
    if line[:1] in ("#", "+", "-", "="):
        return "\\" + line
    return _MD_ORDERED.sub(r"\1\\\2", line)


def md_inline(text: str) -> str:
    """User text on one line (whitespace collapsed) as literal Markdown."""
    return md_line(" ".join(text.split()))


def md_block(text: str, indent: str = "  ") -> str:
    """Multi-line user text as literal Markdown paragraphs, continuation lines indented."""
    lines = [md_line(line) for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    return ("\n" + indent).join(out).replace("\n" + indent + "\n", "\n\n")


def render_markdown(summary: Summary, anonymise: bool = False) -> str:
    """The summary as Markdown; user text is escaped so it cannot change the document's shape."""
    w = Wording(summary, anonymise)
    f = summary.figures
    out: list[str] = []
    add = out.append
    if not summary.approved:
        add(f"> **{DRAFT_MARKER}.**")
        for line in w.approval_lines():
            add(">")
            add(f"> {md_inline(line)}")
        add("")
    add(f"# {md_inline(w.title())}")
    add("")
    add("A shareable summary of a reverse-mentoring pair. " + md_inline(w.as_of()))
    add("")
    add("## The pair")
    add("")
    for label, value in pair_lines(w):
        add(f"- **{label}:** {md_inline(value)}")
    add("")
    add("## The review in figures")
    add("")
    for label, value in figure_lines(w):
        add(f"- **{label}:** {md_inline(value)}")
    add("")
    add("## The relationship")
    add("")
    for label, value in relationship_lines(w):
        add(f"- **{label}:** {md_inline(value)}")
    add("")
    add("### Actions and commitments by status")
    add("")
    add("| Status | Actions | Commitments | Total |")
    add("| --- | ---: | ---: | ---: |")
    for status, actions, commitments, total in status_table(f):
        add(f"| {status} | {actions} | {commitments} | {total} |")
    add("")
    add("### By owner")
    add("")
    add("| Owner | " + " | ".join(s.capitalize() for s in STATUS_WORDS.values()) + " |")
    add("| --- |" + " ---: |" * len(STATUS_WORDS))
    for owner, counts in owner_table(f, w):
        add(f"| {owner} | " + " | ".join(map(str, counts)) + " |")
    add("")
    add("### Month by month")
    add("")
    add("| Month | Sessions held | Actions agreed | Actions closed | Learnings |")
    add("| --- | ---: | ---: | ---: | ---: |")
    for month, held, opened, closed, learned in month_table(f):
        add(f"| {month} | {held} | {opened} | {closed} | {learned} |")
    add("")
    add("## Goals")
    add("")
    if not summary.goals:
        add("No goal is marked shareable.")
        add("")
    for g in summary.goals:
        add(f"### Goal of {md_inline(w.who(g.goal.owner))}")
        add("")
        add(md_block(w.text(g.goal.text), ""))
        add("")
        add(f"*{md_inline(cap(goal_status_line(g.goal.status, g.goal.status_note, w)))}*")
        add("")
        for a in g.actions:
            add(f"- {cap(md_inline(action_line(a, w)))}: {md_inline(w.text(a.title))}")
        for e in g.learnings:
            add(f"- Learning ({md_inline(entry_line(e, w))}): {md_inline(w.text(e.text))}")
        if g.actions or g.learnings:
            add("")
    add("## Opportunities")
    add("")
    if not f.opportunities:
        add("No opportunity is marked shareable.")
    for o in f.opportunities:
        line = f"- **{md_inline(w.text(o.title))}** ({md_inline(opportunity_line(o, w))})"
        if o.outcome:
            line += f": {md_inline(w.text(o.outcome))}"
        add(line)
    add("")
    if f.a_year_on:
        add("## A year on")
        add("")
        for a in f.a_year_on:
            note = f": {md_inline(w.text(a.check_in_note))}" if a.check_in_note else ""
            add(f"- **{md_inline(w.text(a.title))}** ({year_on_line(a)}){note}")
        add("")
    add("## What we learned")
    add("")
    if not summary.learnings:
        add("No learning is marked shareable.")
    for e in summary.learnings:
        add(f"- **{cap(md_inline(entry_line(e, w)))}:** {md_block(w.text(e.text))}")
    add("")
    add("## Commitments and actions")
    add("")
    if not summary.actions:
        add("No commitment or action is marked shareable.")
    for a in summary.actions:
        line = f"- **{md_inline(w.text(a.title))}** ({md_inline(action_line(a, w))})"
        if a.detail.strip():
            line += f"  \n  {md_block(w.text(a.detail))}"
        add(line)
    add("")
    if summary.agenda or summary.notes:
        add("## From our sessions")
        add("")
        for item in summary.agenda:
            where = md_inline(summary.session_label(item.session_id))
            line = (
                f"- **{md_inline(w.text(item.topic))}** ({where}; raised by "
                f"{md_inline(w.who(item.raised_by))}; {OUTCOME_WORDS[item.outcome]})"
            )
            if item.notes.strip():
                line += f"  \n  {md_block(w.text(item.notes))}"
            add(line)
        for e in summary.notes:
            label = cap(md_inline(f"{e.kind} by {entry_line(e, w)}"))
            prompt = f" *{md_inline(w.text(e.prompt))}*" if e.prompt else ""
            add(f"- **{label}:**{prompt} {md_block(w.text(e.text))}")
        add("")
    add("## Approval")
    add("")
    for line in w.approval_lines():
        add(md_inline(line))
        add("")
    return "\n".join(out).rstrip("\n") + "\n"
