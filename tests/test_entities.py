"""Finding who a text names: whole folded words, the longest name, one typo in long words,
and which entities each fact answers for."""

from __future__ import annotations

import pytest

from bot.facts.entities import EntityFinder
from bot.facts.model import Article, Entity, Fact, FactBase, Localized, Topic
from bot.facts.words import word_spans, words

ENTITIES = (
    Entity("openai", "organisation", ("OpenAI", "Open AI")),
    Entity("chatgpt", "product", ("ChatGPT", "GPT"), "openai"),
    Entity("gpt-4", "product", ("GPT-4",), "openai"),
    Entity("anthropic", "organisation", ("Anthropic",)),
    Entity("claude", "product", ("Claude",), "anthropic"),
    Entity("greg-brockman", "person", ("Greg Brockman", "Brockman", "Greg")),
    Entity("donald-trump", "person", ("Donald Trump", "Trump")),
    Entity("mistral-ai", "organisation", ("Mistral AI", "Mistral")),
    Entity("ice", "organisation", ("ICE",)),
    Entity("dow", "organisation", ("Département de la Guerre", "DoW")),
    Entity("mit", "organisation", ("Massachusetts Institute of Technology",)),
    Entity("courrier", "organisation", ("Courrier international",)),
    Entity("tesla", "organisation", ("Tesla",)),
    Entity("meta", "organisation", ("Meta",)),
    Entity("apple", "organisation", ("Apple",)),
)


def fact(ident: str, fr: str, keywords: tuple[str, ...] = (), source: str = "article") -> Fact:
    return Fact(
        ident,
        "topic",
        "courrier",
        Localized(source, source),
        Localized(ident, ident),
        Localized(fr, fr),
        keywords=keywords,
    )


FACTS = (
    fact("brockman", "Greg Brockman aurait donné à un groupe qui soutient Trump."),
    fact("claude", "Claude a rendu la mémoire accessible.", source="Sensor Tower"),
    fact("anthropic", "Anthropic s'est retiré.", keywords=("open", "ai")),
)
BASE = FactBase(
    (Article("courrier", "seed.txt", Localized("Titre", "Title"), "Courrier international"),),
    (Topic("topic", Localized("Sujet", "Subject")),),
    FACTS,
    entities=ENTITIES,
)
FINDER = EntityFinder(BASE)


def named(text: str) -> list[tuple[str, str]]:
    return [(mention.entity.id, mention.written) for mention in FINDER.named(text)]


def test_a_name_of_several_words_is_one_mention_and_the_longest_name_wins() -> None:
    assert named("Greg Brockman a donné à Trump") == [
        ("greg-brockman", "Greg Brockman"),
        ("donald-trump", "Trump"),
    ]
    assert named("Greg, ou plutôt Brockman") == [
        ("greg-brockman", "Greg"),
        ("greg-brockman", "Brockman"),
    ]
    assert named("Mistral AI ou Mistral ?") == [
        ("mistral-ai", "Mistral AI"),
        ("mistral-ai", "Mistral"),
    ]
    assert named("GPT-4 ou GPT ?") == [("gpt-4", "GPT-4"), ("chatgpt", "GPT")]


def test_elisions_and_possessives_name_the_entity_as_written() -> None:
    assert named("le boss d'openai") == [("openai", "openai")]
    assert named("l'ICE et OpenAI's deal") == [("ice", "ICE"), ("openai", "OpenAI")]
    assert named("Trump\N{RIGHT SINGLE QUOTATION MARK}s donors") == [("donald-trump", "Trump")]
    assert named("le DEPARTEMENT de la guerre") == [("dow", "DEPARTEMENT de la guerre")]


def test_only_whole_words_count() -> None:
    assert named("la sphère trumpienne, les icebergs, l'appletini, le chatgptisme") == []
    assert named("Open source AI") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brokman", [("greg-brockman", "Brokman")]),  # one letter less
        ("Brockmann", [("greg-brockman", "Brockmann")]),  # one more
        ("Brcokman", [("greg-brockman", "Brcokman")]),  # two swapped
        ("Greg Brickman", [("greg-brockman", "Greg Brickman")]),
        ("Anthorpic", [("anthropic", "Anthorpic")]),
        ("Massachusets Institute of Technology", [("mit", "Massachusets Institute of Technology")]),
        ("Drockman", []),  # never the first letter
        ("Brokmannn", []),  # two typos
        ("Massachusets Institut of Technology", []),  # one typo per name
        ("Tesl, Tezla, Mata, mets", []),  # short names are exact
        ("GPT-5", []),  # figures are exact
    ],
)
def test_one_typo_in_a_word_of_seven_letters_or_more(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert named(text) == expected


def test_word_spans_are_the_words_where_the_text_writes_them() -> None:
    for text in (
        "GPT-4o d'OpenAI",
        "Élysée ﬁnance l\N{RIGHT SINGLE QUOTATION MARK}ICE",
        "a-1b-2 cœur",
        "straße",
        "",
    ):
        spans = word_spans(text)
        assert [word for word, _, _ in spans] == words(text)
        assert [words(text[start:end]) for _, start, end in spans] == [[w] for w in words(text)]


def test_a_fact_names_the_entities_of_its_texts_source_keywords_and_publisher() -> None:
    brockman, claude, anthropic = FACTS
    assert FINDER.of_fact(brockman) == {"greg-brockman", "donald-trump", "courrier"}
    assert FINDER.of_fact(claude) == {"claude", "courrier"}
    # Keywords are read one by one: "open" and "ai" do not make "Open AI".
    assert FINDER.of_fact(anthropic) == {"anthropic", "courrier"}


def test_a_fact_answers_for_what_it_names_its_parts_and_what_they_are_part_of() -> None:
    brockman, claude, anthropic = FACTS
    assert FINDER.answers_for(claude) == {"claude", "anthropic", "courrier"}
    assert FINDER.answers_for(anthropic) == {"anthropic", "claude", "courrier"}
    assert FINDER.answers_for(brockman) == FINDER.of_fact(brockman)
    assert FINDER.covered == {"greg-brockman", "donald-trump", "claude", "anthropic", "courrier"}


def test_a_base_without_entities_names_nothing() -> None:
    finder = EntityFinder(FactBase(BASE.articles, BASE.topics, FACTS))
    assert finder.named("Greg Brockman") == ()
    assert finder.covered == frozenset()
