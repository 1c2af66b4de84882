"""Discord interactions over HTTP: every instance serves the endpoint behind a load balancer,
with no gateway connection, and only what Discord signed is run.

The fake Discord posts each interaction to the Interactions Endpoint URL, signed with the
application's Ed25519 key, as the developer docs describe (tests/fakes/discord_http.py)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App, open_app
from bot.config import Config, ConfigError, load_config
from bot.runtime import discord_interactions, serving
from tests.fakes.discord_api import FakeDiscord
from tests.proxy import free_ports, proxy


def instance_config(dc: FakeDiscord, tmp_path: Path, port: int) -> Config:
    return load_config(
        environ={
            "QUITGPT_DB": str(tmp_path / "bot.db"),
            "QUITGPT_MEMBER_SECRET": "ab" * 32,
            "DISCORD_TOKEN": dc.token,
            "DISCORD_PUBLIC_KEY": dc.public_key,
            "DISCORD_INTERACTIONS_PORT": str(port),
        }
    )


@asynccontextmanager
async def instances(configs: list[Config]) -> AsyncIterator[list[DiscordAdapter]]:
    """One app and Discord adapter per configuration, all on one database."""
    async with AsyncExitStack() as stack:
        adapters = []
        for config in configs:
            app: App = await stack.enter_async_context(open_app(config))
            adapter = DiscordAdapter(
                app, config.discord_token.value, interactions=discord_interactions(config)
            )
            await stack.enter_async_context(serving(app, adapter))
            async with asyncio.timeout(10):
                assert await adapter.commands_published()
            adapters.append(adapter)
        yield adapters


async def text_of(dc: FakeDiscord, iid: int) -> str:
    reply = await dc.wait_for(lambda: next((r for r in dc.responses(iid) if r.content), None))
    return reply.content or ""


async def test_instances_behind_a_balancer_take_turns_without_a_gateway(
    dc: FakeDiscord, tmp_path: Path
) -> None:
    ports = free_ports(2)
    upstreams = [f"http://127.0.0.1:{port}" for port in ports]
    configs = [instance_config(dc, tmp_path, port) for port in ports]
    async with proxy(*upstreams) as balancer, instances(configs) as adapters:
        dc.interactions_url = f"{balancer.url}/discord"
        assert await dc.ping() == (200, b'{"type": 1}')
        guild = next(iter(dc.guilds.values()))
        where = {"guild_id": guild.id, "channel_id": guild.channel("général")}
        asked = [await dc.slash("aide", user_id=user, **where) for user in (1, 2, 3)]
        for iid in asked:
            assert (await text_of(dc, iid)).startswith("**Commandes**")
            assert dc.http_answers[iid] == 202
        # The notice comes from one instance, the button pressed on it reaches the other.
        pledge = await dc.slash("pledge", user_id=5, **where)
        notice = await dc.wait_for(
            lambda: next((r for r in dc.responses(pledge) if r.message), None)
        )
        click = await dc.click(notice.message, "/engagement resilier ok2", user_id=5)
        assert (await text_of(dc, click)).startswith("**Merci !**")
        assert dc.live_sessions() == []  # no instance connected a gateway
        assert all(adapter.connected for adapter in adapters)
    # The PING and five interactions, each instance in turn.
    assert [status for _, _, status in balancer.forwarded] == [200] + [202] * 5
    assert sorted(upstream for upstream, _, _ in balancer.forwarded) == sorted(upstreams * 3)


async def test_only_what_discord_signed_is_run(dc: FakeDiscord, tmp_path: Path) -> None:
    [port] = free_ports(1)
    async with instances([instance_config(dc, tmp_path, port)]):
        dc.interactions_url = f"http://127.0.0.1:{port}/discord"
        guild = next(iter(dc.guilds.values()))
        iid = await dc.slash("aide", user_id=1, guild_id=guild.id)
        await text_of(dc, iid)
        private = await dc.slash("mesdonnees", user_id=1, dm=True)  # no guild, no cache
        assert (await text_of(dc, private)).startswith("Le bot ne garde rien sur vous")
        command = {**dc.interactions[iid].payload, "id": "42"}  # a copy, under another id
        body = json.dumps(command).encode()
        stamp = str(int(time.time()))
        signature = SigningKey.generate().sign(stamp.encode() + body).signature.hex()
        attempts = [
            {},  # no signature at all
            {"X-Signature-Ed25519": signature, "X-Signature-Timestamp": stamp},  # another key
            dc.signed(body.replace(b'"aide"', b'"oubli"')),  # Discord's, of another body
            dc.signed(body, timestamp=int(time.time()) - 3600),  # replayed an hour later
            {**dc.signed(body), "X-Signature-Ed25519": "not hex"},
        ]
        for headers in attempts:
            refused = await dc.post_to_endpoint(command, headers)
            assert refused == (401, b"invalid request signature")
        await asyncio.sleep(0.2)
        assert not [call for call in dc.calls if "/interactions/42/" in call.path]
        assert (await dc.post_to_endpoint(command))[0] == 202  # the same, signed: it runs
        await dc.wait_for(lambda: [c for c in dc.calls if "/interactions/42/" in c.path])


def test_the_public_key_is_checked_at_start() -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(environ={"DISCORD_PUBLIC_KEY": "abc"})
    assert str(refused.value) == (
        'DISCORD_PUBLIC_KEY="abc" is not valid: expected the application\'s public key from the '
        "Developer Portal, 64 hexadecimal digits"
    )
    config = load_config(environ={"DISCORD_PUBLIC_KEY": "ab" * 32})
    endpoint = discord_interactions(config)
    assert endpoint is not None
    assert (endpoint.listen, endpoint.port, endpoint.path) == ("127.0.0.1", 8444, "/discord")
    assert discord_interactions(load_config(environ={})) is None
