"""Entries and prompts: the notes, reflections and learnings written in sessions, and the
reflection prompts (built-in and the pair's own) that invite them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from rmjournal.core.errors import JournalError
from rmjournal.core.fields import to_record
from rmjournal.core.journal.rows import UNSET, Row, check
from rmjournal.core.journal.sessions import Sessions
from rmjournal.core.model import (
    ENTRY_KINDS,
    PHASES,
    PROMPT_FOR,
    VISIBILITIES,
    Entry,
    EntryKind,
    Phase,
    Prompt,
    PromptFor,
    Role,
    Visibility,
)
from rmjournal.core.prompts import builtin_prompts, matches


class Entries(Sessions):
    """What each side writes in a session, and the prompts that invite it."""

    def _entry(self, r: Row) -> Entry:
        p, hidden = self._records.open("entries", r)
        return to_record(Entry, "entries", p, hidden=hidden)

    def entries(
        self,
        session_id: str | None = None,
        *,
        kind: EntryKind | None = None,
        author: Role | None = None,
    ) -> list[Entry]:
        """Notes, reflections and learnings (of one session, kind or author), oldest first."""
        where, params = ["1"], []
        for col, val in (("session_id", session_id), ("kind", kind), ("author", author)):
            if val is not None:
                where.append(f"{col} = ?")
                params.append(val)
        return [
            self._entry(r) for r in self._records.select("entries", " AND ".join(where), params)
        ]

    def learnings(self) -> list[Entry]:
        """Every learning, oldest first (the review shows them over time)."""
        return self.entries(kind="learning")

    def entry(self, entry_id: str) -> Entry:
        """One entry by id."""
        return self._entry(self._records.live("entries", entry_id, "entry"))

    def add_entry(
        self,
        session_id: str,
        text: str,
        *,
        kind: EntryKind = "note",
        prompt: str | None = None,
        visibility: Visibility = "pair",
        tags: Iterable[str] = (),
    ) -> Entry:
        """Write a note, reflection or learning in a session, maybe answering a prompt."""
        self.session(session_id)
        check(kind, ENTRY_KINDS, "An entry's kind")
        check(visibility, VISIBILITIES, "Visibility")
        row = {
            **self._records.base(),
            "session_id": session_id,
            "kind": kind,
            "prompt": prompt,
            "text": text,
            "visibility": visibility,
            "tags": json.dumps(list(tags), ensure_ascii=False),
        }
        self._records.put("entries", row)
        return self.entry(row["id"])

    def reflect(
        self,
        session_id: str,
        prompt: Prompt | str,
        text: str,
        *,
        visibility: Visibility = "private",
    ) -> Entry:
        """Answer a reflection prompt (a private reflection unless said otherwise)."""
        wording = prompt.text if isinstance(prompt, Prompt) else prompt
        return self.add_entry(
            session_id, text, kind="reflection", prompt=wording, visibility=visibility
        )

    def edit_entry(
        self,
        entry_id: str,
        *,
        text: str | None = None,
        kind: EntryKind | None = None,
        prompt: str | None = UNSET,
        tags: Iterable[str] | None = None,
    ) -> Entry:
        """Rewrite an entry, change its kind, prompt or tags."""
        fields: Row = {}
        if text is not None:
            fields["text"] = text
        if kind is not None:
            check(kind, ENTRY_KINDS, "An entry's kind")
            fields["kind"] = kind
        if prompt is not UNSET:
            fields["prompt"] = prompt
        if tags is not None:
            fields["tags"] = json.dumps(list(tags), ensure_ascii=False)
        self._records.update("entries", entry_id, "entry", **fields)
        return self.entry(entry_id)

    def prompts(self, phase: Phase | None = None, for_: PromptFor | None = None) -> list[Prompt]:
        """Built-in and custom reflection prompts for a phase and a person (both included)."""
        found = [p for p in builtin_prompts() if matches(p, phase=phase, for_=for_)]
        return found + [p for p in self.custom_prompts() if matches(p, phase=phase, for_=for_)]

    def custom_prompts(self) -> list[Prompt]:
        """The pair's own prompts (exported with the journal; built-in ones are not)."""
        return [to_record(Prompt, "prompts", r) for r in self._records.select("prompts")]

    def add_prompt(
        self, text: str, *, phase: Phase, for_: PromptFor = "both", pack: str = "custom"
    ) -> Prompt:
        """Add a reflection prompt of the pair's own."""
        check(phase, PHASES, "A prompt's phase")
        check(for_, PROMPT_FOR, "A prompt's audience")
        if not text.strip():
            raise JournalError("A prompt needs some words.")
        row = {**self._records.base(), "phase": phase, "for_": for_, "text": text, "pack": pack}
        self._records.put("prompts", row)
        return Prompt(row["id"], phase, for_, text, pack)
