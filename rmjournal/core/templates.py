"""Session templates: a list of agenda topics with time boxes and opening prompts.

The built-in ones (first meeting, regular, mid-point check-in, six-month review, closing) are
words for people, kept as data in `templates.json` like the prompts. A pair's own templates, and
those a scheme hands out in a pack, live in the journal (`custom_templates`). Applying a template
to a planned session adds its topics through the public Journal API, once: applying it again
adds nothing that is already on the agenda.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from rmjournal.core.errors import JournalError, NotFound

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.model import AgendaItem

BUILTIN_PACK = "built-in"
MAX_TOPICS = 50
MAX_MINUTES = 600


class TemplateTopic(NamedTuple):
    """One agenda topic of a template: its words, its time box, an optional opening prompt."""

    topic: str
    minutes: int | None = None
    prompt: str | None = None


class SessionTemplate(NamedTuple):
    """A named list of topics to start a session's agenda from."""

    id: str
    name: str
    description: str
    topics: tuple[TemplateTopic, ...]
    pack: str = BUILTIN_PACK
    builtin: bool = False

    @property
    def minutes(self) -> int:
        """The time boxes added up."""
        return sum(t.minutes or 0 for t in self.topics)

    def to_json(self) -> dict[str, Any]:
        """The template as a pack holds it (`packs.py`)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "topics": [
                {
                    "topic": t.topic,
                    **({"minutes": t.minutes} if t.minutes is not None else {}),
                    **({"prompt": t.prompt} if t.prompt else {}),
                }
                for t in self.topics
            ],
        }


def template_from_json(obj: dict[str, Any], *, pack: str, builtin: bool = False) -> SessionTemplate:
    """A template from its JSON form (already validated: see `packs.validate_pack`)."""
    return SessionTemplate(
        id=str(obj["id"]),
        name=str(obj["name"]),
        description=str(obj.get("description") or ""),
        topics=tuple(
            TemplateTopic(str(t["topic"]), t.get("minutes"), t.get("prompt") or None)
            for t in obj["topics"]
        ),
        pack=pack,
        builtin=builtin,
    )


@cache
def builtin_templates() -> tuple[SessionTemplate, ...]:
    """Every built-in template, in the order of `templates.json`; read once per process."""
    from importlib import resources

    raw = json.loads(
        resources.files("rmjournal.core").joinpath("templates.json").read_text("utf-8")
    )
    return tuple(template_from_json(t, pack=BUILTIN_PACK, builtin=True) for t in raw["templates"])


def custom_templates(journal: Journal) -> list[SessionTemplate]:
    """The pair's own templates and those imported from packs, oldest first."""
    from rmjournal.core import template_store

    return [
        template_from_json(obj, pack=pack)
        for obj, pack in template_store.session_templates(journal)
    ]


def all_templates(journal: Journal | None = None) -> list[SessionTemplate]:
    """The built-in templates, then the journal's own (if a journal is given)."""
    found = list(builtin_templates())
    if journal is not None:
        found += custom_templates(journal)
    return found


def find_template(name: str, journal: Journal | None = None) -> SessionTemplate:
    """A template by id or name (case does not matter); `NotFound` names the choices."""
    wanted = name.strip().casefold()
    choices = all_templates(journal)
    for template in choices:
        if wanted in (template.id.casefold(), template.name.casefold()):
            return template
    names = ", ".join(t.id for t in choices)
    raise NotFound(f"There is no session template {name!r}. The templates are: {names}.")


def apply_template(
    journal: Journal, session_id: str, template: SessionTemplate
) -> list[AgendaItem]:
    """Add the template's topics to a planned session's agenda; return the items added.

    Topics already on the agenda (same words) are not added again, so a template applied twice,
    or after some of its topics were typed by hand, leaves one of each.
    """
    session = journal.session(session_id)
    if session.status != "planned":
        raise JournalError(
            f"Session {session.number} is {session.status}: "
            "a template applies to a planned session."
        )
    have = {item.topic.strip().casefold() for item in journal.agenda(session_id) if not item.hidden}
    added: list[AgendaItem] = []
    with journal.transaction():
        for t in template.topics:
            if t.topic.strip().casefold() in have:
                continue
            added.append(
                journal.add_agenda_item(session_id, t.topic, minutes=t.minutes, prompt=t.prompt)
            )
            have.add(t.topic.strip().casefold())
    return added
