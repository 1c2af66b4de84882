"""The fake Bot API's lost answers, standing per-chat faults and restricted rights, driven
by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram import Bot, ChatMemberMember, ChatMemberRestricted
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

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


# -- rights --------------------------------------------------------------------------------------


async def test_a_restricted_bot_cannot_send_to_a_supergroup(tg: FakeTelegram, bot: Bot) -> None:
    tg.bot_added_to(-100800)
    tg.restrict(-100800)
    with pytest.raises(
        BadRequest, match=r"(?i)not enough rights to send text messages to the chat"
    ):
        await bot.send_message(-100800, "x")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to send photos to the chat"):
        await bot.send_photo(-100800, png_bytes())
    me = await bot.get_chat_member(-100800, bot.id)
    assert isinstance(me, ChatMemberRestricted) and me.is_member
    assert not me.can_send_messages and not me.can_send_photos and me.can_send_polls
    tg.restrict(-100800, can_send=True)
    await bot.send_message(-100800, "allowed again")
    *_, restricted, restored = [u.my_chat_member for u in await bot.get_updates()]
    assert restricted is not None and restored is not None
    assert isinstance(restricted.new_chat_member, ChatMemberRestricted)
    assert isinstance(restored.new_chat_member, ChatMemberMember)
    assert [a.text for a in tg.sent(-100800)] == ["allowed again"]


async def test_a_basic_group_can_forbid_text_but_not_photos(tg: FakeTelegram, bot: Bot) -> None:
    tg.restrict(-800, can_send_photos=True)
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to send text messages"):
        await bot.send_message(-800, "x")
    await bot.send_photo(-800, png_bytes())
    chat = await bot.get_chat(-800)
    assert chat.permissions is not None and chat.permissions.can_send_messages is False
    with pytest.raises(ValueError, match="only groups"):
        tg.restrict(42)
