"""The fake Discord against the real discord.py 2.7 client, over loopback only."""

from __future__ import annotations

import asyncio
import time

import discord
import pytest
import yarl
from discord import app_commands

from tests.discord_support import MESSAGES, make_client, running
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_faults import BUCKET_HASH

pytestmark = pytest.mark.timeout(30)


async def test_ready_with_the_default_client(dc: FakeDiscord) -> None:
    client = discord.Client(
        intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none()
    )
    async with running(client, dc):
        assert client.user is not None and client.user.bot and client.user.id == dc.bot.id
        assert client.application_id == dc.application_id
        [guild] = client.guilds
        assert guild.name == "QuitGPT" and guild.owner_id == dc.owner.id
        assert [c.name for c in guild.text_channels] == ["général", "annonces"]
        assert guild.text_channels[1].is_news()
        me = guild.me
        assert me is not None and [r.name for r in me.roles] == ["@everyone", "QuitGPT"]
        perms = guild.text_channels[0].permissions_for(me)
        assert perms.send_messages and perms.view_channel and not perms.administrator
    first = dc.connections[0]
    assert first.path == "/gateway"
    assert first.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    ready, created = dc.events[0], dc.events[1]
    assert (ready.type, ready.seq, created.type, created.seq) == ("READY", 1, "GUILD_CREATE", 2)
    assert ready.data["resume_gateway_url"] == dc.resume_gateway_url
    assert dc.identifies == 1 and dc.heartbeats >= 1
    # client.close() asks for 1000, but its own reader task closes first with 4000 (aiohttp
    # wakes it), so Discord keeps the session resumable.
    await dc.wait_for(lambda: first.close_code is not None)
    assert first.close_code in (1000, 4000)


async def test_channel_send_records_mentions_files_and_rate_limit_headers(dc: FakeDiscord) -> None:
    client = make_client()
    channel_id = next(iter(dc.guilds.values())).channel("annonces")
    async with running(client, dc):
        channel = client.get_channel(channel_id)
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("@everyone 1 000 personnes ont quitté GPT !")
        await message.pin()
        import io

        await channel.send(
            "Le graphique", file=discord.File(io.BytesIO(b"\x89PNG..."), "tally.png")
        )
        await message.edit(content="@everyone 1 001 personnes !")
        buckets = dict(client.http._bucket_hashes)
    post, image = dc.sent(channel_id)
    assert post.allowed_mentions == {"parse": []} and post.pinned
    assert post.content == "@everyone 1 001 personnes !" and post.edits
    assert image.attachments[0].filename == "tally.png"
    assert image.attachments[0].data == b"\x89PNG..."
    assert buckets["POST /channels/{channel_id}/messages"] == BUCKET_HASH
    assert dc.calls_to("PUT", "/pins/")[0].status == 204


async def test_429_and_500_are_retried_by_discord_py(dc: FakeDiscord) -> None:
    client = make_client()
    channel_id = next(iter(dc.guilds.values())).channel("général")
    async with running(client, dc):
        channel = client.get_channel(channel_id)
        assert isinstance(channel, discord.TextChannel)
        dc.fail_next("POST", MESSAGES, "429")
        await channel.send("après un 429")
        dc.fail_next("POST", MESSAGES, "500")
        await channel.send("après un 500")
    assert [c.status for c in dc.calls_to("POST", MESSAGES)] == [429, 200, 500, 200]
    assert [m.content for m in dc.sent(channel_id)] == ["après un 429", "après un 500"]
    assert dc.rate_limited == 1


async def test_errors_surface_as_discord_exceptions(dc: FakeDiscord) -> None:
    client = make_client()
    guild = next(iter(dc.guilds.values()))
    general, annonces = guild.channel("général"), guild.channel("annonces")
    async with running(client, dc):
        first = client.get_channel(general)
        second = client.get_channel(annonces)
        assert isinstance(first, discord.TextChannel) and isinstance(second, discord.TextChannel)
        dc.fail_next("POST", MESSAGES, "404_channel")
        with pytest.raises(discord.NotFound) as missing:
            await first.send("x")
        assert missing.value.code == 10003
        dc.fail_next("POST", MESSAGES, "403_permissions")
        with pytest.raises(discord.Forbidden) as denied:
            await first.send("x")
        assert denied.value.code == 50013

        dc.deny_send(annonces)
        await dc.wait_for(lambda: not second.permissions_for(second.guild.me).send_messages)
        with pytest.raises(discord.Forbidden) as denied:
            await second.send("x")
        assert denied.value.code == 50013

        dc.delete_channel(general)
        await dc.wait_for(lambda: client.get_channel(general) is None)
        with pytest.raises(discord.NotFound) as gone:
            await first.send("x")
        assert gone.value.code == 10003 and gone.value.text == "Unknown Channel"
    assert dc.sent() == []


