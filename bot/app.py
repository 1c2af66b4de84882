"""Everything the core needs, opened together and closed together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from bot import lifecycle
from bot.config import Config, ConfigError
from bot.dispatcher import Dispatcher
from bot.fact_reloads import current_version
from bot.facts.knowledge import load_knowledge
from bot.i18n import Catalogues
from bot.privacy import check_secret_file, member_key_function, member_secret
from bot.sealing import Sealer
from bot.seam import ChatRef
from bot.services import Services, utc_now
from commands import COMMANDS
from storage.api.backends import StorageOptions, open_storage
from storage.api.errors import BackendError, DatabaseUnusable
from storage.api.protocols import Storage

log = logging.getLogger(__name__)


@dataclass(slots=True)
class App:
    config: Config
    services: Services
    dispatcher: Dispatcher

    @property
    def storage(self) -> Storage:
        return self.services.storage

    async def remembered(self, key: str) -> str | None:
        """A value an adapter keeps between runs (what it last published, say)."""
        return await self.storage.settings.get_setting(key)

    async def remember(self, key: str, value: str) -> None:
        await self.storage.settings.put_setting(key, value)

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
    check_secret_file(config)
    storage = await _open_storage(config)
    try:
        secret = await member_secret(config, storage)
        services = Services(
            config,
            storage,
            catalogues,
            COMMANDS,
            facts,
            member_key=member_key_function(secret),
            asker_key=member_key_function(secret, "questions"),
            add_pledge=storage.pledges.pledge_intake(config.milestones),
            sealer=Sealer(secret),
            clock=clock,
        )
        services.facts_version = await current_version(services)
        log.info(
            "core ready",
            extra={"database": storage.description, "facts": len(facts.base.facts)},
        )
        yield App(config, services, Dispatcher(services))
    finally:
        await storage.close()
        log.info("database closed")


async def _open_storage(config: Config) -> Storage:
    """Open the database the configuration names, with the backend its URL names."""
    options = StorageOptions(synchronous=config.synchronous, wal_checkpoints=config.wal_checkpoints)
    try:
        return await open_storage(config.storage_url, options)
    except BackendError as exc:
        raise ConfigError(f"QUITGPT_DATABASE_URL cannot be used: {exc}") from exc
    except DatabaseUnusable as exc:
        raise ConfigError(
            f"the database (--db, QUITGPT_DB or QUITGPT_DATABASE_URL): {exc}"
        ) from exc
