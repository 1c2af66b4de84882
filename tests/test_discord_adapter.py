"""The real discord.py adapter over a loopback gateway and REST server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.outbox import announcement_markup
from bot.delivery.publish import publish
from tests.discord_support import MANAGE_GUILD, discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.support import table_rows

MODERATOR = 9001


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "dc.db",
        moderators={"discord": frozenset({str(MODERATOR)}), "console": frozenset({"mod"})},
        quiet_hours="",
    )


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        server.add_guild(name="QuitGPT", channels=("général", "annonces"))
        yield server


def channel(dc: FakeDiscord, name: str) -> int:
    [guild] = dc.guilds.values()
    return guild.channel(name)


async def answer(dc: FakeDiscord, iid: int, count: int = 1) -> list[str]:
    replies = await dc.wait_for(lambda: [r for r in dc.responses(iid) if r.content] or None)
    return [r.content or "" for r in replies][:count]


async def test_commands_are_localised_and_synced_once(config: Config, dc: FakeDiscord) -> None:
    async with open_app(config) as app, discord_bot(app, dc):
        aide = dc.command("aide")
        assert aide["name_localizations"]["en-US"] == "help"
        assert aide["description"] == "afficher cette aide"
        assert aide["description_localizations"]["en-GB"] == "show this help"
        annonce = dc.command("annonce")
        assert annonce["default_member_permissions"] == str(1 << 5)  # Manage Server
        # Gateway intents: GUILDS (1 << 0) alone; no messages, typing or reactions.
        assert [session.intents for session in dc.live_sessions()] == [1 << 0]
        assert dc.force_reconnect() == 1
        await dc.wait_for(lambda: dc.resumes == 1)
        iid = await dc.slash(
            "aide", user_id=1, guild_id=next(iter(dc.guilds)), channel_id=channel(dc, "général")
        )
        assert (await answer(dc, iid))[0].startswith("**Commandes**")
    async with open_app(config) as app, discord_bot(app, dc):
        pass
    assert dc.command_syncs == 1


async def test_pledge_with_buttons_is_ephemeral_and_buttons_survive_a_restart(
    config: Config, dc: FakeDiscord
) -> None:
    guild, general = next(iter(dc.guilds)), channel(dc, "général")
    async with open_app(config) as app, discord_bot(app, dc):
        iid = await dc.slash("pledge", user_id=5, guild_id=guild, channel_id=general)
        notice = await dc.wait_for(lambda: next((r for r in dc.responses(iid) if r.message), None))
        assert notice.ephemeral
        assert "/engagement resilier ok2" in notice.message.custom_ids()
    async with open_app(config) as app, discord_bot(app, dc):  # the bot restarted
        click = await dc.click(notice.message, "/engagement resilier ok2", user_id=5)
        [thanks] = await answer(dc, click)
        assert thanks.startswith("**Merci !** Votre engagement est enregistré")
        again = await dc.slash("pledge", user_id=6, guild_id=guild, channel_id=general)
        other = await dc.wait_for(lambda: next((r for r in dc.responses(again) if r.message), None))
        second = await dc.click(other.message, "/engagement appli ok2", user_id=6)
        assert (await answer(dc, second))[0].startswith("**Merci !**")
        tally = await dc.slash("compteur", user_id=7, guild_id=guild, channel_id=general)
        response = await dc.wait_for(
            lambda: next((r for r in dc.responses(tally) if r.content), None)
        )
    assert not response.ephemeral and "Engagements : **2**" in (response.content or "")


async def test_moderator_commands_are_for_configured_moderators_only(
    app: App, dc: FakeDiscord
) -> None:
    """Manage Server is a menu hint: a server manager who is not configured is refused."""
    guild, general = next(iter(dc.guilds)), channel(dc, "général")
    where = {"guild_id": guild, "channel_id": general}
    async with discord_bot(app, dc):
        for user_id, permissions in ((5, None), (6, MANAGE_GUILD), (7, "administrator")):
            refused = await dc.slash(
                "annonce",
                {"texte": "coucou"},
                user_id=user_id,
                member_permissions=permissions,
                **where,
            )
            [response] = await answer(dc, refused)
            assert response == "/annonce est réservée aux modérateurs."
        allowed = await dc.slash("annonce", {"texte": "coucou"}, user_id=MODERATOR, **where)
        preview = await dc.wait_for(
            lambda: next((r for r in dc.responses(allowed) if r.content), None)
        )
    assert preview.ephemeral and "Aperçu de l'annonce" in (preview.content or "")


async def test_mentions_never_ping_and_markdown_is_escaped(app: App, dc: FakeDiscord) -> None:
    guild, announcements = next(iter(dc.guilds)), channel(dc, "annonces")
    async with discord_bot(app, dc):
        iid = await dc.slash(
            "abonner",
            user_id=MODERATOR,
            guild_id=guild,
            channel_id=announcements,
            member_permissions="manage_channels",
        )
        await answer(dc, iid)
        text, catalogues = "@everyone **venez** <@&123>", app.services.catalogues
        await publish(
            app.services, "announcement", partial(announcement_markup, catalogues, text=text)
        )
        [post] = await dc.wait_for(lambda: dc.sent(announcements) or None)
    assert post.content.endswith("\n\n\\@everyone \\*\\*venez\\*\\* \\<\\@&123\\>")
    assert post.allowed_mentions == {"parse": []}


async def test_a_429_without_via_is_retried_not_failed(app: App, dc: FakeDiscord) -> None:
    guild, general = next(iter(dc.guilds)), channel(dc, "général")
    async with discord_bot(app, dc):
        iid = await dc.slash(
            "abonner", user_id=5, guild_id=guild, channel_id=general,
            member_permissions="manage_channels",
        )  # fmt: skip
        await answer(dc, iid)
        dc.fail_next("POST", rf"/channels/{general}/messages", "429_cloudflare")
        broadcast = await publish(app.services, "announcement", lambda _: "Nouvelles")
        assert broadcast is not None
        await dc.wait_for(lambda: dc.sent(general) or None, timeout=15)
        for _ in range(200):
            if not (result := await app.storage.outbox.count_deliveries(broadcast)).pending:
                break
            await asyncio.sleep(0.05)
    assert (result.sent, result.errors) == (1, {})
    assert dc.rate_limited == 1


async def test_rate_limit_retried_and_deleted_channel_unsubscribed(
    app: App, dc: FakeDiscord
) -> None:
    guild = next(iter(dc.guilds))
    general, announcements = channel(dc, "général"), channel(dc, "annonces")
    async with discord_bot(app, dc):
        for where in (general, announcements):
            iid = await dc.slash(
                "abonner",
                user_id=5,
                guild_id=guild,
                channel_id=where,
                member_permissions="manage_channels",
            )
            await answer(dc, iid)
        dc.fail_next("POST", rf"/channels/{general}/messages", "429")
        dc.delete_channel(announcements)
        broadcast = await publish(app.services, "announcement", lambda _: "Nouvelles")
        assert broadcast is not None
        await dc.wait_for(lambda: dc.sent(general) or None)
        for _ in range(200):
            if not (result := await app.storage.outbox.count_deliveries(broadcast)).pending:
                break
            await asyncio.sleep(0.05)
    assert (result.sent, result.unsubscribed, result.errors) == (1, 1, {})
    assert [s.chat_id for s in await app.storage.subscriptions.list_subscriptions()] == [
        str(general)
    ]
    moderator = ConsoleAdapter(app, "mod", language="fr")
    [listing] = await moderator.say("/annonces")
    assert "• discord : QuitGPT #annonces (channel_deleted)" in listing
    assert str(announcements) not in repr(table_rows(app.config.database)["audit_log"])


async def test_faits_suggests_while_typing_and_answers_with_its_source(
    app: App, dc: FakeDiscord
) -> None:
    guild, general = next(iter(dc.guilds)), channel(dc, "général")
    where = {"user_id": 5, "guild_id": guild, "channel_id": general}
    async with discord_bot(app, dc):
        topics = await dc.autocomplete("faits", "question", "", **where)
        [callback] = await dc.wait_for(lambda: dc.responses(topics) or None)
        assert callback.type == 8
        topics = app.services.facts.base.topics
        assert callback.data["choices"] == [
            {"name": t.label.fr, "value": f"#{t.id}"} for t in topics
        ]
        typing = await dc.autocomplete("faits", "question", "brokman don", locale="en-US", **where)
        [callback] = await dc.wait_for(lambda: dc.responses(typing) or None)
        first, second = callback.data["choices"][:2]
        assert first == {"name": "brokman don", "value": "brokman don"}
        assert second == {
            "name": "Brockman's reported donations to MAGA Inc.",
            "value": "=brockman-maga-donation",
        }
        opened = await dc.slash("faits", {"question": second["value"]}, **where)
        [fact] = await answer(dc, opened)
        assert fact.startswith("**Les dons présumés de Brockman à MAGA Inc.**\n")
        assert "12,5 millions de dollars" in fact
        asked = await dc.slash("faits", {"question": "combien a donné brockman ?"}, **where)
        reply = await dc.wait_for(lambda: next((r for r in dc.responses(asked) if r.message), None))
        assert "_Source : MIT Technology Review, via Courrier international_" in (
            reply.content or ""
        )
        [yes] = [c for c in reply.message.custom_ids() if c.endswith(" oui")]
        thanks = await dc.click(reply.message, yes, user_id=5)
        assert (await answer(dc, thanks))[0]


async def test_a_member_may_share_their_pledge_publicly(app: App, dc: FakeDiscord) -> None:
    guild, general = next(iter(dc.guilds)), channel(dc, "général")
    async with discord_bot(app, dc):
        iid = await dc.slash("pledge", user_id=5, guild_id=guild, channel_id=general)
        notice = await dc.wait_for(lambda: next((r for r in dc.responses(iid) if r.message), None))
        click = await dc.click(notice.message, "/engagement appli ok2", user_id=5)
        thanks = await dc.wait_for(
            lambda: next((r for r in dc.responses(click) if r.message), None)
        )
        assert thanks.ephemeral and "/partager" in thanks.message.custom_ids()
        shared = await dc.click(thanks.message, "/partager", user_id=5)
        post = await dc.wait_for(lambda: next((r for r in dc.responses(shared) if r.content), None))
    assert not post.ephemeral
    assert post.content == (
        "✊ Je m'engage à quitter ChatGPT (supprimer l'appli ChatGPT).\n"
        "Le compteur QuitGPT est à 1 engagement. Et vous ? /engagement"
    )


async def test_more_than_five_rows_of_buttons_are_packed_into_five(
    app: App, dc: FakeDiscord
) -> None:
    """Discord shows at most 5 action rows of 5 buttons: the 11 topics all get theirs."""
    guild, general = next(iter(dc.guilds)), channel(dc, "général")
    async with discord_bot(app, dc):
        asked = await dc.slash("faits", user_id=5, guild_id=guild, channel_id=general)
        await answer(dc, asked)
    [reply] = [r for r in dc.responses(asked) if r.data.get("components")]
    rows = reply.data["components"]
    ids = [button["custom_id"] for row in rows for button in row["components"]]
    topics = app.services.facts.base.topics
    assert len(rows) <= 5 and ids == [f"/faits #{t.id}" for t in topics]
