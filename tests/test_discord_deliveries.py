"""Posts through the real discord.py adapter when Discord misbehaves as it can."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from bot.delivery.publish import publish
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.support import handled
from tests.telegram_support import eventually


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(database=tmp_path / "dc.db", quiet_hours="")


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        server.add_guild(name="QuitGPT", channels=("général",))
        yield server


async def subscribed_channel(app: App, dc: FakeDiscord) -> int:
    [guild] = dc.guilds.values()
    channel = guild.channel("général")
    now = app.services.clock()
    await app.storage.subscriptions.subscribe(
        "discord", str(channel), "group", "fr", now, title="QuitGPT #général"
    )
    return channel


async def test_a_post_whose_answer_was_lost_is_not_posted_twice(app: App, dc: FakeDiscord) -> None:
    """Each part carries a nonce Discord enforces: the retry gets the first message back."""
    channel = await subscribed_channel(app, dc)
    paragraphs = [f"Paragraphe {n} : " + "mot " * 400 for n in range(3)]
    dc.fail_next("POST", rf"^/channels/{channel}/messages$", "lost")
    async with discord_bot(app, dc):
        broadcast = await publish(app.services, "tally", lambda _: "\n\n".join(paragraphs))
        assert (await handled(app, broadcast)).sent == 1
    texts = [(m.content or "").split(" :")[0] for m in dc.sent(channel)]
    assert texts == ["Paragraphe 0", "Paragraphe 1", "Paragraphe 2"]
    assert len(dc.calls_to("POST", rf"^/channels/{channel}/messages$")) == 4  # one retried


async def test_a_missing_permission_pauses_the_channel(app: App, dc: FakeDiscord) -> None:
    channel = await subscribed_channel(app, dc)
    dc.deny_send(channel)
    async with discord_bot(app, dc):
        counts = await handled(app, await publish(app.services, "tally", lambda _: "Compteur"))
        assert (counts.failed, counts.unsubscribed, counts.errors) == (1, 0, {"no_permission": 1})
        sub = await app.storage.subscriptions.get_subscription("discord", str(channel))
        assert sub is not None and sub.pause_reason == "no_permission"
        dc.deny_send(channel, deny=False)
        await subscribed_channel(app, dc)  # a moderator subscribes it again
        counts = await handled(app, await publish(app.services, "tally", lambda _: "Encore"))
    assert counts.sent == 1 and [m.content for m in dc.sent(channel)] == ["Encore"]


async def test_a_channel_rate_limited_or_failing_does_not_hold_the_others(
    app: App, dc: FakeDiscord
) -> None:
    guild = dc.add_guild(name="Lyon", channels=[f"salon-{n}" for n in range(30)])
    channels = [guild.channel(f"salon-{n}") for n in range(30)]
    now = app.services.clock()
    for channel in channels:
        await app.storage.subscriptions.subscribe("discord", str(channel), "group", "fr", now)
    dc.fail_channel(channels[0], "429", seconds=30)
    dc.fail_channel(channels[1], "500")
    async with discord_bot(app, dc):
        await publish(app.services, "tally", lambda _: "Compteur")
        others = set(channels[2:])
        # 28 messages at 40 a second, not the 30 s of the 429 nor discord.py's retries.
        await eventually(lambda: others <= {m.channel_id for m in dc.sent()}, timeout=6)
        assert not dc.sent(channels[0]) and not dc.sent(channels[1])
