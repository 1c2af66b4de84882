"""Everything the core needs, opened together and closed together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from bot import lifecycle
from bot.config import Config
from bot.dispatcher import Dispatcher
from bot.fact_reloads import current_version
from bot.facts.knowledge import load_knowledge
from bot.i18n import Catalogues
from bot.privacy import member_key_function, member_secret
from bot.seam import ChatRef
from bot.services import Services, utc_now
from commands import COMMANDS
from storage.db import Database
from storage.pledges import pledge_intake
from storage.settings import get_setting, put_setting

log = logging.getLogger(__name__)


@dataclass(slots=True)
class App:
    config: Config
    services: Services
    dispatcher: Dispatcher

    @property
    def db(self) -> Database:
        return self.services.db

    async def remembered(self, key: str) -> str | None:
        """A value an adapter keeps between runs (what it last published, say)."""
        return await get_setting(self.db, key)

    async def remember(self, key: str, value: str) -> None:
        await put_setting(self.db, key, value)

    async def chat_gone(self, chat: ChatRef, reason: str) -> None:
        await lifecycle.chat_gone(self.services, chat, reason)

    async def chat_moved(self, chat: ChatRef, new_id: str) -> None:
        await lifecycle.chat_moved(self.services, chat, new_id)


@asynccontextmanager
async def open_app(config: Config, clock: Callable[[], datetime] = utc_now) -> AsyncIterator[App]:
    """Load the catalogues, the fact base and the member key secret, open and migrate the
    database, build the dispatcher. An invalid fact base stops the start (FactBaseError)."""
    catalogues = Catalogues.load()
    facts = load_knowledge(config.facts, config.intents, frozenset(c.name for c in COMMANDS))
    db = await Database.open(
        config.database, synchronous=config.synchronous, checkpoints=config.wal_checkpoints
    )
    try:
        secret = await member_secret(config, db)
        services = Services(
            config,
            db,
            catalogues,
            COMMANDS,
            facts,
            member_key=member_key_function(secret),
            asker_key=member_key_function(secret, "questions"),
            add_pledge=pledge_intake(db, config.milestones),
            clock=clock,
        )
        services.facts_version = await current_version(services)
        log.info(
            "core ready",
            extra={"database": str(config.database), "facts": len(facts.base.facts)},
        )
        yield App(config, services, Dispatcher(services))
    finally:
        await db.close()
        log.info("database closed")
