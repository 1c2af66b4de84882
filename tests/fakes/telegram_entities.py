"""The entities Telegram finds by itself in the text of a message, as the fake Bot API does.

The Bot API documentation of MessageEntity (https://core.telegram.org/bots/api#messageentity)
lists the entities found in plain text, with an example of each: "mention" (@username),
"hashtag" (#hashtag), "cashtag" ($USD), "bot_command" (/start@jobs_bot), "url"
(https://telegram.org), "email" (do-not-reply@telegram.org) and "phone_number"
(+1-212-555-0123). It does not give the rules; the patterns below follow the examples and
err on the broad side (any top-level domain of two letters, any run of seven digits), which
only makes a test that expects no entity stricter. A `/` right after a letter, a digit, `_`,
`/`, `<` or `>` starts no command, so `and/or` and `</b>` stay text. Text inside code, a
pre block or a text link is left alone.
"""

from __future__ import annotations

import re

from .telegram_state import JSON, utf16_len

_PATTERNS = [  # the first to match a piece of text wins it
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("url", r"[a-zA-Z][\w+.-]*://[^\s<>\"]+"),
    ("url", r"(?<![\w@.-])(?:[\w-]+\.)+[^\W\d_]{2,}(?:[/:?#][^\s<>\"]*)?"),
    ("bot_command", r"(?<![\w/<>])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?"),
    ("mention", r"(?<!\w)@[a-zA-Z0-9_]{3,32}"),
    ("hashtag", r"(?<!\w)#\w+"),
    ("cashtag", r"(?<!\w)\$[A-Z]{1,8}(?![a-zA-Z])"),
    ("phone_number", r"(?<![\w+])\+\d[\d ().-]{5,}\d"),
    ("phone_number", r"(?<!\d)\d{7,}"),
]
_COMPILED = [(kind, re.compile(pattern)) for kind, pattern in _PATTERNS]
_OPAQUE = {"code", "pre", "text_link", "text_mention"}


def found_entities(text: str, entities: list[JSON]) -> list[JSON]:
    """The entities Telegram would add to `text`, which already carries `entities`."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in _OPAQUE]
    found: list[JSON] = []
    for kind, pattern in _COMPILED:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match[0])
            if any(start < stop and begin < end for begin, stop in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    return found
