"""The bot's descriptions in each language, set at start only where Telegram's differ."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.constants import BotDescriptionLimit
from telegram.error import BadRequest

from bot.adapters.telegram_profile import planned_profile
from bot.app import App
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegram
from tests.telegram_support import telegram_bot


async def test_descriptions_are_set_per_language_then_left_alone(
    app: App, tg: FakeTelegram
) -> None:
    async with telegram_bot(app, tg):
        pass
    planned = planned_profile(app, BOT_USERNAME)
    for code, (description, short) in planned.items():
        assert tg.description_shown("description", code) == description
        assert tg.description_shown("short_description", code) == short
    assert f"@{BOT_USERNAME} " in tg.description_shown("description", "en")
    assert tg.description_shown("short_description", "de").startswith("Résilier ChatGPT")
    # French is the default: set once without a language, not again for "fr"
    sets = len(tg.calls_to("setMyDescription")) + len(tg.calls_to("setMyShortDescription"))
    assert sets == 2 * (len(planned) - 1)

    tg.descriptions[("short_description", "en")] = "changed by hand in @BotFather"
    tg.calls.clear()
    async with telegram_bot(app, tg):
        pass
    assert [c.params for c in tg.calls_to("setMyShortDescription")] == [
        {"short_description": planned["en"][1], "language_code": "en"}
    ]
    assert not tg.calls_to("setMyDescription")


async def test_every_language_fits_telegrams_limits(app: App) -> None:
    for description, short in planned_profile(app, "a" * 32).values():  # the longest username
        assert 0 < len(description) <= BotDescriptionLimit.MAX_DESCRIPTION_LENGTH
        assert 0 < len(short) <= BotDescriptionLimit.MAX_SHORT_DESCRIPTION_LENGTH


async def test_the_fake_refuses_a_short_description_too_long(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)short_description_invalid"):
        await bot.set_my_short_description("x" * 121, "fr")
    assert await bot.set_my_short_description("x" * 120, "fr")
    assert (await bot.get_my_short_description("fr")).short_description == "x" * 120
    assert (await bot.get_my_short_description("de")).short_description == ""
    assert await bot.set_my_short_description("", "fr")  # removed
    assert (await bot.get_my_short_description("fr")).short_description == ""
