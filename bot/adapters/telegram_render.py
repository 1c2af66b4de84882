"""Neutral replies rendered for Telegram: HTML with everything escaped, keyboards, chunks."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import groupby

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.markup import Line, Span, parse, split_rendered
from bot.seam import Button, Reply

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_BYTES = 64
WORD_JOINER = "\u2060"
PHONE_DIGITS = 7  # the shortest run of digits Telegram may take for a phone number
_TAG = re.compile(r"<[^>]*>")  # the tags line_html writes; text inside is escaped


def _inert(text: str) -> str:
    """Text Telegram shows as it is, with no mention, hashtag, cashtag, command, link,
    e-mail or phone number in it.

    Telegram finds those entities in any text a bot sends (the Bot API's MessageEntity).
    An invisible WORD JOINER breaks every one of them: after `@ # $ +`, after a `/` that
    could start a command, before a dot followed by a letter or digit, and inside long
    runs of digits.
    """
    out: list[str] = []
    digits = 0
    for i, ch in enumerate(text):
        digits = digits + 1 if ch.isdecimal() else 0
        if digits == PHONE_DIGITS:
            out.append(WORD_JOINER)
            digits = 1
        elif ch == "." and text[i + 1 : i + 2].isalnum():
            out.append(WORD_JOINER)
        opens = ch in "@#$+" or (ch == "/" and not _glued(out[-1] if out else ""))
        out.append(ch)
        if opens:
            out.append(WORD_JOINER)
    return "".join(out)


def _glued(before: str) -> bool:
    """Whether a `/` after this character cannot start a command (`and/or`, `://`, `</b>`)."""
    return before.isalnum() or before in ("_", "/", "<", ">")


def _styled(text: str, bold: bool, italic: bool, url: str) -> str:
    if url:
        text = f'<a href="{html.escape(url, quote=True)}">{text}</a>'
    if italic:
        text = f"<i>{text}</i>"
    if bold:
        text = f"<b>{text}</b>"
    return text


def _span_html(span: Span) -> str:
    return html.escape(_inert(span.text) if span.literal else span.text, quote=False)


def line_html(line: Line) -> str:
    text = "".join(
        _styled("".join(map(_span_html, spans)), *style)
        for style, spans in groupby(line.spans, key=lambda span: span.style)
    )
    return f"• {text}" if line.item else text


def shown_length(rendered: str) -> int:
    """How long Telegram counts a message: the text its HTML shows, in UTF-16 code units
    (Bot API, sendMessage: "1-4096 characters after entities parsing"; MessageEntity:
    offsets and lengths in UTF-16 code units). An emoji outside the BMP counts twice."""
    shown = html.unescape(_TAG.sub("", rendered))
    return len(shown.encode("utf-16-le")) // 2


def html_chunks(markup: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply as Telegram HTML, split at paragraph boundaries under `limit`."""
    return split_rendered(parse(markup), line_html, limit, shown_length)


def _button(button: Button) -> InlineKeyboardButton | None:
    if button.url:
        return InlineKeyboardButton(button.label, url=button.url)
    if 0 < len(button.action.encode()) <= CALLBACK_DATA_BYTES:
        return InlineKeyboardButton(button.label, callback_data=button.action)
    return None


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    rows = [[b for b in map(_button, row) if b is not None] for row in reply.buttons]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


@dataclass(frozen=True, slots=True)
class Rendered:
    """What to send for one reply: an optional photo with its caption, then texts."""

    photo_caption: str | None
    texts: list[str]
    markup: InlineKeyboardMarkup | None


def render(reply: Reply) -> Rendered:
    markup = keyboard(reply)
    if reply.image is None:
        return Rendered(None, html_chunks(reply.text), markup)
    caption_chunks = html_chunks(reply.text, CAPTION_LIMIT)
    if len(caption_chunks) <= 1:
        return Rendered(caption_chunks[0] if caption_chunks else "", [], markup)
    return Rendered("", html_chunks(reply.text), markup)
