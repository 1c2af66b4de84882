"""Removing from a member's text what could identify someone, before it is kept.

Addresses, phone numbers, handles, links and long numbers become a placeholder;
the rest of the question stays as typed, so that moderators can still read it.
Quantities ("17 000", "12,5 millions", "295 %", "2015") are not identifiers and stay.
"""

from __future__ import annotations

import re

PLACEHOLDER = "[…]"

# The domains members name without a scheme ("t.me/x", "openai.com"). A list, in lower case,
# because any "word.Word" would also catch a sentence missing its space ("merci.De plus").
_TLDS = "ai am app be biz ca cc ch co com de dev ee es eu fm fr gg gl in info io it ly me net nl"
_TLDS += " online org ru site social to tv uk us xyz"
_LINK = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w.@-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    rf"(?-i:{'|'.join(_TLDS.split())})\b(?:/\S*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Telegram and Instagram usernames, Discord mentions (<@123>, <@!123>).
_HANDLE = re.compile(r"<@!?\d+>|(?<![\w@])@\w(?:[\w.]*\w)?")
_PHONES = (
    # +33 6 12 34 56 78, +33 (0)6…, 0033 6…, +44 20 7946 0958: eight digits or more
    r"(?:\+|\b00)\d(?:[\s.-]?\(?\d\)?){7,14}",
    # 06 12 34 56 78, 06.12.34.56.78, 06-12-34-56-78
    r"\b0[1-9](?:[\s.-]?\d\d){4}",
    # 020 7946 0958, (020) 7946 0958, 07700 900123
    r"\(?\b0[1-9]\d{1,3}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}",
    # (555) 123-4567, 555-123-4567, 1-800-555-0199
    r"(?:\b1[\s.-])?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}",
)
_PHONE = re.compile(rf"(?:{'|'.join(_PHONES)})(?!\d)")
# Ids, card and account numbers: six digits or more in a row, or in groups of four.
_DIGITS = re.compile(r"(?<!\d)(?:\d{6,}|\d{4}(?:[\s-]\d{4}){2,})(?!\d)")
# What follows a link in a sentence: "(voir example.com/a)." keeps its ")."
_TRAILING = re.compile("[.,;:!?'\"»”\N{RIGHT SINGLE QUOTATION MARK}]+$|\\)$")


def redact(text: str) -> str:
    """The text with every address, phone number, handle, link and long number replaced."""
    text = _EMAIL.sub(PLACEHOLDER, text)
    text = _LINK.sub(_link, text)
    for pattern in (_HANDLE, _PHONE, _DIGITS):
        text = pattern.sub(PLACEHOLDER, text)
    return text


def _link(match: re.Match[str]) -> str:
    """The placeholder, then the punctuation that only followed the link."""
    link, after = match[0], ""
    while (end := _TRAILING.search(link)) and not _opened_by(link, end[0]):
        link, after = link[: end.start()], end[0] + after
    return PLACEHOLDER + after


def _opened_by(link: str, end: str) -> bool:
    """A closing parenthesis is the link's own when the link opened it (Wikipedia's)."""
    return end == ")" and link.count("(") >= link.count(")")
