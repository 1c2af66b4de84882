"""The bot's description and short description in each language, set at start-up only where
they differ from what Telegram shows.

Bot API: the description is shown "in the chat with the bot if the chat is empty" (0-512
characters), the short description "on the bot's profile page and is sent together with the
link when users share the bot" (0-120); each per `language_code`, the one without a language
for everyone else.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.app import App
from bot.markup import to_plain

log = logging.getLogger(__name__)


def planned_profile(app: App, username: str) -> dict[str, tuple[str, str]]:
    """(description, short description) by language code ("" for the fallback)."""
    get, default = app.services.catalogues.get, app.config.default_language
    return {
        code: (
            to_plain(get(code or default, "telegram.description", bot=username)),
            to_plain(get(code or default, "telegram.short_description")),
        )
        for code in ["", *sorted(app.services.catalogues.languages)]
    }


async def sync_profile(app: App, bot: Bot) -> int:
    """Set the texts that differ from Telegram's; how many were set. Trouble is logged: the
    bot serves on with the texts it had."""
    changed = 0
    try:
        for code, (description, short) in planned_profile(app, bot.username).items():
            language = code or None
            if (await bot.get_my_description(language)).description != description:
                await bot.set_my_description(description, language)
                changed += 1
            if (await bot.get_my_short_description(language)).short_description != short:
                await bot.set_my_short_description(short, language)
                changed += 1
    except TelegramError as error:
        log.warning("telegram description not set", extra={"error": type(error).__name__})
    log.info("telegram descriptions checked", extra={"changed": changed})
    return changed
