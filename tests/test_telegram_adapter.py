"""The real python-telegram-bot adapter against a Bot API server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.telegram import Webhook
from bot.adapters.telegram_render import MESSAGE_LIMIT, WORD_JOINER
from bot.app import App, open_app
from bot.config import Config
from bot.seam import ChatKind, ChatRef, Message, Reply, Sender
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_state import utf16_len
from tests.telegram_support import (
    AIDE_UPDATE,
    MODERATOR,
    SECRET_HEADER,
    eventually,
    no_pacing,
    telegram_bot,
)

GROUP = -100555


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "tg.db",
        moderators={"telegram": frozenset({str(MODERATOR)})},
        quiet_hours="",
    )


async def test_private_journey_in_french_and_english(app: App, tg: FakeTelegram) -> None:
    async with telegram_bot(app, tg):
        tg.user_sends("/start", user_id=42, language_code="fr")
        [welcome] = await tg.wait_for(1, chat_id=42)
        assert welcome.parse_mode == "HTML"
        assert welcome.text is not None and welcome.text.startswith(
            "<b>Bienvenue dans QuitGPT !</b>"
        )
        tg.user_sends("/help", user_id=43, language_code="en-GB")
        [help_text] = await tg.wait_for(1, chat_id=43)
        assert help_text.plain_text is not None and "/help — show this help" in help_text.plain_text
        tg.user_sends("/abonner", user_id=42, language_code="fr")
        await tg.wait_for(2, chat_id=42)
        assert await app.storage.subscriptions.get_subscription("telegram", "42") is not None
        tg.user_sends("/inconnue", user_id=42, language_code="fr")
        [*_, unknown] = await tg.wait_for(3, chat_id=42)
        assert unknown.plain_text is not None and unknown.plain_text.startswith(
            "Commande inconnue."
        )


async def test_group_commands_admins_and_other_bots(app: App, tg: FakeTelegram) -> None:
    tg.set_admins(GROUP, [50])
    async with telegram_bot(app, tg):
        tg.user_sends("/aide@other_bot", chat_id=GROUP, user_id=51, language_code="fr")
        tg.user_sends("une discussion entre membres", chat_id=GROUP, user_id=51)
        tg.user_sends("/abonner@quitgpt_test_bot", chat_id=GROUP, user_id=51, language_code="fr")
        [refused] = await tg.wait_for(1, chat_id=51)  # told privately: the group is not disturbed
        assert (refused.plain_text or "").startswith("Seuls les administrateurs")
        tg.user_sends(
            "/abonner@QuitGPT_Test_Bot épinglé", chat_id=GROUP, user_id=50, language_code="fr"
        )
        await tg.wait_for(1, chat_id=GROUP)
    sub = await app.storage.subscriptions.get_subscription("telegram", str(GROUP))
    assert sub is not None and sub.pinned and sub.chat_kind == "group"
    assert len(tg.sent(chat_id=GROUP)) == 1  # the other bot's command and the chatter were ignored


async def test_member_markup_is_escaped(app: App, tg: FakeTelegram) -> None:
    hostile = '<b>gras</b> & <a href="https://evil.example">lien</a> *x* _y_'
    async with telegram_bot(app, tg):
        tg.user_sends(f"/annonce {hostile}", user_id=MODERATOR, language_code="fr")
        [preview] = await tg.wait_for(1, chat_id=MODERATOR)
    assert preview.text is not None and preview.plain_text is not None
    assert (
        '&lt;b&gt;gras&lt;/b&gt; &amp; &lt;a href="https://evil.example"&gt;lien&lt;/a&gt; *x* _y_'
        in preview.text.replace(WORD_JOINER, "")
    )
    assert hostile in preview.plain_text.replace(WORD_JOINER, "")
    assert not [e for e in preview.message["entities"] if e["type"] == "url"]


async def test_long_announcement_is_split_confirmed_by_button_and_reported(
    app: App, tg: FakeTelegram
) -> None:
    paragraphs = "\n\n".join(f"Paragraphe {i} " + "x" * 480 for i in range(8))  # ~3,950 characters
    async with telegram_bot(app, tg):
        tg.user_sends("/abonner", user_id=42, language_code="fr")
        await tg.wait_for(1, chat_id=42)
        tg.user_sends(f"/annonce {paragraphs}", user_id=MODERATOR, language_code="fr")
        preview = await tg.wait_for(2, chat_id=MODERATOR)
        assert all(len(action.text or "") <= 4096 for action in preview)
        assert preview[-1].buttons[0]["callback_data"] == "/annonce confirmer 1"
        tg.press_button(preview[-1], "/annonce confirmer 1", user_id=MODERATOR, language_code="fr")
        [_, delivered] = await tg.wait_for(2, chat_id=42)  # subscribe answer, announcement
        report = await tg.wait_for(
            lambda a: "Bilan de l'annonce n°1" in (a.plain_text or ""), chat_id=MODERATOR
        )
    assert (delivered.plain_text or "").startswith("📢 Annonce de la campagne QuitGPT")
    assert (delivered.plain_text or "").count("Paragraphe") == 8
    assert "".join(a.plain_text or "" for a in preview).count("Paragraphe") == 8
    assert "1 discussion atteinte" in (report[0].plain_text or "")
    edits = tg.sent(chat_id=MODERATOR, kind="edit_text")
    assert edits and "Annonce n°1 en cours d'envoi" in (edits[0].plain_text or "")


async def test_a_5000_character_post_is_split_at_paragraphs(app: App, tg: FakeTelegram) -> None:
    text = "\n\n".join(f"*Partie {i}* " + "mot & <mot> " * 45 for i in range(10))
    async with telegram_bot(app, tg) as adapter:
        chat = ChatRef("telegram", "42", ChatKind.PRIVATE)
        await adapter.deliver(chat, Reply(text), pace=no_pacing)
    parts = tg.sent(chat_id=42)
    # Telegram counts what the HTML shows: "&amp;" is one character, "<b>" none.
    assert len(text) > 5000 and len(parts) == 2
    assert all(utf16_len(p.plain_text or "") <= MESSAGE_LIMIT for p in parts)
    assert all((p.plain_text or "").startswith("Partie") for p in parts)  # cut between paragraphs
    assert "".join(p.plain_text or "" for p in parts).count("mot & <mot>") == 450


async def test_a_post_of_emoji_is_split_by_telegram_s_own_count(app: App, tg: FakeTelegram) -> None:
    """Telegram counts a message's 4096 characters in UTF-16 code units, after its entities
    are parsed (Bot API, sendMessage: "1-4096 characters after entities parsing"; entity
    offsets and lengths are in UTF-16 code units): an emoji outside the BMP counts twice,
    and markup not at all."""
    text = "\n\n".join(f"*Partie {i}* " + "✊🏽📢 " * 250 for i in range(4))
    async with telegram_bot(app, tg) as adapter:
        chat = ChatRef("telegram", "42", ChatKind.PRIVATE)
        await adapter.deliver(chat, Reply(text), pace=no_pacing)
    parts = tg.sent(chat_id=42)
    assert len(text) < MESSAGE_LIMIT < utf16_len(text) and len(parts) == 2
    assert all(utf16_len(p.plain_text or "") <= MESSAGE_LIMIT for p in parts)
    assert "".join(p.plain_text or "" for p in parts).count("📢") == 1000


async def test_forged_button_gets_a_polite_answer_only(app: App, tg: FakeTelegram) -> None:
    async with telegram_bot(app, tg):
        async with Bot(tg.token, base_url=tg.base_url) as forger:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="/rm -rf")]])
            message = await forger.send_message(42, "piège", reply_markup=markup)
        before = len(tg.sent())
        query = tg.press_button(message.to_dict(), "/rm -rf", user_id=42, language_code="fr")
        await eventually(lambda: query["id"] in tg.callback_answers)
    assert (
        tg.callback_answers[query["id"]]["text"]
        == "Ce bouton n'est plus valable. Réessayez avec la commande."
    )
    assert len(tg.sent()) == before


async def test_faults_on_replies_are_retried(app: App, tg: FakeTelegram) -> None:
    async with telegram_bot(app, tg):
        tg.fail_next("sendMessage", "429", retry_after=1)
        tg.fail_next("sendMessage", "500")
        tg.fail_next("sendMessage", "slow", delay=2)
        tg.user_sends("/aide", user_id=42, language_code="fr")
        answers = await tg.wait_for(1, chat_id=42, timeout=15)
    assert answers[0].plain_text is not None and answers[0].plain_text.startswith("Commandes")
    assert tg.faults_served == {"429": 1, "500": 1, "slow": 1}


async def test_an_answer_applied_but_whose_reply_was_lost_is_sent_again(
    app: App, tg: FakeTelegram
) -> None:
    """The Bot API has no idempotency key: an answer to a member can be repeated too."""
    async with telegram_bot(app, tg):
        tg.fail_next("sendMessage", "lost", chat_id=42)
        tg.user_sends("/aide", user_id=42, language_code="fr")
        answers = await tg.wait_for(2, chat_id=42, timeout=15)
    assert answers[0].plain_text == answers[1].plain_text
    assert tg.faults_served == {"lost": 1}


async def test_delivery_faults_clean_up_subscriptions(app: App, tg: FakeTelegram) -> None:
    for user in (61, 62, 63, 64):
        chat = ChatRef("telegram", str(user), ChatKind.PRIVATE)
        msg = app.dispatcher.message(chat, Sender(str(user), "fr"), "/abonner")
        assert msg is not None
        await app.dispatcher.handle(msg)
    async with telegram_bot(app, tg):
        tg.fail_next("sendMessage", "403", chat_id=61)
        tg.fail_next("sendMessage", "400_migrate", chat_id=62, migrate_to_chat_id=-100620)
        tg.fail_next("sendMessage", "400", chat_id=63, description="Bad Request: something odd")
        tg.fail_next("sendMessage", "429", chat_id=64, retry_after=1)
        tg.fail_next("sendMessage", "500", chat_id=64)
        tg.user_sends("/annonce Nouvelle importante", user_id=MODERATOR, language_code="fr")
        [preview] = await tg.wait_for(1, chat_id=MODERATOR)
        tg.press_button(preview, "/annonce confirmer 1", user_id=MODERATOR, language_code="fr")
        [moved] = await tg.wait_for(1, chat_id=-100620)
        report = await tg.wait_for(lambda a: "Bilan" in (a.plain_text or ""), chat_id=MODERATOR)
    assert "Nouvelle importante" in (moved.plain_text or "")
    assert "2 discussions atteintes, 1 échec (bad_request: 1), 1 discussion désabonnée" in (
        report[0].plain_text or ""
    )
    assert {s.chat_id for s in await app.storage.subscriptions.list_subscriptions()} == {
        "-100620",
        "63",
        "64",
    }
    assert [a.chat_id for a in tg.sent(chat_id=64)] == [64]  # retried after 429 and 500, once


async def test_membership_events(app: App, tg: FakeTelegram) -> None:
    async with telegram_bot(app, tg):
        tg.bot_added_to(-300, "group", by_user_id=70)
        [welcome] = await tg.wait_for(1, chat_id=-300)
        assert "Un administrateur peut écrire /abonner" in (welcome.plain_text or "")
        tg.set_admins(-300, [70])
        tg.user_sends("/abonner", chat_id=-300, user_id=70, language_code="fr")
        await tg.wait_for(2, chat_id=-300)
        tg.group_migrated(-300, -100300)
        tg.user_sends("/abonner", user_id=71, language_code="fr")
        await tg.wait_for(1, chat_id=71)
        tg.bot_blocked_by(71)
        tg.user_sends("/aide", user_id=72)
        await tg.wait_for(1, chat_id=72)
    assert {s.chat_id for s in await app.storage.subscriptions.list_subscriptions()} == {"-100300"}


async def test_menus_are_published_once_and_restart_does_not_replay(
    config: Config, tg: FakeTelegram
) -> None:
    async with open_app(config) as app, telegram_bot(app, tg):
        tg.user_sends("/aide", user_id=42, language_code="fr")
        await tg.wait_for(1, chat_id=42)
    first_calls = len(tg.calls_to("setMyCommands"))
    # default, fr, en for members, for groups' members, for their admins, for the moderator
    assert first_calls == 12
    member_menu = [c["command"] for c in tg.commands_for(None, "fr")]
    assert "aide" in member_menu and "annonce" not in member_menu
    english = [c["command"] for c in tg.commands_for(None, "en")]
    assert "help" in english and "subscribe" in english
    moderator_menu = tg.commands_for({"type": "chat", "chat_id": MODERATOR}, "fr")
    assert "annonce" in [c["command"] for c in moderator_menu]
    async with open_app(config) as app, telegram_bot(app, tg):
        tg.user_sends("/start", user_id=42, language_code="fr")
        await tg.wait_for(2, chat_id=42)
    assert len(tg.calls_to("setMyCommands")) == first_calls
    assert [a.plain_text.split("\n")[0] for a in tg.sent(chat_id=42) if a.plain_text] == [
        "Commandes",
        "Bienvenue dans QuitGPT !",
    ]


async def test_webhook_mode_checks_the_secret_token(
    app: App, tg: FakeTelegram, unused_tcp_port: int
) -> None:
    url = f"http://127.0.0.1:{unused_tcp_port}/telegram"
    webhook = Webhook(url, "127.0.0.1", unused_tcp_port, "s3cret-token")
    async with telegram_bot(app, tg, webhook=webhook), aiohttp.ClientSession() as http:
        [registered] = tg.calls_to("setWebhook")
        assert (
            registered.params["url"] == url and registered.params["secret_token"] == "s3cret-token"
        )
        forged = await http.post(url, json=AIDE_UPDATE, headers={SECRET_HEADER: "guess"})
        assert forged.status == 403
        missing = await http.post(url, json=AIDE_UPDATE)
        assert missing.status == 403
        genuine = await http.post(url, json=AIDE_UPDATE, headers={SECRET_HEADER: "s3cret-token"})
        assert genuine.status == 200
        [answer] = await tg.wait_for(1, chat_id=42)
    assert (answer.plain_text or "").startswith("Commandes")


async def test_pledge_journey_with_buttons_in_a_private_chat(app: App, tg: FakeTelegram) -> None:
    async with telegram_bot(app, tg):
        tg.user_sends("/start", user_id=42, language_code="fr")
        tg.user_sends("/engagement", user_id=42, language_code="fr")
        [_, notice] = await tg.wait_for(2, chat_id=42)
        assert notice.buttons[0]["callback_data"] == "/engagement resilier ok2"
        everything = "/engagement resilier+appli+changer ok2"
        tg.press_button(notice, everything, user_id=42, language_code="fr")
        [edited] = await tg.wait_for(1, chat_id=42, kind="edit_text")
        assert (edited.plain_text or "").startswith("Merci ! Votre engagement est enregistré")
        tg.user_sends("/compteur", user_id=42, language_code="fr")
        [*_, tally] = await tg.wait_for(3, chat_id=42, kind="message")
        assert "1" in (tally.plain_text or "")
        tg.user_sends("/oubli", user_id=42, language_code="fr")
        [*_, confirm] = await tg.wait_for(4, chat_id=42, kind="message")
        tg.press_button(confirm, "/oubli confirmer", user_id=42, language_code="fr")
        erased = await tg.wait_for(2, chat_id=42, kind="edit_text")
    assert (erased[-1].plain_text or "").startswith("C'est fait")
    async with open_app(app.config) as reopened:
        assert (await reopened.dispatcher.handle(_console_tally(reopened)))[0].text.startswith(
            "Personne ne s'est encore engagé."
        )


async def test_personal_answers_asked_in_a_group_go_to_private(app: App, tg: FakeTelegram) -> None:
    async with telegram_bot(app, tg):
        tg.user_sends("/engagement@quitgpt_test_bot", chat_id=GROUP, user_id=81, language_code="fr")
        [notice] = await tg.wait_for(1, chat_id=81)
        assert (notice.plain_text or "").startswith("Avant d'enregistrer votre engagement")
        tg.fail_next("sendMessage", "403", chat_id=82)  # never opened a chat with the bot
        tg.user_sends("/mesdonnees@quitgpt_test_bot", chat_id=GROUP, user_id=82, language_code="fr")
        [note] = await tg.wait_for(1, chat_id=GROUP)
    assert (note.plain_text or "").startswith("Cette réponse est personnelle")
    assert note.buttons[0]["url"] == "https://t.me/quitgpt_test_bot"
    assert not tg.sent(chat_id=82)


def _console_tally(app: App) -> Message:
    msg = app.dispatcher.message(
        ChatRef("console", "x", ChatKind.PRIVATE), Sender("x", "fr"), "/compteur"
    )
    assert msg is not None
    return msg


async def test_faits_browses_by_buttons_and_answers_free_text(app: App, tg: FakeTelegram) -> None:
    base = app.services.facts.base
    async with telegram_bot(app, tg):
        tg.user_sends("/facts", user_id=42, language_code="en")
        [topics] = await tg.wait_for(1, chat_id=42)
        actions = [row["callback_data"] for row in topics.buttons]
        assert actions == [f"/facts #{topic.id}" for topic in base.topics]
        tg.press_button(topics, "/facts #brockman", user_id=42, language_code="en")
        [_, listing] = await tg.wait_for(2, chat_id=42, kind="message")
        facts = base.facts_of("brockman")
        assert [row["callback_data"] for row in listing.buttons] == [
            f"/facts ={f.id}" for f in facts
        ]
        tg.press_button(listing, f"/facts ={facts[0].id}", user_id=42, language_code="en")
        [*_, fact] = await tg.wait_for(3, chat_id=42, kind="message")
        assert (fact.text or "").startswith(f"<b>{facts[0].title.en}</b>\n")
        assert "<i>Source: " in (fact.text or "")
        tg.user_sends("is it true that <b>ICE</b> uses gpt-4?", user_id=42, language_code="en")
        [*_, answer] = await tg.wait_for(4, chat_id=42, kind="message")
        assert "<i>Source: " in (answer.text or "")
        feedback = [
            row["callback_data"] for row in answer.buttons if "/feedback" in row["callback_data"]
        ]
        assert feedback == ["/feedback 1 yes", "/feedback 1 no"]
        tg.press_button(answer, "/feedback 1 no", user_id=42, language_code="en")
        [*_, thanks] = await tg.wait_for(5, chat_id=42, kind="message")
        assert (thanks.text or "").startswith("Thanks for telling us")
        tg.user_sends("/questions", user_id=MODERATOR, language_code="en")
        [queue] = await tg.wait_for(1, chat_id=MODERATOR)
    assert "“is it true that &lt;b&gt;ICE&lt;/b&gt; uses gpt-4?”" in (queue.text or "")
