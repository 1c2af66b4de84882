"""Group commit, for any backend: concurrent writes of one kind share a transaction.

A transaction costs round trips (thread hops to SQLite's connection, or packets to a
server) whatever it holds, so the requests that arrive while batches are being written
wait for the next one, which writes them all together: one member alone still gets an
immediate transaction, a crowd gets a few large ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """Runs `write(items)` for the items waiting, one result per item, in order; up to
    `max_inflight` batches at once (1 where the database has a single writer)."""

    def __init__(
        self,
        write: Callable[[Sequence[T]], Awaitable[Sequence[R]]],
        *,
        max_batch: int = 512,
        max_inflight: int = 1,
    ) -> None:
        self._write = write
        self._max_batch = max_batch
        self._slots = max_inflight
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._flushing: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._slots:
            self._slots -= 1
            task = asyncio.create_task(self._flush())
            self._flushing.add(task)
            task.add_done_callback(self._flushing.discard)
        return await future

    async def _flush(self) -> None:
        try:
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                try:
                    results = await self._write([item for item, _ in batch])
                    answers = list(zip(batch, results, strict=True))
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in answers:
                    if not future.done():  # its caller may have given up waiting
                        future.set_result(result)
        finally:
            self._slots += 1
