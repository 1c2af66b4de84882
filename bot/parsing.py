"""Turning a raw line of member text into a command and its arguments."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_INPUT_CHARS = 4_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# In a Python string a surrogate code point is always alone: pairs are decoded.
_SURROGATE = re.compile("[\ud800-\udfff]")
_COMMAND = re.compile(r"/\s*([^\s@/]*)(?:@(\S+))?(?:\s+(.*))?", re.DOTALL)


def clean(text: str) -> str:
    """Normalise a member's text: NFC, no control or bidi characters, no lone surrogate
    (JSON may carry "\\ud83d" alone, which UTF-8 and so SQLite cannot store), trimmed."""
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower case without accents, for matching what members type."""
    folded = text.casefold()
    if folded.isascii():  # nothing to decompose: most command lines, every button's
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class ParsedLine:
    command: str | None
    args: str
    addressed_to_other_bot: bool = False


def parse_line(text: str, bot_username: str | None = None) -> ParsedLine:
    """Split `/Cmd@bot  args` into a folded command name and its arguments.

    A line that does not start with `/` has no command. `@bot` naming another
    bot marks the line as not for us (Telegram groups with several bots).
    """
    if not text.startswith("/"):
        return ParsedLine(None, text)
    match = _COMMAND.fullmatch(text)
    if match is None:
        return ParsedLine("", text[1:].strip())
    name, target, args = match.group(1), match.group(2), (match.group(3) or "").strip()
    other = bool(target and bot_username and fold(target) != fold(bot_username.lstrip("@")))
    return ParsedLine(fold(name), args, other)


# Ids members type (an announcement's number) are SQLite integers: 18 digits always fit.
MAX_ID_DIGITS = 18


def parse_id(text: str) -> int | None:
    """A positive id typed in ASCII digits, or None (superscripts, other scripts, overflow)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS):
        return None
    return int(text) or None
