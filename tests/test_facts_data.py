"""The shipped fact base holds together: sourced facts, dated articles, usable ids."""

from __future__ import annotations

import re

from bot.config import DEFAULT_FACTS
from bot.facts.loader import load_factbase
from tests.tomlfile import read_toml

BASE = load_factbase(DEFAULT_FACTS)
RAW = read_toml(DEFAULT_FACTS)


def test_every_figure_is_quoted_as_its_article_writes_it() -> None:
    articles = DEFAULT_FACTS.parent / "articles"
    for fact in BASE.facts:
        article = BASE.article(fact.article)
        text = _spaces((articles / article.seed).read_text(encoding="utf-8"))
        for figure in fact.figures:
            assert _spaces(figure) in text, (fact.id, figure)
            statements = _spaces(f"{fact.statement.fr} {fact.statement.en}")
            assert _spaces(figure) in statements, (fact.id, figure)


def _spaces(text: str) -> str:
    return re.sub(r"[\s\u202f\u00a0]+", " ", text)


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
