"""The fake Bot API's lost answers and standing per-chat faults, driven by the real
python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from tests.fakes.telegram_api import FakeTelegram
from tests.telegram_support import png_bytes

# -- applied, answer lost ----------------------------------------------------------------------


async def test_a_lost_answer_leaves_the_message_sent(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", "lost", times=2, chat_id=5)
    await bot.send_message(6, "another chat is answered")
    for attempt in ("first", "second"):
        with pytest.raises(NetworkError, match="disconnected") as raised:
            await bot.send_message(5, attempt)
        assert type(raised.value) is NetworkError  # not TimedOut: the connection closed
    await bot.send_message(5, "third")
    assert [a.text for a in tg.sent(5)] == ["first", "second", "third"]
    assert tg.faults_served["lost"] == 2


async def test_a_held_answer_times_out_after_the_call_took_effect(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.fail_next("sendPhoto", "lost", hold=1.0)
    with pytest.raises(TimedOut):
        await bot.send_photo(7, png_bytes(), caption="tally", read_timeout=0.2)
    [photo] = tg.sent(7, kind="photo")
    assert photo.text == "tally"


# -- a chat that keeps failing -------------------------------------------------------------


async def test_a_chat_answers_429_until_its_seconds_are_over(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_chat(-100700, "429", seconds=0.4)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(-100700, "too soon")
    assert raised.value.retry_after == dt.timedelta(seconds=1)  # 0.4 s left, rounded up
    with pytest.raises(RetryAfter):
        await bot.get_chat(-100700)  # whatever the method
    await bot.send_message(-100701, "other chats are served")
    await asyncio.sleep(0.45)
    await bot.send_message(-100700, "in time")
    assert [a.text for a in tg.sent(-100700)] == ["in time"]
    assert tg.faults_served["429"] == 2

    tg.fail_chat(-100700, "429", seconds=30)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(-100700, "x")
    assert raised.value.retry_after == dt.timedelta(seconds=30)
    tg.clear_faults(-100700)
    await bot.send_message(-100700, "cleared")


async def test_a_chat_answers_500_until_cleared(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_chat(9, "500")
    for _ in range(3):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(9, "x")
    with pytest.raises(NetworkError):
        await bot.send_chat_action(9, "typing")
    await bot.send_message(10, "fine")
    tg.clear_faults()
    await bot.send_message(9, "back")
    assert [a.text for a in tg.sent(9)] == ["back"] and tg.faults_served["500"] == 4
    with pytest.raises(ValueError, match="seconds"):
        tg.fail_chat(9, "429")
    with pytest.raises(ValueError, match="keep failing"):
        tg.fail_chat(9, "lost")
