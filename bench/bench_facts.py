"""Fact base latency and memory: building what /faits knows, and answering every question.

Run with `make bench` or `.venv/bin/python bench/bench_facts.py`. On the shipped
bot/data/facts.toml and bot/data/intents.toml, with the questions of tests/data/questions*.toml
and blind_set*.toml, it measures:

- the memory the embedding model adds to the process (resident set, before and after),
  against a process holding the fact base and its lexical index alone;
- building the knowledge cold (every text embedded) and warm (vectors read from the
  files shipped next to the data);
- the reference ceiling: embedding a question alone, which every answer must do;
- understanding a question (embedding, ranking, premises, intents), each question once,
  then asked again (its vector is kept); the lexical search and the entity finder alone;
- the whole /faits command through the console adapter, with its SQLite writes, each
  question once.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import latency_summary  # noqa: E402
from bot.adapters.console import ConsoleAdapter  # noqa: E402
from bot.app import open_app  # noqa: E402
from bot.config import DEFAULT_FACTS, DEFAULT_INTENTS, Config  # noqa: E402
from bot.facts.embedding import shared_embedder  # noqa: E402
from bot.facts.entities import EntityFinder  # noqa: E402
from bot.facts.knowledge import Knowledge, load_knowledge  # noqa: E402
from commands import COMMANDS  # noqa: E402

# Each question once where the model embeds it: a question asked again reuses its vector.
ROUNDS = 3
QUESTION_SETS = [
    *sorted((ROOT / "tests" / "data").glob("questions*.toml")),
    *sorted((ROOT / "tests" / "data").glob("blind_set*.toml")),
]
NAMES = frozenset(spec.name for spec in COMMANDS)


def questions() -> list[str]:
    texts = []
    for path in QUESTION_SETS:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        texts += [entry["text"] for entry in document["question"]]
    return texts


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(texts: list[str], rounds: int, call: Callable[[str], object]) -> str:
    samples = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            call(text)
            samples.append(time.perf_counter() - started)
    return latency_summary(samples)


def resident_without_model() -> float:
    """The resident memory of a process holding the fact base and its lexical index only,
    as the bot did before sentence vectors: the reference for what the model adds."""
    code = (
        "from bench.bench_facts import resident_mb\n"
        "from bot.config import DEFAULT_FACTS\n"
        "from bot.facts.search import FactIndex\n"
        "from bot.facts.loader import load_factbase\n"
        "index = FactIndex(load_factbase(DEFAULT_FACTS))\n"
        "print(resident_mb())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    return float(done.stdout.strip())


def bench_build() -> Knowledge:
    print(
        f"reference, fact base and lexical index alone: {resident_without_model():.0f} MB resident"
    )
    before = resident_mb()
    model = shared_embedder()
    model.queries(["warm-up"])
    print(f"embedding model: +{resident_mb() - before:.0f} MB resident ({before:.0f} MB before)")
    with tempfile.TemporaryDirectory() as folder:
        for source in (DEFAULT_FACTS, DEFAULT_INTENTS):
            shutil.copy(source, folder)
        shutil.copytree(DEFAULT_FACTS.parent / "articles", Path(folder) / "articles")
        started = time.perf_counter()
        load_knowledge(
            Path(folder) / DEFAULT_FACTS.name, Path(folder) / DEFAULT_INTENTS.name, NAMES
        )
        print(f"knowledge built cold (every text embedded): {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    known = load_knowledge(DEFAULT_FACTS, DEFAULT_INTENTS, NAMES)
    print(
        f"knowledge built warm (shipped vectors): {(time.perf_counter() - started) * 1000:.0f} ms, "
        f"{len(known.base.facts)} facts, {len(known.base.entities)} entities; "
        f"{resident_mb():.0f} MB resident"
    )
    return known


async def bench_command(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Config(database=Path(folder) / "bench.db")
        async with open_app(config) as app:
            console = ConsoleAdapter(app, "bench", language="fr", image_dir=Path(folder))
            samples = []
            for text in texts:
                started = time.perf_counter()
                await console.say(f"/faits {text}")
                samples.append(time.perf_counter() - started)
    print(f"/faits through the console, with its SQLite writes: {latency_summary(samples)}")
    spins, policy = os.environ.get("GOMP_SPINCOUNT"), os.environ.get("OMP_WAIT_POLICY")
    print(f"GOMP_SPINCOUNT={spins}, OMP_WAIT_POLICY={policy}; load {os.getloadavg()[0]:.1f}")


def main() -> None:
    texts = questions()
    print(f"{len(texts)} questions, {ROUNDS} rounds; load average {os.getloadavg()[0]:.1f}")
    known = bench_build()
    model = shared_embedder()
    reference = timed(texts, 1, lambda text: model.queries([text]))
    print(f"reference, embedding a question alone: {reference}")
    print(f"understanding a question: {timed(texts, 1, known.understand)}")
    print(f"understanding a question asked again: {timed(texts[-200:], 1, known.understand)}")
    print(f"lexical search alone: {timed(texts, ROUNDS, known.lexical.rank)}")
    finder = EntityFinder(known.base)
    print(f"entities named: {timed(texts, ROUNDS, finder.named)}")
    asyncio.run(bench_command(texts))


if __name__ == "__main__":
    main()
