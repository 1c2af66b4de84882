"""/abonner on Discord: the bot says so when it may not post where it is asked to."""

from __future__ import annotations

from bot.app import App
from bot.i18n import placeholders
from bot.seam import Capability
from commands.abonner import CAPABILITY_KEYS
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_state import EVERYONE_DEFAULT

ADMIN = {"user_id": 5, "member_permissions": "manage_channels"}


async def said(dc: FakeDiscord, iid: int) -> tuple[str, bool]:
    reply = await dc.wait_for(lambda: next((r for r in dc.responses(iid) if r.content), None))
    return reply.content or "", reply.ephemeral


async def test_a_channel_where_the_bot_cannot_post_is_refused(dc: FakeDiscord, app: App) -> None:
    [guild] = dc.guilds.values()
    general = guild.channel("général")
    dc.deny_send(general)
    async with discord_bot(app, dc):
        refused = await dc.slash("abonner", guild_id=guild.id, channel_id=general, **ADMIN)
        text, private = await said(dc, refused)
        dm = await dc.slash("abonner", user_id=5, dm=True)
        assert (await said(dc, dm))[0].startswith("C'est fait")
    assert private and text == (
        "Je ne peux pas publier ici : il me manque ces droits dans cette discussion : "
        "envoyer des messages. Accordez-les-moi, puis refaites /abonner."
    )
    assert [s.chat_kind for s in await app.storage.subscriptions.list_subscriptions()] == [
        "private"
    ]


async def test_a_pinned_subscription_needs_the_right_to_pin(dc: FakeDiscord, app: App) -> None:
    guild = dc.add_guild(name="Voisins", bot_permissions=EVERYONE_DEFAULT)  # no pinning
    where = {"guild_id": guild.id, "channel_id": guild.channel("général"), **ADMIN}
    async with discord_bot(app, dc):
        pinned = await dc.slash("abonner", {"mode": "epingle"}, locale="en-US", **where)
        text, _ = await said(dc, pinned)
        plain = await dc.slash("abonner", **where)
        assert (await said(dc, plain))[0].startswith("C'est fait")
    assert "I lack these rights in this chat: pin messages." in text


def test_every_capability_is_named_in_every_language(app: App) -> None:
    catalogues = app.services.catalogues
    assert set(CAPABILITY_KEYS) == set(Capability)
    for key in CAPABILITY_KEYS.values():
        names = [catalogues.languages[language].get(key) for language in ("fr", "en")]
        assert all(name and not placeholders(name) for name in names), key
