"""Group commit on a pool: concurrent writes of one kind share a transaction.

A transaction costs a few round trips to the server whatever it holds, so the
requests that arrive while batches are being written wait for the next one. Unlike
SQLite's single writer, several batches may be written at once, each on its own
connection of the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import asyncpg

T = TypeVar("T")
R = TypeVar("R")
BatchWriter = Callable[[asyncpg.Connection, Sequence[T]], Awaitable[Sequence[R]]]


class PoolGroupCommit(Generic[T, R]):
    """Runs `write(conn, items)` on a connection of the pool, one result per item, in
    order; `write` opens its transaction (and may do more once it is committed)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        write: BatchWriter[T, R],
        *,
        max_batch: int = 512,
        max_inflight: int = 8,
    ) -> None:
        self._pool = pool
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
                    async with self._pool.acquire() as conn:
                        results = await self._write(conn, [item for item, _ in batch])
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
