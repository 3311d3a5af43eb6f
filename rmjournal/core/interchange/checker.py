"""The document walker behind validation: each value checked by kind, each problem with its path.

`Checker` knows JSON kinds, dates, timestamps, numbers and the field table's kinds; which fields
a record must have and how records relate (ids, authors, visibility) is `validate.py`'s. Kept
apart so the rules of the format read on their own, without the mechanics of checking a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from rmjournal.core.errors import Problem
from rmjournal.core.fields import Field, document_fields
from rmjournal.core.interchange.common import (
    DATE,
    MAX_NUMBER,
    TIMESTAMP,
    is_unicode,
)

Check = tuple[str, Callable[[Any, str], bool], bool]
"""A field's key, its check, and whether it is optional."""


class Checker:
    """Walks a document collecting every problem with its JSON path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._plans: dict[tuple[str, tuple[str, ...]], list[Check]] = {}

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, "expected an object")
            return None
        return value

    def field(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        check: Callable[[Any, str], bool],
        *,
        optional: bool = False,
    ) -> Any:
        """The value at `key` if present and valid (None otherwise; a problem if required)."""
        where = f"{path}.{key}" if path else key
        if key not in obj or (optional and obj[key] is None):
            if not optional:
                self.add(where, "missing")
            return None
        value = obj[key]
        return value if check(value, where) else None

    def text(self, value: Any, path: str) -> bool:
        if isinstance(value, str) and is_unicode(value):
            return True
        if isinstance(value, str):
            self.add(path, "expected text, not an escape that stands for no character")
        else:
            self.add(path, "expected text")
        return False

    def nonempty(self, value: Any, path: str) -> bool:
        if not self.text(value, path):
            return False
        if not value.strip():
            self.add(path, "expected some text, not an empty string")
            return False
        return True

    def integer(self, minimum: int) -> Callable[[Any, str], bool]:
        def check(value: Any, path: str) -> bool:
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(path, "expected a whole number")
                return False
            if not minimum <= value <= MAX_NUMBER:
                self.add(path, f"expected a whole number from {minimum} to {MAX_NUMBER}")
                return False
            return True

        return check

    def obj_of_text(self, keys: Sequence[str]) -> Callable[[Any, str], bool]:
        """An object whose keys are some of `keys`, each holding text."""

        def check(value: Any, path: str) -> bool:
            if not isinstance(value, dict):
                self.add(path, "expected an object")
                return False
            good = True
            for key, text in value.items():
                if key not in keys:
                    self.add(f"{path}.{key}", f"unknown key; expected one of {', '.join(keys)}")
                    good = False
                elif not self.text(text, f"{path}.{key}"):
                    good = False
            return good

        return check

    def enum(self, allowed: Sequence[str]) -> Callable[[Any, str], bool]:
        def check(value: Any, path: str) -> bool:
            if value not in allowed or not isinstance(value, str):
                self.add(path, f"expected one of {', '.join(allowed)}")
                return False
            return True

        return check

    def uuid(self, value: Any, path: str) -> bool:
        if isinstance(value, str):
            import uuid  # only when validating an import: keeps it off `export`'s start-up

            try:
                uuid.UUID(value)
                return True
            except ValueError:
                pass
        self.add(path, "expected an id (a UUID like 4bc7344e-257b-5325-aee9-49831131e6b9)")
        return False

    def date(self, value: Any, path: str) -> bool:
        if isinstance(value, str) and DATE.match(value):
            try:
                date.fromisoformat(value)
                return True
            except ValueError:
                pass
        self.add(path, "expected a date like 2026-03-05")
        return False

    def stamp(self, value: Any, path: str) -> bool:
        if isinstance(value, str) and TIMESTAMP.match(value):
            try:
                datetime.fromisoformat(value)
                return True
            except ValueError:
                pass
        self.add(path, "expected a timestamp with its offset, like 2026-03-05T18:00:00+00:00")
        return False

    def tags(self, value: Any, path: str) -> bool:
        if not isinstance(value, list):
            self.add(path, "expected a list of text")
            return False
        ok = True
        for i, tag in enumerate(value):
            if not self.text(tag, f"{path}[{i}]"):
                ok = False
        return ok

    def check_of(self, f: Field) -> Callable[[Any, str], bool]:
        """The check a value of field `f` must pass."""
        if f.kind == "enum":
            return self.enum(f.allowed)
        if f.kind == "int":
            return self.integer(f.minimum)
        checks: dict[str, Callable[[Any, str], bool]] = {
            "id": self.uuid,
            "text": self.text,
            "nonempty": self.nonempty,
            "date": self.date,
            "stamp": self.stamp,
            "tags": self.tags,
        }
        return checks[f.kind]

    def fields(self, obj: dict[str, Any], path: str, table: str, done: tuple[str, ...]) -> None:
        """Check every field of `table` the document holds, but the id and those in `done`."""
        plan = self._plans.get((table, done))
        if plan is None:  # made once per table: a document holds thousands of objects
            plan = self._plans[(table, done)] = [
                (f.doc_key, self.check_of(f), f.optional)
                for f in document_fields(table)
                if f.name != "id" and f.name not in done
            ]
        for key, check, optional in plan:
            self.field(obj, key, path, check, optional=optional)

    def items(self, obj: dict[str, Any], key: str, path: str) -> list[tuple[str, dict[str, Any]]]:
        """The objects of the list at `key`, each with its path."""
        where = f"{path}.{key}" if path else key
        if key not in obj:
            self.add(where, "missing")
            return []
        value = obj[key]
        if not isinstance(value, list):
            self.add(where, "expected a list")
            return []
        out = []
        for i, item in enumerate(value):
            checked = self.obj(item, f"{where}[{i}]")
            if checked is not None:
                out.append((f"{where}[{i}]", checked))
        return out
