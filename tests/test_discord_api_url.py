"""`DISCORD_API_URL`: discord.py's REST calls go to a proxy the instances share (a rate-limit
proxy in front of Discord), checked so that the token never crosses a network in clear."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import discord.http
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from bot.adapters.discord_adapter import DiscordAdapter, api_base
from bot.app import open_app
from bot.config import ConfigError, load_config
from bot.runtime import serving
from tests.fakes.discord_api import FakeDiscord
from tests.proxy import Proxy, proxy

DISCORD = "https://discord.com/api/v10"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("https://discord-proxy.example.org", "https://discord-proxy.example.org/api/v10"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/v10"),
        ("http://localhost:8080/api/v10", "http://localhost:8080/api/v10"),
        ("http://[::1]:8080", "http://[::1]:8080/api/v10"),
    ],
)
def test_https_or_loopback_is_accepted(given: str, used: str) -> None:
    config = load_config(environ={"DISCORD_API_URL": given})
    assert api_base(config.discord_api_url) == used


@pytest.mark.parametrize(
    "given", ["http://10.0.0.5:8080", "http://proxy.internal", "ftp://127.0.0.1", "127.0.0.1:80"]
)
def test_plain_http_to_another_host_stops_the_start(given: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(environ={"DISCORD_API_URL": given})
    assert str(refused.value).startswith(f'DISCORD_API_URL="{given}" is not valid: expected an')
    assert "http on a loopback address" in str(refused.value)


@pytest.fixture
async def proxy_and_fake(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[tuple[Proxy, FakeDiscord]]:
    """discord.py's REST base left as shipped; its gateway (which a REST proxy does not
    carry) is the fake's."""
    async with FakeDiscord(patch=False) as fake:
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
        fake.add_guild(name="QuitGPT", channels=["général"])
        async with proxy(f"http://127.0.0.1:{fake.port}") as shared:
            yield shared, fake


async def test_every_rest_call_goes_through_the_configured_proxy(
    tmp_path: Path, proxy_and_fake: tuple[Proxy, FakeDiscord]
) -> None:
    rest, dc = proxy_and_fake
    environ = {"DISCORD_API_URL": rest.url, "QUITGPT_DB": str(tmp_path / "bot.db")}
    config = load_config(environ=environ)
    assert discord.http.Route.BASE == DISCORD
    async with open_app(config) as app:
        adapter = DiscordAdapter(
            app, dc.token, api_url=config.discord_api_url, guild_ready_timeout=0.05
        )
        async with serving(app, adapter):
            async with asyncio.timeout(10):
                assert await adapter.commands_published()
            guild = next(iter(dc.guilds.values()))
            where = {"guild_id": guild.id, "channel_id": guild.channel("général")}
            iid = await dc.slash("aide", user_id=1, **where)
            reply = await dc.wait_for(
                lambda: next((r for r in dc.responses(iid) if r.content), None)
            )
    assert (reply.content or "").startswith("**Commandes**")
    assert "GET /api/v10/users/@me" in rest.paths()  # the login
    assert f"PUT /api/v10/applications/{dc.application_id}/commands" in rest.paths()
    assert f"POST /api/v10/interactions/{iid}/" in "\n".join(rest.paths())
    assert discord.http.Route.BASE == DISCORD  # put back when the adapter stopped
