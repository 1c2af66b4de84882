"""What an adapter offers the delivery workers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.delivery.pacing import Pacing
from bot.seam import ChatRef, Reply


class Deliverer(Protocol):
    """Sends the bot's own posts to one platform.

    `deliver` awaits `pace()` before every platform message it sends (a long
    post may take several), edits message `replace` in place when given, pins
    what it sent when `pin` is true, and returns the id of the message that
    holds the post. It raises the errors of `bot.delivery.errors`.
    """

    platform: str
    pacing: Pacing

    async def deliver(
        self,
        chat: ChatRef,
        reply: Reply,
        *,
        pace: Callable[[], Awaitable[None]],
        replace: str | None = None,
        pin: bool = False,
    ) -> str | None: ...
