"""Telegram behind a load balancer: the webhook set once by `quitgpt-bot telegram
set-webhook`, every instance accepting the same secret and none setting the webhook itself.

The fake Bot API posts each update to the webhook with the secret header, and posts it
again until it is answered 2xx (https://core.telegram.org/bots/api#setwebhook)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.app import App, open_app
from bot.cli import telegram_webhook as cli_action
from bot.config import Config, ConfigError, Secret, load_config
from bot.runtime import serving, telegram_webhook
from tests.fakes.telegram_api import FakeTelegram
from tests.proxy import free_ports, proxy
from tests.support import ENV, run_bot
from tests.telegram_support import AIDE_UPDATE, SECRET_HEADER, eventually

SECRET = "shared-s3cret_for-every-instance"


def environ(tg: FakeTelegram, tmp_path: Path, url: str) -> dict[str, str]:
    return {
        "QUITGPT_DB": str(tmp_path / "bot.db"),
        "QUITGPT_MEMBER_SECRET": "ab" * 32,
        "TELEGRAM_TOKEN": tg.token,
        "TELEGRAM_API_URL": tg.base_url,
        "TELEGRAM_WEBHOOK_URL": url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_WEBHOOK_MANAGED": "true",
    }


@asynccontextmanager
async def instances(configs: list[Config]) -> AsyncIterator[list[App]]:
    """One app and Telegram adapter per configuration, all on one database."""
    async with AsyncExitStack() as stack:
        apps = []
        for config in configs:
            app = await stack.enter_async_context(open_app(config))
            adapter = TelegramAdapter(
                app,
                config.telegram_token.value,
                api_url=config.telegram_api_url,
                webhook=telegram_webhook(config),
                timeout=1.0,
            )
            await stack.enter_async_context(serving(app, adapter))
            apps.append(app)
        yield apps


async def quitgpt_bot(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """The command line in a process of its own, without blocking the fake's event loop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env={**ENV, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_instances_behind_a_balancer_share_the_webhook_set_once(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    ports = free_ports(2)
    upstreams = [f"http://127.0.0.1:{port}" for port in ports]
    async with proxy(*upstreams) as balancer:
        env = environ(tg, tmp_path, f"{balancer.url}/telegram")
        code, out, err = await quitgpt_bot("telegram", "set-webhook", env=env)
        assert (code, err) == (0, "")
        assert out == f"webhook set: {balancer.url}/telegram, with the configured secret token\n"
        assert SECRET not in out
        [registered] = tg.calls_to("setWebhook")
        assert registered.params["secret_token"] == SECRET
        base = load_config(environ=env)
        configs = [replace(base, telegram_webhook_port=port) for port in ports]
        async with instances(configs):
            chats = range(42, 48)
            for chat in chats:
                tg.user_sends("/aide", chat_id=chat)
            for chat in chats:
                [answer] = await tg.wait_for(1, chat_id=chat)
                assert (answer.plain_text or "").startswith("Commands")
            assert len(tg.calls_to("setWebhook")) == 1  # no instance set it again
            served = [upstream for upstream, _, status in balancer.forwarded if status == 200]
            assert sorted(served) == sorted(upstreams * 3)  # each instance took its turn
            async with aiohttp.ClientSession() as http:
                for headers in ({}, {SECRET_HEADER: "forged"}, {SECRET_HEADER: SECRET + "x"}):
                    forged = await http.post(
                        f"{upstreams[0]}/telegram", json=AIDE_UPDATE, headers=headers
                    )
                    assert forged.status == 403
                unreadable = await http.post(
                    f"{upstreams[0]}/telegram", data=b"{not json", headers={SECRET_HEADER: SECRET}
                )
                assert unreadable.status == 400
        code, out, _ = await quitgpt_bot("telegram", "webhook-info", env=env)
        assert code == 0
        assert f"url: {balancer.url}/telegram\npending updates: 0\n" in out
        code, out, _ = await quitgpt_bot("telegram", "delete-webhook", env=env)
        assert code == 0 and tg.webhook["url"] == ""


async def test_an_instance_with_another_secret_is_refused_until_it_has_the_right_one(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    """Telegram posts the update again and again: nothing is lost, and webhook-info says why."""
    [port] = free_ports(1)
    env = environ(tg, tmp_path, f"http://127.0.0.1:{port}/telegram")
    current = load_config(environ={**env, "TELEGRAM_WEBHOOK_PORT": str(port)})
    assert await cli_action("set-webhook", current)
    stale = replace(current, telegram_webhook_secret=Secret("an-old-secret"))
    async with instances([stale]):
        tg.user_sends("/aide", chat_id=42)
        await eventually(lambda: len(tg.webhook_posts) >= 2)
        assert {status for _, status in tg.webhook_posts} == {403}
        info = await cli_action("webhook-info", current)
        assert "pending updates: 1\n" in info
        assert "last error: Wrong response from the webhook: 403" in info
    async with instances([current]):
        [answer] = await tg.wait_for(1, chat_id=42)
    assert (answer.plain_text or "").startswith("Commands")


def test_a_managed_webhook_needs_its_url_and_secret_on_every_instance() -> None:
    with pytest.raises(ConfigError) as neither:
        load_config(environ={"TELEGRAM_WEBHOOK_MANAGED": "true"})
    assert str(neither.value).startswith(
        "TELEGRAM_WEBHOOK_MANAGED=true needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET:"
    )
    with pytest.raises(ConfigError, match="needs TELEGRAM_WEBHOOK_SECRET: every instance"):
        load_config(
            environ={"TELEGRAM_WEBHOOK_MANAGED": "yes", "TELEGRAM_WEBHOOK_URL": "https://x.org/t"}
        )
    result = run_bot(
        "telegram", "set-webhook",
        env={"TELEGRAM_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_URL": "https://x.org/t"},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == "quitgpt-bot: set-webhook needs TELEGRAM_WEBHOOK_SECRET\n"
    invalid = run_bot(
        "telegram", "set-webhook", env={"TELEGRAM_WEBHOOK_SECRET": "has spaces in it"}
    )
    assert invalid.returncode == 2
    assert invalid.stderr.startswith("quitgpt-bot: TELEGRAM_WEBHOOK_SECRET is not valid")


async def test_a_refused_set_webhook_says_why_and_exits_1(tg: FakeTelegram, tmp_path: Path) -> None:
    env = environ(tg, tmp_path, "https://bot.example.org/telegram")
    tg.fail_next(
        "setWebhook", "400", description="Bad Request: bad webhook: Failed to resolve host"
    )
    code, out, err = await quitgpt_bot("telegram", "set-webhook", env=env)
    assert (code, out) == (1, "")
    # python-telegram-bot drops the "Bad Request: " prefix and capitalises the rest
    said = "telegram is unreachable or refused: badrequest: bad webhook: failed to resolve host"
    assert err.lower() == f"quitgpt-bot: {said}\n"
    assert tg.webhook["url"] == ""
