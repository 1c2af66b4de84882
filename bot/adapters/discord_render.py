"""Neutral replies rendered for Discord: escaped markdown in 2,000-character chunks, buttons."""

from __future__ import annotations

import io
import logging
import re
from itertools import groupby
from typing import Any

import discord
from discord.utils import escape_markdown

from bot.adapters.discord_layout import arranged
from bot.markup import Line, parse, split_rendered
from bot.seam import Button, Reply

log = logging.getLogger(__name__)
MESSAGE_LIMIT = 2000
CUSTOM_ID_CHARS = 100
LABEL_CHARS = 80
OPTION_CHARS = 100
MENU_PREFIX = "menu:"  # a select's custom id: its chosen value is the command line

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
    """Buttons, and select menus for long lists, whose custom id or chosen value is the
    command line they send back, in a finished view.

    Every press arrives as an interaction the adapter routes through the dispatcher, so
    buttons outlive restarts and no view is waited on. discord.py keeps each unfinished
    view it sends (`ConnectionState.store_view`, forever when `timeout=None`); one that is
    already stopped only lends its components to the message, so nothing accumulates.
    """
    if not reply.buttons:
        return None
    layout = discord.ui.View(timeout=None)
    for index, row in enumerate(arranged(reply.buttons)):
        sendable = [b for b in row.buttons if b.url or 0 < len(b.action) <= CUSTOM_ID_CHARS]
        if len(sendable) < len(row.buttons):
            log.warning("discord button action too long", extra={"buttons": len(row.buttons)})
        if row.menu:
            layout.add_item(menu(sendable, index))
            continue
        for button in sendable:
            layout.add_item(
                discord.ui.Button(
                    label=button.label[:LABEL_CHARS],
                    url=button.url or None,
                    custom_id=None if button.url else button.action,
                    row=index,
                )
            )
    layout.stop()
    return layout


def menu(choices: list[Button], row: int) -> discord.ui.Select[discord.ui.View]:
    """A string select whose chosen value is the command line to run (its custom id only
    tells the menus of one message apart)."""
    options = [
        discord.SelectOption(label=choice.label[:OPTION_CHARS], value=choice.action)
        for choice in choices
    ]
    return discord.ui.Select(custom_id=f"{MENU_PREFIX}{row}", options=options, row=row)


def image_file(reply: Reply) -> discord.File | None:
    if reply.image is None:
        return None
    return discord.File(
        io.BytesIO(reply.image.png), filename="quitgpt.png", description=reply.image.alt[:1024]
    )
