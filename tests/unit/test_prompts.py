"""Built-in reflection prompts: data, not code; enough of them; every phase and audience covered."""

from __future__ import annotations

import json
from importlib import resources

from rmjournal.core.model import PHASES, PROMPT_FOR
from rmjournal.core.prompts import BUILTIN_PACK, builtin_prompts, matches


def test_prompts_are_data_and_cover_every_phase_and_audience() -> None:
    raw = json.loads(resources.files("rmjournal.core").joinpath("prompts.json").read_text("utf-8"))
    prompts = builtin_prompts()
    assert len(prompts) == len(raw["prompts"]) >= 40
    assert len({p.id for p in prompts}) == len(prompts)
    assert len({p.text for p in prompts}) == len(prompts)
    for phase in PHASES:
        for who in PROMPT_FOR:
            assert any(p.phase == phase and p.for_ == who for p in prompts), (phase, who)
    assert all(p.builtin and p.pack == BUILTIN_PACK and p.text.strip() for p in prompts)


def test_matching_includes_both() -> None:
    prompts = builtin_prompts()
    mentor_after = [p for p in prompts if matches(p, phase="after", for_="mentor")]
    assert {p.for_ for p in mentor_after} == {"mentor", "both"}
    assert all(p.phase == "after" for p in mentor_after)
    assert len([p for p in prompts if matches(p)]) == len(prompts)
