"""The delivery worker against a scripted platform: outcomes, progress, crash safety."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.config import Config
from bot.delivery import worker as worker_module
from bot.delivery.deliverer import PartSent, not_recorded
from bot.delivery.errors import (
    ChatGone,
    ChatMoved,
    NoPermission,
    PermanentFailure,
    RetryLater,
    TemporaryFailure,
)
from bot.delivery.pacing import UNLIMITED
from bot.delivery.publish import publish
from bot.delivery.worker import DeliveryWorker, RetryPolicy
from bot.seam import ChatRef, Reply

START = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class ScriptedPlatform:
    """A platform whose answers per chat are scripted: for each part, in order, an error
    to raise or None to accept it. A post's parts are its text split at "|"."""

    platform = "scripted"
    pacing = UNLIMITED
    idempotent = False

    def __init__(self, script: dict[str, list[BaseException | None]] | None = None) -> None:
        self.script = script or {}
        self.received: list[tuple[str, str]] = []
        self.calls: list[tuple[str | None, bool, int, str]] = []

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
    ) -> str | None:
        self.calls.append((replace, pin, start, key))
        last = None
        for index, part in enumerate(reply.text.split("|")[start:], start):
            await pace()
            script = self.script.get(chat.id, [])
            if script and (error := script.pop(0)) is not None:
                raise error
            self.received.append((chat.id, part))
            last = replace if replace and index == 0 else f"m{len(self.received)}"
            await sent(index, last)
        return last


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def timed_app(config: Config, clock: Clock) -> AsyncIterator[App]:
    async with open_app(config, clock=clock) as opened:
        yield opened


async def subscribe_chats(app: App, *chat_ids: str, kind: str = "group") -> None:
    for chat_id in chat_ids:
        await app.storage.subscriptions.subscribe(
            "scripted", chat_id, kind, "fr", app.services.clock()
        )


async def drain_over_time(worker: DeliveryWorker, clock: Clock, minutes: int = 30) -> None:
    """Drain, then let the clock run so that rows put back become due, and again."""
    for _ in range(minutes * 6):
        await worker.drain()
        clock.now += timedelta(seconds=10)


async def test_each_outcome_is_handled_as_the_platform_means_it(
    timed_app: App, clock: Clock
) -> None:
    app = timed_app
    chats = ("ok", "limited", "flaky", "blocked", "migrated", "refused", "down", "bug", "rights")
    await subscribe_chats(app, *chats)
    platform = ScriptedPlatform(
        {
            "limited": [RetryLater(30)] * 4,
            "flaky": [TemporaryFailure("server_error"), TemporaryFailure("timeout")],
            "blocked": [ChatGone("blocked")],
            "migrated": [ChatMoved("migrated-new")],
            "refused": [PermanentFailure("bad_request")],
            "down": [TemporaryFailure("server_error")] * 3,
            "bug": [ValueError("adapter bug")],
            "rights": [NoPermission("no_permission")],
        }
    )
    worker = DeliveryWorker(app.services, platform, policy=RetryPolicy(max_failures=3))
    broadcast = await publish(app.services, "announcement", lambda lang: f"annonce {lang}")
    assert broadcast is not None
    await worker.drain()
    # A rate limit waits exactly what it was told, on its own: the others went on.
    assert {chat for chat, _ in platform.received} == {"ok", "migrated-new"}
    await drain_over_time(worker, clock)
    sent = sorted(chat for chat, _ in platform.received)
    assert sent == ["flaky", "limited", "migrated-new", "ok"]
    counts = await app.storage.outbox.count_deliveries(broadcast)
    assert (counts.sent, counts.failed, counts.unsubscribed, counts.pending) == (4, 4, 1, 0)
    assert counts.errors == {
        "bad_request": 1,
        "error": 1,
        "server_error": 1,
        "no_permission": 1,
    }
    # Gone is gone; a lost permission pauses the chat, which is not posted to meanwhile.
    assert {s.chat_id for s in await app.storage.subscriptions.list_subscriptions()} == set(
        chats
    ) - {
        "blocked",
        "migrated",
    } | {"migrated-new"}
    reachable = await app.storage.subscriptions.list_subscriptions(
        paused_before=clock.now - timedelta(days=7)
    )
    assert "rights" not in {s.chat_id for s in reachable}
    later = await publish(app.services, "tally", lambda lang: "compteur")
    assert later is not None and (await app.storage.outbox.count_deliveries(later)).pending == 7


