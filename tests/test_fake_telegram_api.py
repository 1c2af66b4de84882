"""The fake Telegram Bot API server, driven by the real python-telegram-bot over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from PIL import Image
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
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

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Pledge", callback_data="pledge"),
            InlineKeyboardButton("Later", callback_data="later"),
        ]
    ]
)


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without it, merely constructing RetryAfter emits a PTBDeprecationWarning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as client:
        yield client


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


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(buffer, format="PNG")
    return buffer.getvalue()


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


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>unclosed", "Can't find end tag"),
        ("<b>x</i>", "Unmatched end tag"),
        ("</b>", "Unexpected end tag"),
        ("<p>paragraph</p>", 'Unsupported start tag "p"'),
        ("<br>", 'Unsupported start tag "br"'),
        ("fish & chips", "Character '&'"),
        ("1 <2> 3", 'Unsupported start tag "2"'),
        ("a <b", "Unclosed start tag"),
    ],
)
async def test_invalid_html_is_rejected(bot: Bot, html: str, reason: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as raised:
        await bot.send_message(1, html, parse_mode=ParseMode.HTML)
    assert reason.lower() in str(raised.value).lower()  # PTB .capitalize()s the description


async def test_rich_html_entities(bot: Bot) -> None:
    html = (
        "<strong>b</strong><em>i</em><ins>u</ins><del>s</del><tg-spoiler>x</tg-spoiler>"
        '<pre><code class="language-python">print(1)</code></pre><blockquote>q</blockquote>'
        "&#128512;<code>c</code>"
    )
    sent = await bot.send_message(1, html, parse_mode=ParseMode.HTML)
    assert sent.text == "biusxprint(1)q\U0001f600c"
    types = [(e.type, e.offset, e.length, e.language) for e in sent.entities]
    assert types[:6] == [
        ("bold", 0, 1, None),
        ("italic", 1, 1, None),
        ("underline", 2, 1, None),
        ("strikethrough", 3, 1, None),
        ("spoiler", 4, 1, None),
        ("pre", 5, 8, "python"),
    ]
    assert types[6:] == [("blockquote", 13, 1, None), ("code", 16, 1, None)]  # emoji = 2 units


async def test_text_length_limit(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(1, "a" * 4096)
    bold = "<b>" + "a" * 4096 + "</b>"
    await bot.send_message(1, bold, parse_mode=ParseMode.HTML)  # tags don't count
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(1, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(1, "\U0001f600" * 2049)  # counted in UTF-16 units
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(1, "  ")
    assert len(tg.sent()) == 2


async def test_callback_data_must_be_1_to_64_bytes(bot: Bot) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data=data)]])

    await bot.send_message(1, "ok", reply_markup=keyboard("é" * 32))  # 64 bytes
    for data in ("é" * 33, ""):
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(1, "no", reply_markup=keyboard(data))


# -- other methods ---------------------------------------------------------------------------


async def test_send_photo_upload_and_download(tg: FakeTelegram, bot: Bot) -> None:
    data = png_bytes()
    sent = await bot.send_photo(
        -100321, data, caption="<b>Tally</b>: 12", parse_mode=ParseMode.HTML
    )
    assert sent.caption == "Tally: 12" and sent.caption_entities[0].type == MessageEntity.BOLD
    size = sent.photo[-1]
    assert (size.width, size.height, size.file_size) == (3, 2, len(data))
    [action] = tg.sent(-100321, kind="photo")
    assert action.photo == data and action.text == "<b>Tally</b>: 12"
    file = await bot.get_file(size.file_id)
    assert bytes(await file.download_as_bytearray()) == data  # served under base_file_url
    again = await bot.send_photo(5, size.file_id)  # re-send by file_id
    assert tg.sent(5)[0].photo == data and again.photo[-1].file_id == size.file_id
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(5, data, caption="c" * 1025)


async def test_edits_deletes_and_pins(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(9, "<b>v1</b>", parse_mode=ParseMode.HTML, reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>v1</b>", 9, sent.message_id, parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
        )
    edited = await bot.edit_message_text("v1", 9, sent.message_id, reply_markup=KEYBOARD)
    assert isinstance(edited, Message)  # same text, but the bold entity is gone: a real edit
    assert edited.text == "v1" and not edited.entities and edited.edit_date is not None
    await bot.edit_message_reply_markup(9, sent.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(9, sent.message_id, reply_markup=None)
    user_message = tg.user_sends("mine", chat_id=9)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("hijack", 9, user_message["message_id"])
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", 9, 999)
    assert await bot.pin_chat_message(9, sent.message_id)
    pinned = (await bot.get_chat(9)).pinned_message
    assert pinned is not None and pinned.message_id == sent.message_id
    assert await bot.unpin_chat_message(9)
    assert await bot.delete_message(9, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(9, sent.message_id)
    kinds = [action.kind for action in tg.sent(9)]
    assert kinds == ["message", "edit_text", "edit_markup", "pin", "unpin", "delete"]
    first, second = (action.message or {} for action in tg.sent(9)[:2])  # snapshots, not live
    assert first["entities"][0]["type"] == "bold" and "entities" not in second


async def test_commands_per_scope_and_language(tg: FakeTelegram, bot: Bot) -> None:
    english = [BotCommand("start", "Start"), BotCommand("pledge", "Take the pledge")]
    await bot.set_my_commands(english)
    await bot.set_my_commands([BotCommand("start", "Démarrer")], language_code="fr")
    await bot.set_my_commands(
        [BotCommand("tally", "Show tally")], scope=BotCommandScopeAllGroupChats()
    )
    await bot.set_my_commands([BotCommand("ban", "Ban")], scope=BotCommandScopeChat(-100123))
    assert tg.commands_for() == [
        {"command": "start", "description": "Start"},
        {"command": "pledge", "description": "Take the pledge"},
    ]
    assert tg.commands_for(language_code="fr") == [{"command": "start", "description": "Démarrer"}]
    assert tg.commands_for("all_group_chats")[0]["command"] == "tally"
    assert tg.commands_for({"type": "chat", "chat_id": -100123})[0]["command"] == "ban"
    assert await bot.get_my_commands() == tuple(english)
    assert await bot.get_my_commands(language_code="de") == ()
    assert len(tg.calls_to("setMyCommands")) == 4 and len(tg.commands) == 4
    await bot.delete_my_commands(language_code="fr")
    assert tg.commands_for(language_code="fr") == []
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_chat_members_and_admins(tg: FakeTelegram, bot: Bot) -> None:
    tg.user_sends("hi", chat_id=-100500, user_id=11, title="QuitGPT FR")
    tg.set_admins(-100500, [12], creator_id=13)
    tg.bot_added_to(-100500, as_admin=True)
    chat = await bot.get_chat(-100500)
    assert chat.title == "QuitGPT FR" and chat.type == "supergroup"
    assert (await bot.get_chat_member(-100500, 11)).status == "member"
    assert (await bot.get_chat_member(-100500, 12)).status == "administrator"
    assert (await bot.get_chat_member(-100500, 99)).status == "left"
    me = await bot.get_chat_member(-100500, bot.id)
    assert isinstance(me, ChatMemberAdministrator)
    admins = await bot.get_chat_administrators(-100500)
    assert [(m.user.id, m.status) for m in admins] == [
        (13, "creator"),
        (12, "administrator"),
        (bot.id, "administrator"),
    ]
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(-42)
    assert await bot.leave_chat(-100500)
    with pytest.raises(Forbidden, match=r"(?i)not a member of the supergroup chat"):
        await bot.send_message(-100500, "still here?")
    assert await bot.close() and await bot.log_out()


async def test_my_chat_member_updates_are_parsed(tg: FakeTelegram, bot: Bot) -> None:
    tg.bot_added_to(-100777, "supergroup", by_user_id=5)
    tg.bot_removed_from(-100777, by_user_id=5)
    tg.bot_added_to(-888, "group")
    tg.bot_removed_from(-888)
    tg.bot_blocked_by(31)
    updates = await bot.get_updates()
    changes = [u.my_chat_member for u in updates if u.my_chat_member is not None]
    assert len(changes) == len(updates) == 5
    added, removed, _, left, blocked = changes
    assert added.chat.id == -100777 and added.from_user.id == 5
    assert isinstance(added.old_chat_member, ChatMemberLeft)
    assert isinstance(added.new_chat_member, ChatMemberMember)
    assert added.new_chat_member.user.id == bot.id and added.new_chat_member.user.is_bot
    assert isinstance(removed.new_chat_member, ChatMemberBanned)
    assert isinstance(left.new_chat_member, ChatMemberLeft)  # basic groups report "left"
    assert blocked.chat.type == "private" and isinstance(blocked.new_chat_member, ChatMemberBanned)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(31, "come back")
    with pytest.raises(Forbidden, match=r"(?i)kicked from the supergroup chat"):
        await bot.send_message(-100777, "hello?")
    tg.user_sends("/start", chat_id=31)  # writing to the bot unblocks it
    await bot.send_message(31, "welcome back")
    [unblocked, message] = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert unblocked.my_chat_member and unblocked.my_chat_member.new_chat_member.status == "member"
    assert message.message and message.message.text == "/start"


async def test_group_migration(tg: FakeTelegram, bot: Bot) -> None:
    tg.user_sends("hi", chat_id=-4242, title="Old group")
    [old_update] = await bot.get_updates()
    tg.group_migrated(-4242, -1004242)
    service_old, service_new = await bot.get_updates(offset=old_update.update_id + 1)
    assert service_old.message and service_old.message.migrate_to_chat_id == -1004242
    assert service_old.message.chat.id == -4242 and service_old.message.chat.type == "group"
    new = service_new.message
    assert new and new.migrate_from_chat_id == -4242 and new.chat.type == "supergroup"
    assert new.chat.title == "Old group"
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(-4242, "hello")
    assert raised.value.new_chat_id == -1004242
    await bot.send_message(-1004242, "hello again")


async def test_channel_post(tg: FakeTelegram, bot: Bot) -> None:
    tg.user_sends("news", chat_id=-100900, chat_type="channel")
    [update] = await bot.get_updates()
    assert update.channel_post and update.channel_post.text == "news" and update.message is None
    assert update.channel_post.sender_chat and update.channel_post.sender_chat.id == -100900


async def test_wait_for_predicate_and_timeout(tg: FakeTelegram, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(1, "first")
        await bot.send_message(1, "tally: 3")

    task = asyncio.create_task(later())
    [match] = await tg.wait_for(lambda action: (action.text or "").startswith("tally"), timeout=2)
    await task
    assert match.text == "tally: 3"
    with pytest.raises(AssertionError, match=r"(?i)bot did 2/3"):
        await tg.wait_for(3, timeout=0.1)
