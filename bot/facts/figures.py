"""The numbers a text writes, read alike whatever their French or English formatting.

A fact's statements and titles may only write the numbers its `figures` list, and
`figures` are copied from the article; this module reads both sides. A number is:

- a run of digits, with its thousands groups ("17 000", and "17,000" in English) and
  decimals ("12,5" in French, "12.5" in English): "17 000", "17,000" and "17000" are one
  number, and so are "12,5" and "12.5";
- with the scale word that follows it: "36 millions" and "36 million" are 36,000,000, so
  "36 milliards" is another number ("billion" is a thousand times more in French);
- with a percent sign or words: "295 %", "295%" and "295 percent" are one number, and
  not the same as "295";
- years, days and small numbers included ("2018", "3 mars", "26 ans"), and ordinals
  ("1er", "3rd"): a wrong year is as wrong as a wrong amount.

Not numbers: digits that belong to a name, glued to a letter or to a letter and a dash
("GPT-4", "GPT-4o", "MP3"), and numbers spelled out in words ("trois", "un milliard",
"three"), since « un » and "one" are also articles and pronouns; write those as the
article writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_GAP = "[ \u00a0\u202f]"  # a space, a no-break space or a narrow no-break space
_NOT_IN_A_NAME = r"(?<![^\W\d_])(?<![^\W\d_]-)(?<![\d.,])"
_SPACED = rf"\d{{1,3}}(?:{_GAP}\d{{3}}(?!\d))+"
_INTEGER = {"fr": rf"{_SPACED}|\d+", "en": rf"\d{{1,3}}(?:,\d{{3}}(?!\d))+|{_SPACED}|\d+"}
_DECIMAL = {"fr": ",", "en": r"\."}
_TAIL = (
    r"(?P<letters>[^\W\d_]*)"
    rf"(?:(?P<percent>{_GAP}?%|\s+(?:pour cent|percent|per cent)\b)"
    r"|\s+(?P<scale>millions?|milliards?|billions?|trillions?|thousands?|mille)\b)?"
)
_NUMBER = {
    language: re.compile(
        rf"{_NOT_IN_A_NAME}(?P<integer>{_INTEGER[language]})"
        rf"(?:{_DECIMAL[language]}(?P<decimal>\d+))?{_TAIL}",
        re.IGNORECASE,
    )
    for language in ("fr", "en")
}
_ORDINAL = frozenset({"er", "re", "e", "ème", "eme", "st", "nd", "rd", "th"})
_SCALES = {
    "fr": {"mille": 3, "million": 6, "milliard": 9, "billion": 12, "trillion": 18},
    "en": {"thousand": 3, "million": 6, "billion": 9, "trillion": 12},
}


@dataclass(frozen=True, slots=True)
class Number:
    """A number as written (`written`) and what it means (`value`, `percent`)."""

    written: str
    value: Decimal
    percent: bool

    @property
    def key(self) -> tuple[Decimal, bool]:
        return self.value, self.percent


def numbers(text: str, language: str) -> list[Number]:
    """The numbers `text` writes, read with the conventions of `language` ("fr" or "en";
    any other language reads as French)."""
    return [number for _, _, number in numbers_at(text, language)]


def numbers_at(text: str, language: str) -> list[tuple[int, int, Number]]:
    """The numbers `text` writes, each with where: `text[start:end]` writes it."""
    language = language if language in _NUMBER else "fr"
    found = []
    for match in _NUMBER[language].finditer(text):
        if match["letters"] and match["letters"].lower() not in _ORDINAL:
            continue  # digits glued to letters: a name ("4o", "MP3"), not a number
        digits = re.sub(r"\D", "", match["integer"])
        value = Decimal(f"{digits}.{match['decimal'] or 0}")
        if match["scale"]:
            value *= 10 ** _SCALES[language].get(match["scale"].lower().rstrip("s"), 0)
        written = match[0].strip()
        start = match.start() + len(match[0]) - len(match[0].lstrip())
        number = Number(written, value, match["percent"] is not None)
        found.append((start, start + len(written), number))
    return found