async def test_a_paused_chat_subscribed_again_gets_posts_again(timed_app: App) -> None:
    app = timed_app
    await subscribe_chats(app, "rights")
    platform = ScriptedPlatform({"rights": [NoPermission("no_permission")]})
    await publish(app.services, "tally", lambda lang: "un")
    await DeliveryWorker(app.services, platform).drain()
    assert (
        await app.storage.subscriptions.list_subscriptions(paused_before=app.services.clock()) == []
    )
    await subscribe_chats(app, "rights")  # a moderator gave the right back
    await publish(app.services, "tally", lambda lang: "deux")
    await DeliveryWorker(app.services, platform).drain()
    assert platform.received == [("rights", "deux")]


async def test_the_library_retries_count_against_the_failures(timed_app: App) -> None:
    app = timed_app
    await subscribe_chats(app, "down")
    given_up = TemporaryFailure("server_error")
    given_up.calls = 5  # discord.py tried five times before giving up
    platform = ScriptedPlatform({"down": [given_up]})
    broadcast = await publish(app.services, "tally", lambda lang: "x")
    assert broadcast is not None
    await DeliveryWorker(app.services, platform, policy=RetryPolicy(max_failures=5)).drain()
    counts = await app.storage.outbox.count_deliveries(broadcast)
    assert (counts.failed, counts.pending) == (1, 0)  # not 5 x 5 calls


async def test_a_retry_resumes_at_the_first_part_not_sent(timed_app: App, clock: Clock) -> None:
    app = timed_app
    await subscribe_chats(app, "group")
    platform = ScriptedPlatform({"group": [None, TemporaryFailure("timeout")]})
    await publish(app.services, "announcement", lambda lang: "un|deux|trois")
    await drain_over_time(DeliveryWorker(app.services, platform), clock, minutes=1)
    assert platform.received == [("group", "un"), ("group", "deux"), ("group", "trois")]
    assert [start for _, _, start, _ in platform.calls] == [0, 1]
    keys = {key for *_, key in platform.calls}
    assert len(keys) == 1 and keys != {""}  # the same key: a platform can refuse a repeat


async def test_a_crash_between_parts_resumes_after_the_parts_sent(config: Config) -> None:
    async with open_app(config) as app:
        await subscribe_chats(app, "a", "b")
        await publish(app.services, "announcement", lambda lang: "un|deux")
        # The process dies while the second part to "a" is in flight.
        first = ScriptedPlatform({"a": [None, asyncio.CancelledError()]})
        with pytest.raises(asyncio.CancelledError):
            await DeliveryWorker(app.services, first, in_flight=1).drain()
        assert first.received == [("a", "un")]
    async with open_app(config) as app:
        second = ScriptedPlatform()
        await DeliveryWorker(app.services, second).drain()
        assert sorted(second.received) == [("a", "deux"), ("b", "deux"), ("b", "un")]


async def test_a_chat_that_hangs_does_not_hold_the_others(app: App) -> None:
    await subscribe_chats(app, "stuck", *(f"chat-{n:02d}" for n in range(40)))
    release = asyncio.Event()

    class Hanging(ScriptedPlatform):
        async def deliver(self, chat: ChatRef, reply: Reply, **kwargs: object) -> str | None:
            if chat.id == "stuck":
                await release.wait()
            return await super().deliver(chat, reply, **kwargs)  # type: ignore[arg-type]

    platform = Hanging()
    worker = DeliveryWorker(app.services, platform, in_flight=4)
    async with worker.active(grace=5):
        await publish(app.services, "announcement", lambda lang: "annonce")
        async with asyncio.timeout(10):
            while len(platform.received) < 40:
                await asyncio.sleep(0.01)
        assert "stuck" not in {chat for chat, _ in platform.received}
        release.set()
        async with asyncio.timeout(10):
            while len(platform.received) < 41:
                await asyncio.sleep(0.01)


