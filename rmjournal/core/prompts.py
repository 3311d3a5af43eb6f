"""The built-in reflection prompts, kept as data in `prompts.json` next to this module.

Prompts are words for people, not code: keeping them as data lets them be reviewed and extended
without touching logic. Built-in prompts are never exported; custom ones live in the journal.
"""

from __future__ import annotations

import json
from functools import cache

from rmjournal.core.model import PHASES, PROMPT_FOR, Prompt

BUILTIN_PACK = "built-in"


@cache
def builtin_prompts() -> tuple[Prompt, ...]:
    """Every built-in prompt, in the order of `prompts.json`; read once per process."""
    from importlib import resources  # here: most commands never read the prompts

    raw = json.loads(resources.files("rmjournal.core").joinpath("prompts.json").read_text("utf-8"))
    prompts: list[Prompt] = []
    for item in raw["prompts"]:
        phase, for_ = item["phase"], item["for"]
        if phase not in PHASES or for_ not in PROMPT_FOR:
            raise ValueError(f"prompts.json: bad phase or audience in prompt {item['id']}")
        prompts.append(
            Prompt(
                id=str(item["id"]),
                phase=phase,
                for_=for_,
                text=str(item["text"]),
                pack=BUILTIN_PACK,
                builtin=True,
            )
        )
    return tuple(prompts)


def matches(prompt: Prompt, *, phase: str | None = None, for_: str | None = None) -> bool:
    """Whether `prompt` is for `phase` (any if None) and for the person `for_` (both included)."""
    if phase is not None and prompt.phase != phase:
        return False
    return for_ is None or prompt.for_ in (for_, "both") or for_ == "both"
