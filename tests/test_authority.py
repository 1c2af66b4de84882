"""Campaign authority comes from the configuration only, on every platform.

Strangers try every moderator command the ways a platform lets them: a slash
command or a typed line, a button press, and a forged button payload. Among
them: the owner of an unrelated Discord server that added the bot, a manager of
the campaign's own server, a Telegram group admin, and a plain member.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import App, open_app
from bot.config import Config
from bot.seam import ChatKind, ChatRef, Sender
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram_support import eventually, telegram_bot

DISCORD_MODERATOR, TELEGRAM_MODERATOR = 9001, 777
REFUSED = "est réservée aux modérateurs."
# Every moderator command, with what a stranger would type after it.
ATTEMPTS = (
    ("annonce", "Tout le monde dehors"),
    ("annonce", "confirmer 1"),
    ("annonce", "forcer 1"),
    ("annonce", "annuler 1"),
    ("annonce", "jeter 1"),
    ("annonces", ""),
    ("moderateurs", ""),
    ("questions", ""),
    ("recharger", ""),
)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "authority.db",
        moderators={
            "discord": frozenset({str(DISCORD_MODERATOR)}),
            "telegram": frozenset({str(TELEGRAM_MODERATOR)}),
        },
        quiet_hours="",
    )


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    """The campaign's Discord server (the app outlives it in these tests)."""
    async with FakeDiscord() as server:
        server.add_guild(name="QuitGPT", channels=["général", "annonces"])
        yield server


@pytest.fixture
async def campaign(config: Config) -> AsyncIterator[App]:
    """The app with a draft announcement (n°1) a moderator prepared."""
    async with open_app(config) as app:
        moderator = str(TELEGRAM_MODERATOR)
        chat = ChatRef("telegram", moderator, ChatKind.PRIVATE)
        msg = app.dispatcher.message(chat, Sender(moderator, "fr"), "/annonce Brouillon")
        assert msg is not None and msg.is_moderator
        await app.dispatcher.handle(msg)
        yield app


async def _draft_untouched(app: App) -> None:
    draft = await app.storage.outbox.get_broadcast(1)
    assert draft is not None and draft.status == "draft"


async def test_discord_strangers_are_refused_every_moderator_command(
    campaign: App, dc: FakeDiscord
) -> None:
    home = next(iter(dc.guilds.values()))
    general = home.channel("général")
    elsewhere = dc.add_guild(name="Autre serveur", channels=["salon"], owner_id=4242)
    dc.add_member(home.id, 66, "gestionnaire", permissions="manage_guild|administrator")
    strangers = (
        {"user_id": 4242, "guild_id": elsewhere.id, "channel_id": elsewhere.channel("salon")},
        {"user_id": 66, "guild_id": home.id, "channel_id": general},
        {"user_id": 5, "guild_id": home.id, "channel_id": general},
        {"user_id": 5, "dm": True},
    )
    async with discord_bot(campaign, dc):
        for who in strangers:
            for name, args in ATTEMPTS:
                options = {"texte": args} if args and name == "annonce" else None
                iid = await dc.slash(name, options, **who)  # type: ignore[arg-type]
                reply = await dc.wait_for(lambda i=iid: _content(dc, i))
                assert reply.endswith(REFUSED), (who, name, reply)
            # A public bot message whose button a forged interaction claims to carry.
            shown = await dc.slash("start", **who)  # type: ignore[arg-type]
            message = await dc.wait_for(lambda i=shown: _message(dc, i))
            for line in ("/annonce confirmer 1", "/annonce annuler 1", "/moderateurs"):
                forged = await dc.forge_click(message, line, **_who(who))
                reply = await dc.wait_for(lambda i=forged: _content(dc, i))
                assert reply.endswith(REFUSED), (who, line, reply)
        await _draft_untouched(campaign)
        listing = await dc.slash("moderateurs", user_id=DISCORD_MODERATOR, dm=True)
        reply = await dc.wait_for(lambda: _content(dc, listing))
    assert str(DISCORD_MODERATOR) in reply and not reply.endswith(REFUSED)
    assert dc.sent(general) == []  # nothing was published anywhere


