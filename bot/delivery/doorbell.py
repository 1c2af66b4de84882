"""How the delivery workers learn that posts were queued, without polling.

A worker takes a `listen()` ticket before it looks at the outbox and waits on it once
it found nothing to do: a ring between the two is not missed, and every worker
(one per platform) hears every ring.
"""

from __future__ import annotations

import asyncio


class Doorbell:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def listen(self) -> asyncio.Event:
        """An event set at the next ring."""
        return self._event
