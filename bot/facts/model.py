"""The fact base as the bot holds it: articles, topics, sourced facts and the entities
members may name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Localized:
    """A text in French and English; other languages read the French."""

    fr: str
    en: str

    def __call__(self, language: str) -> str:
        return self.en if language == "en" else self.fr


@dataclass(frozen=True, slots=True)
class Article:
    """A press article the facts are taken from. `publisher` is "" when the article does not
    say who published it; `date` is `YYYY-MM-DD`, `YYYY-MM` or ""."""

    id: str
    seed: str
    title: Localized
    publisher: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    label: Localized
    keywords: tuple[str, ...] = ()


ARTICLE_ITSELF = "article"


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced statement. `source` is who the article cites for it, or ARTICLE_ITSELF
    when the article states it without citing anyone. `asked` are questions it answers, as
    members type them."""

    id: str
    topic: str
    article: str
    source: Localized
    title: Localized
    statement: Localized
    figures: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()

    def texts(self) -> tuple[str, ...]:
        """What a member reads of it: its titles, statements and sources, in both languages."""
        return (
            self.title.fr,
            self.title.en,
            self.statement.fr,
            self.statement.en,
            self.source.fr,
            self.source.en,
        )


ENTITY_KINDS = ("person", "organisation", "product", "place")


@dataclass(frozen=True, slots=True)
class Entity:
    """Someone or something a question may name. `part_of` is the entity a product or
    subsidiary belongs to (ChatGPT: "openai"), or None."""

    id: str
    kind: str
    names: tuple[str, ...]
    part_of: str | None = None


@dataclass(frozen=True, slots=True)
class FactBase:
    """A validated fact base: every reference between its parts resolves. `synonyms` are
    groups of words and phrases the search reads as one term; `entities` are the people,
    organisations, products and places a question may name, whether a fact names them or not;
    `contrasts` are groups of classes of words that exclude each other (a role, a rate);
    `unheld` what a question may ask that no fact holds unless it uses one of the phrases."""

    articles: tuple[Article, ...]
    topics: tuple[Topic, ...]
    facts: tuple[Fact, ...]
    synonyms: tuple[tuple[str, ...], ...] = ()
    entities: tuple[Entity, ...] = ()
    contrasts: tuple[tuple[tuple[str, ...], ...], ...] = ()
    unheld: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # (asks, held as)
    _articles: Mapping[str, Article] = field(init=False, repr=False, compare=False)
    _topics: Mapping[str, Topic] = field(init=False, repr=False, compare=False)
    _facts: Mapping[str, Fact] = field(init=False, repr=False, compare=False)
    _entities: Mapping[str, Entity] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_articles", MappingProxyType({a.id: a for a in self.articles}))
        object.__setattr__(self, "_topics", MappingProxyType({t.id: t for t in self.topics}))
        object.__setattr__(self, "_facts", MappingProxyType({f.id: f for f in self.facts}))
        object.__setattr__(self, "_entities", MappingProxyType({e.id: e for e in self.entities}))

    def article(self, article_id: str) -> Article:
        return self._articles[article_id]

    def topic(self, topic_id: str) -> Topic | None:
        return self._topics.get(topic_id)

    def fact(self, fact_id: str) -> Fact | None:
        return self._facts.get(fact_id)

    def entity(self, entity_id: str) -> Entity | None:
        return self._entities.get(entity_id)

    def cites(self, fact: Fact) -> bool:
        """Whether the fact's source is someone other than the article's publisher."""
        return fact.source.fr not in (ARTICLE_ITSELF, self.article(fact.article).publisher)

    def facts_of(self, topic_id: str) -> tuple[Fact, ...]:
        return tuple(fact for fact in self.facts if fact.topic == topic_id)