async def test_a_moderator_role_counts_in_the_campaign_guild_only(
    config: Config, dc: FakeDiscord
) -> None:
    home = next(iter(dc.guilds.values()))
    role_holder = dc.add_member(home.id, 70, "modo", permissions="send_messages")
    [role] = role_holder.roles
    elsewhere = dc.add_guild(name="Ailleurs", channels=["salon"], owner_id=71)
    other_holder = dc.add_member(elsewhere.id, 72, "modo-ailleurs", permissions="send_messages")
    config = replace(config, discord_moderator_role=f"{home.id}:{role}")
    async with open_app(config) as app, discord_bot(app, dc):
        allowed = await dc.slash("moderateurs", user_id=70, guild_id=home.id)
        assert not (await dc.wait_for(lambda: _content(dc, allowed))).endswith(REFUSED)
        for user_id, guild in ((72, elsewhere), (73, home)):
            iid = await dc.slash("moderateurs", user_id=user_id, guild_id=guild.id)
            assert (await dc.wait_for(lambda i=iid: _content(dc, i))).endswith(REFUSED)
    assert other_holder.roles != role_holder.roles


async def test_telegram_group_admins_and_members_are_refused(
    campaign: App, tg: FakeTelegram
) -> None:
    group = -100900
    tg.set_admins(group, [50])
    async with telegram_bot(campaign, tg):
        for chat_id, user_id in ((group, 50), (group, 51), (None, 51)):
            for name, args in ATTEMPTS:
                line = f"/{name} {args}".strip()
                send = partial(tg.user_sends, line, chat_id=chat_id, user_id=user_id)
                await _refused(tg, user_id, partial(send, language_code="fr"))
        async with Bot(tg.token, base_url=tg.base_url) as forger:
            for line in ("/annonce confirmer 1", "/annonce annuler 1", "/questions"):
                markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data=line)]])
                message = await forger.send_message(group, "piège", reply_markup=markup)
                press = partial(tg.press_button, message.to_dict(), line, user_id=50)
                await _refused(tg, 50, partial(press, language_code="fr"))
        await _draft_untouched(campaign)
        tg.user_sends("/annonce confirmer 1", user_id=TELEGRAM_MODERATOR, language_code="fr")
        await eventually(lambda: any("n°1" in (a.plain_text or "") for a in
                                     tg.sent(chat_id=TELEGRAM_MODERATOR)))  # fmt: skip
    confirmed = await campaign.storage.outbox.get_broadcast(1)
    assert confirmed is not None and confirmed.status != "draft"
    assert [a.text for a in tg.sent(chat_id=group)] == ["piège"] * 3  # only the forger spoke


async def test_a_demoted_telegram_admin_loses_the_right_at_once(
    campaign: App, tg: FakeTelegram
) -> None:
    group = -100901
    tg.set_admins(group, [50])
    async with telegram_bot(campaign, tg):
        tg.user_sends("/abonner", chat_id=group, user_id=50, language_code="fr")
        [done] = await tg.wait_for(1, chat_id=group)
        assert (done.plain_text or "").startswith("C'est fait")
        tg.set_admins(group, [])
        tg.user_sends("/desabonner", chat_id=group, user_id=50, language_code="fr")
        [refused] = await tg.wait_for(1, chat_id=50)
    assert "Seuls les administrateurs" in (refused.plain_text or "")


async def _refused(tg: FakeTelegram, user_id: int, act: Callable[[], object]) -> None:
    """`act`, then the refusal the member is told privately."""
    before = len(tg.sent(chat_id=user_id))
    act()
    [*_, refusal] = await tg.wait_for(before + 1, chat_id=user_id)
    assert (refusal.plain_text or "").endswith(REFUSED)


def _content(dc: FakeDiscord, interaction_id: int) -> str | None:
    return next((r.content for r in dc.responses(interaction_id) if r.content), None)


def _message(dc: FakeDiscord, interaction_id: int):  # type: ignore[no-untyped-def]
    return next((r.message for r in dc.responses(interaction_id) if r.message), None)


def _who(where: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in where.items() if k == "user_id"}