async def test_private_chats_wait_for_the_end_of_quiet_hours(tmp_path: Path) -> None:
    night = datetime(2026, 3, 6, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    config = Config(database=tmp_path / "q.db", quiet_hours="22:00-08:00", timezone="Europe/Paris")
    async with open_app(config, clock=lambda: night) as app:
        await subscribe_chats(app, "member", kind="private")
        await subscribe_chats(app, "group", kind="group")
        await publish(app.services, "announcement", lambda lang: "x")
        lease = night + timedelta(minutes=1)
        due_now = await app.storage.deliveries.claim_deliveries("scripted", night, lease, 10)
        assert [d.chat_id for d in due_now] == ["group"]
        morning = datetime(2026, 3, 7, 7, 0, tzinfo=UTC)  # 08:00 in Paris
        due_later = await app.storage.deliveries.claim_deliveries("scripted", morning, morning, 10)
        assert [d.chat_id for d in due_later] == ["group", "member"]  # the first lease ran out


async def test_a_claimed_row_is_not_claimed_twice(app: App) -> None:
    await subscribe_chats(app, "a", "b")
    await publish(app.services, "tally", lambda lang: "x")
    now = app.services.clock()
    lease = now + timedelta(minutes=5)
    first = await app.storage.deliveries.claim_deliveries("scripted", now, lease, 10)
    assert [d.chat_id for d in first] == ["a", "b"]
    assert await app.storage.deliveries.claim_deliveries("scripted", now, lease, 10) == []


async def test_pinned_tally_is_edited_in_place(app: App) -> None:
    await subscribe_chats(app, "channel")
    await app.storage.subscriptions.set_pinned("scripted", "channel", True)
    platform = ScriptedPlatform()
    worker = DeliveryWorker(app.services, platform)
    await publish(app.services, "tally", lambda lang: "1 engagement")
    await worker.drain()
    await publish(app.services, "tally", lambda lang: "2 engagements")
    await publish(app.services, "announcement", lambda lang: "annonce")
    await worker.drain()
    assert [call[:2] for call in platform.calls] == [(None, True), ("m1", False), (None, False)]
    sub = await app.storage.subscriptions.get_subscription("scripted", "channel")
    assert sub is not None and sub.tally_message_id == "m1"


async def test_a_chat_rate_limited_for_ever_is_given_up_after_the_attempts(
    timed_app: App, clock: Clock
) -> None:
    app = timed_app
    await subscribe_chats(app, "limited")
    platform = ScriptedPlatform({"limited": [RetryLater(5)] * 1_000})
    broadcast = await publish(app.services, "tally", lambda lang: "x")
    assert broadcast is not None
    worker = DeliveryWorker(app.services, platform, policy=RetryPolicy(max_attempts=10))
    await drain_over_time(worker, clock, minutes=5)
    counts = await app.storage.outbox.count_deliveries(broadcast)
    assert (counts.failed, counts.errors) == (1, {"rate_limited": 1})
    assert len(platform.script["limited"]) == 1_000 - 10  # ten calls, not a thousand


async def test_a_chat_waiting_to_be_tried_again_holds_back_its_later_posts(
    timed_app: App, clock: Clock
) -> None:
    app = timed_app
    await subscribe_chats(app, "flaky")
    platform = ScriptedPlatform({"flaky": [TemporaryFailure("timeout")]})
    worker = DeliveryWorker(app.services, platform, policy=RetryPolicy(first_wait=60))
    await publish(app.services, "tally", lambda lang: "un")
    await worker.drain()
    await publish(app.services, "tally", lambda lang: "deux")
    assert await worker.drain() == 0  # "deux" does not pass "un"
    due = await app.storage.deliveries.next_due_time("scripted")
    assert due is not None and due > clock.now  # so the worker sleeps until then
    await drain_over_time(worker, clock, minutes=2)
    assert platform.received == [("flaky", "un"), ("flaky", "deux")]


async def test_a_database_locked_for_a_while_delays_posts_without_stopping_the_worker(
    app: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(worker_module, "ERROR_PAUSE_S", 0.2)
    await subscribe_chats(app, "a")
    await publish(app.services, "tally", lambda lang: "x")
    platform = ScriptedPlatform()
    # Another program holds the write lock past the bot's busy timeout (5 s).
    other = sqlite3.connect(app.config.database, isolation_level=None, check_same_thread=False)
    await asyncio.to_thread(other.execute, "BEGIN IMMEDIATE")
    try:
        async with DeliveryWorker(app.services, platform).active():
            await asyncio.sleep(6)
            assert platform.received == []
            other.rollback()
            async with asyncio.timeout(10):
                while not platform.received:
                    await asyncio.sleep(0.05)
    finally:
        other.close()
    assert platform.received == [("a", "x")]
    assert "delivery worker could not read the outbox" in caplog.text
