"""Posts through the real Telegram adapter when the Bot API misbehaves as Telegram can."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.publish import publish
from bot.runtime import serving
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


@pytest.mark.parametrize("in_flight", [1, 3])
async def test_late_answers_never_leave_more_parts_in_doubt_than_one_past_the_window(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    in_flight: int,
) -> None:
    """Every answer comes 1.2 s after its message went, past the 0.2 s after which a late
    answer lets the next part go: the parts the Bot API applied while the bot has not
    recorded them (those a kill would send again) stay at `TELEGRAM_MESSAGES_IN_FLIGHT`
    plus one at most, however many answers are late."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    caplog.set_level(logging.INFO, logger="bot.delivery.turns")
    config = Config(database=tmp_path / "tg.db", quiet_hours="")
    config = replace(config, telegram_messages_in_flight=in_flight)
    chats = [6000 + n for n in range(8)]
    most = 0
    async with FakeTelegram() as tg, open_app(config) as app:
        now = app.services.clock()
        for chat in chats:
            await app.storage.subscriptions.subscribe("telegram", str(chat), "private", "fr", now)
        adapter = TelegramAdapter(app, tg.token, api_url=tg.base_url, timeout=5.0)
        async with serving(app, adapter):
            tg.round_trip = 1.2  # the bot set up: its posts only
            broadcast = await publish(app.services, "tally", lambda _: "Compteur")
            while (counts := await app.storage.outbox.count_deliveries(broadcast)).pending:
                recorded = recorded_parts(config.database)
                most = max(most, len(tg.calls_to("sendMessage")) - recorded)
                await asyncio.sleep(0.01)
            tg.round_trip = 0.0
    assert counts.sent == len(chats)
    assert in_flight <= most <= in_flight + 1
    # Said in the log, where a crash's repeats can be told apart from the usual one part.
    assert any("answer is late" in r.getMessage() for r in caplog.records)


def recorded_parts(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        [(count,)] = conn.execute(
            "SELECT COALESCE(SUM(CASE status WHEN 'sent' THEN 1 ELSE parts_sent END), 0)"
            " FROM deliveries"
        )
    return int(count)
