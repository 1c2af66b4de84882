"""Fact base latency: building the index, and answering every question of the evaluation set.

Run with `make bench` or `.venv/bin/python bench/bench_facts.py`. It measures the
search alone, finding the entities each question names, then the whole /faits command
through the console adapter (with its SQLite write), on the shipped data/facts.toml and
every tests/data/questions*.toml.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import latency_summary  # noqa: E402
from bot.adapters.console import ConsoleAdapter  # noqa: E402
from bot.app import open_app  # noqa: E402
from bot.config import DEFAULT_FACTS, Config  # noqa: E402
from bot.facts.entities import EntityFinder  # noqa: E402
from bot.facts.search import FactIndex, load_index  # noqa: E402

ROUNDS = 200
QUESTION_SETS = sorted((ROOT / "tests" / "data").glob("questions*.toml"))


def questions() -> list[str]:
    texts = []
    for path in QUESTION_SETS:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        texts += [entry["text"] for entry in document["question"]]
    return texts


def bench_search(texts: list[str]) -> FactIndex:
    started = time.perf_counter()
    index = load_index(DEFAULT_FACTS)
    print(
        f"load + index: {(time.perf_counter() - started) * 1000:.1f} ms, "
        f"{len(index.base.facts)} facts"
    )
    samples = []
    for _ in range(ROUNDS):
        for text in texts:
            started = time.perf_counter()
            index.answer(text)
            samples.append(time.perf_counter() - started)
    print(f"search: n={len(samples)} {latency_summary(samples)}")
    return index


def bench_entities(index: FactIndex, texts: list[str]) -> None:
    started = time.perf_counter()
    finder = EntityFinder(index.base)
    print(
        f"entity finder: {(time.perf_counter() - started) * 1000:.1f} ms, "
        f"{len(index.base.entities)} entities"
    )
    samples = []
    for _ in range(ROUNDS):
        for text in texts:
            started = time.perf_counter()
            finder.named(text)
            samples.append(time.perf_counter() - started)
    print(f"entities named: n={len(samples)} {latency_summary(samples)}")


async def bench_command(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Config(database=Path(folder) / "bench.db")
        async with open_app(config) as app:
            console = ConsoleAdapter(app, "bench", language="fr", image_dir=Path(folder))
            samples = []
            for _ in range(ROUNDS // 20):
                for text in texts:
                    started = time.perf_counter()
                    await console.say(f"/faits {text}")
                    samples.append(time.perf_counter() - started)
    print(f"/faits through the console, with its SQLite write: {latency_summary(samples)}")


def main() -> None:
    texts = questions()
    bench_entities(bench_search(texts), texts)
    asyncio.run(bench_command(texts))


if __name__ == "__main__":
    main()
