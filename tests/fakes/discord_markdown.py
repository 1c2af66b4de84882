"""What a Discord client shows as live in a message: markup, links, mentions, emoji, times.

A model of Discord's parser for tests. The markup follows Discord's support article
"Markdown Text 101 (Chat Formatting: Bold, Italic, Underline)": bold, italic, underline,
strikethrough, spoilers, inline code and code blocks, block quotes (`>` and `>>>`),
headings (`#`, `##`, `###`), subtext (`-#`), lists (`-`, `*`, `1.`) and masked links
`[text](url)`. The `<…>` forms follow the developer documentation's "Message Formatting"
reference: user, role and channel mentions, slash command mentions, custom and animated
emoji, timestamps and guild navigation. Bare `http(s)://` links are made clickable, and
`@everyone` and `@here` are shown as mentions. As in Discord, a backslash before an ASCII
punctuation character makes that character literal: it opens or closes nothing.
The patterns are a little broader than Discord's (a quote without its space, a list
marker `+`, any URL scheme), which only makes a test that expects nothing live stricter.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = frozenset(string.punctuation)
_ESCAPED = "\0"  # stands for an escaped character, which no pattern matches
_LINE_START = r"(?m)^[ \t]*"
_PATTERNS = {
    "code block": r"```[\s\S]+?```",
    "code": r"(`+)[^`][\s\S]*?\1",
    "heading": _LINE_START + r"#{1,3} \S",
    "subtext": _LINE_START + r"-# \S",
    "list": _LINE_START + r"(?:[-*+]|\d+\.) \S",
    "quote": _LINE_START + r">",
    "bold": r"\*\*[\s\S]+?\*\*",
    "underline": r"__[\s\S]+?__",
    "italic": r"\*[^*\s][\s\S]*?\*|_[^_\s][\s\S]*?_",
    "strikethrough": r"~~[\s\S]+?~~",
    "spoiler": r"\|\|[\s\S]+?\|\|",
    "masked link": r"\[[^\]\n]*\]\([^)\n]*\)",
    "link": r"[a-zA-Z][\w+.-]*://[^\s<]+",
    "mention": r"<@[!&]?\d+>|<#\d+>|</[\w -]+:\d+>|<id:\w+>|@everyone|@here",
    "emoji": r"<a?:\w+:\d+>",
    "timestamp": r"<t:-?\d+(?::[tTdDfFR])?>",
}
_COMPILED = {kind: re.compile(pattern) for kind, pattern in _PATTERNS.items()}


def unescape(content: str) -> tuple[str, str]:
    """(what the reader sees, the same with each escaped character replaced by a NUL)."""
    shown: list[str] = []
    masked: list[str] = []
    i = 0
    while i < len(content):
        escaped = content[i] == "\\" and content[i + 1 : i + 2] in _PUNCTUATION
        if escaped:
            i += 1
        shown.append(content[i])
        masked.append(_ESCAPED if escaped else content[i])
        i += 1
    return "".join(shown), "".join(masked)


def live_constructs(content: str) -> list[tuple[str, str]]:
    """Every construct Discord would render in `content`, as (kind, the text it covers)."""
    shown, masked = unescape(content)
    return [
        (kind, shown[match.start() : match.end()])
        for kind, pattern in _COMPILED.items()
        for match in pattern.finditer(masked)
    ]
