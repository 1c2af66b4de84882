"""What the fake Bot API checks and parses in the bot's requests: HTML text and its entities
(with those Telegram finds by itself), reply markup, command lists, and the size of a photo."""

from __future__ import annotations

import io
import re
import time
from typing import Any

from .telegram_entities import found_entities
from .telegram_state import JSON, ApiError, bad_request, scope_key, utf16_len

_HTML_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_ATTR_RE = re.compile(r"""([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_TAG_TYPES = {  # HTML tag -> entity type
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "a": "text_link", "code": "code", "pre": "pre", "tg-spoiler": "spoiler", "span": "spoiler",
    "blockquote": "blockquote",
}  # fmt: skip


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Parse Bot API HTML into (plain text, entities) or raise "can't parse entities".

    Stricter than Telegram on one point: a bare ``&`` starting no entity is rejected.
    """

    def fail(reason: str) -> ApiError:
        return bad_request(f"can't parse entities: {reason}")

    def at(index: int) -> str:
        return f"at byte offset {len(source[:index].encode())}"

    out: list[str] = []
    i = length = 0
    stack: list[tuple[str, int, JSON | None]] = []  # tag, utf16 start, entity (None: none)
    entities: list[JSON] = []
    while i < len(source):
        if source[i] == "&":
            match = _HTML_ENTITY_RE.match(source, i)
            if match is None:
                raise fail(f"Character '&' {at(i)} must be escaped as &amp;")
            out.append(_decode(match))
            i, length = match.end(), length + utf16_len(out[-1])
            continue
        if source[i] != "<":
            out.append(source[i])
            i, length = i + 1, length + utf16_len(source[i])
            continue
        end = source.find(">", i)
        if end < 0:
            raise fail(f"Unclosed start tag {at(i)}")
        body = source[i + 1 : end].strip()
        if body.startswith("/"):
            if not stack:
                raise fail(f"Unexpected end tag {at(i)}")
            tag, start, entity = stack.pop()
            if body[1:].strip().lower() not in ("", tag):
                raise fail(f'Unmatched end tag {at(i)}, expected "</{tag}>", found "<{body}>"')
            if entity is not None and length > start:
                entities.append({**entity, "offset": start, "length": length - start})
        else:
            name, *rest = re.split(r"\s+", body, maxsplit=1)
            name = name.lower()
            if name not in _TAG_TYPES:
                raise fail(f'Unsupported start tag "{name}" {at(i)}')
            attrs = {
                m[1].lower(): _HTML_ENTITY_RE.sub(_decode, m[2] or m[3] or m[4] or "")
                for m in _ATTR_RE.finditer("".join(rest))
            }
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise fail(f'Tag "span" must have class "tg-spoiler" {at(i)}')
            stack.append((name, length, _tag_entity(name, attrs, stack)))
        i = end + 1
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _decode(match: re.Match[str]) -> str:
    if match[1] or match[2]:
        return chr(int(match[1]) if match[1] else int(match[2], 16))
    return {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[match[3]]


def _tag_entity(
    name: str, attrs: dict[str, str], stack: list[tuple[str, int, JSON | None]]
) -> JSON | None:
    """The entity a start tag opens; ``<pre><code class="language-x">`` sets pre's language."""
    if name == "a":
        return {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else None
    parent = stack[-1][2] if stack and stack[-1][0] == "pre" else None
    if name == "code" and parent is not None and attrs.get("class", "").startswith("language-"):
        parent["language"] = attrs["class"].removeprefix("language-")
        return None
    expandable = name == "blockquote" and "expandable" in attrs
    return {"type": "expandable_blockquote" if expandable else _TAG_TYPES[name]}


def format_text(raw: Any, p: JSON, entities_key: str, limit: int) -> tuple[str, list[JSON]]:
    """Apply parse_mode to a text or caption: (text as shown, entities); checks its length.

    The limit applies "after entities parsing" (Bot API, sendMessage: "1-4096 characters";
    sendPhoto: caption "0-1024 characters"), so tags cost nothing and ``&amp;`` is one
    character. It is counted here in UTF-16 code units, the unit of entity offsets
    (MessageEntity). That is stricter than the server for characters outside the BMP:
    TDLib, which the Bot API server runs on, compares ``utf8_length`` (Unicode characters)
    with ``message_text_length_max`` (td/telegram/MessageContent.cpp). A bot that fits the
    stricter count fits both.
    """
    text, entities = ("" if raw is None else str(raw)), list(p.get(entities_key) or [])
    mode = str(p.get("parse_mode") or "").lower()
    if mode == "html":
        text, entities = parse_html(text)
    elif mode not in ("", "markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    is_caption = entities_key == "caption_entities"
    if not is_caption and not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request("message caption is too long" if is_caption else "message is too long")
    entities += found_entities(text, entities)
    return text, sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def apply_edit(message: JSON, **changes: Any) -> None:
    """Apply an edit (empty values remove a field) or raise "message is not modified"."""
    if all(message.get(key) == (value or None) for key, value in changes.items()):
        raise bad_request(
            "message is not modified: specified new message content and reply "
            "markup are exactly the same as a current content and reply markup "
            "of the message"
        )
    for key, value in changes.items():
        message.pop(key, None)
        message.update({key: value} if value else {})
    message["edit_date"] = int(time.time())


def check_reply_markup(markup: Any) -> JSON | None:
    """Validate reply_markup; return it if the Message echoes it (inline keyboards only)."""
    if markup is None:
        return None
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if rows is None:
        return None
    for button in (button for row in rows for button in row):
        if not button.get("text"):
            raise bad_request("BUTTON_TEXT_EMPTY")
        if len(button) < 2:  # a text and one action (callback_data, url, ...)
            raise bad_request("text buttons are unallowed in the inline keyboard")
        if "callback_data" in button and not 1 <= len(str(button["callback_data"]).encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    return markup if rows else None


def check_commands(commands: Any) -> list[JSON]:
    """Validate setMyCommands' list of BotCommand; return it normalised."""
    for command in commands if isinstance(commands, list) else [{}]:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
    return [{"command": c["command"], "description": c.get("description", "")} for c in commands]


def commands_key(p: JSON) -> tuple[str, str]:
    return scope_key(p.get("scope")), str(p.get("language_code") or "")


def image_size(content: bytes) -> tuple[int, int]:
    """(width, height) of an image, or (0, 0) if Pillow is missing or can't read it."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            return image.size
    except Exception:
        return 0, 0
