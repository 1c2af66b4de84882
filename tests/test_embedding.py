"""Sentence vectors: the real model, kept in a file so that a restart embeds nothing again."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.config import DEFAULT_FACTS, DEFAULT_INTENTS
from bot.facts.embedding import (
    Vectors,
    VectorStore,
    model_thread_call,
    on_model_thread,
    shared_embedder,
    vector_file,
)
from bot.facts.hybrid import fact_passages
from bot.facts.knowledge import load_knowledge
from bot.facts.loader import load_factbase
from bot.facts.phrasebook import load_phrasebook
from commands import COMMANDS

NAMES = frozenset(spec.name for spec in COMMANDS)


class Counting:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self._model = shared_embedder()
        self.name = self._model.name
        self.embedded: list[str] = []

    def queries(self, texts: Sequence[str]) -> Vectors:
        self.embedded += texts
        return self._model.queries(texts)

    def passages(self, texts: Sequence[str]) -> Vectors:
        self.embedded += texts
        return self._model.passages(texts)


def test_meaning_is_closer_than_words_across_languages() -> None:
    model = shared_embedder()
    question = model.queries(["il a lâché combien de thunes à trump le boss d'openai"])[0]
    facts = model.passages(
        [
            "Greg Brockman, président d'OpenAI, a donné 12,5 millions de dollars à MAGA Inc.",
            "Claude, d'Anthropic, est passé premier de l'App Store.",
        ]
    )
    money, app_store = facts @ question
    assert money > app_store
    english = model.queries(["How much did OpenAI's president give to Trump?"])[0]
    assert float(facts[0] @ english) > float(facts[1] @ english)
    assert np.allclose(np.linalg.norm(facts, axis=1), 1.0, atol=1e-3)


def test_vectors_are_computed_once_and_kept_in_a_file(tmp_path: Path) -> None:
    path = vector_file(tmp_path / "facts.toml")
    assert path.name == "facts.vectors.npz"
    model = Counting()
    store = VectorStore(path)
    first = store.embed(model, "passage", ["un", "deux", "un"])
    assert model.embedded == ["un", "deux"]
    store.save()
    again = VectorStore(path)
    assert again.missing(model.name, "passage", ["un", "deux"]) == 0
    assert again.missing(model.name, "query", ["un"]) == 1  # a query is embedded apart
    assert np.array_equal(again.embed(model, "passage", ["un", "deux", "un"]), first)
    assert model.embedded == ["un", "deux"]


def test_a_saved_file_keeps_only_the_texts_still_used(tmp_path: Path) -> None:
    path = tmp_path / "facts.vectors.npz"
    model = Counting()
    store = VectorStore(path)
    store.embed(model, "passage", ["ancien", "gardé"])
    store.save()
    edited = VectorStore(path)
    edited.embed(model, "passage", ["gardé", "nouveau"])
    edited.save()
    assert VectorStore(path).missing(model.name, "passage", ["ancien"]) == 1
    assert model.embedded == ["ancien", "gardé", "nouveau"]


def test_an_unwritable_or_broken_file_costs_time_not_answers(tmp_path: Path) -> None:
    broken = tmp_path / "facts.vectors.npz"
    broken.write_bytes(b"not a vector file")
    store = VectorStore(broken)
    vectors = store.embed(Counting(), "query", ["bonjour"])
    assert vectors.shape == (1, 384)
    store.save()  # replaces the broken file
    assert VectorStore(broken).missing(Counting().name, "query", ["bonjour"]) == 0
    unwritable = VectorStore(tmp_path / "missing-folder" / "facts.vectors.npz")
    unwritable.embed(Counting(), "query", ["bonjour"])
    unwritable.save()  # logged, not raised: the vectors stay in memory
    assert unwritable.missing(Counting().name, "query", ["bonjour"]) == 0


def test_the_shipped_vectors_cover_the_shipped_data() -> None:
    """A fresh install starts without embedding anything."""
    base = load_factbase(DEFAULT_FACTS)
    book = load_phrasebook(DEFAULT_INTENTS, NAMES)
    name = shared_embedder().name
    facts = VectorStore(vector_file(DEFAULT_FACTS))
    assert (
        facts.missing(name, "passage", [p for f in base.facts for p in fact_passages(base, f)]) == 0
    )
    assert facts.missing(name, "query", [q for f in base.facts for q in f.asked]) == 0
    examples = [e for intent in book.intents for e in intent.examples] + list(book.elsewhere)
    assert VectorStore(vector_file(DEFAULT_INTENTS)).missing(name, "query", examples) == 0


async def test_every_call_to_the_model_runs_on_its_one_thread() -> None:
    """One OpenMP team: the thread that runs the model is always the same, from any caller,
    and a call made from that thread (understand embedding its question) runs at once."""

    def where() -> str:
        return threading.current_thread().name

    from_loop = on_model_thread(where)
    from_elsewhere = await asyncio.to_thread(on_model_thread, where)
    nested = await model_thread_call(on_model_thread, where)
    assert from_loop == from_elsewhere == nested
    assert from_loop.startswith("embedding") and from_loop != where()


def test_a_question_asked_again_is_not_embedded_again() -> None:
    model = Counting()
    known = load_knowledge(DEFAULT_FACTS, DEFAULT_INTENTS, NAMES, model)
    assert model.embedded == []  # everything else came from the shipped vectors
    first = known.understand("combien a donné Brockman ?")
    assert known.understand("combien a donné Brockman ?") == first
    assert model.embedded == ["combien a donné Brockman ?"]
