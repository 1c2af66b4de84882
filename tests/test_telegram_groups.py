"""Telegram groups as they are used: forum topics, answers replying to the command, link
lists without previews, and a menu for the groups' administrators."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram_support import MODERATOR, telegram_bot

FORUM = -100777
GROUP = -100555
TOPIC = 12


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "tg.db",
        moderators={"telegram": frozenset({str(MODERATOR)})},
        quiet_hours="",
    )


async def test_a_command_typed_in_a_forum_topic_is_answered_in_that_topic(
    app: App, tg: FakeTelegram
) -> None:
    async with telegram_bot(app, tg):
        asked = tg.user_sends("/compteur", chat_id=FORUM, user_id=51, topic=TOPIC)
        [answer] = await tg.wait_for(1, chat_id=FORUM)
    assert answer.params["message_thread_id"] == TOPIC
    assert answer.message is not None and answer.message["is_topic_message"]
    assert answer.message["reply_to_message"]["message_id"] == asked["message_id"]


async def test_a_button_pressed_in_a_topic_answers_in_that_topic(
    app: App, tg: FakeTelegram
) -> None:
    async with telegram_bot(app, tg):
        tg.user_sends("/compteur", chat_id=FORUM, user_id=51, topic=TOPIC)
        [tally] = await tg.wait_for(1, chat_id=FORUM)
        [chart_button] = [b["callback_data"] for b in tally.buttons]
        tg.press_button(tally, chart_button, user_id=52)
        [_, chart] = await tg.wait_for(2, chat_id=FORUM)
    assert chart.kind == "photo" and chart.params["message_thread_id"] == TOPIC
    assert "reply_parameters" not in chart.params  # a press is not a message to reply to


async def test_a_group_answer_replies_even_when_the_command_was_deleted(
    app: App, tg: FakeTelegram
) -> None:
    async with telegram_bot(app, tg):
        asked = tg.user_sends("/compteur", chat_id=GROUP, user_id=51)
        tg.user_deletes(GROUP, asked["message_id"])  # gone before the bot answers
        [answer] = await tg.wait_for(1, chat_id=GROUP)
    assert answer.params["reply_parameters"]["allow_sending_without_reply"] is True
    assert "message_thread_id" not in answer.params
    assert answer.message is not None and "reply_to_message" not in answer.message


async def test_private_answers_do_not_reply_to_the_command(app: App, tg: FakeTelegram) -> None:
    async with telegram_bot(app, tg):
        tg.user_sends("/compteur", user_id=42)
        [answer] = await tg.wait_for(1, chat_id=42)
    assert "reply_parameters" not in answer.params


@pytest.mark.parametrize("command", ["/sources", "/guide"])
async def test_link_lists_are_sent_without_previews(
    app: App, tg: FakeTelegram, command: str
) -> None:
    async with telegram_bot(app, tg):
        tg.user_sends(command, user_id=42)
        tg.user_sends("/compteur", user_id=42)
        [links, tally] = await tg.wait_for(2, chat_id=42)
    assert links.message is not None
    assert links.message["link_preview_options"] == {"is_disabled": True}
    assert "link_preview_options" not in tally.params


async def test_group_admins_see_subscribe_in_their_menu_and_members_do_not(
    app: App, tg: FakeTelegram
) -> None:
    tg.set_admins(GROUP, [50])
    async with telegram_bot(app, tg):
        tg.user_sends("/aide", user_id=42)
        await tg.wait_for(1, chat_id=42)
    admin, member = tg.menu_shown(GROUP, 50, "fr"), tg.menu_shown(GROUP, 51, "fr")
    assert {"abonner", "desabonner"} <= set(admin)
    assert not {"abonner", "desabonner"} & set(member)
    assert "faits" in member and "annonce" not in admin
    assert {"subscribe", "unsubscribe"} <= set(tg.menu_shown(GROUP, 50, "en"))
    assert "subscribe" not in tg.menu_shown(GROUP, 51, "en")
    assert "abonner" in tg.menu_shown(42, 42, "fr")  # a member subscribes their own chat


async def test_a_subscription_made_in_a_topic_posts_to_that_topic(
    app: App, tg: FakeTelegram
) -> None:
    tg.set_admins(FORUM, [50])
    async with telegram_bot(app, tg):
        tg.user_sends("/abonner", chat_id=FORUM, user_id=50, topic=TOPIC, language_code="fr")
        await tg.wait_for(1, chat_id=FORUM)
        tg.user_sends("/annonce Rendez-vous samedi", user_id=MODERATOR, language_code="fr")
        [preview] = await tg.wait_for(1, chat_id=MODERATOR)
        send = preview.buttons[0]["callback_data"]
        tg.press_button(preview, send, user_id=MODERATOR, language_code="fr")
        [_, post] = await tg.wait_for(2, chat_id=FORUM)
    assert "Rendez-vous samedi" in (post.plain_text or "")
    assert post.params["message_thread_id"] == TOPIC
    assert "reply_parameters" not in post.params
    sub = await app.storage.subscriptions.get_subscription("telegram", str(FORUM))
    assert sub is not None and sub.topic == str(TOPIC)


async def test_subscribing_again_from_another_topic_moves_the_posts_there(
    app: App, tg: FakeTelegram
) -> None:
    tg.set_admins(FORUM, [50])
    async with telegram_bot(app, tg):
        for where in (TOPIC, TOPIC + 1, None):
            tg.user_sends("/abonner", chat_id=FORUM, user_id=50, topic=where)
            await tg.wait_for(lambda a, w=where: a.params.get("message_thread_id") == w)
            sub = await app.storage.subscriptions.get_subscription("telegram", str(FORUM))
            assert sub is not None and sub.topic == ("" if where is None else str(where))


async def test_posts_for_a_deleted_topic_go_to_the_main_thread(app: App, tg: FakeTelegram) -> None:
    tg.set_admins(FORUM, [50])
    async with telegram_bot(app, tg):
        tg.user_sends("/abonner", chat_id=FORUM, user_id=50, topic=TOPIC, language_code="fr")
        await tg.wait_for(1, chat_id=FORUM)
        tg.topic_deleted(FORUM, TOPIC)
        tg.user_sends("/annonce Le sujet a disparu", user_id=MODERATOR, language_code="fr")
        [preview] = await tg.wait_for(1, chat_id=MODERATOR)
        tg.press_button(preview, preview.buttons[0]["callback_data"], user_id=MODERATOR)
        [_, post] = await tg.wait_for(2, chat_id=FORUM)
    assert "Le sujet a disparu" in (post.plain_text or "")
    assert "message_thread_id" not in post.params
    tries = [c for c in tg.calls_to("sendMessage") if c.params["chat_id"] == FORUM][1:]
    assert [c.params.get("message_thread_id") for c in tries] == [TOPIC, None]
