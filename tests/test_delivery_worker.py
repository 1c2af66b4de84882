"""The delivery worker against a scripted platform: retries, clean-ups, crash safety."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.config import Config
from bot.delivery.errors import ChatGone, ChatMoved, PermanentFailure, RetryLater, TemporaryFailure
from bot.delivery.pacing import UNLIMITED
from bot.delivery.publish import publish
from bot.delivery.worker import DeliveryWorker
from bot.seam import ChatRef, Reply
from storage.outbox import count_deliveries, due_deliveries
from storage.subscriptions import list_subscriptions, subscribe


class ScriptedPlatform:
    """A platform whose answers per chat are scripted: errors to raise, in order."""

    platform = "scripted"
    pacing = UNLIMITED

    def __init__(self, script: dict[str, list[Exception]]) -> None:
        self.script = script
        self.received: list[tuple[str, str]] = []

    async def deliver(
        self,
        chat: ChatRef,
        reply: Reply,
        *,
        pace: Callable[[], Awaitable[None]],
        replace: str | None = None,
        pin: bool = False,
    ) -> str | None:
        await pace()
        errors = self.script.get(chat.id, [])
        if errors:
            raise errors.pop(0)
        self.received.append((chat.id, reply.text))
        return f"m{len(self.received)}"


async def subscribe_chats(app: App, *chat_ids: str, kind: str = "group") -> None:
    for chat_id in chat_ids:
        await subscribe(app.db, "scripted", chat_id, kind, "fr", app.services.clock())


async def test_each_failure_is_handled_as_the_platform_means_it(app: App) -> None:
    await subscribe_chats(
        app, "ok", "limited", "flaky", "blocked", "migrated", "refused", "down", "bug"
    )
    platform = ScriptedPlatform(
        {
            "limited": [RetryLater(0.05)],
            "flaky": [TemporaryFailure("server_error"), TemporaryFailure("timeout")],
            "blocked": [ChatGone("blocked")],
            "migrated": [ChatMoved("migrated-new")],
            "refused": [PermanentFailure("bad_request")],
            "down": [TemporaryFailure("server_error")] * 3,
            "bug": [ValueError("adapter bug")],
        }
    )
    worker = DeliveryWorker(app.services, platform, max_failures=3, backoff=(0.01, 0.02))
    broadcast = await publish(app.services, "announcement", lambda lang: f"annonce {lang}")
    assert broadcast is not None
    await worker.drain()
    assert sorted(chat for chat, _ in platform.received) == [
        "flaky",
        "limited",
        "migrated-new",
        "ok",
    ]
    counts = await count_deliveries(app.db, broadcast)
    assert (counts.sent, counts.failed, counts.unsubscribed, counts.pending) == (4, 3, 1, 0)
    assert counts.errors == {"bad_request": 1, "error": 1, "server_error": 1}
    chats = {s.chat_id for s in await list_subscriptions(app.db)}
    assert chats == {"ok", "limited", "flaky", "migrated-new", "refused", "down", "bug"}


async def test_pending_deliveries_survive_a_restart(config: Config) -> None:
    async with open_app(config) as app:
        await subscribe_chats(app, "a", "b", "c")
        await publish(app.services, "tally", lambda lang: "compteur")
        # The process is stopped while the message to "b" is in flight.
        first = ScriptedPlatform({"b": [asyncio.CancelledError()]})
        with pytest.raises(asyncio.CancelledError):
            await DeliveryWorker(app.services, first).drain()
        assert first.received == [("a", "compteur")]
    async with open_app(config) as app:
        second = ScriptedPlatform({})
        await DeliveryWorker(app.services, second).drain()
        assert second.received == [("b", "compteur"), ("c", "compteur")]


async def test_private_chats_wait_for_the_end_of_quiet_hours(tmp_path: Path) -> None:
    night = datetime(2026, 3, 6, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    config = Config(database=tmp_path / "q.db", quiet_hours="22:00-08:00", timezone="Europe/Paris")
    async with open_app(config, clock=lambda: night) as app:
        await subscribe_chats(app, "member", kind="private")
        await subscribe_chats(app, "group", kind="group")
        await publish(app.services, "announcement", lambda lang: "x")
        due_now = await due_deliveries(app.db, "scripted", night, 10)
        assert [d.chat_id for d in due_now] == ["group"]
        morning = datetime(2026, 3, 7, 7, 0, tzinfo=UTC)  # 08:00 in Paris
        due_later = await due_deliveries(app.db, "scripted", morning, 10)
        assert [d.chat_id for d in due_later] == ["group", "member"]


async def test_pinned_tally_is_edited_in_place(app: App) -> None:
    from storage.subscriptions import get_subscription, set_pinned

    class Recording(ScriptedPlatform):
        def __init__(self) -> None:
            super().__init__({})
            self.calls: list[tuple[str | None, bool]] = []

        async def deliver(self, chat, reply, *, pace, replace=None, pin=False):  # type: ignore[no-untyped-def]
            self.calls.append((replace, pin))
            return "pinned-1" if replace is None else replace

    await subscribe_chats(app, "channel")
    await set_pinned(app.db, "scripted", "channel", True)
    platform = Recording()
    worker = DeliveryWorker(app.services, platform)
    await publish(app.services, "tally", lambda lang: "1 engagement")
    await worker.drain()
    await publish(app.services, "tally", lambda lang: "2 engagements")
    await publish(app.services, "announcement", lambda lang: "annonce")
    await worker.drain()
    assert platform.calls == [(None, True), ("pinned-1", False), (None, False)]
    sub = await get_subscription(app.db, "scripted", "channel")
    assert sub is not None and sub.tally_message_id == "pinned-1"
