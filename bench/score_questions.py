"""Scores /faits on a question set written blind, from the articles only.

Usage: `.venv/bin/python bench/score_questions.py tests/data/blind_set1.toml [--misses]`

Each question has a kind: "answer" (right when the fact given holds one of the
expected strings, which the author copied from the articles), "correct" (a
false figure: right only when the fact is given *as a correction*), "refuse"
(another entity, or off-topic: right when no fact is given as an answer) and
"intent" (the member wants a command, not a fact). Expected strings are matched
in the fact's statement, title and source, in both languages.
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

from bot.config import DEFAULT_FACTS  # noqa: E402
from bot.facts.model import Fact  # noqa: E402
from bot.facts.search import FactIndex, load_index  # noqa: E402


def _norm(text: str) -> str:
    """Case, accents and spaces (a narrow no-break space in "17 000") folded."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u202f", " ")
    return " ".join(text.split())


def fact_text(fact: Fact) -> str:
    parts = [fact.statement.fr, fact.statement.en, fact.title.fr, fact.title.en]
    return _norm(" ".join(parts))


def verdict(index: FactIndex, question: dict[str, object]) -> bool:
    """Whether the bot's answer to `question` is what a careful person would accept."""
    answer = index.answer(str(question["text"]))
    kind = question["kind"]
    expected = [_norm(str(e)) for e in question.get("expect", [])]  # type: ignore[attr-defined]
    if kind == "answer":
        return answer is not None and any(e in fact_text(answer.fact) for e in expected)
    # Without a premise check or intents, nothing is ever given as a correction or a
    # command: a "correct" or "intent" question is right only once the bot knows how.
    if kind in ("correct", "intent"):
        return False
    return answer is None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    index = load_index(DEFAULT_FACTS)
    for path in args.sets:
        questions = tomllib.loads(path.read_text(encoding="utf-8"))["question"]
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for question in questions:
            kind = str(question["kind"])
            total[kind] += 1
            if verdict(index, question):
                right[kind] += 1
            elif args.misses:
                got = index.answer(str(question["text"]))
                print(f"  [{kind}] {question['text']!r} -> {got.fact.id if got else '-'}")
        summary = ", ".join(f"{k} {right[k]}/{n} ({right[k] / n:.0%})" for k, n in total.items())
        print(f"{path.name}: {summary}")


if __name__ == "__main__":
    main()
