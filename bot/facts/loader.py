"""Reading and checking the fact base file that editors maintain (TOML).

Every problem names the entry it is about, so an editor can fix it without
reading code: `fact 'brockman-dons': source is missing or empty`.

The source articles are part of the base: each article's `seed` names a file in the
`articles` folder next to the fact file, and every figure of a fact must be written in
its article as it is in `figures`. A statement or title may only write the numbers its
fact's figures hold (see bot/facts/figures.py for what counts as a number), so a
figure mistyped in one language is refused rather than served.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from bot.facts.contrasts import read_contrasts, read_unheld
from bot.facts.figures import numbers
from bot.facts.model import ENTITY_KINDS, Article, Entity, Fact, FactBase, Localized, Topic
from bot.facts.words import is_question_form, words

# Ids travel in button actions ("/faits =id"), which Telegram limits to 64 bytes.
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
ARTICLES = "articles"  # the folder of the source articles, next to the fact file

# key -> (type, required)
_Spec = Mapping[str, tuple[type, bool]]
_ARTICLE: _Spec = {
    "id": (str, True),
    "seed": (str, True),
    "title_fr": (str, True),
    "title_en": (str, True),
    "publisher": (str, False),
    "date": (str, False),
}
_TOPIC: _Spec = {
    "id": (str, True),
    "label_fr": (str, True),
    "label_en": (str, True),
    "keywords": (list, False),
}
_FACT: _Spec = {
    "id": (str, True),
    "topic": (str, True),
    "article": (str, True),
    "source": (str, True),
    "source_en": (str, False),
    "title_fr": (str, True),
    "title_en": (str, True),
    "fr": (str, True),
    "en": (str, True),
    "figures": (list, False),
    "keywords": (list, False),
    "asked": (list, False),
}
_SYNONYMS: _Spec = {"words": (list, True)}
_ENTITY: _Spec = {
    "id": (str, True),
    "kind": (str, True),
    "names": (list, True),
    "part_of": (str, False),
}
_CONTRAST: _Spec = {"classes": (list, True)}
_UNHELD: _Spec = {"asks": (list, True), "held_as": (list, False)}
_SECTIONS = {
    "article": _ARTICLE,
    "topic": _TOPIC,
    "fact": _FACT,
    "synonyms": _SYNONYMS,
    "entity": _ENTITY,
    "contrast": _CONTRAST,
    "unheld": _UNHELD,
}


class FactBaseError(Exception):
    """The fact base file cannot be read or breaks a rule; `problems` lists them all."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        super().__init__(f"{path} is invalid:\n" + "\n".join(f"  {p}" for p in problems))
        self.path = str(path)
        self.problems = problems


