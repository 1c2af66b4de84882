"""Understanding what a member writes: a command they want, a fact, a correction, or nothing.

One object holds everything built from the data files (the fact base, its
lexical index, the vectors of its facts, the entities it names, the intents and
the questions it does not answer), built aside and swapped in one assignment by a
reload, like the index before it. `understand` embeds the text once and uses that
vector for the intents, the facts and the off-topic examples alike.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from bot.facts.embedding import (
    Embedder,
    Vectors,
    VectorStore,
    model_thread_call,
    shared_embedder,
    vector_file,
)
from bot.facts.entities import EntityFinder
from bot.facts.hybrid import (
    PASSAGES,
    SEE_ALSO,
    THRESHOLD,
    THRESHOLD_NEARBY,
    Ranked,
    fact_passages,
    rank,
    related,
)
from bot.facts.loader import load_factbase
from bot.facts.model import Fact, FactBase, Topic
from bot.facts.phrasebook import Intent, Phrasebook, load_phrasebook
from bot.facts.premises import PremiseGuard, Premises
from bot.facts.search import FactIndex
from bot.facts.words import stem, terms, words

# An intent wins when the text is this close to its INTENT_NEAREST closest examples (on
# average), and its nearest one closer than any fact (bench/calibrate_facts.py).
# One example alone lets a single odd one decide (« le compteur des engagements » is as close
# to « comment on s'engage ici » as to the tally's nearest example).
INTENT_MIN = 0.92
INTENT_NEAREST = 2
# How much closer than any fact an intent's nearest example must be.
INTENT_MARGIN = 0.004
# How many recent questions keep their vector (1.5 kB each).
RECENT = 1024
# Words that may stand around a topic's name without asking anything more ("l'ICE").
_LINKS = frozenset({"l", "d", "le", "la", "les", "de", "du", "des", "the"})
# Words that ask why: a question, never a command.
_WHY = frozenset({"pourquoi", "pk", "pq", "pkoi", "why"})
# A fact whose names agree with the question's replaces a better-ranked one that does not,
# when its fused score is this close.
AGREEING_GAP = 0.03
# A question asking who reads the facts of its topic this far behind for one naming someone.
WHO_GAP = 0.08


@dataclass(frozen=True, slots=True)
class Answer:
    fact: Fact
    see_also: tuple[Fact, ...]


@dataclass(frozen=True, slots=True)
class Correction:
    """The question states figures the fact contradicts: show the fact as the correction."""

    fact: Fact
    see_also: tuple[Fact, ...]
    figures: tuple[str, ...]  # as the member wrote them


@dataclass(frozen=True, slots=True)
class Unsourced:
    """No fact says this of `names`; `fact`, if any, is what the sources do say nearby."""

    names: tuple[str, ...]
    fact: Fact | None


@dataclass(frozen=True, slots=True)
class Wanted:
    """The member wants a command, not a fact."""

    intent: Intent


@dataclass(frozen=True, slots=True)
class Reading:
    """A text's ranking of the facts, and its closeness to each intent's examples."""

    ranked: Ranked
    intents: tuple[tuple[float, float, Intent], ...]  # mean of the nearest examples, nearest
    asks_why: bool  # « pourquoi les gens résilient » asks for a fact, not the guide

    def intent(self, floor: float = INTENT_MIN) -> Intent | None:
        """The intent the text expresses, if it is closer to it than to any fact."""
        score, nearest, intent = max(self.intents, key=lambda c: c[0], default=(0.0, 0.0, None))
        best_fact = float(self.ranked.closeness.max())
        closer = nearest >= best_fact + INTENT_MARGIN
        return intent if score >= floor and closer and not self.asks_why else None


Finding = Answer | Correction | Unsourced | Wanted | None


class Knowledge:
    """Everything the bot knows how to answer, built once per fact base."""

    def __init__(
        self,
        base: FactBase,
        phrasebook: Phrasebook,
        embedder: Embedder,
        stores: tuple[VectorStore, VectorStore],
    ) -> None:
        facts_store, phrases_store = stores
        self.base = base
        self.lexical = FactIndex(base)
        self.phrasebook = phrasebook
        self._embedder = embedder
        self._numbers = {fact.id: number for number, fact in enumerate(base.facts)}
        self._recent: OrderedDict[bytes, Vectors] = OrderedDict()
        self._topic_words = {
            t.id: set(words(f"{t.id.replace('-', ' ')} {t.label.fr} {t.label.en}"))
            for t in base.topics
        }
        self._guard = PremiseGuard(EntityFinder(base), _vocabulary(base))
        passages = [text for fact in base.facts for text in fact_passages(base, fact)]
        self._facts = facts_store.embed(embedder, "passage", passages).reshape(
            len(base.facts), PASSAGES, -1
        )
        # How members ask each fact: a question is compared with questions too.
        asked = [(number, q) for number, fact in enumerate(base.facts) for q in fact.asked]
        self._asked_facts = np.array([number for number, _ in asked], dtype=np.intp)
        self._asked = facts_store.embed(embedder, "query", [q for _, q in asked])
        self._intents = [
            (intent, phrases_store.embed(embedder, "query", intent.examples))
            for intent in phrasebook.intents
        ]
        self._elsewhere = phrases_store.embed(embedder, "query", phrasebook.elsewhere)

    def read(self, text: str) -> Reading:
        """The signals `understand` decides on (and bench/calibrate_facts.py fits)."""
        vector = self._vector(text)
        cosines = (self._facts @ vector).max(axis=1)
        asked = np.full(len(cosines), -1.0, dtype=np.float32)
        if len(self._asked):
            np.maximum.at(asked, self._asked_facts, self._asked @ vector)
        lexical = {self._numbers[m.fact.id]: (m.score, m.coverage) for m in self.lexical.rank(text)}
        intents = tuple(
            (_closest(examples, vector, INTENT_NEAREST), _closest(examples, vector), i)
            for i, examples in self._intents
        )
        ranked = rank(cosines, asked, lexical, _closest(self._elsewhere, vector))
        return Reading(ranked, intents, not _WHY.isdisjoint(words(text)))

    def _vector(self, text: str) -> Vectors:
        """A question's vector; the same question asked again (members share them) is not
        embedded again. Kept by a hash of the text, never the text, for RECENT questions."""
        vector = self._recall(text)
        if vector is None:
            vector = self._embedder.queries([text])[0]
            self._keep(text, vector)
        return vector

    def _recall(self, text: str) -> Vectors | None:
        key = hashlib.sha256(text.encode()).digest()
        vector = self._recent.pop(key, None)
        if vector is not None:
            self._recent[key] = vector  # the most recent last
        return vector

    def _keep(self, text: str, vector: Vectors) -> None:
        self._recent[hashlib.sha256(text.encode()).digest()] = vector
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)

    async def understand_soon(self, text: str, intents: bool = False) -> Finding:
        """`understand` from the event loop: only the embedding runs on the model's thread.

        The rest takes about a millisecond of Python and numpy, which on another thread
        would wait for the interpreter lock behind a busy loop at every numpy call (a bench
        of 100 members fell from 150 to 54 answers a second)."""
        if self._recall(text) is None:
            vector = await model_thread_call(self._embedder.queries, [text])
            self._keep(text, vector[0])
        return self.understand(text, intents)

    def understand(self, text: str, intents: bool = False, threshold: float = THRESHOLD) -> Finding:
        """What `text` asks for; `intents` lets it be a command (free text in a private chat).
        `threshold` is the answer model's (bench/calibrate_facts.py tries others)."""
        reading = self.read(text)
        ranked = reading.ranked
        if intents and (intent := reading.intent()) is not None:
            return Wanted(intent)
        if not terms(text):  # "bonjour", "merci": nothing to look up
            return None
        if (topic := self._named_topic(text)) is not None:
            facts = self.base.facts_of(topic.id)
            return Answer(facts[0], facts[1 : 1 + SEE_ALSO])
        premises = self._guard.premises(text)
        confidence = ranked.signals.confidence()
        chosen = self._agreeing(ranked, premises)
        fact = self.base.facts[chosen]
        # A fact shown as what the sources say of someone else confirms nothing: it needs
        # to be near the question, not to answer it.
        if confidence < THRESHOLD_NEARBY:
            return None
        doubts = self._guard.doubts(premises, fact)
        # A name the fact replaces by another of a [[contrast]] group is corrected: « le
        # Play Store » gets the fact on the App Store.
        # (A correction needs an answer's confidence; below it the name is said unsourced.)
        corrected = set(doubts.wrong_figures) if confidence >= threshold else set()
        if strangers := tuple(n for n in self._guard.strangers(premises) if n not in corrected):
            return Unsourced(strangers, fact)
        if unsourced := tuple(n for n in doubts.unsourced if n not in corrected):
            return Unsourced(unsourced, fact)
        if confidence < threshold or self._guard.unheld(premises, fact):
            return None
        see_also = related(self.base, ranked, chosen)
        if doubts.wrong_figures:
            return Correction(fact, see_also, doubts.wrong_figures)
        return Answer(fact, see_also)

    def _named_topic(self, text: str) -> Topic | None:
        """The topic a question only names ("brockman", "l'ICE", "OpenAI"): its headline, the
        first of its facts in the file, answers it. "c'est qui brockman" asks more than that.

        Among the topics whose name holds every word written, the one whose facts rank first.
        """
        written = set(words(text)) - _LINKS
        named = {t.id for t in self.base.topics if written <= self._topic_words[t.id]}
        if not named:
            return None
        ranked = [m.fact.topic for m in self.lexical.rank(text) if m.fact.topic in named]
        return self.base.topic(ranked[0] if ranked else min(named))

    def _agreeing(self, ranked: Ranked, premises: Premises) -> int:
        """The best fact, or a nearly as good one that names everyone the question names and,
        when the question names a day or month or asks for one, gives one (« l'accord a été
        publié un lundi ? » asks when, which the fact on the deal itself does not say); when
        it asks how many, one of the same topic that gives an amount; when it states a detail
        of the [[contrast]] groups (« ont chuté ») that the best one does not say as it does, one
        that says its opposite."""
        guard, topic = self._guard, self.base.facts[ranked.best].topic
        if guard.attributes(premises):
            return ranked.best  # the name is the claim: the fact closest to the rest decides
        agreeing = self._agreeing_within(ranked, premises, AGREEING_GAP)
        if agreeing:
            best = self.base.facts[agreeing[0]]
            contradicts = partial(guard.contradicts_a_detail, premises, best=best)
            agreeing = self._fitting(agreeing, contradicts) or agreeing
        fitting: list[int] = []
        if guard.about_a_day(premises):
            fitting = self._fitting(agreeing, guard.dated)
        elif guard.about_a_year(premises):
            fitting = self._fitting(agreeing, guard.gives_a_year)
        elif guard.about_an_amount(premises):
            fitting = self._fitting(agreeing, guard.counts, topic)
        elif guard.about_someone(premises):
            wider = self._agreeing_within(ranked, premises, WHO_GAP)
            fitting = self._fitting(wider, partial(guard.names_someone_else, premises), topic)
        agreeing = fitting or agreeing
        return agreeing[0] if agreeing else ranked.best

    def _agreeing_within(self, ranked: Ranked, premises: Premises, gap: float) -> list[int]:
        """The facts within `gap` of the best that name everyone the question names."""
        return [
            number
            for number in ranked.order
            if ranked.fused[number] >= ranked.fused[ranked.best] - gap
            and not self._guard.doubts(premises, self.base.facts[number]).unsourced
        ]

    def _fitting(
        self, candidates: list[int], fits: Callable[[Fact], bool], topic: str | None = None
    ) -> list[int]:
        """The candidates that give what the question asks for (`fits`), of `topic` only when
        one is given: an amount or a name from another topic answers another question."""
        return [
            n
            for n in candidates
            if fits(self.base.facts[n]) and topic in (None, self.base.facts[n].topic)
        ]


