"""Telegram's command menus, set at start-up only when they changed."""

from __future__ import annotations

import hashlib
import json
import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)

from bot.app import App
from bot.markup import to_plain

log = logging.getLogger(__name__)
SETTING = "telegram.menus"
DESCRIPTION_CHARS = 256


# Telegram shows a member the first menu set for the most specific scope that covers them
# (Bot API, BotCommandScope, "Determining list of commands"): in a group, its administrators'
# before every member's, and both before the default one, which private chats show.
GROUPS, GROUP_ADMINS = "groups", "group_admins"
_SCOPES: dict[str, BotCommandScope] = {
    "default": BotCommandScopeDefault(),
    GROUPS: BotCommandScopeAllGroupChats(),
    GROUP_ADMINS: BotCommandScopeAllChatAdministrators(),
}


def menu(
    app: App, language: str, *, moderator: bool, chat_manager: bool = True
) -> list[tuple[str, str]]:
    """(command, description) pairs for one language: a moderator's menu, or a member's,
    with what only a chat's managers may do (`chat_manager`) or without."""
    t = app.services.catalogues.get
    return [
        (spec.display_name(language), to_plain(t(language, spec.help_key))[:DESCRIPTION_CHARS])
        for spec in app.services.commands
        if spec.listed
        and (moderator or not spec.moderator_only)
        and (chat_manager or not spec.chat_manager_only)
    ]


def planned_menus(app: App) -> dict[str, list[tuple[str, str]]]:
    """Every menu to publish, keyed `scope/language` (empty language: the fallback).

    A private chat is the member's own (they subscribe it themselves); in a group only its
    administrators see the commands that change what the group receives."""
    languages = ["", *sorted(app.services.catalogues.languages)]
    scopes = [
        ("default", False, True),
        (GROUPS, False, False),
        (GROUP_ADMINS, False, True),
        *((f"chat:{i}", True, True) for i in sorted(app.config.moderators.get("telegram", ()))),
    ]
    return {
        f"{scope}/{language}": menu(
            app,
            language or app.config.default_language,
            moderator=moderator,
            chat_manager=chat_manager,
        )
        for scope, moderator, chat_manager in scopes
        for language in languages
    }


async def sync_menus(app: App, bot: Bot) -> bool:
    """Publish the menus if they differ from the last ones published; True if they did."""
    plans = planned_menus(app)
    digest = hashlib.sha256(json.dumps(plans, sort_keys=True).encode()).hexdigest()
    if await app.remembered(SETTING) == digest:
        return False
    for key, commands in plans.items():
        scope_name, _, language = key.partition("/")
        scope = _SCOPES.get(scope_name) or BotCommandScopeChat(
            int(scope_name.removeprefix("chat:"))
        )
        await bot.set_my_commands(
            [BotCommand(name, description) for name, description in commands],
            scope=scope,
            language_code=language or None,
        )
    await app.remember(SETTING, digest)
    log.info("telegram menus published", extra={"menus": len(plans)})
    return True
