"""Timing one announcement's fan-out through a platform adapter, and reporting it."""

from __future__ import annotations

import asyncio
import time

from bot.app import App
from bot.delivery.publish import publish
from bot.runtime import PlatformAdapter, serving
from storage.api.records import Counts

POLL_S = 0.2


async def timed_fanout(app: App, adapter: PlatformAdapter, text: str) -> tuple[float, Counts]:
    """Start the adapter and its worker, publish `text`, and time until nothing is pending."""
    async with serving(app, adapter):
        started = time.perf_counter()
        broadcast = await publish(app.services, "announcement", lambda _: text)
        assert broadcast is not None
        while (counts := await app.storage.outbox.count_deliveries(broadcast)).pending:
            await asyncio.sleep(POLL_S)
        return time.perf_counter() - started, counts


def report(
    platform: str, counts: Counts, chats: int, elapsed: float, rate: float, rejected: int
) -> None:
    floor = chats / rate
    over = 100 * (elapsed / floor - 1)
    print(f"{platform} fan-out: {counts.sent} of {chats} chats in {elapsed:.1f} s")
    print(f"{platform} fan-out: floor {floor:.1f} s, {over:+.1f} % over; 429 received: {rejected}")
