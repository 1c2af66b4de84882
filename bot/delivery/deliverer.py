"""What an adapter offers the delivery workers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.delivery.pacing import Pacing
from bot.seam import ChatRef, Reply

# Awaited with (index of the part, its message id) once the platform accepted a part.
PartSent = Callable[[int, str], Awaitable[None]]


async def not_recorded(index: int, message_id: str) -> None:
    return None


class Deliverer(Protocol):
    """Sends the bot's own posts to one platform.

    A post may take several platform messages ("parts": a long text, or the edit of
    a pinned tally and what does not fit in it). `deliver` sends the parts from
    `start` on (the earlier ones were sent before), awaiting `pace()` before each and
    `sent(index, message_id)` after the platform accepted each, so that a retry never
    sends a part twice. It edits message `replace` in place when given (part 0), pins
    the last part when `pin` is true, and returns the id of the message that holds the
    post's end (None if nothing was left to send). `key` names the post for platforms
    that can refuse a duplicate (Discord's nonce). It raises `bot.delivery.errors`.
    """

    platform: str
    pacing: Pacing
    # True when the platform refuses a part sent twice under the same `key`: then
    # several parts may be between "sent" and "recorded" at once.
    idempotent: bool

    async def deliver(
        self,
        chat: ChatRef,
        reply: Reply,
        *,
        pace: Callable[[], Awaitable[None]],
        replace: str | None = None,
        pin: bool = False,
        start: int = 0,
        sent: PartSent = not_recorded,
        key: str = "",
    ) -> str | None: ...
