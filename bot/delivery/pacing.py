"""Each platform's sending limits.

Messages are spaced on a fixed timeline (`Cadence`): each takes the next free slot, so a
caller woken a little late does not push every later slot back (a leaky bucket of one,
aiolimiter's, starts each wait from when the last caller actually went: on a busy event
loop that lateness added up to 3 % of a fan-out). A late caller may then go close to
the next one, so the overall limit is also kept from the answers: a message goes no
sooner than a second after the answer to the one `per_second` places before it, and the
platform, which counts each message between the two, never sees one too many in any
second, whatever the jitter. A chat's own limit keeps a 2 % margin for timing jitter.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from dataclasses import dataclass

from bot.seam import ChatKind, ChatRef

MARGIN = 1.02


@dataclass(frozen=True, slots=True)
class Pacing:
    per_second: float | None = None
    per_chat_per_minute: float | None = None
    per_chat_kinds: frozenset[ChatKind] = frozenset({ChatKind.GROUP, ChatKind.CHANNEL})


TELEGRAM = Pacing(per_second=30, per_chat_per_minute=20)
# Well under Discord's global limit of 50 requests/s: room for answering interactions.
DISCORD = Pacing(per_second=40, per_chat_per_minute=60, per_chat_kinds=frozenset(ChatKind))
UNLIMITED = Pacing()


def handover(pacing: Pacing) -> float:
    """How long after one sender's last message another may start with pacing of its
    own and keep every limit: the longest span a limit counts over."""
    spans = [MARGIN * 1.0] if pacing.per_second else []
    if pacing.per_chat_per_minute:
        spans.append(MARGIN * 60 / pacing.per_chat_per_minute)
    return max(spans, default=0.0)


class Cadence:
    """One caller every `span / count` seconds, each in the next free slot; and when
    callers say when they are `done`, none sooner than `span` after the `count`-th
    caller before it was done.

    With several callers awaiting their answer at once (`pending`), only `count - pending`
    of the `count` before a caller are done: it goes no sooner than `span` after the
    oldest of those, since every caller done earlier reached the platform before then,
    whatever order the answers came in. (A caller that finds `count` or more pending
    has only the timeline to go by.)"""

    def __init__(self, count: int, span: float) -> None:
        self.count, self.span, self.interval = count, span, span / count
        self._next = 0.0
        self._done: deque[float] = deque(maxlen=count)
        self._pending = 0

    async def acquire(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next)
        counted = self.count - self._pending  # the callers before this one that are done
        if 0 < counted <= len(self._done):
            slot = max(slot, self._done[-counted] + self.span)
        self._next = slot + self.interval
        self._pending += 1
        try:
            if slot > now:
                await asyncio.sleep(slot - now)
        except BaseException:  # cancelled before its turn: it never went
            self._pending -= 1
            raise

    def done(self) -> None:
        self._pending = max(self._pending - 1, 0)
        self._done.append(asyncio.get_running_loop().time())


class Pacer:
    """Waits until one more message may go to `chat` without exceeding the pacing: the
    chat's own limit first (`chat_turn`), then the platform's overall one (`turn`)."""

    def __init__(self, pacing: Pacing, remembered_chats: int = 10_000) -> None:
        self.pacing = pacing
        self._overall = Cadence(int(pacing.per_second), 1.0) if pacing.per_second else None
        self._chats: OrderedDict[str, Cadence] = OrderedDict()
        self._remembered = remembered_chats

    async def wait(self, chat: ChatRef) -> None:
        await self.chat_turn(chat)
        await self.turn()

    async def chat_turn(self, chat: ChatRef) -> None:
        per_chat = self.pacing.per_chat_per_minute
        if per_chat and chat.kind in self.pacing.per_chat_kinds:
            await self._chat_cadence(chat.id, per_chat).acquire()

    async def turn(self) -> None:
        if self._overall is not None:
            await self._overall.acquire()

    def done(self) -> None:
        """The platform answered the message last let through (or took too long to)."""
        if self._overall is not None:
            self._overall.done()

    def _chat_cadence(self, chat_id: str, per_minute: float) -> Cadence:
        cadence = self._chats.pop(chat_id, None) or Cadence(1, MARGIN * 60 / per_minute)
        self._chats[chat_id] = cadence
        if len(self._chats) > self._remembered:
            self._chats.popitem(last=False)
        return cadence
