"""A delivery worker: sends one platform's pending outbox rows, one at a time.

Each delivery is marked in its own commit right after the platform accepted it,
so a crash can repeat at most the one message that was in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from bot.delivery.deliverer import Deliverer
from bot.delivery.errors import (
    ChatGone,
    ChatMoved,
    DeliveryError,
    PermanentFailure,
)
from bot.delivery.pacing import Pacer
from bot.delivery.report import queue_report
from bot.delivery.retry import retrying
from bot.lifecycle import chat_gone, chat_moved
from bot.seam import ChatKind, ChatRef, Reply
from bot.services import Services
from storage.outbox import Delivery, delivery_status, due_deliveries, finish_delivery, next_due_time
from storage.subscriptions import get_subscription, set_tally_message

log = logging.getLogger(__name__)
IDLE_POLL = timedelta(seconds=60)


class DeliveryWorker:
    def __init__(
        self,
        services: Services,
        deliverer: Deliverer,
        *,
        max_failures: int = 5,
        backoff: tuple[float, float] = (0.5, 30.0),
    ) -> None:
        self.services = services
        self.deliverer = deliverer
        self.platform = deliverer.platform
        self.pacer = Pacer(deliverer.pacing)
        self.max_failures = max_failures
        self.backoff = backoff
        self._wake = asyncio.Event()
        self._stopping = False
        services.delivery_wakers.append(self._wake.set)

    @contextlib.asynccontextmanager
    async def active(self, grace: float = 30.0) -> AsyncIterator[None]:
        """Deliver in the background during the block; at its end let the message in
        flight finish (within `grace` seconds) so a clean stop repeats nothing."""
        task = asyncio.create_task(self.run(), name=f"delivery-{self.platform}")
        try:
            yield
        finally:
            self._stopping = True
            self._wake.set()
            try:
                await asyncio.wait_for(task, grace)
            except TimeoutError:
                log.warning(
                    "delivery worker stopped mid-delivery", extra={"platform": self.platform}
                )

    async def run(self) -> None:
        """Deliver until cancelled, sleeping until woken or the next delivery is due."""
        log.info("delivery worker started", extra={"platform": self.platform})
        while not self._stopping:
            self._wake.clear()
            if await self.drain(until_stopping=True):
                continue
            due = await next_due_time(self.services.db, self.platform)
            delay = IDLE_POLL if due is None else min(due - self.services.clock(), IDLE_POLL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(delay.total_seconds(), 0.01))

    async def drain(self, batch: int = 100, *, until_stopping: bool = False) -> int:
        """Deliver everything due now (or until asked to stop); how many were handled."""
        handled = 0
        while due := await due_deliveries(
            self.services.db, self.platform, self.services.clock(), batch
        ):
            for delivery in due:
                if until_stopping and self._stopping:
                    return handled
                if await delivery_status(self.services.db, delivery.id) == "pending":
                    await self._handle(delivery)
                    handled += 1
        return handled

    async def _handle(self, delivery: Delivery) -> None:
        db, now = self.services.db, self.services.clock
        chat = ChatRef(self.platform, delivery.chat_id, ChatKind(delivery.chat_kind))
        attempts = delivery.attempts
        try:
            attempts, status, error = await self._send(delivery, chat)
        except ChatMoved as moved:
            await chat_moved(self.services, chat, moved.new_chat_id)
            return
        except ChatGone as gone:
            await chat_gone(self.services, chat, gone.reason)
            status, error = "unsubscribed", gone.reason
        finished = await finish_delivery(
            db, delivery, status, now(), attempts=attempts, error=error
        )
        if finished is not None and finished.kind == "announcement":
            await queue_report(self.services, finished)

    async def _send(self, delivery: Delivery, chat: ChatRef) -> tuple[int, str, str]:
        """Send with retries; (attempts, final status, error reason)."""
        replace = await self._pinned_message(delivery)
        attempts = delivery.attempts
        try:
            async for attempt in retrying(self.max_failures, self.backoff):
                with attempt:
                    attempts += 1
                    message_id = await self._deliver(chat, delivery, replace)
        except (ChatGone, ChatMoved):
            raise
        except DeliveryError as failure:  # refused for good, or retries exhausted
            return attempts, "failed", failure.reason
        except Exception:
            log.exception("delivery failed unexpectedly", extra={"platform": self.platform})
            return attempts, "failed", "error"
        if delivery.edit_pinned and message_id and message_id != replace:
            await set_tally_message(self.services.db, self.platform, delivery.chat_id, message_id)
        return attempts, "sent", ""

    async def _deliver(self, chat: ChatRef, delivery: Delivery, replace: str | None) -> str | None:
        reply = Reply(delivery.text)
        pace = lambda: self.pacer.wait(chat)  # noqa: E731
        if replace is None:
            return await self.deliverer.deliver(chat, reply, pace=pace, pin=delivery.edit_pinned)
        try:
            return await self.deliverer.deliver(chat, reply, pace=pace, replace=replace)
        except PermanentFailure:  # the pinned message was deleted: start a new one
            return await self.deliverer.deliver(chat, reply, pace=pace, pin=True)

    async def _pinned_message(self, delivery: Delivery) -> str | None:
        if not delivery.edit_pinned:
            return None
        sub = await get_subscription(self.services.db, self.platform, delivery.chat_id)
        return sub.tally_message_id if sub else None
