"""The help screen: the product's keys, grouped by screen, one page at a time.

Generated from the bindings, never hand-copied, so a remapped key or a key added by a screen
shows up by itself. Only the product's own keys are listed (every one has a binding id, the
name to remap it by); Textual's internal keys (copy, cursor movement, focus) are not. A page
fits an 80×24 terminal; ←/→ or PgUp/PgDn turn the pages, and help opens on the page of the
screen it was called from.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import App

PAGE_ROWS = 16
"""Key lines per page: what fits an 80×24 terminal under the title, hint and table header."""

ORDER = (
    "Dashboard",
    "Sessions",
    "Agenda",
    "Record",
    "Actions",
    "Action",
    "Review",
    "Export",
    "Search",
)
"""Pages of the content screens in the order of their keys (d, s, a, r, e, /)."""

DIALOGS = "Dialogs and forms"


@dataclass(frozen=True)
class KeyRow:
    """One line of help: the key as displayed, what it does, and where it applies."""

    key: str
    description: str
    scope: str
    binding_id: str = ""
    """The id to remap this key with in config.toml's `[keys]` table ("" when it has none)."""


@dataclass(frozen=True)
class KeyPage:
    """One page of help: a title (the screen), its key lines, and the classes it documents."""

    title: str
    rows: tuple[KeyRow, ...]
    owners: tuple[type, ...] = ()


def _title(cls: type) -> str:
    explicit = getattr(cls, "HELP_TITLE", "") or getattr(cls, "PALETTE_LABEL", "")
    if explicit:
        return str(explicit)
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", re.sub(r"Screen$", "", cls.__name__)).split()
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else cls.__name__


@cache
def product_classes() -> tuple[type[DOMNode], ...]:
    """Every screen and widget class of the app that binds product keys (ones with an id).

    A class that other listed classes extend is left out: its keys are on their pages.
    """
    app_folder = str(Path(__file__).resolve().parent.parent)  # the rmjournal.app package
    found: list[type[DOMNode]] = []
    for info in pkgutil.walk_packages([app_folder], prefix="rmjournal.app."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DOMNode)
                and value.__module__ == info.name
                and not hasattr(value, "run_test")  # the App: its keys are "Everywhere"
                and any(_own_ids(value))
            ):
                found.append(value)
    return tuple(
        cls for cls in found if not any(o is not cls and issubclass(o, cls) for o in found)
    )


def _own_ids(cls: type[DOMNode]) -> list[str]:
    return [b.id for b in _bindings(cls) if b.id]


def _bindings(cls: type[DOMNode]) -> list[Binding]:
    return [b for group in cls._merge_bindings().key_to_bindings.values() for b in group]


def _rows(app: App[Any], bindings: list[Binding], scope: str) -> list[KeyRow]:
    from textual.binding import BindingsMap

    remapped = BindingsMap(bindings)
    keymap = getattr(getattr(app, "config", None), "keys", None)  # the app's set_keymap()
    if keymap:
        remapped.apply_keymap(keymap)  # show the user's remapped keys
    keys: dict[str, list[str]] = {}  # binding id → its keys as displayed
    described: dict[str, str] = {}
    for group in remapped.key_to_bindings.values():
        for binding in group:
            if not binding.id or not binding.description or binding.system:
                continue
            shown = keys.setdefault(binding.id, [])
            key = app.get_key_display(binding)
            if key not in shown:
                shown.append(key)
            described.setdefault(binding.id, binding.description)
    return [KeyRow(" ".join(k), described[i], scope, i) for i, k in keys.items()]


def _split(title: str, rows: list[KeyRow], owners: tuple[type, ...]) -> list[KeyPage]:
    chunks = [rows[i : i + PAGE_ROWS] for i in range(0, len(rows), PAGE_ROWS)] or [[]]
    return [
        KeyPage(title if n == 0 else f"{title} (continued)", tuple(chunk), owners)
        for n, chunk in enumerate(chunks)
    ]


def key_pages(app: App[Any]) -> list[KeyPage]:
    """The help pages: keys that work everywhere, then each screen's, then the dialogs'."""
    everywhere = _rows(app, _bindings(type(app)), "Everywhere")
    palette = Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "Command palette")
    everywhere.append(
        KeyRow(app.get_key_display(palette), "Command palette: find any command", "Everywhere")
    )
    pages = _split("Everywhere", everywhere, (type(app),))
    screens: dict[str, tuple[list[type], list[KeyRow]]] = {}
    for cls in product_classes():
        dialog = not issubclass(cls, Screen) or (
            issubclass(cls, ModalScreen) and cls.__module__.startswith("rmjournal.app.dialogs.")
        )  # widgets' keys (a choice in a form) go with the forms
        title = DIALOGS if dialog else _title(cls)
        owners, rows = screens.setdefault(title, ([], []))
        owners.append(cls)
        known = {(r.key, r.description) for r in rows}
        rows += [
            r for r in _rows(app, _bindings(cls), title) if (r.key, r.description) not in known
        ]

    def rank(title: str) -> tuple[int, str]:
        if title in ORDER:
            return ORDER.index(title), title
        return (len(ORDER) + (1 if title == DIALOGS else 0)), title

    for title in sorted(screens, key=rank):
        owners, rows = screens[title]
        pages += _split(title, rows, tuple(owners))
    return pages


class HelpScreen(ModalScreen[None]):
    """The key pages; ←/→ turn them, Escape or ? closes."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help-box {
        width: 100; max-width: 100%; height: 100%; padding: 0 1;
        border: round $primary; background: $surface;
    }
    HelpScreen #help-title { text-style: bold; color: $primary; }
    HelpScreen .help-hint { color: $text-muted; }
    HelpScreen #help-keys-box { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close help", id="help.close"),
        Binding("question_mark", "close", "Close help", show=False, id="help.close2"),
        Binding("right,pagedown,space", "page(1)", "Next page", id="help.next"),
        Binding("left,pageup", "page(-1)", "Previous page", id="help.previous"),
    ]

    def __init__(self, pages: list[KeyPage], start: type | None = None) -> None:
        super().__init__()
        self.pages = pages or [KeyPage("Keys", ())]
        self.page = next(
            (n for n, page in enumerate(self.pages) if start is not None and start in page.owners),
            0,
        )

    @property
    def rows(self) -> list[KeyRow]:
        """Every line of every page."""
        return [row for page in self.pages for row in page.rows]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("", id="help-title")
            yield Static(
                "Letter keys work when no text field has the cursor; Escape leaves a field.",
                classes="help-hint",
            )
            with VerticalScroll(id="help-keys-box"):
                yield Static("", id="help-keys")
            yield Static(
                "←/→ or PgUp/PgDn: other pages · Escape: close · ctrl+p: commands",
                classes="help-hint",
            )

    def on_mount(self) -> None:
        self.show_page()

    def show_page(self) -> None:
        """Draw the current page and say which of how many it is."""
        page = self.pages[self.page]
        table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("Key", no_wrap=True)
        table.add_column("Does")
        table.add_column("Remap as", no_wrap=True)
        for row in page.rows:
            table.add_row(Text(row.key, style="bold"), Text(row.description), Text(row.binding_id))
        self.query_one("#help-keys", Static).update(table)
        self.query_one("#help-title", Static).update(
            Text(f"Keys: {page.title} — page {self.page + 1} of {len(self.pages)}")
        )

    def action_page(self, by: int) -> None:
        """Turn to the next (1) or previous (-1) page, wrapping around."""
        self.page = (self.page + by) % len(self.pages)
        self.show_page()

    def action_close(self) -> None:
        self.dismiss(None)
