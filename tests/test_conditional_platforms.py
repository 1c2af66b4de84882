"""Conditional pledges on Telegram and Discord, through the real libraries and the fakes:
made firm by other members' pledges, one private message with the guide and /accompli for
each member who asked, none for the others, across a restart of the bot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import open_app
from bot.config import Config
from bot.delivery.notices import queue_notices
from tests.discord_support import discord_bot, pledge_on_discord, press
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.support import tables_holding
from tests.telegram_support import eventually, telegram_bot
from tests.test_tally_console import Clock

# Distinctive ids, so that a scan of the database finds them wherever they are kept.
TOLD, UNTOLD, FIRM = 7_310_042, 7_310_043, 7_310_044
FIRM_PLEDGE = "/engagement resilier ok2"
IF_TWO = "/engagement resilier si2 ok2"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    # Quiet hours off: the real clock would otherwise hold private messages at night.
    return Config(database=tmp_path / "bot.db", pledge_thresholds=(2, 10), quiet_hours="off")


async def test_telegram_members_who_asked_are_told_once(config: Config, tg: FakeTelegram) -> None:
    async with open_app(config) as app, telegram_bot(app, tg):
        for user in (TOLD, UNTOLD):
            tg.user_sends("/engagement", user_id=user, language_code="fr")
            [notice] = await tg.wait_for(1, chat_id=user)
            assert IF_TWO in [b["callback_data"] for b in notice.buttons]
            tg.press_button(notice, IF_TWO, user_id=user, language_code="fr")
            [thanks] = await tg.wait_for(1, chat_id=user, kind="edit_text")
            assert (thanks.plain_text or "").startswith("Merci ! Votre engagement conditionnel")
        tg.press_button(thanks, "/engagement prevenir", user_id=UNTOLD, language_code="fr")
        [_, declined] = await tg.wait_for(2, chat_id=UNTOLD, kind="edit_text")
        assert "chiffrée" in (declined.plain_text or "")  # shown, never agreed to
        tg.user_sends("/engagement prevenir", user_id=TOLD, language_code="fr")
        [*_, explained] = await tg.wait_for(2, chat_id=TOLD, kind="message")
        tg.press_button(
            explained, "/engagement prevenir confirmer", user_id=TOLD, language_code="fr"
        )
        [*_, agreed] = await tg.wait_for(2, chat_id=TOLD, kind="edit_text")
        assert (agreed.plain_text or "").startswith("🔔 C'est noté")
    assert tables_holding(config.database, str(TOLD)) == []  # sealed
    assert tables_holding(config.database, str(UNTOLD)) == []
    async with open_app(config) as app, telegram_bot(app, tg):  # restarted
        before = {user: len(tg.sent(user)) for user in (TOLD, UNTOLD)}
        tg.user_sends(FIRM_PLEDGE, user_id=FIRM, language_code="fr")
        await eventually(lambda: len(tg.sent(TOLD)) > before[TOLD])
        [message] = tg.sent(TOLD)[before[TOLD] :]
        assert (message.plain_text or "").startswith("Votre engagement est ferme !")
        assert [b["callback_data"] for b in message.buttons] == ["/resilier", "/accompli"]
        tally = await app.storage.pledges.get_tally(app.services.clock())
        assert (tally.total, tally.conditional) == (3, 0)
        await eventually(lambda: tables_holding(config.database, str(TOLD)) == [])
    assert len(tg.sent(UNTOLD)) == before[UNTOLD]
    assert len(tg.sent(TOLD)) == before[TOLD] + 1
    assert tables_holding(config.database, str(UNTOLD)) == []


async def test_discord_members_who_asked_are_told_once_in_their_dms(
    config: Config, dc: FakeDiscord
) -> None:
    guild = next(iter(dc.guilds.values()))
    where = {"guild_id": guild.id, "channel_id": guild.channel("général")}
    for user in (TOLD, UNTOLD, FIRM):
        dc.add_member(guild.id, user)
    async with open_app(config) as app, discord_bot(app, dc):
        for user in (TOLD, UNTOLD):
            thanks = await pledge_on_discord(dc, user, IF_TWO, where)
        assert thanks.content.startswith("**Merci !** Votre engagement conditionnel")
        explained = await press(dc, thanks, "/engagement prevenir", TOLD)
        agreed = await press(dc, explained, "/engagement prevenir confirmer", TOLD)
        assert agreed.content.startswith("🔔 C'est noté")
    assert tables_holding(config.database, str(TOLD)) == []
    async with open_app(config) as app, discord_bot(app, dc):  # restarted
        await pledge_on_discord(dc, FIRM, FIRM_PLEDGE, where)
        dm = dc.dm_channel(TOLD).id
        [message] = await dc.wait_for(lambda: dc.sent(dm) or None)
        assert message.content.startswith("**Votre engagement est ferme !**")
        assert "/accompli" in message.custom_ids() and "/resilier" in message.custom_ids()
        await eventually(lambda: tables_holding(config.database, str(TOLD)) == [])
    assert len(dc.sent(dm)) == 1
    assert all(m.channel_id == dm for m in dc.sent() if not m.guild_id)
    assert tables_holding(config.database, str(UNTOLD)) == []


async def test_a_telegram_reminder_comes_once_at_its_time_with_its_buttons(
    config: Config, tg: FakeTelegram
) -> None:
    clock = Clock()
    async with open_app(config, clock=clock) as app, telegram_bot(app, tg):
        tg.user_sends("/engagement resilier ok2", user_id=TOLD, language_code="fr")
        [thanks] = await tg.wait_for(1, chat_id=TOLD)
        tg.press_button(thanks, "/engagement rappel 3", user_id=TOLD, language_code="fr")
        [notice] = await tg.wait_for(1, chat_id=TOLD, kind="edit_text")
        agree = "/engagement rappel 3 confirmer"
        tg.press_button(notice, agree, user_id=TOLD, language_code="fr")
        await tg.wait_for(2, chat_id=TOLD, kind="edit_text")
        assert tables_holding(config.database, str(TOLD)) == []
        clock.now += timedelta(days=3)
        assert await queue_notices(app.services) == 1  # the scheduler's look
        [_, reminder] = await tg.wait_for(2, chat_id=TOLD, kind="message")
        assert (reminder.plain_text or "").startswith("Petit rappel, comme demandé")
        assert [b["callback_data"] for b in reminder.buttons] == [
            "/accompli",
            "/engagement pasencore",
        ]
        tg.press_button(reminder, "/accompli", user_id=TOLD, language_code="fr")
        [*_, done] = await tg.wait_for(3, chat_id=TOLD, kind="edit_text")
        assert (done.plain_text or "").startswith("Bravo")
        clock.now += timedelta(days=30)
        assert await queue_notices(app.services) == 0
        await eventually(lambda: tables_holding(config.database, str(TOLD)) == [])
    assert len(tg.sent(TOLD, kind="message")) == 2
