"""What members write that is not a question for the fact base (bot/data/intents.toml).

Two kinds of examples: intents (« je veux m'engager » wants /pledge, « on est
combien » wants /compteur) and questions the bot answers elsewhere or not at all
(the weather, a product's price). Both are data, in French and English, so that
editors extend them without code; the file's header says how they are used.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.facts.loader import FactBaseError


@dataclass(frozen=True, slots=True)
class Intent:
    id: str
    command: str
    run: bool  # run the command at once, rather than offer it on a button
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Phrasebook:
    intents: tuple[Intent, ...]
    elsewhere: tuple[str, ...]


def load_phrasebook(path: Path, commands: frozenset[str]) -> Phrasebook:
    """Read and check the file; `commands` are the names an intent may point to."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FactBaseError(path, [f"cannot read the file: {exc}"]) from exc
    problems: list[str] = []
    for key in document.keys() - {"intent", "elsewhere"}:
        problems.append(f"unknown section '{key}' (expected [[intent]], [[elsewhere]])")
    intents = [_intent(entry, commands, problems) for entry in document.get("intent", [])]
    ids = [intent.id for intent in intents]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    problems += [f"intent '{i}': listed twice" for i in twice]
    elsewhere = [text for entry in document.get("elsewhere", []) for text in _examples(entry)]
    if problems:
        raise FactBaseError(path, problems)
    return Phrasebook(tuple(intents), tuple(elsewhere))


def _intent(entry: dict[str, Any], commands: frozenset[str], problems: list[str]) -> Intent:
    ident = str(entry.get("id", ""))
    command = str(entry.get("command", ""))
    examples = _examples(entry)
    if not ident:
        problems.append("an [[intent]] has no id")
    if command not in commands:
        problems.append(f"intent '{ident}': unknown command '{command}'")
    if not isinstance(entry.get("run"), bool):
        problems.append(f"intent '{ident}': run must be true or false")
    if not examples:
        problems.append(f"intent '{ident}': no example in fr or en")
    return Intent(ident, command, entry.get("run") is True, examples)


def _examples(entry: dict[str, Any]) -> tuple[str, ...]:
    found = [entry.get(language, []) for language in ("fr", "en")]
    return tuple(str(text) for texts in found if isinstance(texts, list) for text in texts)
