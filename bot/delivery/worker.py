"""A delivery worker: sends one platform's outbox rows, several at a time.

It claims due rows with a lease and sends each in a task of its own, up to `in_flight`
at once: a slow or failing chat holds one slot, never the queue, while the platform's
pacing still spaces every message. Each part the platform accepted is recorded at
once and the row is finished in its own commit, so a crash repeats at most the parts
that were in flight. Where the platform cannot refuse a repeat (Telegram has no
idempotency key), `unconfirmed` parts at most (one by default) are between "sent" and
"recorded": the rows in flight wait for their chats' pacing together, but send that
many at a time, so that a crash repeats that many parts at most; a part whose answer is
late (`LATE_ANSWER_S`) lets the next one go rather than stall every chat, one more part
in doubt at most (`bot/delivery/turns.py`). A failure puts the row back with a next-attempt
time of its own: this is the one retry layer, and the platform library's own retries
count in it. With a sender lease (several instances on one database), the worker sends
only while its instance holds the lease, and looks at the outbox every `SHARED_POLL`
when idle, since posts queued by other instances ring no bell here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from bot.delivery.deliverer import Deliverer
from bot.delivery.errors import (
    ChatGone,
    ChatMoved,
    DeliveryError,
    NoPermission,
    PermanentFailure,
    RetryLater,
    TemporaryFailure,
)
from bot.delivery.outbox import relay
from bot.delivery.pacing import Pacer
from bot.delivery.sender_lease import NotSender, SenderLease
from bot.delivery.turns import PartTurns
from bot.lifecycle import chat_gone, chat_moved, chat_paused
from bot.seam import Button, ChatKind, ChatRef, Reply
from bot.services import Services
from storage.api.records import Delivery

log = logging.getLogger(__name__)
IDLE_POLL = timedelta(seconds=60)
SHARED_POLL = timedelta(seconds=1)
ERROR_PAUSE_S = 5.0
# Longer than any one send can take (discord.py waits out rate limits of up to a
# minute inside a call): a claim that outlives it belongs to a process that died.
LEASE = timedelta(minutes=5)
# Where the platform cannot refuse a repeat, a part whose answer is this late stops
# holding the others back (a chat that hangs would otherwise stall every chat until the
# time-out): a crash then may repeat it and the parts sent after it, one more at most.
LATE_ANSWER_S = 0.2


def _buttons(delivery: Delivery) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(Button(label, action) for label, action in row) for row in delivery.buttons)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When a destination is tried again, and when it is given up."""

    max_failures: int = 5  # server errors and time-outs, the library's retries included
    max_attempts: int = 100  # any call, rate limits included
    first_wait: float = 0.5  # seconds, doubled at each failure, with jitter
    longest_wait: float = 120.0

    def wait(self, failures: int) -> timedelta:
        ceiling = min(self.longest_wait, self.first_wait * 2 ** max(failures - 1, 0))
        return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


