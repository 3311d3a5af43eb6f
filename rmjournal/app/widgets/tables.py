"""Table columns that fit the terminal: fixed widths, and one column that takes the rest.

A DataTable sizes columns to their content or a fixed width; titles and topics need the space
left over, so screens describe their columns once and re-fit them when the terminal resizes.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import DataTable

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