def _closest(examples: Vectors, vector: Vectors, nearest: int = 1) -> float:
    """The mean cosine of `vector` to its `nearest` closest examples."""
    if not len(examples):
        return 0.0
    cosines = examples @ vector
    nearest = min(nearest, len(cosines))
    return float(np.partition(cosines, -nearest)[-nearest:].mean())


def _vocabulary(base: FactBase) -> frozenset[str]:
    """Every word the fact base writes, and its stem."""
    texts = [" ".join(group) for group in base.synonyms]
    for topic in base.topics:
        texts += [topic.label.fr, topic.label.en, *topic.keywords]
    for fact in base.facts:
        texts += [fact.title.fr, fact.title.en, fact.statement.fr, fact.statement.en]
        texts += [fact.source.fr, fact.source.en, *fact.keywords]
    for article in base.articles:
        texts += [article.title.fr, article.title.en, article.publisher]
    found = {word for text in texts for word in words(text)}
    return frozenset(found | {stem(word) for word in found})


def load_knowledge(
    facts: Path, phrasebook: Path, commands: frozenset[str], embedder: Embedder | None = None
) -> Knowledge:
    """Read and check both files, and embed what their vector files do not hold yet (raises
    FactBaseError naming every problem)."""
    stores = (VectorStore(vector_file(facts)), VectorStore(vector_file(phrasebook)))
    knowledge = Knowledge(
        load_factbase(facts),
        load_phrasebook(phrasebook, commands),
        embedder or shared_embedder(),
        stores,
    )
    for store in stores:
        store.save()
    return knowledge
