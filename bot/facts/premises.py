"""Whether a fact may be given as the answer to what a question takes for granted.

A question carries premises: who did it, and how much. « Apple a financé Trump ? »
is closest to the fact about Greg Brockman's donations, and « openai a filé 50
millions à maga » to the same fact; given as answers, both facts would seem to
confirm a false claim. So before a fact answers:

- every person, organisation, product or place the question names must be one the
  fact names (or, for a product, its maker: ChatGPT is OpenAI's). Names come from the
  fact file's [[entity]] section, in both languages; a name it does not list but that
  the member wrote with a capital inside the sentence ("Is it true Biden endorsed…",
  "Leonardo DiCaprio") counts too, unless the fact base uses the word or it is a
  day or month;
- every figure the question states must be one of the fact's figures. Lone digits
  ("top 1", "numéro 3") are not claims.

The reply then says what the sources do not say, and shows the fact only as what they
do say, never as a confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale

from bot.facts.entities import EntityFinder
from bot.facts.figures import Number, numbers
from bot.facts.model import Fact
from bot.facts.words import STOP_WORDS, stem, words

_TOKEN = re.compile(r"[^\W_][\w\-]*")  # an apostrophe splits: "d'OpenAI", "Trump's"
_SENTENCE_END = re.compile(r"[.!?…]\s*$")


@dataclass(frozen=True, slots=True)
class Premises:
    """What a question takes for granted: names (entity ids, or None for an unlisted name,
    with the words as written) and figures."""

    names: tuple[tuple[str | None, str], ...]
    readings: tuple[tuple[Number, ...], ...]  # the figures read as French, and as English


@dataclass(frozen=True, slots=True)
class Doubts:
    """What the sources do not say of a question's premises, for one fact."""

    unsourced: tuple[str, ...]  # names as written that no fact covers, or not this fact
    wrong_figures: tuple[str, ...]  # figures as written that are not the fact's

    def __bool__(self) -> bool:
        return bool(self.unsourced or self.wrong_figures)


class PremiseGuard:
    """Reads a question's premises and checks them against a fact."""

    def __init__(self, finder: EntityFinder, vocabulary: frozenset[str]) -> None:
        self._finder = finder
        # Words that say something of the facts: a capitalised one is not a stranger's name.
        self._vocabulary = vocabulary | _calendar_words()

    def premises(self, question: str) -> Premises:
        listed = tuple((m.entity.id, m.written) for m in self._finder.named(question))
        written = {fold for _, text in listed for fold in words(text)}
        unlisted = tuple((None, name) for name in self._unlisted(question, written))
        readings = tuple(_claimed_figures(question, language) for language in ("fr", "en"))
        return Premises(listed + unlisted, readings)

    def doubts(self, premises: Premises, fact: Fact) -> Doubts:
        answers = self._finder.answers_for(fact)
        unsourced = tuple(text for ident, text in premises.names if ident not in answers)
        stated = {
            n.value
            for figure in fact.figures
            for lang in ("fr", "en")
            for n in numbers(figure, lang)
        }
        # "1,300" is 1.3 in French and 1300 in English: the reading that agrees best is meant.
        wrong = min(
            (
                [n.written for n in reading if n.value not in stated]
                for reading in premises.readings
            ),
            key=len,
        )
        return Doubts(tuple(dict.fromkeys(unsourced)), tuple(dict.fromkeys(wrong)))

    def strangers(self, premises: Premises) -> tuple[str, ...]:
        """The names no fact covers at all."""
        return tuple(
            text
            for ident, text in premises.names
            if ident is None or ident not in self._finder.covered
        )

    def _unlisted(self, question: str, listed: set[str]) -> list[str]:
        """Runs of capitalised words inside a sentence that the fact base does not know."""
        if question.isupper():
            return []
        names: list[str] = []
        run: list[str] = []
        for match in _TOKEN.finditer(question):
            token = match.group()
            starts_sentence = not question[: match.start()].strip() or bool(
                _SENTENCE_END.search(question[: match.start()])
            )
            if token[0].isupper() and not starts_sentence and self._stranger(token, listed):
                run.append(token)
                continue
            if run:
                names.append(" ".join(run))
                run = []
        if run:
            names.append(" ".join(run))
        return names

    def _stranger(self, token: str, listed: set[str]) -> bool:
        folded = words(token)
        return bool(folded) and not any(
            w in STOP_WORDS or w in listed or w in self._vocabulary or stem(w) in self._vocabulary
            for w in folded
        )


def _claimed_figures(question: str, language: str) -> tuple[Number, ...]:
    """The figures a question states; a lone digit ("top 1") is not a claim."""
    return tuple(
        number
        for number in numbers(question, language)
        if number.percent or number.value >= 10 or number.value != int(number.value)
    )


@cache
def _calendar_words() -> frozenset[str]:
    """Day and month names, which English capitalises: "Saturday" is nobody."""
    found: set[str] = set()
    for language in ("fr", "en"):
        locale = Locale.parse(language)
        for names in (locale.days["format"]["wide"], locale.months["format"]["wide"]):
            found.update(w for name in names.values() for w in words(name))
    return frozenset(found)
