"""The fake Telegram Bot API server, driven by the real python-telegram-bot over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    MessageEntity,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakes.telegram_api import FakeTelegram
from tests.telegram_support import KEYBOARD, png_bytes


@contextlib.asynccontextmanager
async def polling_app(
    tg: FakeTelegram, *handlers: BaseHandler[Any, Any, Any]
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """An Application long-polling the fake server, stopped cleanly on exit."""
    app = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    for handler in handlers:
        app.add_handler(handler)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


# -- basics ----------------------------------------------------------------------------------


async def test_get_me(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "quitgpt_test_bot" and me.can_join_groups
    assert me.id == int(tg.token.split(":")[0]) == bot.id
    assert [call.method for call in tg.calls] == ["getMe", "getMe"]  # initialize() + ours


async def test_send_html_with_keyboard_and_read_it_back(tg: FakeTelegram, bot: Bot) -> None:
    html = '<b>Quit</b> &amp; <i>stay</i> <a href="https://quitgpt.org">out</a> &lt;3'
    sent = await bot.send_message(42, html, parse_mode=ParseMode.HTML, reply_markup=KEYBOARD)
    assert sent.text == "Quit & stay out <3"
    assert [e.type for e in sent.entities] == [
        MessageEntity.BOLD,
        MessageEntity.ITALIC,
        MessageEntity.TEXT_LINK,
    ]
    assert sent.text_html == html  # PTB rebuilds the same HTML from text + entities
    assert sent.from_user is not None and sent.from_user.id == bot.id
    assert sent.chat.id == 42 and sent.chat.type == "private" and sent.message_id == 1
    assert isinstance(sent.date, dt.datetime) and sent.reply_markup == KEYBOARD
    second = await bot.send_message(42, "again")
    other_chat = await bot.send_message(-100777, "hello group")
    assert (second.message_id, other_chat.message_id, other_chat.chat.type) == (2, 1, "supergroup")

    [action, _] = tg.sent(chat_id=42)
    assert (action.kind, action.method, action.message_id) == ("message", "sendMessage", 1)
    assert action.text == html and action.parse_mode == "HTML" and action.plain_text == sent.text
    assert [b["callback_data"] for b in action.buttons] == ["pledge", "later"]
    assert isinstance(action.message and action.message["date"], int)


async def test_raw_protocol_json_get_and_errors(tg: FakeTelegram) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{tg.base_url}{tg.token}/getMe") as response:
            assert (await response.json())["result"]["username"] == "quitgpt_test_bot"
        payload = {
            "chat_id": 5,
            "text": "json body",
            "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]},
        }
        async with http.post(f"{tg.base_url}{tg.token}/sendMessage", json=payload) as response:
            body = await response.json()
            assert body["ok"] and body["result"]["reply_markup"] == payload["reply_markup"]
        async with http.post(f"{tg.base_url}{tg.token}/fooBar") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        async with http.get(f"{tg.base_url}not-a-token/getMe") as response:
            assert response.status == 404
        async with http.post(
            f"{tg.base_url}{tg.token}/sendMessage",
            data={"chat_id": "5", "text": "<b>", "parse_mode": "HTML"},
        ) as response:
            body = await response.json()
            assert response.status == 400 and body["error_code"] == 400
            assert body["description"].startswith("Bad Request: can't parse entities: ")
    assert tg.sent(5)[0].text == "json body"


async def test_unknown_method_via_ptb(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")


# -- long polling with a real Application --------------------------------------------------------


async def test_application_handles_command_and_button(tg: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        lang = update.effective_user.language_code
        await update.effective_message.reply_text(
            f"<b>Hi</b> ({lang}) {context.args}", parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"Got {query.data}", show_alert=True)
        await query.edit_message_text(f"You chose {query.data}")

    async with polling_app(tg, CommandHandler("start", start), CallbackQueryHandler(button)):
        started = time.monotonic()
        tg.user_sends("/start ref42", chat_id=42, language_code="fr")
        [reply] = await tg.wait_for(1, chat_id=42)
        assert time.monotonic() - started < 0.9  # the long poll answered as soon as it could
        assert reply.text == "<b>Hi</b> (fr) ['ref42']" and reply.parse_mode == "HTML"

        query = tg.press_button(reply, "pledge")
        [edit] = await tg.wait_for(1, chat_id=42, kind="edit_text")
        assert edit.message_id == reply.message_id and edit.plain_text == "You chose pledge"
        assert edit.message is not None and "reply_markup" not in edit.message  # keyboard dropped
        assert tg.callback_answers[query["id"]] == {
            "text": "Got pledge",
            "show_alert": True,
            "url": None,
            "cache_time": 0,
        }
        with pytest.raises(ValueError, match=r"(?i)no button"):
            tg.press_button(reply, "later")  # the edit removed the keyboard
        # Group commands addressed to the bot work too; in groups PTB's reply_text quotes.
        tg.user_sends("/start@quitgpt_test_bot", chat_id=-100555, user_id=7)
        [group_reply] = await tg.wait_for(1, chat_id=-100555)
        assert group_reply.message is not None
        assert group_reply.message["reply_to_message"]["from"]["id"] == 7
    assert tg.pending_updates == 0
    assert [call.method for call in tg.calls[:3]] == ["getMe", "deleteWebhook", "getUpdates"]


async def test_handled_updates_are_not_delivered_again(tg: FakeTelegram) -> None:
    seen: list[str] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        seen.append(update.effective_message.text)
        await update.effective_message.reply_text("ok")

    async with polling_app(tg, CommandHandler("start", record)):
        first = tg.user_sends("/start one")
        await tg.wait_for(1)
    assert tg.pending_updates == 0 and tg.confirmed_offset > 0
    async with polling_app(tg, CommandHandler("start", record)):
        tg.user_sends("/start two")
        await tg.wait_for(2)
    assert seen == ["/start one", "/start two"]  # a redelivered "one" would come first
    assert first["message_id"] == 1 and tg.sent()[-1].message_id == 4  # shared per-chat counter


async def test_get_updates_long_poll_offset_limit(tg: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 2

    asyncio.get_running_loop().call_later(0.1, lambda: tg.user_sends("hello"))
    started = time.monotonic()
    [update] = await bot.get_updates(timeout=5)
    assert time.monotonic() - started < 1 and update.message and update.message.text == "hello"

    tg.user_sends("a")
    tg.user_sends("b")
    assert len(await bot.get_updates(limit=2)) == 2  # nothing confirmed yet: 3 pending
    assert tg.pending_updates == 3
    [last] = await bot.get_updates(offset=-1)
    assert last.message and last.message.text == "b" and tg.pending_updates == 1
    assert await bot.get_updates(offset=last.update_id + 1) == ()
    assert tg.confirmed_offset == last.update_id + 1

    await bot.get_updates(allowed_updates=["callback_query"])
    tg.user_sends("filtered out")
    assert tg.pending_updates == 0


async def test_webhook_is_stored_and_blocks_polling(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook", max_connections=5)
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook" and info.max_connections == 5
    with pytest.raises(Conflict):
        await bot.get_updates()
    tg.user_sends("pending")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == "" and await bot.get_updates() == ()


# -- injected faults -------------------------------------------------------------------------


async def test_fault_429_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", "429", retry_after=3)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(1, "x")
    assert raised.value.retry_after == dt.timedelta(seconds=3)
    await bot.send_message(1, "x")  # normal service resumes
    assert tg.faults_served["429"] == 1 and len(tg.sent(1)) == 1


async def test_fault_403_only_for_one_chat(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", "403", times=2, chat_id=7)
    await bot.send_message(8, "fine")
    for _ in range(2):
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(7, "x")
    await bot.send_message(7, "fine again")
    tg.fail_next("sendMessage", "403", chat_id=-1001)
    with pytest.raises(Forbidden, match=r"(?i)kicked from the supergroup chat"):
        await bot.send_message(-1001, "x")
    assert tg.faults_served["403"] == 3


async def test_fault_400_migrate(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", "400_migrate", migrate_to_chat_id=-100999)
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(-999, "x")
    assert raised.value.new_chat_id == -100999


async def test_fault_500_is_network_error(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("getChat", "500")
    with pytest.raises(NetworkError) as raised:
        await bot.get_chat(1)
    assert type(raised.value) is NetworkError and "Internal Server Error" in str(raised.value)


async def test_fault_slow_times_out(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", "slow", delay=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(3, "late", read_timeout=0.2)
    await bot.send_message(3, "on time", read_timeout=0.5)
    assert tg.faults_served["slow"] == 1


async def test_fault_400_generic(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendPhoto", "400", description="Bad Request: wrong file identifier")
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(1, png_bytes())
    with pytest.raises(ValueError, match=r"(?i)unknown fault kind"):
        tg.fail_next("sendMessage", "418")


async def test_enforced_flood_limits() -> None:
    async with FakeTelegram(enforce_limits=True) as tg, Bot(tg.token, base_url=tg.base_url) as bot:
        for i in range(20):
            await bot.send_message(-55, f"group message {i}")
        with pytest.raises(RetryAfter):
            await bot.send_message(-55, "one too many")
        for user in range(100, 110):  # 30 messages within the second so far
            await bot.send_message(user, "broadcast")
        with pytest.raises(RetryAfter):
            await bot.send_message(200, "31st in a second")
        assert tg.faults_served["429"] == 2 and len(tg.sent()) == 30
