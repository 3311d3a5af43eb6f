"""Table columns that fit the terminal: fixed widths, and one column that takes the rest.

A DataTable sizes columns to their content or a fixed width; titles and topics need the space
left over, so screens describe their columns once and re-fit them when the terminal resizes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

Column = tuple[str, int | None] | tuple[str, int | None, int]
"""(label, width) or (label, width, drop): a width of None marks the column that takes the
remaining space. A `drop` of 1 or more marks a column that gives way on a narrow terminal: while
the flexible column would be narrower than `MIN_FLEX`, such columns are left out, 1 first, then
2, ... The screen shows what they hold elsewhere (the highlighted row's panel)."""

CHROME = 5
"""Border, scrollbar and a little slack around a table's columns."""

MIN_FLEX = 24
"""The flexible column (a title, a topic) is at least this wide while a column can give way."""


def _rest(columns: Sequence[Column], width: int) -> int:
    fixed = sum(c[1] or 0 for c in columns)
    return width - fixed - 2 * len(columns) - CHROME


def shown_columns(columns: Sequence[Column], width: int) -> list[Column]:
    """The columns shown in a table `width` cells wide: every one, less those that give way
    (lowest `drop` first) while the flexible column would be narrower than `MIN_FLEX`."""
    shown = list(columns)
    order = sorted({c[2] for c in columns if len(c) > 2 and c[2] > 0})
    for level in order:
        if _rest(shown, width) >= MIN_FLEX:
            break
        shown = [c for c in shown if not (len(c) > 2 and c[2] == level)]
    return shown


def cell_picker(
    columns: Sequence[Column], width: int
) -> Callable[[Sequence[object]], list[object]]:
    """Picks, from one row's cells (one per column of `columns`), those of the columns
    `shown_columns` keeps in a table `width` cells wide (worked out once, for every row)."""
    shown = shown_columns(columns, width)
    kept = [c in shown for c in columns]

    def pick(cells: Sequence[object]) -> list[object]:
        return [cell for keep, cell in zip(kept, cells, strict=True) if keep]

    return pick


def fit_columns(table: DataTable[object], columns: Sequence[Column], width: int) -> bool:
    """(Re)define `table`'s columns for a table `width` cells wide; True if they changed.

    Changing columns clears the rows, so the caller refills the table when this returns True
    (with `cell_picker`, when some columns can give way).
    """
    shown = shown_columns(columns, width)
    rest = max(12, _rest(shown, width))
    wanted = [(c[0], c[1] if c[1] is not None else rest) for c in shown]
    current = [(str(c.label), c.width) for c in table.columns.values()]
    if current == wanted:
        return False
    table.clear(columns=True)
    for label, w in wanted:
        table.add_column(label, width=w, key=label)
    return True


def flex_width(columns: Sequence[Column], width: int) -> int:
    """How wide the flexible column is for a table `width` cells wide."""
    return max(12, _rest(shown_columns(columns, width), width))


def update_row(table: DataTable[object], row_key: str, cells: dict[str, object]) -> None:
    """Put new values in one row's cells (by column key) and redraw that row only.

    `DataTable.update_cell` counts every update as a change of the whole table: its render
    caches are keyed by that count, so changing one row drew every visible row again (the
    tracker's mark-done key waited for that). Here the row's own cached renders are dropped
    and only its region is refreshed; the others keep theirs. Column widths stay as they are
    (the screens fix them with `fit_columns`). This reaches into DataTable's caches, which is
    why Textual is pinned to one version.
    """
    key = RowKey(row_key)
    inner: Any = table  # DataTable's private caches (pinned Textual version)
    data = inner._data[key]  # noqa: SLF001
    for column, value in cells.items():
        data[ColumnKey(column)] = value
    index = table.get_row_index(key)

    def drop(cache: Any, stale: Callable[[Any], bool]) -> None:
        for cached in [k for k in cache.keys() if stale(k)]:  # noqa: SIM118 (an LRUCache)
            cache.discard(cached)

    # Keyed by (row key, column key, ...), (row key, line, ...), (update count, row index):
    drop(inner._cell_render_cache, lambda k: k[0] == key)  # noqa: SLF001
    drop(inner._row_render_cache, lambda k: k[0] == key)  # noqa: SLF001
    drop(inner._row_renderable_cache, lambda k: k[1] == index)  # noqa: SLF001

    def shows_row(y: int) -> bool:
        try:
            return bool(inner._get_offsets(y)[0] == key)  # noqa: SLF001
        except (LookupError, IndexError):
            return False

    drop(inner._line_cache, lambda k: shows_row(k[0]))  # noqa: SLF001 (keyed by line, y)
    table.refresh_row(index)
