"""Table columns that fit the terminal: fixed widths, and one column that takes the rest.

A DataTable sizes columns to their content or a fixed width; titles and topics need the space
left over, so screens describe their columns once and re-fit them when the terminal resizes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

Column = tuple[str, int | None]
"""(label, width); a width of None marks the column that takes the remaining space."""

CHROME = 5
"""Border, scrollbar and a little slack around a table's columns."""


def fit_columns(table: DataTable[object], columns: Sequence[Column], width: int) -> bool:
    """(Re)define `table`'s columns for a table `width` cells wide; True if they changed.

    Changing columns clears the rows, so the caller refills the table when this returns True.
    """
    fixed = sum(w for _, w in columns if w is not None)
    rest = max(12, width - fixed - 2 * len(columns) - CHROME)
    wanted = [(label, w if w is not None else rest) for label, w in columns]
    current = [(str(c.label), c.width) for c in table.columns.values()]
    if current == wanted:
        return False
    table.clear(columns=True)
    for label, w in wanted:
        table.add_column(label, width=w, key=label)
    return True


def flex_width(columns: Sequence[Column], width: int) -> int:
    """How wide the flexible column is for a table `width` cells wide."""
    fixed = sum(w for _, w in columns if w is not None)
    return max(12, width - fixed - 2 * len(columns) - CHROME)


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