async def test_force_reconnect_resumes_and_replays(dc: FakeDiscord) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)
    heard: list[int] = []

    @tree.command(name="aide", description="Aide")
    async def aide(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Voici l'aide")

    @client.event
    async def on_message(message: discord.Message) -> None:
        heard.append(message.id)

    channel_id = next(iter(dc.guilds.values())).channel("général")
    async with running(client, dc):
        await tree.sync()
        before = dc.events[-1].seq
        assert dc.force_reconnect() == 1
        said = dc.user_message(channel_id, "salut")  # may land while the socket is down
        await dc.wait_for(lambda: dc.resumes == 1 and said in heard)
        iid = await dc.slash("aide")
        [reply] = await dc.wait_for(lambda: dc.responses(iid))
    assert reply.content == "Voici l'aide"
    assert dc.identifies == 1 and dc.connections[-1].path == "/resume-gateway"
    assert dc.connections[-1].resumed
    seqs = [e.seq for e in dc.events]
    assert seqs == list(range(1, len(seqs) + 1)) and seqs[-1] > before
    assert "RESUMED" in [e.type for e in dc.events]


async def test_message_content_needs_the_intent(dc: FakeDiscord) -> None:
    channel_id = next(iter(dc.guilds.values())).channel("général")
    for intents, expected in (
        (discord.Intents.default(), ["", "<@{bot}> salut"]),
        (discord.Intents.all(), ["bonjour", "<@{bot}> salut"]),
    ):
        contents = await _heard(dc, make_client(intents=intents), channel_id)
        assert contents == [e.format(bot=dc.bot.id) for e in expected]


async def _heard(dc: FakeDiscord, client: discord.Client, channel_id: int) -> list[str]:
    contents: list[str] = []

    @client.event
    async def on_message(message: discord.Message) -> None:
        contents.append(message.content)

    async with running(client, dc):
        dc.user_message(channel_id, "bonjour")
        dc.user_message(channel_id, f"<@{dc.bot.id}> salut")
        await dc.wait_for(lambda: len(contents) == 2)
    return contents


async def test_per_channel_bucket_is_respected(dc: FakeDiscord) -> None:
    async with FakeDiscord(limit_per_channel=2, per_seconds=0.4) as limited:
        guild = limited.add_guild()
        channel_id = guild.channel("général")
        client = make_client()
        async with running(client, limited):
            channel = client.get_channel(channel_id)
            assert isinstance(channel, discord.TextChannel)
            started = time.monotonic()
            await asyncio.gather(*(channel.send(f"n°{i}") for i in range(5)))
            elapsed = time.monotonic() - started
        assert sorted(m.content for m in limited.sent(channel_id)) == [f"n°{i}" for i in range(5)]
        assert elapsed >= 0.7  # 2 + 2 + 1 sends over three windows
        assert limited.rate_limited <= 1  # discord.py waits on the headers instead


async def test_loopback_only_and_patch_restored() -> None:
    with pytest.raises(ValueError, match="loopback"):
        FakeDiscord(host="0.0.0.0")
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    async with FakeDiscord() as fake:
        patched = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        assert patched == (fake.base_url, yarl.URL(fake.gateway_url))
        assert fake.base_url == f"http://127.0.0.1:{fake.port}/api/v10"
    restored = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    assert restored == (base, gateway)


async def test_sharded_client_guild_commands_dms_and_the_answer_deadline() -> None:
    async with FakeDiscord(interaction_deadline=0.2) as dc:
        guild = dc.add_guild()
        client = discord.AutoShardedClient(
            intents=discord.Intents.default(), guild_ready_timeout=0.05
        )
        tree = app_commands.CommandTree(client)
        late: list[int] = []

        @tree.command(name="lent", description="Trop lent")
        async def lent(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)  # past the (shortened) 3 s limit to answer
            try:
                await interaction.response.send_message("trop tard")
            except discord.NotFound as error:
                late.append(error.code)

        async with running(client, dc):
            assert client.shard_count == 1 and dc.events[0].data["shard"] == [0, 1]
            assert dc.calls_to("GET", "^/gateway/bot$")  # the gateway URL comes from REST
            tree.copy_global_to(guild=discord.Object(guild.id))
            await tree.sync(guild=discord.Object(guild.id))
            assert [c["name"] for c in dc.guild_commands(guild.id)] == ["lent"]
            await dc.slash("lent")
            await dc.wait_for(lambda: late)
            alice = await client.fetch_user(dc.default_user.id)
            await alice.send("Merci pour votre engagement")
            dc.block_dms(alice.id)
            with pytest.raises(discord.Forbidden) as blocked:
                await alice.send("encore")
        assert late == [10062] and blocked.value.code == 50007
        [dm] = dc.sent()
        assert dc.channels[dm.channel_id].recipient == dc.default_user
