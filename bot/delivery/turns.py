"""The way of one post's parts through the pacing and the window of parts in flight.

Each part waits for its chat's turn, then for a place in the worker's window, then for
the platform's turn, and gives its place back once its outcome is known. The pacing
counts from the platform's answer, not from the commit that records the part after it.

Where the platform cannot refuse a repeat, every part between "sent" and "recorded" may
be sent again after a crash. The window then holds few parts (one by default), and a
part whose answer is `late_after` seconds late gives its window place back rather than
stall every chat; it still holds its place among the parts in doubt, which number one
more than the window at most, however many answers are late.
"""

from __future__ import annotations

import asyncio
import logging

from bot.delivery.pacing import Pacer
from bot.seam import ChatRef

log = logging.getLogger(__name__)


class PartTurns:
    def __init__(
        self,
        pacer: Pacer,
        window: asyncio.Semaphore,
        chat: ChatRef,
        late_after: float | None,
        in_doubt: asyncio.Semaphore | None = None,
    ) -> None:
        self.pacer, self.window, self.chat, self.late_after = pacer, window, chat, late_after
        self.in_doubt = in_doubt
        self._holding, self._doubting, self._counted = False, False, True
        self._late: asyncio.TimerHandle | None = None

    async def enter(self) -> None:
        """Wait until the next part may be sent."""
        await self.pacer.chat_turn(self.chat)
        if self.in_doubt is not None:
            await self.in_doubt.acquire()
            self._doubting = True
        await self.window.acquire()
        self._holding = True
        await self.pacer.turn()
        self._counted = False
        if self.late_after is not None:
            self._late = asyncio.get_running_loop().call_later(self.late_after, self._late_answer)

    def answered(self) -> None:
        """The platform answered the part. Its place stays taken until it is recorded,
        however long that takes: only a late answer lets the next part go."""
        if self._late is not None:
            self._late.cancel()
        if not self._counted:
            self._counted = True
            self.pacer.done()

    def leave(self) -> None:
        """The part's outcome is known (recorded, or failed): its places are free."""
        self.answered()
        self._free_window()
        if self._doubting:
            self._doubting = False
            assert self.in_doubt is not None
            self.in_doubt.release()

    def _late_answer(self) -> None:
        # Logged because it is the one moment when a crash may repeat two parts.
        log.info("a part's answer is late: the next part goes without waiting for it")
        self.answered()
        self._free_window()

    def _free_window(self) -> None:
        if self._holding:
            self._holding = False
            self.window.release()