def load_factbase(path: Path) -> FactBase:
    """Read and validate a fact base file; raise FactBaseError naming every bad entry."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FactBaseError(path, [f"cannot read the file: {exc}"]) from exc
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FactBaseError(path, [f"not valid TOML: {exc}"]) from exc
    problems: list[str] = []
    base = _build(document, path.parent / ARTICLES, problems)
    if problems or base is None:
        raise FactBaseError(path, problems)
    return base


def _build(document: dict[str, Any], folder: Path, problems: list[str]) -> FactBase | None:
    for key in document.keys() - _SECTIONS.keys():
        problems.append(
            f"unknown section '{key}' (expected [[article]], [[topic]], [[fact]], [[synonyms]],"
            " [[entity]], [[contrast]], [[unheld]])"
        )
    tables = {
        kind: _entries(kind, document.get(kind, []), spec, problems)
        for kind, spec in _SECTIONS.items()
    }
    if not tables["fact"]:
        problems.append("no fact: the file needs at least one [[fact]]")
    articles = [_article(e) for e in tables["article"]]
    topics = [
        Topic(e["id"], Localized(e["label_fr"], e["label_en"]), e["keywords"])
        for e in tables["topic"]
    ]
    facts = [_fact(e) for e in tables["fact"]]
    synonyms = _synonyms(tables["synonyms"], problems)
    entities = _entities(tables["entity"], problems)
    contrasts = read_contrasts([e["classes"] for e in tables["contrast"]], problems)
    for article in articles:
        if article.date and not _valid_date(article.date):
            problems.append(
                f"article '{article.id}': date '{article.date}' is not YYYY-MM-DD or YYYY-MM"
            )
    texts = _article_texts(folder, articles, problems)
    article_ids, topic_ids = {a.id for a in articles}, {t.id for t in topics}
    for fact in facts:
        if fact.topic not in topic_ids:
            problems.append(f"fact '{fact.id}': unknown topic '{fact.topic}'")
        if fact.article not in article_ids:
            problems.append(f"fact '{fact.id}': unknown article '{fact.article}'")
        _check_figures(fact, texts.get(fact.article), problems)
    _check_asked(facts, problems)
    if problems:  # an empty topic may only mean that its facts have problems
        return None
    for topic in topics:
        if not any(fact.topic == topic.id for fact in facts):
            problems.append(f"topic '{topic.id}': no fact has this topic")
    if problems:
        return None
    unheld = read_unheld([(e["asks"], e["held_as"]) for e in tables["unheld"]], problems)
    return FactBase(
        tuple(articles), tuple(topics), tuple(facts), synonyms, entities, contrasts, unheld
    )


def _synonyms(entries: list[dict[str, Any]], problems: list[str]) -> tuple[tuple[str, ...], ...]:
    """The synonym groups, each named by its first entry. A group lists either question forms
    (stop words only: "c'est quoi", "who is") or words that say what a question is about,
    never both, and is the only group listing each of its entries (one entry, one term)."""
    groups = tuple(entry["words"] for entry in entries)
    owner: dict[tuple[str, ...], int] = {}
    for number, group in enumerate(groups):
        name = _group_name(group)
        if len(group) < 2:
            problems.append(f"{name}: words needs at least two entries")
        folded = [(text, tuple(words(text))) for text in group]
        for text, entry in folded:
            if not entry:
                problems.append(f"{name}: '{text}' has no word to search")
            elif owner.setdefault(entry, number) != number:
                problems.append(
                    f"{name}: '{text}' is already in {_group_name(groups[owner[entry]])}"
                )
        forms = [text for text, entry in folded if entry and is_question_form(entry)]
        others = [text for text, entry in folded if entry and not is_question_form(entry)]
        if forms and others:
            problems.append(
                f"{name}: mixes stop words only ('{forms[0]}') with other words ('{others[0]}')"
            )
    return groups


def _entities(entries: list[dict[str, Any]], problems: list[str]) -> tuple[Entity, ...]:
    """The entities, each of a known kind, with names, and part of another entity if any."""
    entities = tuple(Entity(e["id"], e["kind"], e["names"], e["part_of"] or None) for e in entries)
    ids = {entity.id for entity in entities}
    owners: dict[tuple[str, ...], str] = {}
    for entity in entities:
        name = f"entity '{entity.id}'"
        if entity.kind not in ENTITY_KINDS:
            problems.append(f"{name}: kind '{entity.kind}' is not one of {', '.join(ENTITY_KINDS)}")
        _check_names(entity, owners, problems)
        if entity.part_of is None:
            continue
        if entity.part_of == entity.id:
            problems.append(f"{name}: part_of names the entity itself")
        elif entity.part_of not in ids:
            problems.append(f"{name}: part_of '{entity.part_of}' names no entity")
        if entity.kind == "person":
            problems.append(
                f"{name}: a person has no part_of (it is for products and subsidiaries)"
            )
    return entities


def _check_names(entity: Entity, owners: dict[tuple[str, ...], str], problems: list[str]) -> None:
    """Names are compared as folded words, the form questions are read in: each must hold a
    word that says something, and belong to one entity only (`owners` records whose it is)."""
    name = f"entity '{entity.id}'"
    if not entity.names:
        problems.append(f"{name}: names is missing or empty")
    for text in entity.names:
        folded = tuple(words(text))
        if not folded:
            problems.append(f"{name}: '{text}' has no word to search")
        elif is_question_form(folded):
            problems.append(
                f"{name}: '{text}' is only stop words or single letters, which ordinary"
                " sentences hold"
            )
        elif folded in owners:
            problems.append(f"{name}: '{text}' is already a name of entity '{owners[folded]}'")
        else:
            owners[folded] = entity.id


def _check_asked(facts: list[Fact], problems: list[str]) -> None:
    """Each question is asked once, under one fact: a question two facts claim tells the
    search nothing. Questions are compared as folded words, the form members' questions are
    read in ("Pk ?" and "pk" are one question)."""
    owners: dict[tuple[str, ...], str] = {}
    for fact in facts:
        name = f"fact '{fact.id}'"
        seen: set[tuple[str, ...]] = set()
        for question in fact.asked:
            folded = tuple(words(question))
            if not folded:
                problems.append(f"{name}: question '{question}' has no word to search")
            elif folded in seen:
                problems.append(f"{name}: question '{question}' is asked twice")
            elif owners.setdefault(folded, fact.id) != fact.id:
                problems.append(
                    f"{name}: question '{question}' is already asked under fact '{owners[folded]}'"
                )
            seen.add(folded)


def _article_texts(folder: Path, articles: list[Article], problems: list[str]) -> dict[str, str]:
    """Each readable article's text by article id, its spacing made uniform."""
    texts = {}
    for article in articles:
        name = Path(article.seed).name
        if name != article.seed or name.startswith("."):
            problems.append(f"article '{article.id}': seed must be a file name in {folder}")
            continue
        try:
            texts[article.id] = _spaced((folder / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"article '{article.id}': cannot read {folder / name}: {exc}")
    return texts


def _check_figures(fact: Fact, article: str | None, problems: list[str]) -> None:
    """Every figure is written in the article and in a statement; every number of a
    statement or title is one of the figures, in either language's formatting."""
    name = f"fact '{fact.id}'"
    statements = _spaced(f"{fact.statement.fr} {fact.statement.en}")
    for figure in fact.figures:
        if article is not None and _spaced(figure) not in article:
            problems.append(f"{name}: figure '{figure}' is not in its article as written")
        if _spaced(figure) not in statements:
            problems.append(f"{name}: figure '{figure}' is in neither statement")
    # Figures are copied from the French articles, so they read as French.
    listed = {number.key for figure in fact.figures for number in numbers(figure, "fr")}
    figures = ", ".join(f"'{figure}'" for figure in fact.figures) or "none"
    texts = (
        ("title_fr", fact.title.fr, "fr"),
        ("fr", fact.statement.fr, "fr"),
        ("title_en", fact.title.en, "en"),
        ("en", fact.statement.en, "en"),
    )
    for key, text, language in texts:
        for number in numbers(text, language):
            if number.key not in listed:
                problems.append(
                    f"{name}: {key} writes '{number.written}', which is not among its "
                    f"figures ({figures})"
                )


def _spaced(text: str) -> str:
    return _SPACES.sub(" ", text)


def _group_name(group: tuple[str, ...]) -> str:
    return f"synonyms '{group[0]}'" if group else "synonyms"


def _entries(kind: str, raw: Any, spec: _Spec, problems: list[str]) -> list[dict[str, Any]]:
    """The valid entries of one section, with their problems recorded."""
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        problems.append(f"'{kind}' must be written as [[{kind}]] tables")
        return []
    entries: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(raw, start=1):
        name = (
            f"{kind} '{entry['id']}'" if isinstance(entry.get("id"), str) else f"{kind} #{number}"
        )
        before = len(problems)
        values = _fields(name, entry, spec, problems)
        ident = values.get("id", "")
        if ident and not _ID.fullmatch(ident):
            problems.append(
                f"{name}: id must be lower-case letters, digits and dashes (48 at most)"
            )
        if ident in seen:
            problems.append(f"{name}: duplicate id ({kind} #{seen[ident]} has it too)")
        elif ident:
            seen[ident] = number
        if len(problems) == before:
            entries.append(values)
    return entries


def _fields(name: str, entry: dict[str, Any], spec: _Spec, problems: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in sorted(entry.keys() - spec.keys()):
        problems.append(f"{name}: unknown key '{key}'")
    for key, (kind, required) in spec.items():
        value = entry.get(key, kind())
        if kind is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{name}: {key} must be a list of texts")
                continue
            texts = tuple(v.strip() for v in value)
            if not all(texts):
                problems.append(f"{name}: {key} holds an empty text")
                continue
            values[key] = texts
        elif not isinstance(value, str):
            problems.append(f"{name}: {key} must be a text")
        elif required and not value.strip():
            problems.append(f"{name}: {key} is missing or empty")
        else:
            values[key] = value.strip()
    return values


def _valid_date(text: str) -> bool:
    match = _DATE.fullmatch(text)
    if match is None:
        return False
    try:
        date(int(match[1]), int(match[2]), int(match[3] or 1))
    except ValueError:
        return False
    return True


def _article(e: dict[str, Any]) -> Article:
    title = Localized(e["title_fr"], e["title_en"])
    return Article(e["id"], e["seed"], title, e["publisher"], e["date"])


def _fact(e: dict[str, Any]) -> Fact:
    return Fact(
        e["id"],
        e["topic"],
        e["article"],
        Localized(e["source"], e["source_en"] or e["source"]),
        Localized(e["title_fr"], e["title_en"]),
        Localized(e["fr"], e["en"]),
        e["figures"],
        e["keywords"],
        e["asked"],
    )
