"""Running the real Telegram adapter against the fake Bot API server."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from PIL import Image
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.telegram import TelegramAdapter, Webhook
from bot.app import App
from bot.runtime import serving
from tests.fakes.telegram_api import FakeTelegram

MODERATOR = 777
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What Telegram posts to a webhook when member 42 sends /aide in a private chat.
AIDE_UPDATE = {
    "update_id": 9001,
    "message": {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": 42, "type": "private", "first_name": "Léa"},
        "from": {"id": 42, "is_bot": False, "first_name": "Léa", "language_code": "fr"},
        "text": "/aide",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    },
}
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Pledge", callback_data="pledge"),
            InlineKeyboardButton("Later", callback_data="later"),
        ]
    ]
)


def png_bytes() -> bytes:
    """A tiny PNG, for photo uploads."""
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@asynccontextmanager
async def telegram_bot(
    app: App, tg: FakeTelegram, *, webhook: Webhook | None = None
) -> AsyncIterator[TelegramAdapter]:
    """The adapter polling the fake server, with its delivery worker, until the block ends."""
    async with serving(
        app, TelegramAdapter(app, tg.token, api_url=tg.base_url, webhook=webhook, timeout=1.0)
    ) as adapter:
        yield adapter


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until `condition()` holds, for state the fake exposes without an event."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def no_pacing() -> None:
    return None
