"""Finding the fact that answers a member's question, or knowing there is none.

A BM25F index held in memory, built from the fact base when it is loaded. The
base holds tens of facts, so plain Python answers well under a millisecond; it
needs no SQL (SQLite stays the bot's own database, behind storage/), and the
index is one immutable object that a reload replaces with a single assignment,
so a question never meets a half-built index.

Each query term is matched exactly, as a prefix of longer terms ("brock",
"anthrop"), and, only when neither finds anything, with one typo ("brokman").
An answer needs both a high enough score and enough of the question covered:
a question about the weather shares at best a word or two with the base, and
gets no fact rather than the closest unrelated one.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.facts.loader import load_factbase
from bot.facts.model import Fact, FactBase
from bot.facts.words import deletions, terms, within_one_edit

# How much a word counts where it appears: keywords are chosen to be found.
FIELD_WEIGHTS = {"keywords": 3.0, "title": 2.0, "topic": 1.5, "statement": 1.0, "source": 0.5}
K1, B = 1.2, 0.5
PREFIX_WEIGHT, TYPO_WEIGHT = 0.8, 0.7
MIN_PREFIX, MIN_TYPO = 4, 4
# Tuned on tests/data/questions.toml (see tests/test_facts_quality.py).
MIN_SCORE = 2.0
MIN_COVERAGE = 0.6
# A "see also" fact scores at least this share of the answer's score.
SEE_ALSO_SHARE = 0.3
SEE_ALSO = 2


@dataclass(frozen=True, slots=True)
class Match:
    fact: Fact
    score: float
    coverage: float  # the share of the question's weight (by idf) that this fact contains


@dataclass(frozen=True, slots=True)
class Answer:
    fact: Fact
    see_also: tuple[Fact, ...]


class FactIndex:
    """The searchable form of one fact base; never changes once built."""

    def __init__(self, base: FactBase) -> None:
        self.base = base
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)
        self._lengths: list[float] = []
        for number, fact in enumerate(base.facts):
            length = 0.0
            for field, text in _fields(base, fact):
                weight = FIELD_WEIGHTS[field]
                for term in terms(text):
                    postings = self._postings[term]
                    postings[number] = postings.get(number, 0.0) + weight
                    length += weight
            self._lengths.append(length)
        self._postings = dict(self._postings)
        self._average = sum(self._lengths) / max(len(self._lengths), 1)
        self._vocabulary = sorted(self._postings)
        self._near: dict[str, set[str]] = defaultdict(set)
        for term in self._vocabulary:
            if len(term) >= MIN_TYPO - 1:
                for variant in deletions(term):
                    self._near[variant].add(term)

    def answer(self, question: str) -> Answer | None:
        """The best fact with up to two related ones, or None when nothing is relevant."""
        ranking = self.rank(question)
        if not ranking or ranking[0].score < MIN_SCORE or ranking[0].coverage < MIN_COVERAGE:
            return None
        best = ranking[0]
        related = [m.fact for m in ranking[1:] if m.score >= SEE_ALSO_SHARE * best.score]
        same_topic = self.base.facts_of(best.fact.topic)
        candidates = (
            [f for f in related if f.topic == best.fact.topic]
            + [f for f in related if f.topic != best.fact.topic]
            + list(same_topic)
        )
        see_also = list(dict.fromkeys(f for f in candidates if f != best.fact))[:SEE_ALSO]
        return Answer(best.fact, tuple(see_also))

    def rank(self, question: str) -> list[Match]:
        """Every fact sharing a term with the question, best first."""
        query = list(dict.fromkeys(terms(question)))
        total = 0.0
        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        for term in query:
            expansions = self._expand(term)
            weight = max((self._idf(t) for t in expansions), default=self._idf(""))
            total += weight
            best_per_doc: dict[int, float] = {}
            for candidate, factor in expansions.items():
                idf = self._idf(candidate)
                for doc, tf in self._postings[candidate].items():
                    norm = K1 * (1 - B + B * self._lengths[doc] / self._average)
                    value = factor * idf * tf * (K1 + 1) / (tf + norm)
                    best_per_doc[doc] = max(best_per_doc.get(doc, 0.0), value)
            for doc, value in best_per_doc.items():
                scores[doc] += value
                covered[doc] += weight
        order = sorted(scores, key=lambda doc: (-scores[doc], doc))
        return [Match(self.base.facts[d], scores[d], covered[d] / total) for d in order]

    def _expand(self, term: str) -> dict[str, float]:
        """The indexed terms a query term stands for, with how much each counts."""
        found: dict[str, float] = {}
        if term in self._postings:
            found[term] = 1.0
        if len(term) >= MIN_PREFIX:
            start = bisect.bisect_right(self._vocabulary, term)
            for other in self._vocabulary[start:]:
                if not other.startswith(term):
                    break
                found[other] = PREFIX_WEIGHT
        if not found and len(term) >= MIN_TYPO:
            for variant in deletions(term):
                for other in self._near.get(variant, ()):
                    if within_one_edit(term, other):
                        found[other] = TYPO_WEIGHT
        return found

    def _idf(self, term: str) -> float:
        count = len(self._postings.get(term, ()))
        size = len(self._lengths)
        return math.log(1 + (size - count + 0.5) / (count + 0.5))


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
