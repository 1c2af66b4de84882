"""Posts through the real Telegram adapter when the Bot API misbehaves as Telegram can."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from bot.delivery.publish import publish
from tests.commit_gate import CommitGate
from tests.fakes.telegram_api import FakeTelegram
from tests.support import handled
from tests.telegram_support import eventually, telegram_bot

GROUP, MEMBER = -100777, 4040


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(database=tmp_path / "tg.db", quiet_hours="")


async def test_a_group_that_took_the_right_to_post_is_paused_not_dropped(
    app: App, tg: FakeTelegram
) -> None:
    now = app.services.clock()
    await app.storage.subscriptions.subscribe(
        "telegram", str(GROUP), "group", "fr", now, title="Lyon"
    )
    tg.user_sends("bonjour", chat_id=GROUP, user_id=MEMBER)  # the group exists
    tg.restrict(GROUP, can_send=False)
    async with telegram_bot(app, tg):
        counts = await handled(app, await publish(app.services, "tally", lambda _: "Compteur"))
        assert (counts.failed, counts.unsubscribed, counts.errors) == (1, 0, {"no_permission": 1})
        sub = await app.storage.subscriptions.get_subscription("telegram", str(GROUP))
        assert sub is not None and sub.pause_reason == "no_permission"
        paused = await publish(app.services, "tally", lambda _: "Compteur 2")
        assert (await handled(app, paused)).sent == 0  # not even tried meanwhile
        tg.restrict(GROUP, can_send=True)
        await app.storage.subscriptions.subscribe(
            "telegram", str(GROUP), "group", "fr", now, title="Lyon"
        )
        resumed = await publish(app.services, "tally", lambda _: "Compteur 3")
        assert (await handled(app, resumed)).sent == 1
    assert [a.plain_text for a in tg.sent(GROUP, kind="message")] == ["Compteur 3"]


async def test_an_answer_lost_repeats_that_part_only(app: App, tg: FakeTelegram) -> None:
    """The Bot API has no idempotency key: a message sent whose answer was lost is sent
    again; the parts before it are not."""
    await app.storage.subscriptions.subscribe(
        "telegram", str(MEMBER), "private", "fr", app.services.clock()
    )
    paragraphs = [f"Paragraphe {n} : " + "mot " * 900 for n in range(3)]
    tg.fail_next("sendMessage", "slow", chat_id=MEMBER, delay=0.5)  # the first part
    async with telegram_bot(app, tg):
        broadcast = await publish(app.services, "tally", lambda _: "\n\n".join(paragraphs))
        await eventually(lambda: tg.faults_served["slow"] == 1)
        tg.fail_next("sendMessage", "lost", chat_id=MEMBER)  # the second part
        assert (await handled(app, broadcast)).sent == 1
    texts = [(a.plain_text or "").split(" :")[0] for a in tg.sent(MEMBER, kind="message")]
    assert texts == ["Paragraphe 0", "Paragraphe 1", "Paragraphe 1", "Paragraphe 2"]
    assert tg.faults_served["lost"] == 1


async def test_a_chat_rate_limited_or_failing_does_not_hold_the_others(
    app: App, tg: FakeTelegram
) -> None:
    chats = [5000 + n for n in range(40)]
    now = app.services.clock()
    for chat in chats:
        await app.storage.subscriptions.subscribe("telegram", str(chat), "private", "fr", now)
    tg.fail_chat(chats[0], "429", seconds=30)
    tg.fail_chat(chats[1], "500")
    async with telegram_bot(app, tg):
        await publish(app.services, "tally", lambda _: "Compteur")
        others = set(chats[2:])
        # 38 messages at 30 a second: a second and a half, not the 30 s of the 429.
        await eventually(lambda: others <= {a.chat_id for a in tg.sent()}, timeout=6)
        assert not tg.sent(chats[0]) and not tg.sent(chats[1])


async def test_a_part_answered_in_time_holds_the_others_until_it_is_recorded(
    app: App, tg: FakeTelegram
) -> None:
    """Only a late answer lets the next part go (Telegram has no idempotency key): an
    answer on time whose commit is slow keeps the others waiting, so that a crash then
    repeats that one part only."""
    for chat in (MEMBER, MEMBER + 1):
        await app.storage.subscriptions.subscribe(
            "telegram", str(chat), "private", "fr", app.services.clock()
        )
    tg.fail_next("sendMessage", "slow", delay=0.05)  # answered in time, but...
    gate = CommitGate(app.config.database)
    async with telegram_bot(app, tg):
        broadcast = await publish(app.services, "tally", lambda _: "Compteur")
        await eventually(lambda: tg.faults_served["slow"] == 1)
        await gate.hold()  # ... its commit waits
        await asyncio.sleep(1.0)
        assert len(tg.calls_to("sendMessage")) == 1
        gate.close()
        assert (await handled(app, broadcast)).sent == 2
