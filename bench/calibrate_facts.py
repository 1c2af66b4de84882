"""Fits when /faits answers, and when free text is a command, on the calibration sets.

Usage: `.venv/bin/python bench/calibrate_facts.py`

Calibration sets: the model is fitted on tests/data/blind_set1.toml and blind_set3.toml
(written blind from the articles) and tests/data/questions.toml; its threshold and the
intent rule are chosen on blind_set1 to blind_set6 and questions.toml. Never
questions_heldout.toml: it measures what the choice is worth on questions it did not see.

- The answer model: a logistic regression over `Signals.features()` of the best-ranked
  fact, fitted to tell on-topic questions (those with an expected fact) from off-topic
  ones. Questions about someone the base does not cover are left out of the fit when the
  premise guard catches them.
- Its threshold: the one with the most questions read right less WRONG_ANSWER_COST for
  each question to refuse that gets a fact, each question read as members get it, the
  premise guard included: a question the guard refuses (someone no fact covers, a salary
  no fact holds) never counts against a threshold, and a fact that answers the wrong
  question never counts for it.
- The lower threshold under which no fact is shown even as what the sources say
  instead of a doubtful premise: it prints the off-topic questions that get one.
- The intent rule: the mean closeness to an intent's two nearest examples (the middle of
  the floors that recognise the most intents and turn no other calibration question into a
  command); its nearest example must also be nearer than every fact, by INTENT_MARGIN.

It prints the constants for bot/facts/hybrid.py and bot/facts/knowledge.py, and the
figures the README quotes.
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.score_questions import kind_of, knowledge, verdict  # noqa: E402
from bot.facts.knowledge import Answer, Correction, Knowledge, Reading, Unsourced  # noqa: E402

SETS = ("blind_set1.toml", "blind_set3.toml", "questions.toml")
# The threshold is chosen on every set written blind, and the project's own.
THRESHOLD_SETS = (*(f"blind_set{n}.toml" for n in range(1, 7)), "questions.toml")
# A fact given to a question it should not answer (off-topic, or a false premise the guard
# does not catch) costs as much as this many questions refused that it would have answered.
WRONG_ANSWER_COST = 10


def _questions(names: tuple[str, ...]) -> list[dict[str, object]]:
    found = []
    for name in names:
        document = tomllib.loads((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        found += document["question"]
    return found


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent on standardised features, returned in raw units."""
    mean, spread = x.mean(axis=0), x.std(axis=0)
    z = (x - mean) / spread
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(20000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.1 * (z.T @ (p - y) / len(y) + 0.01 * w)
        b -= 0.1 * float((p - y).mean())
    return w / spread, b - float((w * mean / spread).sum())


def _threshold(p: np.ndarray, good: np.ndarray, bad: np.ndarray) -> float:
    """The threshold with the most right answers less WRONG_ANSWER_COST per question to refuse
    that it lets through, rounded up as it is printed."""
    best, chosen = -math.inf, 1.0
    for candidate in np.unique(p):
        t = math.ceil(float(candidate) * 1e4) / 1e4
        value = int(((p >= t) & good).sum()) - WRONG_ANSWER_COST * int(((p >= t) & bad).sum())
        if value > best:
            best, chosen = value, t
    return chosen


def _outcomes(
    known: Knowledge, questions: list[dict[str, object]]
) -> tuple[np.ndarray, np.ndarray]:
    """For each question, whether the bot would read it right, and whether it would give a
    fact to a question it should refuse, once the answer model lets it through: the premise
    guard runs as it does for members (a question it refuses never counts against a
    threshold)."""
    good, bad = [], []
    for question in questions:
        found = known.understand(str(question["text"]), threshold=0.0)
        plain = isinstance(found, (Answer, Correction))
        good.append(verdict(question, found) and plain)
        bad.append(plain and kind_of(question) == "refuse")
    return np.array(good), np.array(bad)


def main() -> None:
    known = knowledge()
    readings = [(q, known.read(str(q["text"]))) for q in _questions(SETS)]
    rows, labels = [], []
    for question, reading in readings:
        guarded = question.get("category") == "false_premise_entity" and isinstance(
            known.understand(str(question["text"])), Unsourced
        )
        if kind_of(question) == "intent" or guarded:
            continue
        rows.append(reading.ranked.signals.features())
        labels.append(1.0 if kind_of(question) in ("answer", "correct") else 0.0)
    weights, bias = _fit(np.array(rows), np.array(labels))
    print(f"fitted on {len(labels)} questions, {int(sum(labels))} to answer")
    print(f"WEIGHTS = {tuple(round(float(w), 4) for w in weights)}")
    print(f"BIAS = {bias:.4f}")
    chosen = [q for q in _questions(THRESHOLD_SETS) if kind_of(q) != "intent"]
    features = np.array([known.read(str(q["text"])).ranked.signals.features() for q in chosen])
    p = 1 / (1 + np.exp(-(features @ weights + bias)))
    read_right, given = _outcomes(known, chosen)
    threshold = _threshold(p, read_right, given)
    print(f"THRESHOLD = {threshold:.4f}")
    on_topic = sum(kind_of(q) in ("answer", "correct") for q in chosen)
    refuse = len(chosen) - on_topic
    print(f"on the threshold sets: read right {int(((p >= threshold) & read_right).sum())}")
    print(f"  of {on_topic} to answer or correct and {refuse} to refuse;")
    print(f"  questions to refuse given a fact {int(((p >= threshold) & given).sum())}/{refuse}")
    _nearby(known, readings)
    _intents([(q, known.read(str(q["text"]))) for q in _questions(THRESHOLD_SETS)])


def _nearby(known: Knowledge, readings: list[tuple[dict[str, object], Reading]]) -> None:
    """Off-topic questions shown a fact as what the sources say (THRESHOLD_NEARBY)."""
    off_topic = [
        q
        for q, _ in readings
        if q.get("kind", "refuse" if not q.get("expect") else "") == "refuse"
        and q.get("category") != "false_premise_entity"
    ]
    shown = [
        q["text"]
        for q in off_topic
        if isinstance(found := known.understand(str(q["text"])), (Correction, Unsourced))
        and found.fact is not None
    ]
    print(f"off-topic shown a fact as what the sources say: {len(shown)}/{len(off_topic)} {shown}")


def _intents(readings: list[tuple[dict[str, object], Reading]]) -> None:
    """The intent floor in the middle of those that recognise the most intents and make no
    other question a command (away from the edge of either mistake); an intent must also be
    nearer than every fact."""
    rules: list[tuple[int, float]] = []
    for floor in np.arange(0.80, 0.97, 0.005):
        wins, wrong = 0, 0
        for question, reading in readings:
            intent = reading.intent(float(floor))
            wanted = question.get("kind") == "intent"
            wins += intent is not None and wanted and intent.id in question.get("expect", [])  # type: ignore[operator]
            wrong += intent is not None and not wanted
        if wrong == 0:
            rules.append((wins, round(float(floor), 3)))
    most = max(wins for wins, _ in rules)
    floors = [floor for wins, floor in rules if wins == most]
    intents = sum(q.get("kind") == "intent" for q, _ in readings)
    print(f"INTENT_MIN = {floors[len(floors) // 2]:.3f} (from {floors[0]} to {floors[-1]})")
    print(f"intents recognised {most}/{intents}, no other question taken for a command")


if __name__ == "__main__":
    main()
