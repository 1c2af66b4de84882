"""Fact base reloads that reach every instance sharing the database.

`/recharger` on one instance builds the new knowledge from its fact file and records a new
version in the database; every instance reads that version every few seconds and, once it
changed, reloads its own copy of the file. A polled row works the same on SQLite and
PostgreSQL, and a reload missed while an instance was stopped is not needed: it loads the
file at start.
"""

from __future__ import annotations

import logging
import secrets

from bot.facts.embedding import model_thread_call
from bot.facts.knowledge import Knowledge, load_knowledge
from bot.facts.loader import FactBaseError
from bot.services import Services

VERSION_SETTING = "facts.version"
POLL_SECONDS = 5.0
log = logging.getLogger(__name__)


async def build_knowledge(services: Services) -> Knowledge:
    """The knowledge of the configured fact file, built aside (FactBaseError if invalid)."""
    config = services.config
    names = frozenset(spec.name for spec in services.commands)
    return await model_thread_call(load_knowledge, config.facts, config.intents, names)


async def current_version(services: Services) -> str:
    return await services.storage.settings.get_setting(VERSION_SETTING) or ""


async def publish(services: Services, known: Knowledge) -> None:
    """Serve `known` here, then tell the other instances to reload their file."""
    services.facts = known
    services.facts_version = version = secrets.token_hex(8)
    await services.storage.settings.put_setting(VERSION_SETTING, version)


async def follow(services: Services) -> bool:
    """Reload the fact file if another instance reloaded since; whether this one did."""
    version = await current_version(services)
    if version == services.facts_version:
        return False
    services.facts_version = version  # tried once: a broken file is not read again and again
    try:
        known = await build_knowledge(services)
    except FactBaseError as exc:
        log.error(
            "fact base reloaded by another instance, refused here: this instance keeps its "
            "base until its file is fixed and /recharger runs again",
            extra={"problems": len(exc.problems), "path": str(services.config.facts)},
        )
        return False
    services.facts = known
    log.info("fact base reloaded as another instance did", extra={"facts": len(known.base.facts)})
    return True
