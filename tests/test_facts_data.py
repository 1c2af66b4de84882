"""The shipped fact base holds together: sourced facts, dated articles, usable ids, quotes
that are the articles' words. (Loading it checks every figure against its article.)"""

from __future__ import annotations

import re

from bot.config import DEFAULT_FACTS, DEFAULT_INTENTS
from bot.facts.loader import load_factbase
from bot.facts.model import Fact
from bot.facts.words import words
from tests.tomlfile import SHIPPED_ARTICLES, read_toml

BASE = load_factbase(DEFAULT_FACTS)
RAW = read_toml(DEFAULT_FACTS)


# “…”, "…" and « … »; a quote marked so in English is a translation of the article's French.
QUOTE = re.compile(r"“([^”]*)”|\"([^\"]*)\"|«([^»]*)»")
TRANSLATED = " (translated)"


def _article(fact: Fact) -> str:
    return _plain((SHIPPED_ARTICLES / BASE.article(fact.article).seed).read_text("utf-8"))


def _plain(text: str) -> str:
    """Text compared without regard to case, spacing, apostrophes and edge punctuation."""
    text = text.replace("\N{RIGHT SINGLE QUOTATION MARK}", "'")
    return re.sub(r"[\s\u202f\u00a0]+", " ", text).casefold().strip(" .,;:!?")


def _quotes(text: str) -> list[tuple[str, int]]:
    """Each quoted passage of `text` and where it ends."""
    return [(next(g for g in m.groups() if g is not None), m.end()) for m in QUOTE.finditer(text)]


def test_english_quotes_are_the_articles_english_words_or_say_they_are_translated() -> None:
    """The articles are French: an English quote of someone is a translation, not their
    words, unless the article itself quotes them in English."""
    wrong = [
        (fact.id, quoted)
        for fact in BASE.facts
        for text in (fact.title.en, fact.statement.en)
        for quoted, end in _quotes(text)
        if not text.startswith(TRANSLATED, end) and _plain(quoted) not in _article(fact)
    ]
    assert wrong == []


def test_french_quotes_are_the_articles_own_words() -> None:
    wrong = [
        (fact.id, quoted)
        for fact in BASE.facts
        for text in (fact.title.fr, fact.statement.fr)
        for quoted, _ in _quotes(text)
        if _plain(quoted) not in _article(fact)
    ]
    assert wrong == []


def test_every_topic_has_facts_and_every_article_is_cited() -> None:
    assert all(BASE.facts_of(topic.id) for topic in BASE.topics)
    cited = {fact.article for fact in BASE.facts}
    assert [a.id for a in BASE.articles if a.id not in cited] == []


def test_articles_name_distinct_seeds_and_keep_their_dates() -> None:
    seeds = [article.seed for article in BASE.articles]
    assert len(set(seeds)) == len(seeds)
    dated = {entry["seed"]: entry["date"] for entry in RAW["article"] if entry.get("date")}
    assert {a.seed: a.date for a in BASE.articles if a.date} == dated
    assert all(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date) for date in dated.values())


def test_statements_and_titles_differ_between_languages_and_facts() -> None:
    for fact in BASE.facts:
        assert fact.statement.fr != fact.statement.en, fact.id
    titles = [fact.title.fr for fact in BASE.facts]
    assert len(set(titles)) == len(titles)


def test_every_fact_lists_the_questions_members_ask_it() -> None:
    assert [fact.id for fact in BASE.facts if len(fact.asked) < 6] == []


def test_no_question_a_fact_answers_is_an_example_of_something_else() -> None:
    """bot/data/intents.toml lists what is not a question for the facts."""
    phrasebook = read_toml(DEFAULT_INTENTS)
    examples = [
        text
        for section in ("intent", "elsewhere")
        for entry in phrasebook[section]
        for language in ("fr", "en")
        for text in entry.get(language, [])
    ]
    others = {tuple(words(text)) for text in examples}
    assert [q for fact in BASE.facts for q in fact.asked if tuple(words(q)) in others] == []
