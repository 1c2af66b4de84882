"""Ranking facts by meaning and by words together, and knowing when the best is good enough.

Each fact is embedded as three passages (the French title and statement, the English
ones, and its topic with its keywords), and so is each of its example questions (`asked`
in the fact file): a question is nearer to another way of asking it than to any
statement. A fact's score is its best passage cosine, plus 0.7 of its closeness (the best
of both cosines), plus the lexical BM25F score (bot/facts/search.py) scaled by the best
lexical score of the question, so that an exact name or figure still decides between
facts that mean nearly the same.

Whether to answer at all is a logistic model over four signals of the best fact: its
closeness, its lexical score, the share of the question its words cover, and how much
closer the question is to it than to the questions the bot does not answer
(bot/data/intents.toml, [[elsewhere]]). `bench/calibrate_facts.py` fitted the weights on
tests/data/blind_set1.toml, blind_set3.toml and questions.toml, and chose the threshold
on blind_set1 to blind_set6 and questions.toml, as members get their answers (premise
guard included): the most questions read right once each question to refuse that gets a
fact is counted as ten refused; the README gives the figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bot.facts.embedding import Vectors
from bot.facts.model import Fact, FactBase

PASSAGES = 3
# What the closeness to a fact's example questions adds to the cosine to its passages, and
# what the lexical score adds (the best lexical score of a question adds LEXICAL_WEIGHT).
# 0.7 rather than 0.5 since the example questions cover members' registers better: over the
# ten blind sets, 6 more answers and one more correction, no set lower (0.8: one set lower).
ASKED_WEIGHT = 0.7
LEXICAL_WEIGHT = 0.08
LEXICAL_CAP = 20.0  # a lexical score above this says no more
# The answer model (bench/calibrate_facts.py prints these).
WEIGHTS = (6.6199, 1.979, 3.252, 39.4293)
BIAS = -7.2450
THRESHOLD = 0.6801
# Below THRESHOLD, a fact may still be shown as what the sources say near a question about
# someone they do not cover, introduced as such (bench/calibrate_facts.py counts how many
# off-topic questions get one).
THRESHOLD_NEARBY = 0.5
SEE_ALSO = 2
# A related fact is offered when its fused score is at least this close to the answer's.
SEE_ALSO_GAP = 0.06


def fact_passages(base: FactBase, fact: Fact) -> tuple[str, ...]:
    """The texts a fact is embedded as (PASSAGES of them)."""
    topic = base.topic(fact.topic)
    assert topic is not None  # the loader checked every reference
    keywords = ", ".join((*topic.keywords, *fact.keywords))
    return (
        f"{fact.title.fr}. {fact.statement.fr}",
        f"{fact.title.en}. {fact.statement.en}",
        f"{topic.label.fr} / {topic.label.en}: {keywords}",
    )


@dataclass(frozen=True, slots=True)
class Signals:
    """What decides whether the best fact answers the question."""

    closeness: float  # the best cosine to the fact's passages or to its example questions
    lexical: float
    coverage: float
    apart: float  # closeness minus the closeness to questions the bot does not answer

    def features(self) -> tuple[float, float, float, float]:
        lexical = min(self.lexical, LEXICAL_CAP) / LEXICAL_CAP
        return self.closeness, lexical, self.coverage, self.apart

    def confidence(self) -> float:
        """The answer model's probability that the best fact answers the question."""
        z = BIAS + sum(w * x for w, x in zip(WEIGHTS, self.features(), strict=True))
        return 1 / (1 + math.exp(-z))


@dataclass(frozen=True, slots=True)
class Ranked:
    """The facts in order, best first, with their fused scores and the best one's signals."""

    order: tuple[int, ...]
    fused: Vectors
    closeness: Vectors
    signals: Signals

    @property
    def best(self) -> int:
        return self.order[0]


def rank(
    passages: Vectors,
    asked: Vectors,
    lexical: dict[int, tuple[float, float]],
    elsewhere: float,
) -> Ranked:
    """Fuse each fact's cosines (to its passages, to its example questions, -1 without any)
    with the lexical (score, coverage) of the facts the index found."""
    scores = np.zeros_like(passages)
    coverage = np.zeros_like(passages)
    for number, (score, covered) in lexical.items():
        scores[number], coverage[number] = score, covered
    closeness = np.maximum(passages, asked)
    top = float(scores.max()) if len(scores) else 0.0
    fused = passages + ASKED_WEIGHT * closeness + (LEXICAL_WEIGHT * scores / top if top else 0.0)
    order = tuple(int(i) for i in np.argsort(-fused, kind="stable"))
    best = order[0]
    signals = Signals(
        float(closeness[best]),
        float(scores[best]),
        float(coverage[best]),
        float(closeness[best]) - elsewhere,
    )
    return Ranked(order, fused, closeness, signals)


def related(base: FactBase, ranked: Ranked, chosen: int) -> tuple[Fact, ...]:
    """Up to SEE_ALSO other facts: close ones of the same topic, close ones of others, then
    the topic's other facts."""
    facts, topic = base.facts, base.facts[chosen].topic
    close = [
        i
        for i in ranked.order
        if i != chosen and ranked.fused[i] >= ranked.fused[chosen] - SEE_ALSO_GAP
    ]
    same = [i for i in close if facts[i].topic == topic]
    others = [i for i in close if facts[i].topic != topic]
    rest = [i for i in ranked.order if facts[i].topic == topic and i != chosen]
    picked = list(dict.fromkeys([*same, *others, *rest]))[:SEE_ALSO]
    return tuple(facts[i] for i in picked)
