"""The fake Bot API's checks and its other methods, driven by the real python-telegram-bot."""

from __future__ import annotations

import asyncio

import pytest
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
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
)

from tests.fakes.telegram_api import FakeTelegram
from tests.telegram_support import KEYBOARD, png_bytes

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


async def test_entities_found_in_the_text_like_the_documented_examples(bot: Bot) -> None:
    html = (
        "@username #hashtag $USD /start@jobs_bot https://telegram.org "
        "do-not-reply@telegram.org +1-212-555-0123 and/or &lt;/b&gt; <code>@inside</code>"
    )
    sent = await bot.send_message(1, html, parse_mode=ParseMode.HTML)
    found = [(e.type, sent.parse_entity(e)) for e in sent.entities]
    assert found == [
        ("mention", "@username"),
        ("hashtag", "#hashtag"),
        ("cashtag", "$USD"),
        ("bot_command", "/start@jobs_bot"),
        ("url", "https://telegram.org"),
        ("email", "do-not-reply@telegram.org"),
        ("phone_number", "+1-212-555-0123"),
        ("code", "@inside"),
    ]
    joined = await bot.send_message(1, "@\u2060username /\u2060start telegram\u2060.org")
    assert joined.entities == ()


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


async def test_caption_length_counts_the_text_shown(tg: FakeTelegram, bot: Bot) -> None:
    data = png_bytes()
    shown = "<b>" + "&amp;" * 1024 + "</b>"  # 1024 characters once the entities are parsed
    await bot.send_photo(1, data, caption=shown, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(1, data, caption="&amp;" * 1025, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(1, data, caption="\U0001f600" * 513)  # 1026 UTF-16 code units
    [photo] = tg.sent(1, kind="photo")
    assert photo.plain_text == "&" * 1024


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
