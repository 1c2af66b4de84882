"""Whether a fact may be given as the answer to what a question takes for granted.

A question carries premises: who did it, and how much. « Apple a financé Trump ? »
is closest to the fact about Greg Brockman's donations, and « openai a filé 50
millions à maga » to the same fact; given as answers, both facts would seem to
confirm a false claim. So before a fact answers:

- no fact may be about a person, organisation, product or place the question names
  (Apple): the fact file's [[entity]] section lists names in both languages, and a
  name it does not list but that the member wrote with a capital inside the sentence
  ("Is it true Biden endorsed…", "Leonardo DiCaprio") counts too, unless the fact
  base uses the word or it is a day or month;
- every person, organisation or product the question names must be one the fact
  answers for (its makers and products included: ChatGPT is OpenAI's), except the
  campaign's setting (OpenAI and its products, named by a third of the facts) and
  places (« aux États-Unis » says where, not who);
- every figure the question states, in digits or in words with a unit (« dix fois »,
  "two million"), must be one of the fact's figures; lone digits ("top 1", "numéro 3") are
  not claims; a figure said to be approximate is right when close, and one said to be
  exceeded (« a dépassé les 30 millions ») when a figure of the fact lies above it. A day
  or month the question names must be one the fact names, when the fact names one
  ("January" is not « 3 mars »; the year of the fact's article is when it was said, not a
  claim), and so must a role, a rate or a time of the fact file's [[contrast]] groups
  (« l'économiste » is not « la sociologue »).

The reply then says what the sources do not say, and shows the fact only as what they
do say, never as a confirmation.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from bot.facts.contrasts import Contrasts
from bot.facts.counted import Counted, counted_figures, is_claim, miscounted
from bot.facts.entities import EntityFinder
from bot.facts.figures import Number, numbers, numbers_at
from bot.facts.model import Fact
from bot.facts.spelled import spelled_numbers
from bot.facts.strangers import StrangerNames
from bot.facts.words import calendar_words, word_spans, words
from bot.parsing import fold

# An entity that this share of the facts answers for is the setting of the base.
SETTING_SHARE = 1 / 3
# A figure said to be about (« presque un milliard », "about 300%") is right this close.
APPROXIMATE = Decimal("0.15")
_ABOUT = re.compile(
    r"\b(presque|pres de|environ|a peu pres|quasi|quasiment|autour de|pas loin de|"
    r"about|almost|nearly|around|roughly|approximately|close to)\s+$"
)
# A figure said to be a lower bound (« a dépassé les 30 millions ») is right when a figure of
# the fact lies above it, and no further than this factor: « plus de 5 millions de likes »
# is not borne out by « 36 millions de vues ». An upper bound (« moins de 20 000 ») is not
# read so, since a fact's own figure is often a lower bound (« plus de 17 000 »).
BOUND_REACH = 2
_AT_LEAST = re.compile(
    r"\b(plus de|depasse|depassé|dépassé|depassant|au moins|au dela de|franchi|"
    r"more than|over|at least|above|exceeded|passed|topped)\s+(les\s+|the\s+)?$"
    r"|\bplus d['\u2019]$"  # « plus d'un million »
)
# The numbers a question or a fact may give as a year.
YEARS = (1990, 2099)
# A question that asks for a day or a date (« quel jour », "on which day", "what date").
_ASKS_DAY = re.compile(r"\b(quel jour|quelle date|which day|what day|what date|which date)\b")
# A question that asks how many or how much (« cb de gens », "what percentage").
_ASKS_AMOUNT = re.compile(
    r"\b(combien|cb|cmb|how many|how much|quel pourcentage|what percentage|quel montant|"
    r"quelle somme|what amount)\b"
)
# A question that asks who (« c'est qui », « avec qui », "who"); « qui » alone is most often
# a relative pronoun (« le gars qui dirige Twitter »), so only where it asks.
# SMS spelling writes « ki ». (« il s'appelle comment » may ask a robot's name.)
_ASKS_WHO = re.compile(
    r"\bwho(m)?\b|\b(c'?est|c|avec|par|a|de)\s+(qui|ki)\b|\b(qui|ki)\s+(est|sont)\b"
    r"|\b(qui|ki)\s*(\?|$)"
)
# A question that asks whether someone it names did or said it (« c'est Altman qui a dit
# ça ? », "was it Musk who…"): that name is the claim to check, not a clue to the fact.
_ATTRIBUTES = re.compile(
    r"\b(c'?est|c|is it|was it|it was|it's|its)\s+(?!(qui|ki|quoi|koi|who|what)\b)"
    r"(?P<named>[^?.!]{1,40}?)\s+(qui|ki|who|that)\b"
)


@dataclass(frozen=True, slots=True)
class Premises:
    """What a question takes for granted: names (entity ids, or None for an unlisted name,
    with the words as written) and figures."""

    names: tuple[tuple[str | None, str], ...]
    figures: tuple[Number, ...]
    about: frozenset[str]  # the figures said to be approximate, as written
    at_least: frozenset[str]  # the figures said to be lower bounds, as written
    dates: tuple[str, ...]  # day and month names, as written
    text: str  # the question, for the details of bot/facts/contrasts.py
    counted: tuple[Counted, ...] = ()  # each figure with what it counts


@dataclass(frozen=True, slots=True)
class Doubts:
    """What the sources do not say of a question's premises, for one fact."""

    unsourced: tuple[str, ...]  # names as written that no fact covers, or not this fact
    wrong_figures: tuple[str, ...]  # figures as written that are not the fact's


