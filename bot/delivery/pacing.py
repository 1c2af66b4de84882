"""Each platform's sending limits, enforced with leaky-bucket limiters.

A bucket of capacity one spaces messages evenly instead of letting a burst
through, and a 2 % margin keeps timing jitter from putting one message too many
in any window, so a fan-out never trips the platform's own limits. Discord's
overall pace needs no margin: 40 messages/s is already well under its global
limit of 50 requests/s, which leaves room for answering interactions.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from aiolimiter import AsyncLimiter

from bot.seam import ChatKind, ChatRef

MARGIN = 1.02


@dataclass(frozen=True, slots=True)
class Pacing:
    per_second: float | None = None
    per_chat_per_minute: float | None = None
    per_chat_kinds: frozenset[ChatKind] = frozenset({ChatKind.GROUP, ChatKind.CHANNEL})
    overall_margin: float = MARGIN


TELEGRAM = Pacing(per_second=30, per_chat_per_minute=20)
DISCORD = Pacing(
    per_second=40, per_chat_per_minute=60, per_chat_kinds=frozenset(ChatKind), overall_margin=1.0
)
UNLIMITED = Pacing()


class Pacer:
    """Waits until one more message may go to `chat` without exceeding the pacing."""

    def __init__(self, pacing: Pacing, remembered_chats: int = 10_000) -> None:
        self.pacing = pacing
        self._overall = (
            AsyncLimiter(1, pacing.overall_margin / pacing.per_second)
            if pacing.per_second
            else None
        )
        self._chats: OrderedDict[str, AsyncLimiter] = OrderedDict()
        self._remembered = remembered_chats

    async def wait(self, chat: ChatRef) -> None:
        per_chat = self.pacing.per_chat_per_minute
        if per_chat and chat.kind in self.pacing.per_chat_kinds:
            await self._chat_limiter(chat.id, per_chat).acquire()
        if self._overall is not None:
            await self._overall.acquire()

    def _chat_limiter(self, chat_id: str, per_minute: float) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None) or AsyncLimiter(1, MARGIN * 60 / per_minute)
        self._chats[chat_id] = limiter
        if len(self._chats) > self._remembered:
            self._chats.popitem(last=False)
        return limiter
