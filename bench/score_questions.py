"""Scores how the bot reads free text in a private chat, on a question set written blind.

Usage: `.venv/bin/python bench/score_questions.py tests/data/blind_set1.toml [--misses]`

Each question has a kind:
- "answer": right when the bot answers with a fact holding one of the expected
  strings (copied by the author from the articles);
- "correct": a false figure or the wrong person; right only when the bot shows the
  fact holding the expected string *as a correction* (« nos sources ne disent pas… »),
  and a plain answer counts as confirming the false premise;
- "refuse": another company or person, or off-topic; right when no fact is given as
  an answer (saying that no fact covers a name, with what the sources say nearby
  clearly introduced as such, is right);
- "intent": the member wants a command; right when the bot offers that command.
Questions that are not answers, given a plain answer, are counted apart: false
premises "confirmed", off-topic questions "answered with a fact".

Expected strings are matched in the fact's statement and title, in both languages.
Written so that sets in other formats (tests/data/questions*.toml: `expect` a fact id,
"" for off-topic) score alike.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import DEFAULT_FACTS, DEFAULT_INTENTS  # noqa: E402
from bot.facts.knowledge import (  # noqa: E402
    Answer,
    Correction,
    Finding,
    Knowledge,
    Unsourced,
    Wanted,
    load_knowledge,
)
from bot.facts.model import Fact  # noqa: E402
from commands import COMMANDS  # noqa: E402


def knowledge() -> Knowledge:
    return load_knowledge(DEFAULT_FACTS, DEFAULT_INTENTS, frozenset(c.name for c in COMMANDS))


def _norm(text: str) -> str:
    """Case, accents and spaces (a narrow no-break space in "17 000") folded."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u202f", " ")
    return " ".join(text.split())


def expected_fact(question: dict[str, object], fact: Fact) -> bool:
    """Whether `fact` is one the question's author would accept."""
    expect = question.get("expect")
    if isinstance(expect, str):  # the older sets name the fact
        return expect == fact.id
    text = _norm(" ".join((fact.statement.fr, fact.statement.en, fact.title.fr, fact.title.en)))
    return any(_norm(str(e)) in text for e in expect or [])  # type: ignore[attr-defined]


def kind_of(question: dict[str, object]) -> str:
    if "kind" in question:
        return str(question["kind"])
    return "answer" if question.get("expect") else "refuse"


def verdict(question: dict[str, object], found: Finding) -> bool:
    """Whether the bot's reading of the question is what a careful person would accept."""
    kind = kind_of(question)
    if kind == "answer":
        return isinstance(found, Answer) and expected_fact(question, found.fact)
    if kind == "correct":
        shown = found.fact if isinstance(found, (Correction, Unsourced)) else None
        return shown is not None and expected_fact(question, shown)
    if kind == "intent":
        return isinstance(found, Wanted) and found.intent.id in question["expect"]  # type: ignore[operator]
    return found is None or isinstance(found, Unsourced)


def describe(found: Finding) -> str:
    if isinstance(found, Wanted):
        return f"intent {found.intent.id}"
    if isinstance(found, Unsourced):
        return f"unsourced {found.names} ({found.fact.id if found.fact else '-'})"
    if isinstance(found, Correction):
        return f"correction {found.figures} {found.fact.id}"
    return found.fact.id if found else "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    known = knowledge()
    for path in args.sets:
        questions = tomllib.loads(path.read_text(encoding="utf-8"))["question"]
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        confirmed = answered_off_topic = 0
        for question in questions:
            kind = kind_of(question)
            total[kind] += 1
            found = known.understand(str(question["text"]), intents=True)
            if verdict(question, found):
                right[kind] += 1
            elif args.misses:
                print(f"  [{kind}] {question['text']!r} -> {describe(found)}")
            plain = isinstance(found, (Answer, Correction))
            confirmed += isinstance(found, Answer) and (
                kind == "correct" or question.get("category") == "false_premise_entity"
            )
            answered_off_topic += (
                plain and kind == "refuse" and question.get("category") != "false_premise_entity"
            )
        summary = ", ".join(f"{k} {right[k]}/{n} ({right[k] / n:.0%})" for k, n in total.items())
        print(f"{path.name}: {summary}")
        print(f"  false premises answered as if confirmed: {confirmed}")
        print(f"  off-topic questions given a fact: {answered_off_topic}")


if __name__ == "__main__":
    main()
