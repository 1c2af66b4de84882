"""Ranking the facts by the words a question shares with them (BM25F).

The lexical half of the search (bot/facts/hybrid.py joins it to the meaning of
the question), and alone what autocompletion uses while a member types. Held in
memory, built from the fact base when it is loaded: tens of facts rank well under
a millisecond in plain Python, with no SQL (SQLite stays the bot's own database,
behind storage/).

Each query term is matched exactly; a term the base does not hold as it is may
be the start of a word ("brock", "anthrop"), and, when that finds nothing
either, a word with one typo ("brokman"). Numbers are matched exactly: "2025"
is not a typo for "2015". `coverage` says how much of the question a fact holds:
a question about the weather shares at best a word or two with the base.

The first fact of each topic in the file is its headline. A question about the
topic as a whole ("brockman", "ICE") matches most of the topic's facts about
equally; the headline then answers it rather than whichever fact repeats the
name most often.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.facts.loader import load_factbase
from bot.facts.model import Fact, FactBase
from bot.facts.words import Synonyms, deletions, is_group, within_one_edit

# How much a word counts where it appears: keywords are chosen to be found.
FIELD_WEIGHTS = {"keywords": 3.0, "title": 2.0, "topic": 1.5, "statement": 1.0, "source": 0.5}
# Keyword lists are sets: "maga" and "maga inc" make "maga" a keyword once, not twice.
LISTS = frozenset({"keywords", "topic"})
K1, B = 1.2, 0.5
PREFIX_WEIGHT, TYPO_WEIGHT = 0.8, 0.7
# One typo in a short word leaves too little of it ("film" and "fil"), and members rarely
# get the first letter wrong ("elect" is not a typo for "select").
MIN_PREFIX, MIN_TYPO = 4, 5
# What autocompletion offers: facts holding this share of what was typed so far.
MIN_COVERAGE = 0.6
# The headline wins a tie when it scores at least this share of the best fact's score.
LEAD_SHARE = 0.9


@dataclass(frozen=True, slots=True)
class Match:
    fact: Fact
    score: float
    coverage: float  # the share of the question's weight (by idf) that this fact contains


class FactIndex:
    """The searchable form of one fact base; never changes once built."""

    def __init__(self, base: FactBase) -> None:
        self.base = base
        self._synonyms = Synonyms(base.synonyms)
        self._postings: dict[str, dict[int, float]] = {}
        # The facts holding a term in their own fields, not only through their topic.
        self._own: dict[str, set[int]] = {}
        self._lengths = [self._add(number, fact) for number, fact in enumerate(base.facts)]
        self._average = sum(self._lengths) / max(len(self._lengths), 1)
        self._leads: dict[str, int] = {}  # each topic's headline: its first fact in the file
        for number, fact in enumerate(base.facts):
            self._leads.setdefault(fact.topic, number)
        # What prefixes and typos are matched against: the indexed words, and the words and
        # stems of synonym groups (so "milit" finds the group that "militaire" belongs to).
        aliases = {a: t for a, t in self._synonyms.aliases().items() if t in self._postings}
        self._aliases = {**aliases, **{t: t for t in self._postings if not is_group(t)}}
        self._vocabulary = sorted(self._aliases)
        self._near: dict[str, set[str]] = defaultdict(set)
        for alias in self._vocabulary:
            if _typo_matchable(alias, MIN_TYPO - 1):
                for variant in deletions(alias):
                    self._near[variant].add(alias)

    def _add(self, number: int, fact: Fact) -> float:
        """Index one fact's fields; its length is the weight of all its terms."""
        length = 0.0
        for field, text in _fields(self.base, fact):
            weight = FIELD_WEIGHTS[field]
            found = self._synonyms.terms(text)
            for term in dict.fromkeys(found) if field in LISTS else found:
                postings = self._postings.setdefault(term, {})
                postings[number] = postings.get(number, 0.0) + weight
                length += weight
                if field != "topic":
                    self._own.setdefault(term, set()).add(number)
        return length

    def rank(self, question: str) -> list[Match]:
        """Every fact sharing a term with the question, best first."""
        written: dict[str, str] = {}
        for term, word in self._synonyms.terms_written(question):
            written.setdefault(term, word)
        query = list(written)
        total = 0.0
        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        own: dict[int, set[str]] = defaultdict(set)
        for term in query:
            expansions = self._expand(term) or self._typo(written[term])
            form = term in self._synonyms.question_forms
            # A question form ranks facts but does not make a question covered.
            weight = 0.0 if form else self._weight(expansions)
            total += weight
            values = self._form_scores(term) if form else self._term_scores(expansions)
            for doc, value in values.items():
                scores[doc] += value
                covered[doc] += weight
                if any(doc in self._own.get(c, ()) for c in expansions):
                    own[doc].add(term)
        order = sorted(scores, key=lambda doc: (-scores[doc], doc))
        order = self._lead_first(order, scores, own)
        return [Match(self.base.facts[d], scores[d], _share(covered[d], total)) for d in order]

    def _form_scores(self, term: str) -> dict[int, float]:
        """What a question form adds to each fact: the same for every fact that answers that
        kind of question, however often it says so, so that it picks among the facts about
        the question's subject rather than outweighing the subject."""
        return dict.fromkeys(self._postings.get(term, ()), self._idf(term))

    def _term_scores(self, expansions: dict[str, float]) -> dict[int, float]:
        """What one query term adds to each fact: its best match among its expansions."""
        best_per_doc: dict[int, float] = {}
        for candidate, factor in expansions.items():
            idf = self._idf(candidate)
            for doc, tf in self._postings[candidate].items():
                norm = K1 * (1 - B + B * self._lengths[doc] / self._average)
                value = factor * idf * tf * (K1 + 1) / (tf + norm)
                best_per_doc[doc] = max(best_per_doc.get(doc, 0.0), value)
        return best_per_doc

    def _lead_first(
        self, order: list[int], scores: dict[int, float], own: dict[int, set[str]]
    ) -> list[int]:
        """The order with the best fact's topic headline first when the two tie.

        They tie when nothing in the question singles out the best fact: the headline
        holds, in its own words rather than its topic's, every term the best fact holds,
        and scores nearly as well.
        """
        if not order:
            return order
        best = order[0]
        lead = self._leads[self.base.facts[best].topic]
        if lead == best or lead not in scores:
            return order
        if own[lead] >= own[best] and scores[lead] >= LEAD_SHARE * scores[best]:
            return [lead, *(doc for doc in order if doc != lead)]
        return order

    def _expand(self, term: str) -> dict[str, float]:
        """The indexed terms a query term stands for, with how much each counts."""
        found: dict[str, float] = {}
        if term in self._postings:
            found[term] = 1.0
        # A term found as it is, or a recognised group, is a whole word: "trump" is
        # not the start of "trumpienne".
        if found or is_group(term):
            return found
        if len(term) >= MIN_PREFIX and not term.isdigit():
            start = bisect.bisect_right(self._vocabulary, term)
            for alias in self._vocabulary[start:]:
                if not alias.startswith(term):
                    break
                found.setdefault(self._aliases[alias], PREFIX_WEIGHT)
        return found or self._typo(term)

    def _typo(self, word: str) -> dict[str, float]:
        """The indexed terms one typo away from `word`, its first letter kept."""
        found: dict[str, float] = {}
        if _typo_matchable(word, MIN_TYPO):
            for variant in deletions(word):
                for alias in self._near.get(variant, ()):
                    if alias[0] == word[0] and within_one_edit(word, alias):
                        found.setdefault(self._aliases[alias], TYPO_WEIGHT)
        return found

    def _weight(self, expansions: dict[str, float]) -> float:
        """How much a query term counts in coverage: its rarest expansion, or the weight of a
        word found nowhere when it has none."""
        return max((self._idf(t) for t in expansions), default=self._idf(""))

    def _idf(self, term: str) -> float:
        count = len(self._postings.get(term, ()))
        size = len(self._lengths)
        return math.log(1 + (size - count + 0.5) / (count + 0.5))


def _share(part: float, total: float) -> float:
    """Coverage; a question made only of question forms ("c'est quoi ?") covers nothing."""
    return part / total if total else 0.0


def _typo_matchable(term: str, shortest: int) -> bool:
    """Whether a term may be matched with a typo: long enough, and no figure in it."""
    return len(term) >= shortest and not any(ch.isdigit() for ch in term)


def _fields(base: FactBase, fact: Fact) -> list[tuple[str, str]]:
    topic = base.topic(fact.topic)
    assert topic is not None  # the loader checked every reference
    return [
        ("keywords", " ".join(fact.keywords)),
        ("title", f"{fact.title.fr} {fact.title.en}"),
        ("topic", " ".join((topic.label.fr, topic.label.en, *topic.keywords))),
        ("statement", " ".join((fact.statement.fr, fact.statement.en, *fact.figures))),
        ("source", f"{fact.source.fr} {fact.source.en}" if base.cites(fact) else ""),
    ]


def load_index(path: Path) -> FactIndex:
    """Read, validate and index a fact base file (raises FactBaseError)."""
    return FactIndex(load_factbase(path))