class PremiseGuard:
    """Reads a question's premises and checks them against a fact."""

    def __init__(self, finder: EntityFinder, vocabulary: frozenset[str]) -> None:
        self._finder = finder
        facts = finder.base.facts
        self._contrasts = Contrasts(finder.base.contrasts, finder.base.unheld, facts)
        counts = Counter(ident for fact in facts for ident in finder.answers_for(fact))
        # What the campaign is about (OpenAI, ChatGPT) is the setting of most facts, not a
        # premise: "alternatives to ChatGPT" is answered by a fact about Gemini and Claude.
        self._setting = frozenset(i for i, n in counts.items() if n >= len(facts) * SETTING_SHARE)
        self._names = StrangerNames(finder.base, vocabulary)

    def premises(self, question: str) -> Premises:
        listed = tuple((m.entity.id, m.written) for m in self._finder.named(question))
        written = {fold for _, text in listed for fold in words(text)}
        unlisted = tuple((None, name) for name in self._names.unlisted(question, written))
        dates = tuple(
            question[start:end]
            for word, start, end in word_spans(question)
            if word in calendar_words()
        )
        figures = _claimed_figures(question)
        folded = fold(question)
        before = {
            n.written: folded[:at] for n in figures if (at := folded.find(fold(n.written))) > 0
        }
        about = frozenset(written for written, text in before.items() if _ABOUT.search(text))
        at_least = frozenset(written for written, text in before.items() if _AT_LEAST.search(text))
        counted = tuple(counted_figures(question))
        return Premises(listed + unlisted, figures, about, at_least, dates, question, counted)

    def doubts(self, premises: Premises, fact: Fact) -> Doubts:
        answers = self._finder.answers_for(fact) | self._setting
        unsourced = tuple(
            text
            for ident, text in premises.names
            if ident not in answers and not self._is_place(ident)
        )
        return Doubts(tuple(dict.fromkeys(unsourced)), self._wrong_figures(premises, fact))

    def _wrong_figures(self, premises: Premises, fact: Fact) -> tuple[str, ...]:
        """The figures, days and months a question states that the fact does not. A day or
        month is compared only with a fact that gives one ("January" for « 3 mars »)."""
        stated = {n.value for figure in fact.figures for n in _read(figure)}
        # The year the article was written is when the fact was said (« Musk en 2023 »).
        if year := self._finder.base.article(fact.article).date[:4]:
            stated.add(Decimal(year))
        wrong = [
            n.written
            for n in premises.figures
            if n.value not in stated
            and not (n.written in premises.about and _near_any(n.value, stated))
            and not (n.written in premises.at_least and _exceeded(n.value, stated))
        ]
        wrong += miscounted(premises.counted, fact)
        said = _dates_of(fact)
        if said:
            wrong += [date for date in premises.dates if fold(date) not in said]
        wrong += self._contrasts.contradicted(premises.text, fact)
        return tuple(dict.fromkeys(wrong))

    def contradicts_a_detail(self, premises: Premises, fact: Fact, best: Fact) -> bool:
        """Whether the fact replaces a detail the question states by another (a fall where
        it says a rise) that `best` does not say as the question does: the claim is most
        likely about that fact. (« quelle alternative est déconseillée » is about the fact
        that says « déconseillée », not about the one that says « recommandée ».)"""
        groups = self._contrasts.contradicted_groups(premises.text, fact)
        return bool(groups - self._contrasts.agreed(premises.text, best))

    def attributes(self, premises: Premises) -> bool:
        """Whether the question asks if someone it names did or said what it describes."""
        named = [fold(text) for _, text in premises.names]
        return any(
            any(name in fold(match["named"]) for name in named)
            for match in _ATTRIBUTES.finditer(fold(premises.text))
        )

    def about_a_day(self, premises: Premises) -> bool:
        """Whether the question names a day or month, or asks for one."""
        return bool(premises.dates) or bool(_ASKS_DAY.search(fold(premises.text)))

    def about_an_amount(self, premises: Premises) -> bool:
        """Whether the question asks how many or how much."""
        return bool(_ASKS_AMOUNT.search(fold(premises.text)))

    def about_someone(self, premises: Premises) -> bool:
        """Whether the question asks who."""
        return bool(_ASKS_WHO.search(fold(premises.text)))

    def names_someone_else(self, premises: Premises, fact: Fact) -> bool:
        """Whether the fact names a person the question does not."""
        asked = {ident for ident, _ in premises.names}
        return any(
            entity.kind == "person"
            for ident in self._finder.of_fact(fact) - asked
            if (entity := self._finder.base.entity(ident)) is not None
        )

    def counts(self, fact: Fact) -> bool:
        """Whether the fact gives an amount (a figure that is not a year)."""
        return any(not _is_year(n) for figure in fact.figures for n in _read(figure))

    def dated(self, fact: Fact) -> bool:
        """Whether the fact gives a day or month, which a question naming one asks about."""
        return bool(_dates_of(fact))

    def about_a_year(self, premises: Premises) -> bool:
        """Whether the question's only figures are years (« musk est parti en 2020 »): it asks
        when. With another figure (« 200 millions en 2015 »), the year only places it."""
        return bool(premises.figures) and all(_is_year(n) for n in premises.figures)

    def gives_a_year(self, fact: Fact) -> bool:
        """Whether the fact's figures give a year, which a question stating one is about."""
        return any(_is_year(n) for figure in fact.figures for n in _read(figure))

    def unheld(self, premises: Premises, fact: Fact) -> bool:
        """Whether the question asks what the fact does not hold (a salary, an age)."""
        return self._contrasts.unheld(premises.text, fact)

    def _is_place(self, ident: str | None) -> bool:
        """A covered place is where things happened, not who did them ("aux États-Unis")."""
        entity = self._finder.base.entity(ident) if ident else None
        return entity is not None and entity.kind == "place"

    def strangers(self, premises: Premises) -> tuple[str, ...]:
        """The names no fact covers at all."""
        return tuple(
            text
            for ident, text in premises.names
            if ident is None or ident not in self._finder.covered
        )


