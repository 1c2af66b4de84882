"""Finding the people, organisations, products and places a text names.

A question about someone no fact names ("Apple a financé Trump ?") must not be
answered with a fact about someone else: knowing who a question names, and who
each fact names, lets the reply say so instead.

Names are matched on folded whole words, so "d'OpenAI", "l'ICE" and "OpenAI's"
name OpenAI, and the longest name wins ("Greg Brockman" is one mention, not
"Greg" and "Brockman"). A word of seven letters or more may carry one typo
("Brokman"), never its first letter, as the search assumes too; a shorter word
must be exact, or "Tesla" would find "tesl" and "Meta" would find "mets".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.facts.model import Entity, Fact, FactBase
from bot.facts.words import STOP_WORDS, deletions, within_one_edit, word_spans, words

MIN_TYPO = 7

_Name = tuple[tuple[str, ...], Entity]


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity a text names, and the words the text names it with ("d'OpenAI" gives
    "OpenAI"), to quote back to the member."""

    entity: Entity
    written: str


class EntityFinder:
    """The entities of one fact base, indexed to find them in texts; never changes once built.

    A fact answers for the entities it names, for the parts of those (a fact naming OpenAI
    speaks of ChatGPT) and for what they are part of (a fact naming ChatGPT speaks of
    OpenAI); `covered` holds every entity some fact answers for.
    """

    def __init__(self, base: FactBase) -> None:
        self.base = base
        by_first: dict[str, list[_Name]] = defaultdict(list)
        for entity in base.entities:
            for name in entity.names:
                folded = tuple(words(name))
                by_first[folded[0]].append((folded, entity))
        # Names by their first folded word, longest first.
        self._names = {
            first: sorted(names, key=_longest_first) for first, names in by_first.items()
        }
        # The first words that a word one typo away may stand for, found through the forms of
        # each with one letter less; and the first letter and length of the words that may
        # carry such a typo, so that most words are not spelt in every form.
        self._near: dict[str, set[str]] = defaultdict(set)
        self._shapes: set[tuple[str, int]] = set()
        for first in filter(_typo_matchable, self._names):
            self._shapes.update((first[0], len(first) + change) for change in (-1, 0, 1))
            for variant in deletions(first):
                self._near[variant].add(first)
        self._named = {fact.id: self._names_in(fact) for fact in base.facts}
        self._answers = {fact.id: self._answers_by(self._named[fact.id]) for fact in base.facts}
        self.covered: frozenset[str] = frozenset().union(*self._answers.values())

    def named(self, text: str) -> tuple[Mention, ...]:
        """The entities a text names, in the order it names them."""
        spans = word_spans(text)
        folded = [word for word, _, _ in spans]
        found = []
        at = 0
        while at < len(folded):
            match = self._longest_at(folded, at)
            if match is None:
                at += 1
                continue
            length, entity = match
            found.append(Mention(entity, text[spans[at][1] : spans[at + length - 1][2]]))
            at += length
        return tuple(found)

    def of_fact(self, fact: Fact) -> frozenset[str]:
        """The ids of the entities a fact names, its article's publisher and its topic's
        label included."""
        return self._named[fact.id]

    def answers_for(self, fact: Fact) -> frozenset[str]:
        """The ids of the entities a fact answers for: those it names, their parts, and the
        entities these are part of, however far up."""
        return self._answers[fact.id]

    def _names_in(self, fact: Fact) -> frozenset[str]:
        """What the fact names, its article's publisher and its topic's label included: a
        fact on the QuitGPT campaign speaks of QuitGPT though its sentence may not."""
        topic = self.base.topic(fact.topic)
        labels = (topic.label.fr, topic.label.en) if topic is not None else ()
        texts = (
            *fact.texts(),
            self.base.article(fact.article).publisher,
            *labels,
            *fact.keywords,  # one by one, so that two keywords never make a name
        )
        return frozenset(mention.entity.id for text in texts for mention in self.named(text))

    def _answers_by(self, named: frozenset[str]) -> frozenset[str]:
        """What a fact names, their parts, and every whole they belong to (ICE, part of the
        DHS, part of the US government)."""
        parts = {entity.id for entity in self.base.entities if entity.part_of in named}
        part_of = {e.id: e.part_of for e in self.base.entities if e.part_of is not None}
        wholes: set[str] = set()
        for ident in named:
            whole = part_of.get(ident)
            while whole is not None and whole not in wholes:
                wholes.add(whole)
                whole = part_of.get(whole)
        return named | parts | wholes

    def _longest_at(self, folded: Sequence[str], at: int) -> tuple[int, Entity] | None:
        """The longest name written from word `at` on, as (its length in words, its entity)."""
        word = folded[at]
        exact = _first_written(self._names.get(word, ()), folded, at)
        if exact is not None or (word[0], len(word)) not in self._shapes or word in STOP_WORDS:
            return exact
        firsts = {first for variant in deletions(word) for first in self._near.get(variant, ())}
        names = sorted(
            (name for first in firsts for name in self._names[first]), key=_longest_first
        )
        return _first_written(names, folded, at)


def _first_written(
    names: Sequence[_Name], folded: Sequence[str], at: int
) -> tuple[int, Entity] | None:
    """The first of `names` that the words from `at` on write, with one typo at most."""
    for name, entity in names:
        written = folded[at : at + len(name)]
        if len(written) == len(name) and _fits(name, written):
            return len(name), entity
    return None


def _fits(name: Sequence[str], written: Sequence[str]) -> bool:
    typos = 0
    for expected, word in zip(name, written, strict=True):
        if word == expected:
            continue
        if not (
            _typo_matchable(expected) and word[0] == expected[0] and within_one_edit(word, expected)
        ):
            return False
        typos += 1
    return typos <= 1


def _longest_first(name: _Name) -> int:
    return -len(name[0])


def _typo_matchable(word: str) -> bool:
    """Whether a name's word may be written with a typo: long enough to stay telling, and no
    figure in it ("gpt4o" is not "gpt4")."""
    return len(word) >= MIN_TYPO and not any(ch.isdigit() for ch in word)
