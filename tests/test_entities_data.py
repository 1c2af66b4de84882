"""The shipped entities: every name finds its entity, the articles' names resolve, and the
entities no fact names are many and known as such."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_FACTS
from bot.facts.entities import EntityFinder
from bot.facts.loader import load_factbase
from bot.facts.model import Article
from tests.tomlfile import SHIPPED_ARTICLES

BASE = load_factbase(DEFAULT_FACTS)
FINDER = EntityFinder(BASE)

# Who each article names, as a member could name them back.
IN_ARTICLES = {
    "courrier-quitgpt": {
        "chatgpt", "quitgpt", "reddit", "greg-brockman", "openai", "donald-trump",
        "mit-technology-review", "maga-inc", "ice", "gpt-4", "mark-ruffalo", "dana-fisher",
        "courrier-international",
    },
    "quitgpt-boycott-trump": {
        "quitgpt", "donald-trump", "chatgpt", "florian", "ice", "gpt-4", "gemini", "google",
        "claude", "anthropic", "grok", "elon-musk",
    },
    "musk-microsoft-openai": {
        "elon-musk", "microsoft", "openai", "chatgpt", "twitter", "bing", "sam-altman",
        "satya-nadella",
    },
    "altman-dow-precipite": {
        "sam-altman", "openai", "chatgpt", "dow", "united-states", "us-government", "anthropic",
        "claude", "sensor-tower", "techcrunch", "app-store", "reddit", "gpt-4o",
    },  # « l'App Store d'Apple » is one name: the store's
    "musk-concurrent-chatgpt": {
        "elon-musk", "chatgpt", "openai", "the-information", "twitter",  # « le patron de Tesla »
        "igor-babuschkin", "deepmind", "google", "semafor", "optimus", "future-of-life",
        "europol",
    },
}  # fmt: skip


def ids(text: str) -> list[str]:
    return [mention.entity.id for mention in FINDER.named(text)]


def test_every_name_alone_names_its_entity() -> None:
    wrong = [
        (entity.id, name)
        for entity in BASE.entities
        for name in entity.names
        if [(m.entity, m.written) for m in FINDER.named(name)] != [(entity, name)]
    ]
    assert wrong == []


@pytest.mark.parametrize("article", BASE.articles, ids=lambda article: article.id)
def test_the_articles_names_resolve(article: Article) -> None:
    text = (SHIPPED_ARTICLES / article.seed).read_text(encoding="utf-8")
    assert IN_ARTICLES[article.id] <= set(ids(text))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Apple a donné de l'argent à Trump ?", ["apple", "donald-trump"]),
        ("Zuckerberg a donné à Maga Inc ?", ["mark-zuckerberg", "maga-inc"]),
        ("le boss d'openai", ["openai"]),
        ("pourquoi Brokman soutient trump", ["greg-brockman", "donald-trump"]),
        ("Sam Bankman-Fried ou Sam ?", ["sam-bankman-fried", "sam-altman"]),
        ("le pentagone et l'armée américaine", ["dow", "dow"]),
        ("jeff bezos, l'UE et la cnil", ["jeff-bezos", "european-union", "cnil"]),
        ("Sam Altman sur X", ["sam-altman"]),
        ("c'est quoi l'information ? what is the information?", []),
        ("congés payés, la routine, tout le monde, la politique", []),
    ],
)
def test_questions_name_the_entities_members_mean(question: str, expected: list[str]) -> None:
    assert ids(question) == expected


def test_entities_no_fact_names_are_not_covered() -> None:
    assert {"greg-brockman", "openai", "chatgpt", "dow", "ice"} <= FINDER.covered
    assert not {"mark-zuckerberg", "amazon", "jeff-bezos", "meta", "emmanuel-macron"} & (
        FINDER.covered
    )
    outside = [entity for entity in BASE.entities if entity.id not in FINDER.covered]
    assert len(outside) >= 80


def test_a_name_inside_a_longer_one_is_not_named() -> None:
    # « l'App Store d'Apple » names the store, whose chart says nothing of what Apple did;
    # « le patron de Tesla » is Musk.
    assert "apple" not in FINDER.covered
    assert ids("Claude en tête de l'App Store d'Apple") == ["claude", "app-store"]
    assert ids("Apple a retiré ChatGPT de l'App Store") == ["apple", "chatgpt", "app-store"]
    assert ids("le patron de Tesla et le robot de Tesla") == ["elon-musk", "tesla"]