def _claimed_figures(question: str) -> tuple[Number, ...]:
    """The figures a question states, read as French or as English, whichever reads more of
    it ("2 milliards" is French, "12.5 million" English; "1,300" is either, and the French
    reading is kept), and in words with a unit (« dix fois »); a lone digit ("top 1") is not
    a claim."""
    fr, en = (numbers_at(question, language) for language in ("fr", "en"))
    reading = en if _length(en) > _length(fr) else fr
    digits = [number for _, _, number in reading if is_claim(number)]
    return (*digits, *spelled_numbers(question))


def _length(reading: list[tuple[int, int, Number]]) -> int:
    return sum(end - start for start, end, _ in reading)


@cache
def _dates_of(fact: Fact) -> frozenset[str]:
    """The day and month names a fact gives (folded)."""
    return frozenset(
        word
        for text in (*fact.figures, fact.statement.fr, fact.statement.en)
        for word in words(text)
        if word in calendar_words()
    )


def _is_year(number: Number) -> bool:
    return (
        not number.percent
        and number.value == int(number.value)
        and YEARS[0] <= number.value <= YEARS[1]
    )


def _near_any(value: Decimal, stated: set[Decimal]) -> bool:
    return any(abs(value - s) <= APPROXIMATE * s for s in stated if s)


def _exceeded(value: Decimal, stated: set[Decimal]) -> bool:
    """Whether a figure of the fact lies above a lower bound, within BOUND_REACH of it."""
    return any(value <= s <= value * BOUND_REACH for s in stated)


def _read(figure: str) -> list[Number]:
    """What a fact's figure says, in digits either way or in words (« un milliard »)."""
    return [*numbers(figure, "fr"), *numbers(figure, "en"), *spelled_numbers(figure)]
