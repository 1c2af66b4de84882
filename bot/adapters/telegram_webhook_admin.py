"""`quitgpt-bot telegram set-webhook`, `webhook-info` and `delete-webhook`: the webhook set
once, with the configured URL and secret token, for every instance behind a load balancer
(each started with `TELEGRAM_WEBHOOK_MANAGED=true`, see `telegram_webhook.py`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.adapters.telegram import api_urls
from bot.config import Config, ConfigError
from bot.seam import PlatformUnavailable

MAX_CONNECTIONS = 40  # the Bot API's default
T = TypeVar("T")


def _bot(config: Config) -> Bot:
    if not config.telegram_token:
        raise ConfigError("TELEGRAM_TOKEN (or TELEGRAM_TOKEN_FILE) is not set")
    if config.telegram_api_url:
        base_url, base_file_url = api_urls(config.telegram_api_url)
        return Bot(config.telegram_token.value, base_url=base_url, base_file_url=base_file_url)
    return Bot(config.telegram_token.value)


async def set_webhook(config: Config) -> str:
    """Register the configured URL and secret token: what every instance then receives."""
    missing = [
        name
        for name, value in (
            ("TELEGRAM_WEBHOOK_URL", config.telegram_webhook_url),
            ("TELEGRAM_WEBHOOK_SECRET", config.telegram_webhook_secret.value),
        )
        if not value
    ]
    if missing:
        raise ConfigError(f"set-webhook needs {' and '.join(missing)}")
    await _with_bot(
        config,
        lambda bot: bot.set_webhook(
            config.telegram_webhook_url,
            secret_token=config.telegram_webhook_secret.value,
            allowed_updates=Update.ALL_TYPES,
            max_connections=MAX_CONNECTIONS,
        ),
    )
    return f"webhook set: {config.telegram_webhook_url}, with the configured secret token"


async def webhook_info(config: Config) -> str:
    """What the Bot API says of the webhook, a line each (it never returns the secret)."""
    info = await _with_bot(config, lambda bot: bot.get_webhook_info())
    lines = [
        f"url: {info.url or '(none: long polling)'}",
        f"pending updates: {info.pending_update_count}",
    ]
    if info.max_connections:
        lines.append(f"max connections: {info.max_connections}")
    if info.last_error_message:
        lines.append(f"last error: {info.last_error_message} ({info.last_error_date})")
    return "\n".join(lines)


async def delete_webhook(config: Config) -> str:
    await _with_bot(config, lambda bot: bot.delete_webhook())
    return "webhook deleted: updates wait for long polling"


async def _with_bot(config: Config, call: Callable[[Bot], Awaitable[T]]) -> T:
    """`call` on a started Bot; any refusal or network trouble, starting it included, in
    one line (the token masked by the command line)."""
    try:
        async with _bot(config) as bot:
            return await call(bot)
    except TelegramError as exc:
        message = f"Telegram is unreachable or refused: {type(exc).__name__}: {exc}"
        raise PlatformUnavailable(message) from exc
