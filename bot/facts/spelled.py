"""Numbers written in words that a question states as a figure: « dix fois », "ten times".

The fact file writes figures in digits and its number rule ignores words (« un » and
"one" are also articles); a question, though, may claim « deux millions » or "ten times
higher". A number word counts only when a unit makes it a quantity: a scale (« millions »,
"billion"), « fois » / "times", or a percent; or « multiplié par » / "multiplied by". So does
a lone digit before « fois » / "times" (« 5 fois plus »), which the figures of a question
otherwise leave out as no claim ("top 1").
"""

from __future__ import annotations

import re
from decimal import Decimal

from bot.facts.figures import Number
from bot.parsing import fold

_UNITS = {
    "un": 1, "une": 1, "one": 1, "a": 1,
    "deux": 2, "two": 2, "trois": 3, "three": 3, "quatre": 4, "four": 4,
    "cinq": 5, "five": 5, "six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8,
    "neuf": 9, "nine": 9, "dix": 10, "ten": 10, "onze": 11, "eleven": 11,
    "douze": 12, "twelve": 12, "quinze": 15, "fifteen": 15, "vingt": 20, "twenty": 20,
    "trente": 30, "thirty": 30, "quarante": 40, "forty": 40, "cinquante": 50, "fifty": 50,
    "cent": 100, "hundred": 100, "mille": 1000, "thousand": 1000,
}  # fmt: skip
_SCALES = {
    "million": 6, "millions": 6, "milliard": 9, "milliards": 9, "billion": 9, "billions": 9,
}  # fmt: skip
_NUMBER = "|".join(sorted(_UNITS, key=len, reverse=True))
_CLAIM = re.compile(
    rf"\b(?P<word>{_NUMBER})\s+(?P<unit>fois|times|pour cent|percent|%|{'|'.join(_SCALES)})\b"
)


# « multipliées par dix », "multiplied by ten": a number of times without « fois ».
_TIMES = re.compile(rf"\bmultipli\w*\s+(?:par|by)\s+(?P<word>{_NUMBER})\b")


# « 5 fois plus », "3x more": a digit that the unit makes a claim.
_DIGIT_TIMES = re.compile(r"(?<![\d.,])\b(?P<digit>[1-9])\s*(?:fois|times|x)\b")


def spelled_numbers(text: str) -> list[Number]:
    """The quantities `text` writes in words, with what they mean."""
    found = []
    folded = fold(text)
    # As the member wrote it (« multipliées »), where folding kept every character in place.
    original = text if len(folded) == len(text) else folded
    for match in _TIMES.finditer(folded):
        written = original[match.start() : match.end()]
        found.append(Number(written, Decimal(_UNITS[match["word"]]), False))
    for match in _DIGIT_TIMES.finditer(folded):
        written = original[match.start() : match.end()]
        found.append(Number(written, Decimal(match["digit"]), False))
    for match in _CLAIM.finditer(folded):
        value = Decimal(_UNITS[match["word"]])
        unit = match["unit"]
        if unit in _SCALES:
            value *= 10 ** _SCALES[unit]
        percent = unit in ("pour cent", "percent", "%")
        found.append(Number(original[match.start() : match.end()], value, percent))
    return found
