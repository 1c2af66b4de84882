"""Where a reply's buttons go on a Discord message: rows of buttons while they fit, select
menus for long lists.

Discord shows at most 5 action rows, each of up to 5 buttons or a single select menu of
up to 25 choices ("Components > Reference").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from itertools import groupby

from bot.seam import Button

log = logging.getLogger(__name__)
ROWS = 5
BUTTONS_PER_ROW = 5
CHOICES_PER_MENU = 25

Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Row:
    """One action row: its buttons, or the choices of one select menu."""

    buttons: tuple[Button, ...]
    menu: bool = False


def arranged(rows: Rows) -> list[Row]:
    """The rows as Discord can show them. Rows of several buttons (yes, no) stay rows, wrapped
    past five; runs of lone buttons (a list of topics) share rows, and when even so there are
    too many rows, each run becomes select menus. What still does not fit is logged."""
    for layout in (
        [Row(row) for row in _wrapped(rows)],
        _runs(rows, BUTTONS_PER_ROW, menu=False),
        _runs(rows, CHOICES_PER_MENU, menu=True),
    ):
        if len(layout) <= ROWS:
            return layout
    left_out = sum(len(row.buttons) for row in layout[ROWS:])
    log.warning("discord buttons left out", extra={"buttons": left_out})
    return layout[:ROWS]


def _lone(row: tuple[Button, ...]) -> bool:
    """A button alone on its row that sends a command: it can share a row, or be a choice."""
    return len(row) == 1 and bool(row[0].action)


def _wrapped(rows: Rows) -> list[tuple[Button, ...]]:
    return [
        row[i : i + BUTTONS_PER_ROW] for row in rows for i in range(0, len(row), BUTTONS_PER_ROW)
    ]


def _runs(rows: Rows, per_row: int, *, menu: bool) -> list[Row]:
    """Each run of lone buttons gathered `per_row` to a row (or a menu); other rows kept."""
    out: list[Row] = []
    for lone, run in groupby(rows, key=_lone):
        if lone:
            buttons = [row[0] for row in run]
            out += [
                Row(tuple(buttons[i : i + per_row]), menu) for i in range(0, len(buttons), per_row)
            ]
        else:
            out += [Row(row) for row in _wrapped(tuple(run))]
    return out
