"""A reminder on Discord, through discord.py and the fake: asked after pledging, by consent
only, sent once at its time (clock injected) in the member's DM, its « C'est fait » and
« Pas encore » buttons answered there."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import open_app
from bot.config import Config
from bot.delivery.notices import queue_notices
from tests.discord_support import discord_bot, pledge_on_discord, press
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_records import BotMessage
from tests.support import tables_holding
from tests.telegram_support import eventually
from tests.test_tally_console import Clock

# Distinctive ids, so that a scan of the database finds them wherever they are kept.
DONE, NOT_YET, SILENT = 7_310_061, 7_310_062, 7_310_063
AGREE = "/engagement rappel 3 confirmer"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(database=tmp_path / "dc.db", quiet_hours="off")


async def test_a_reminder_comes_once_at_its_time_in_the_dm_with_its_buttons(
    config: Config, dc: FakeDiscord
) -> None:
    guild = next(iter(dc.guilds.values()))
    where = {"guild_id": guild.id, "channel_id": guild.channel("général")}
    for user in (DONE, NOT_YET, SILENT):
        dc.add_member(guild.id, user)
    clock = Clock()
    async with open_app(config, clock=clock) as app, discord_bot(app, dc):
        for user in (DONE, NOT_YET):
            thanks = await pledge_on_discord(dc, user, "/engagement resilier ok2", where)
            assert "/engagement rappel 3" in thanks.custom_ids()
            notice = await press(dc, thanks, "/engagement rappel 3", user)
            assert notice.content.startswith("**Avant de vous rappeler**")
            agreed = await press(dc, notice, AGREE, user)
            assert agreed.content.startswith("⏰ C'est noté")
        await pledge_on_discord(dc, SILENT, "/engagement resilier ok2", where)  # never asks
        for user in (DONE, NOT_YET, SILENT):
            assert tables_holding(config.database, str(user)) == []  # sealed, or nothing

        clock.now += timedelta(days=3) - timedelta(minutes=1)
        assert await queue_notices(app.services) == 0
        clock.now += timedelta(minutes=1)
        assert await queue_notices(app.services) == 2  # the scheduler's look
        dms = {user: dc.dm_channel(user).id for user in (DONE, NOT_YET)}
        reminders: dict[int, BotMessage] = {}
        for user, dm in dms.items():
            [reminders[user]] = await dc.wait_for(lambda dm=dm: dc.sent(dm) or None)
            assert reminders[user].content.startswith("**Petit rappel, comme demandé** :")
            assert reminders[user].custom_ids() == ["/accompli", "/engagement pasencore"]
        done = await press(dc, reminders[DONE], "/accompli", DONE)
        assert done.content.startswith("**Bravo")
        not_yet = await press(dc, reminders[NOT_YET], "/engagement pasencore", NOT_YET)
        assert not_yet.content.startswith("Pas de souci")
        again = await press(dc, not_yet, "/engagement rappel 7", NOT_YET)  # asked in the DM
        await press(dc, again, "/engagement rappel 7 confirmer", NOT_YET)
        clock.now += timedelta(days=7)
        assert await queue_notices(app.services) == 1
        await dc.wait_for(lambda: len(dc.sent(dms[NOT_YET])) == 2 or None)

        clock.now += timedelta(days=30)
        assert await queue_notices(app.services) == 0
        await eventually(lambda: tables_holding(config.database, str(DONE)) == [])
        tally = await app.storage.pledges.get_tally(clock())
    assert tally.done == 1
    assert [len(dc.sent(dm)) for dm in dms.values()] == [1, 2]
    assert not dc.sent(dc.dm_channel(SILENT).id)
    for user in (DONE, NOT_YET, SILENT):
        assert tables_holding(config.database, str(user)) == []


async def test_a_reminder_to_closed_dms_is_given_up_and_leaves_no_trace(
    config: Config, dc: FakeDiscord
) -> None:
    guild = next(iter(dc.guilds.values()))
    where = {"guild_id": guild.id, "channel_id": guild.channel("général")}
    dc.add_member(guild.id, SILENT)
    clock = Clock()
    async with open_app(config, clock=clock) as app, discord_bot(app, dc):
        thanks = await pledge_on_discord(dc, SILENT, "/engagement resilier ok2", where)
        await press(dc, await press(dc, thanks, "/engagement rappel 3", SILENT), AGREE, SILENT)
        dm = dc.dm_channel(SILENT).id
        dc.block_dms(SILENT)  # the member closed their DMs since
        clock.now += timedelta(days=3)
        assert await queue_notices(app.services) == 1
        posts = rf"^/channels/{dm}/messages$"
        await dc.wait_for(lambda: dc.calls_to("POST", posts) or None)
        for _ in range(200):  # the worker settles the row: given up, not retried
            if await app.storage.deliveries.next_due_time("discord") is None:
                break
            await asyncio.sleep(0.05)
        clock.now += timedelta(days=30)
        assert await queue_notices(app.services) == 0
        assert await app.storage.deliveries.next_due_time("discord") is None
    assert not dc.sent(dm) and len(dc.calls_to("POST", posts)) == 1
    assert tables_holding(config.database, str(SILENT)) == []
