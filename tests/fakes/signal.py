"""Waking the tests that wait on a fake platform whenever it records something."""

from __future__ import annotations

import asyncio
import contextlib


class Signal:
    """Wakes async waiters; ``fire()`` is synchronous so sync test helpers can call it."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Wait for the next ``fire()``, at most ``timeout`` seconds."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(timeout, 0))
