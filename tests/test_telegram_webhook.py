"""The Telegram webhook behind a TLS reverse proxy: the public URL is registered, the bot
listens on a loopback address and the configured path only."""

from __future__ import annotations

import aiohttp
import pytest

from bot.app import App
from bot.config import Config, load_config
from bot.runtime import telegram_webhook
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram_support import AIDE_UPDATE, SECRET_HEADER, telegram_bot

PUBLIC_URL = "https://bot.example.org/hooks/quitgpt"


def test_defaults_listen_on_loopback_at_the_urls_path() -> None:
    assert telegram_webhook(load_config(environ={})) is None
    webhook = telegram_webhook(load_config(environ={"TELEGRAM_WEBHOOK_URL": PUBLIC_URL}))
    assert webhook is not None
    assert (webhook.listen, webhook.port, webhook.path) == ("127.0.0.1", 8443, "/hooks/quitgpt")
    bare = telegram_webhook(load_config(environ={"TELEGRAM_WEBHOOK_URL": "https://x.org"}))
    assert bare is not None and bare.path == "/telegram"


@pytest.mark.parametrize(("path", "served"), [(None, "/hooks/quitgpt"), ("/tg", "/tg")])
async def test_updates_are_read_at_the_configured_path_only(
    app: App, tg: FakeTelegram, unused_tcp_port: int, path: str | None, served: str
) -> None:
    environ = {
        "TELEGRAM_WEBHOOK_URL": PUBLIC_URL,
        "TELEGRAM_WEBHOOK_PORT": str(unused_tcp_port),
        "TELEGRAM_WEBHOOK_SECRET": "s3cret-token",
    }
    if path:
        environ["TELEGRAM_WEBHOOK_PATH"] = path  # the proxy rewrites the path
    config: Config = load_config(environ=environ)
    local = f"http://127.0.0.1:{unused_tcp_port}"
    headers = {SECRET_HEADER: "s3cret-token"}
    webhook = telegram_webhook(config)
    async with telegram_bot(app, tg, webhook=webhook), aiohttp.ClientSession() as http:
        [registered] = tg.calls_to("setWebhook")
        assert registered.params["url"] == PUBLIC_URL
        elsewhere = await http.post(f"{local}/telegram", json=AIDE_UPDATE, headers=headers)
        assert elsewhere.status == 404
        genuine = await http.post(f"{local}{served}", json=AIDE_UPDATE, headers=headers)
        assert genuine.status == 200
        [answer] = await tg.wait_for(1, chat_id=42)
    assert (answer.plain_text or "").startswith("Commandes")


async def test_the_bot_api_posts_updates_to_the_webhook_the_bot_set(
    app: App, tg: FakeTelegram, unused_tcp_port: int
) -> None:
    """Without a configured secret, python-telegram-bot's webhook server sets a random one at
    start; the Bot API sends it back with every update, and the server checks it."""
    local = f"http://127.0.0.1:{unused_tcp_port}/telegram"
    config = load_config(
        environ={"TELEGRAM_WEBHOOK_URL": local, "TELEGRAM_WEBHOOK_PORT": str(unused_tcp_port)}
    )
    async with telegram_bot(app, tg, webhook=telegram_webhook(config)):
        [registered] = tg.calls_to("setWebhook")
        assert registered.params["url"] == local and registered.params["secret_token"]
        tg.user_sends("/aide", chat_id=42, language_code="fr")
        [answer] = await tg.wait_for(1, chat_id=42)
        assert tg.webhook_posts == [(tg.webhook_posts[0][0], 200)]
    assert (answer.plain_text or "").startswith("Commandes")
