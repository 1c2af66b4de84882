"""Telegram's command menus, set at start-up only when they changed."""

from __future__ import annotations

import hashlib
import json
import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.app import App
from bot.markup import to_plain

log = logging.getLogger(__name__)
SETTING = "telegram.menus"
DESCRIPTION_CHARS = 256


def menu(app: App, language: str, *, moderator: bool) -> list[tuple[str, str]]:
    """(command, description) pairs for one language, member or moderator."""
    t = app.services.catalogues.get
    return [
        (spec.display_name(language), to_plain(t(language, spec.help_key))[:DESCRIPTION_CHARS])
        for spec in app.services.commands
        if spec.listed and (moderator or not spec.moderator_only)
    ]


def planned_menus(app: App) -> dict[str, list[tuple[str, str]]]:
    """Every menu to publish, keyed `scope/language` (empty language: the fallback)."""
    languages = sorted(app.services.catalogues.languages)
    plans = {}
    for moderator_id in [None, *sorted(app.config.moderators.get("telegram", ()))]:
        scope = f"chat:{moderator_id}" if moderator_id else "default"
        moderator = moderator_id is not None
        plans[f"{scope}/"] = menu(app, app.config.default_language, moderator=moderator)
        for language in languages:
            plans[f"{scope}/{language}"] = menu(app, language, moderator=moderator)
    return plans


async def sync_menus(app: App, bot: Bot) -> bool:
    """Publish the menus if they differ from the last ones published; True if they did."""
    plans = planned_menus(app)
    digest = hashlib.sha256(json.dumps(plans, sort_keys=True).encode()).hexdigest()
    if await app.remembered(SETTING) == digest:
        return False
    for key, commands in plans.items():
        scope_name, _, language = key.partition("/")
        scope = (
            BotCommandScopeDefault()
            if scope_name == "default"
            else BotCommandScopeChat(int(scope_name.removeprefix("chat:")))
        )
        await bot.set_my_commands(
            [BotCommand(name, description) for name, description in commands],
            scope=scope,
            language_code=language or None,
        )
    await app.remember(SETTING, digest)
    log.info("telegram menus published", extra={"menus": len(plans)})
    return True