class DeliveryWorker:
    def __init__(
        self,
        services: Services,
        deliverer: Deliverer,
        *,
        in_flight: int = 16,
        policy: RetryPolicy = RetryPolicy(),
        lease: SenderLease | None = None,
        unconfirmed: int = 1,
    ) -> None:
        self.services = services
        self.lease = lease
        self.idle_poll = IDLE_POLL if lease is None else SHARED_POLL
        self.deliverer = deliverer
        self.platform = deliverer.platform
        self.pacer = Pacer(deliverer.pacing)
        self.in_flight = in_flight
        self.policy = policy
        self._window = asyncio.Semaphore(in_flight if deliverer.idempotent else unconfirmed)
        self._in_doubt = None if deliverer.idempotent else asyncio.Semaphore(unconfirmed + 1)
        self._running: set[asyncio.Task[None]] = set()
        self._slot_freed = asyncio.Event()
        self._stopping = False
        self._resumed = False

    @contextlib.asynccontextmanager
    async def active(self, grace: float = 5.0) -> AsyncIterator[None]:
        """Deliver in the background during the block; at its end let the messages in
        flight finish, within `grace` seconds: a row still waiting then (discord.py waits
        out a rate limit of up to a minute inside the call) is taken back at the next
        start, a Discord message under the same nonce, a Telegram part at most repeated."""
        task = asyncio.create_task(self.run(), name=f"delivery-{self.platform}")
        try:
            yield
        finally:
            self._stopping = True
            self._slot_freed.set()
            try:
                await asyncio.wait_for(task, grace)
            except TimeoutError:
                log.warning(
                    "delivery worker stopped mid-delivery", extra={"platform": self.platform}
                )

    async def run(self) -> None:
        """Deliver until stopped, sleeping until rung, a slot frees or a row is due."""
        log.info("delivery worker started", extra={"platform": self.platform})
        bell: asyncio.Event | None = None
        polled = False
        try:
            while not self._stopping:
                if self.lease is not None and not self.lease.held:
                    await self._until_sender()
                    bell = None
                    continue
                # Side effects wait to be posted only at start, after a ring (a pledge,
                # a finished broadcast) or a poll: not at every slot that frees.
                rung, polled = bell is None or bell.is_set() or polled, False
                bell = self.services.doorbell.listen()
                self._slot_freed.clear()
                try:
                    if await self._look(relaying=rung):
                        continue  # more may be due
                except Exception:  # the database was busy or full: the rows stay queued
                    log.exception("delivery worker could not read the outbox")
                    bell = None  # look at everything again, after a pause
                    await asyncio.sleep(ERROR_PAUSE_S)
                    continue
                polled = await self._idle(bell)
        finally:
            await self._let_running_finish()

    async def _until_sender(self) -> None:
        """Wait, with nothing in flight, until this instance holds the sender lease (or
        the worker stops); the claims found then are taken back, see `_claim`."""
        assert self.lease is not None
        await self._let_running_finish()
        self._slot_freed.clear()
        if self._stopping:
            return
        gained = asyncio.ensure_future(self.lease.gained())
        stopped = asyncio.ensure_future(self._slot_freed.wait())
        try:
            await asyncio.wait({gained, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gained.cancel()
            stopped.cancel()
        self._resumed = False

    async def _look(self, *, relaying: bool) -> bool:
        """Post what side effects wait for (when `relaying`), start what is due in the
        free slots; True when every slot was filled (so more may be due)."""
        if relaying:
            await relay(self.services)
        free = self.in_flight - len(self._running)
        claimed = await self._claim(free) if free > 0 else []
        for delivery in claimed:
            self._start(delivery)
        return free > 0 and len(claimed) == free

    async def drain(self) -> int:
        """Deliver everything due now, several at a time; how many rows were handled."""
        handled = 0
        while True:
            await relay(self.services)
            due = await self._claim(self.in_flight)
            if not due:
                return handled
            await asyncio.gather(*(self._handle(delivery) for delivery in due))
            handled += len(due)

    async def _claim(self, limit: int) -> list[Delivery]:
        """Claim due rows. This worker is the only sender of its platform's rows for this
        database (the one process, or the holder of the sender lease), so the claims it
        finds the first time are those of a process that stopped, or of the lease's last
        holder: it takes them back at once rather than wait for their leases to end."""
        if not self._resumed:
            self._resumed = True
            if released := await self.services.storage.deliveries.release_claims(self.platform):
                log.info("deliveries resumed", extra={"platform": self.platform, "count": released})
        now = self.services.clock()
        return await self.services.storage.deliveries.claim_deliveries(
            self.platform, now, now + LEASE, limit
        )

    def _start(self, delivery: Delivery) -> None:
        task = asyncio.create_task(self._handle(delivery), name=f"delivery-{delivery.id}")
        self._running.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self._slot_freed.set()

    async def _idle(self, bell: asyncio.Event) -> bool:
        """Wait for a ring, a free slot or the next due row; True when nothing woke it
        before the poll's time (another instance may have queued something)."""
        due = await self.services.storage.deliveries.next_due_time(self.platform)
        poll = self.idle_poll
        delay = poll if due is None else min(due - self.services.clock(), poll)
        waiters = {
            asyncio.ensure_future(bell.wait()),
            asyncio.ensure_future(self._slot_freed.wait()),
        }
        try:
            woken, _ = await asyncio.wait(
                waiters,
                timeout=max(delay.total_seconds(), 0.01),
                return_when=asyncio.FIRST_COMPLETED,
            )
            return not woken
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _let_running_finish(self) -> None:
        try:
            if self._running:
                await asyncio.wait(set(self._running))
        except asyncio.CancelledError:  # out of grace: their claims are taken back at start
            for task in self._running:
                task.cancel()
            raise

    async def _handle(self, delivery: Delivery) -> None:
        """Send one row, then finish it or put it back, as the outcome means."""
        services, policy = self.services, self.policy
        kind = ChatKind(delivery.chat_kind)
        chat = ChatRef(self.platform, delivery.chat_id, kind, topic=delivery.topic)
        attempts, failures = delivery.attempts + 1, delivery.failures
        status, error = "failed", ""
        try:
            delivery = await self._send(delivery, chat)
            status = "sent"
        except RetryLater as later:
            services.metrics.rate_limited(self.platform)
            attempts += later.calls - 1
            if attempts < policy.max_attempts:
                wait = timedelta(seconds=later.retry_after)
                return await self._later(delivery, wait, attempts, failures, later.reason)
            error = later.reason
        except TemporaryFailure as failure:
            attempts, failures = attempts + failure.calls - 1, failures + failure.calls
            if failures < policy.max_failures and attempts < policy.max_attempts:
                wait = policy.wait(failures)
                return await self._later(delivery, wait, attempts, failures, "temporary")
            error = failure.reason
        except ChatMoved as moved:  # the row follows the chat: send it there
            await chat_moved(services, chat, moved.new_chat_id)
            return await self._later(delivery, timedelta(0), attempts, failures, moved.reason)
        except ChatGone as gone:
            await chat_gone(services, chat, gone.reason)
            status, error = "unsubscribed", gone.reason
        except NoPermission as refused:
            await chat_paused(services, chat, refused.reason)
            error = refused.reason
        except DeliveryError as refused:
            error = refused.reason
        except NotSender:  # the lease's next holder takes the claim back
            return
        except Exception:
            log.exception("delivery failed unexpectedly", extra={"platform": self.platform})
            error = "error"
        finished = await services.storage.deliveries.finish_delivery(
            delivery, status, services.clock(), attempts=attempts, error=error
        )
        services.metrics.delivery(self.platform, status)
        if finished:  # its report waits to be posted
            services.wake_delivery()

    async def _later(
        self, delivery: Delivery, wait: timedelta, attempts: int, failures: int, reason: str
    ) -> None:
        self.services.metrics.retry(self.platform, reason)
        not_before: datetime = self.services.clock() + wait
        await self.services.storage.deliveries.reschedule(
            delivery, not_before, attempts=attempts, failures=failures
        )
        self.services.wake_delivery()  # the worker's next look sees when it is due

    async def _send(self, delivery: Delivery, chat: ChatRef) -> Delivery:
        """Send what is left of the post; the row as it ends, with its last message."""
        storage, done = self.services.storage, delivery.parts_sent
        late_after = None if self.deliverer.idempotent else LATE_ANSWER_S
        turns = PartTurns(self.pacer, self._window, chat, late_after, self._in_doubt)
        lease = self.lease

        async def pace() -> None:
            await turns.enter()
            if lease is not None:  # the last moment before the platform gets the part
                lease.check()

        async def sent(index: int, message_id: str) -> None:
            nonlocal delivery
            turns.answered()
            await storage.deliveries.record_part(delivery.id, index + 1, message_id)
            delivery = replace(delivery, parts_sent=index + 1, message_id=message_id)
            turns.leave()

        send = partial(
            self.deliverer.deliver,
            chat,
            Reply(delivery.text, _buttons(delivery)),
            pace=pace,
            sent=sent,
            key=f"d{delivery.id}",
        )
        try:
            pinned = await self._pinned_message(delivery)
            if pinned is None:
                await send(pin=delivery.edit_pinned, start=done)
                return delivery
            try:
                await send(replace=pinned, start=done)
            except PermanentFailure:
                if done:
                    raise
                turns.leave()
                await send(pin=True)  # the pinned message was deleted: start a new one
            return delivery
        finally:
            turns.leave()

    async def _pinned_message(self, delivery: Delivery) -> str | None:
        if not delivery.edit_pinned:
            return None
        sub = await self.services.storage.subscriptions.get_subscription(
            self.platform, delivery.chat_id
        )
        return sub.tally_message_id if sub else None
