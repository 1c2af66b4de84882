"""Neutral replies rendered for Discord: escaped markdown in 2,000-character chunks, buttons."""

from __future__ import annotations

import io
import re
from itertools import groupby
from typing import Any

import discord
from discord.utils import escape_markdown

from bot.markup import Line, parse, split_rendered
from bot.seam import Button, Reply

MESSAGE_LIMIT = 2000
CUSTOM_ID_CHARS = 100
BUTTONS_PER_ROW = 5
ROWS = 5

# What opens a construct anywhere in a line: styles, spoilers, code, masked links, quotes,
# headings and subtext, <…> mentions, emoji and timestamps, @everyone, the `://` of a link.
_ANYWHERE = re.compile(r"([\\*_~`|\[\]()<>#@:])")
# What opens a list, only at the start of a line: `- `, `+ `, `1. `.
_AT_START = re.compile(r"^(\s*\d*)([-+.])")


def _literal(text: str, line_start: bool) -> str:
    """Text from outside, every construct escaped: Discord takes `\\` before any punctuation."""
    text = _ANYWHERE.sub(r"\\\1", text)
    return _AT_START.sub(r"\1\\\2", text, count=1) if line_start else text


def _styled(text: str, bold: bool, italic: bool, url: str) -> str:
    if url:
        text = f"[{text}](<{url}>)"
    if italic:
        text = f"_{text}_"
    if bold:
        text = f"**{text}**"
    return text


def line_markdown(line: Line) -> str:
    out = "- " if line.item else ""
    for style, spans in groupby(line.spans, key=lambda span: span.style):
        text = ""
        for span in spans:
            if span.literal:  # lists open where only spaces or our item marker precede
                text += _literal(span.text, line_start=not (out + text).strip(" -"))
            else:
                text += escape_markdown(span.text)
        out += _styled(text, *style)
    return out


def markdown_chunks(markup: str) -> list[str]:
    return split_rendered(parse(markup), line_markdown, MESSAGE_LIMIT)


def message_parts(reply: Reply) -> list[tuple[str, dict[str, Any]]]:
    """The messages a reply takes: each chunk of text with what goes with it, the image
    on the first and the buttons on the last (as `view=` and `file=`)."""
    chunks = markdown_chunks(reply.text) or [""]
    parts: list[tuple[str, dict[str, Any]]] = [(chunk, {}) for chunk in chunks]
    if (file := image_file(reply)) is not None:
        parts[0][1]["file"] = file
    if (buttons := view(reply)) is not None:
        parts[-1][1]["view"] = buttons
    return parts


def view(reply: Reply) -> discord.ui.View | None:
    """Buttons whose custom id is the command line they send back, in a finished view.

    Every press arrives as an interaction the adapter routes through the dispatcher, so
    buttons outlive restarts and no view is waited on. discord.py keeps each unfinished
    view it sends (`ConnectionState.store_view`, forever when `timeout=None`); one that is
    already stopped only lends its components to the message, so nothing accumulates.
    """
    if not reply.buttons:
        return None
    layout = discord.ui.View(timeout=None)
    for row_index, row in enumerate(packed(reply.buttons)):
        for button in row:
            item: discord.ui.Button[discord.ui.View]
            if button.url:
                item = discord.ui.Button(label=button.label[:80], url=button.url, row=row_index)
            elif 0 < len(button.action) <= CUSTOM_ID_CHARS:
                item = discord.ui.Button(
                    label=button.label[:80], custom_id=button.action, row=row_index
                )
            else:
                continue
            layout.add_item(item)
    layout.stop()
    return layout


def packed(rows: tuple[tuple[Button, ...], ...]) -> list[tuple[Button, ...]]:
    """The rows as Discord can show them, at most ROWS of BUTTONS_PER_ROW: when there are too
    many rows, lone buttons in a run (a list of topics) share rows; a row of several (yes,
    no) stays whole. What still does not fit is left out."""
    if len(rows) <= ROWS:
        return [row[:BUTTONS_PER_ROW] for row in rows]
    out: list[tuple[list[Button], bool]] = []  # (buttons, made of lone buttons)
    for row in rows:
        lone = len(row) == 1
        if lone and out and out[-1][1] and len(out[-1][0]) < BUTTONS_PER_ROW:
            out[-1][0].append(row[0])
        else:
            out.append((list(row[:BUTTONS_PER_ROW]), lone))
    return [tuple(buttons) for buttons, _ in out[:ROWS]]


def image_file(reply: Reply) -> discord.File | None:
    if reply.image is None:
        return None
    return discord.File(
        io.BytesIO(reply.image.png), filename="quitgpt.png", description=reply.image.alt[:1024]
    )
