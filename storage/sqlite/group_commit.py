"""Group commit: concurrent writes of one kind share a transaction.

A transaction costs several thread hops to the SQLite connection (BEGIN, the
statements, COMMIT) whatever it holds, and only one runs at a time. So the
requests that arrive while a batch is being written wait for the next one,
which writes them all together: one member alone still gets an immediate
transaction, a crowd gets a few large ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import aiosqlite

from storage.sqlite.db import Database

T = TypeVar("T")
R = TypeVar("R")
BatchWriter = Callable[[aiosqlite.Connection, Sequence[T]], Awaitable[Sequence[R]]]


class GroupCommit(Generic[T, R]):
    """Runs `write(conn, items)` inside `db.write()`, one result per item, in order."""

    def __init__(self, db: Database, write: BatchWriter[T, R], *, max_batch: int = 512) -> None:
        self._db = db
        self._write = write
        self._max_batch = max_batch
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                try:
                    async with self._db.write() as conn:
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
            self._flushing = None
