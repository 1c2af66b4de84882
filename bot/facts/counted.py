"""What a question's figures count, against what the fact's figures count: « 36 millions de
likes » is wrong where the fact has « 36 millions de vues et 1,3 million de likes », though
both figures are the fact's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from bot.facts.figures import Number, numbers_at
from bot.facts.model import Fact
from bot.facts.words import STOP_WORDS, stem, word_spans

# How far after a figure the word that says what it counts may stand (« 36 millions de
# vues », "51% on Saturday"), within its clause.
_COUNTED_REACH = 30
_CLAUSE_END = re.compile(r"[.,;:!?…()]")


@dataclass(frozen=True, slots=True)
class Counted:
    """A figure and the word that follows it, saying what it counts or when (stemmed):
    « 1,3 million de likes » is not « 36 millions de likes »."""

    key: tuple[Decimal, bool]
    counts: str
    written: str  # from the figure to that word, as written


def is_claim(number: Number) -> bool:
    """A lone digit ("top 1", "numéro 3") is not a claim; a percentage or more is."""
    return number.percent or number.value >= 10 or number.value != int(number.value)


def _counted_in(text: str, languages: tuple[str, ...]) -> list[Counted]:
    """Each figure of `text` that is a claim, with the first word after it in its clause
    that is not a stop word."""
    found = []
    for language in languages:
        for start, end, number in numbers_at(text, language):
            if not is_claim(number):
                continue
            clause = _CLAUSE_END.split(text[end : end + _COUNTED_REACH], maxsplit=1)[0]
            for word, _, word_end in word_spans(clause):
                if word not in STOP_WORDS and not word.isdigit():
                    written = text[start : end + word_end]
                    found.append(Counted(number.key, stem(word), written))
                    break
    return found


def counted_figures(question: str) -> list[Counted]:
    return list(dict.fromkeys(_counted_in(question, ("fr", "en"))))


@cache
def _counts_of(fact: Fact) -> frozenset[tuple[tuple[Decimal, bool], str]]:
    """What each of a fact's figures counts, in both languages and its `figures` field."""
    counted = [
        *_counted_in(fact.statement.fr, ("fr",)),
        *_counted_in(fact.statement.en, ("en",)),
        *(c for figure in fact.figures for c in _counted_in(figure, ("fr", "en"))),
    ]
    return frozenset((c.key, c.counts) for c in counted)


def miscounted(counted: tuple[Counted, ...], fact: Fact) -> list[str]:
    """The question's figures that the fact gives, but for something else, while another
    of its figures counts what the question says: « 36 millions de likes » where the fact
    has « 36 millions de vues et 1,3 million de likes »."""
    pairs = _counts_of(fact)
    return [
        c.written
        for c in counted
        if (c.key, c.counts) not in pairs
        and any(counts == c.counts and key != c.key for key, counts in pairs)
        and any(key == c.key for key, _ in pairs)
    ]
