"""Publishing the slash commands to Discord: once connected, only when they changed,
retried in the background, never fatal."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.app import App

log = logging.getLogger(__name__)
SETTING = "discord.commands"
FIRST_RETRY = 1.0  # seconds; doubled after each failure
LAST_RETRY = 300.0


async def command_payload(tree: app_commands.CommandTree[Any]) -> list[dict[str, Any]]:
    """Exactly what `tree.sync()` sends: every command translated in every language."""
    translator = tree.translator
    commands = tree.get_commands()
    if translator is None:
        return [command.to_dict(tree) for command in commands]
    return [await command.get_translated_payload(tree, translator) for command in commands]


def digest(payload: list[dict[str, Any]]) -> str:
    """A fingerprint of the whole payload: names, descriptions, localisations, options,
    choices, permissions — any change in any of them publishes again."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _retry_in(error: Exception, backoff: float) -> float | None:
    """How long to wait before trying again, or None when trying again cannot help."""
    if isinstance(error, discord.RateLimited):
        return max(error.retry_after, backoff)
    if isinstance(error, discord.HTTPException) and error.status == 429:
        retry_after = error.response.headers.get("Retry-After", "")
        return max(float(retry_after), backoff) if retry_after.isdigit() else backoff
    if isinstance(error, discord.HTTPException) and error.status < 500:
        return None  # the payload or the bot's rights are wrong: only a new release helps
    return backoff  # a server error, a time-out, the network


async def publish_commands(app: App, tree: app_commands.CommandTree[Any]) -> bool:
    """Sync the commands when their payload differs from the one last published; until it
    succeeds or Discord refuses it for good. Returns whether the commands are in place;
    whatever goes wrong, the bot serves on with the commands Discord already has."""
    try:
        return await _publish(app, tree)
    except Exception:
        log.exception("discord commands not published")
        return False


async def _publish(app: App, tree: app_commands.CommandTree[Any]) -> bool:
    payload = await command_payload(tree)
    fingerprint = digest(payload)
    if await app.remembered(SETTING) == fingerprint:
        return True
    backoff = FIRST_RETRY
    while True:
        try:
            await tree.sync()
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            wait = _retry_in(error, backoff)
            if wait is None:
                log.error("discord commands refused", extra={"detail": str(error)})
                return False
            log.warning("discord commands not published yet", extra={"retry_in_s": wait})
            await asyncio.sleep(wait)
            backoff = min(backoff * 2, LAST_RETRY)
            continue
        await app.remember(SETTING, fingerprint)
        log.info("discord commands published", extra={"commands": len(payload)})
        return True
