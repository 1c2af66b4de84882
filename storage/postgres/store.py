"""Every storage area on one PostgreSQL database, through one pool per instance."""

from __future__ import annotations

import asyncpg

from storage.api.protocols import (
    AuditStore,
    DeliveryStore,
    FactQuestionStore,
    MemberStore,
    OutboxStore,
    PledgeStore,
    SettingsStore,
    SourceStore,
    SubscriptionStore,
)
from storage.postgres.audit import PostgresAudit
from storage.postgres.connection import POOL_SIZE, open_pool
from storage.postgres.deliveries import PostgresDeliveries
from storage.postgres.members import PostgresMembers
from storage.postgres.outbox import PostgresOutbox
from storage.postgres.pledges import PostgresPledges
from storage.postgres.presence import Presence
from storage.postgres.questions import PostgresFactQuestions
from storage.postgres.settings import PostgresSettings
from storage.postgres.sources import PostgresSources
from storage.postgres.subscriptions import PostgresSubscriptions


class PostgresStorage:
    def __init__(self, pool: asyncpg.Pool, presence: Presence, description: str) -> None:
        pledges = PostgresPledges(pool)
        self.pool = pool
        self._presence = presence
        self._description = description
        self.pledges: PledgeStore = pledges
        self.subscriptions: SubscriptionStore = PostgresSubscriptions(pool)
        self.outbox: OutboxStore = PostgresOutbox(pool)
        self.deliveries: DeliveryStore = PostgresDeliveries(pool, presence.number)
        self.audit: AuditStore = PostgresAudit(pool)
        self.settings: SettingsStore = PostgresSettings(pool)
        self.sources: SourceStore = PostgresSources(pool)
        self.questions: FactQuestionStore = PostgresFactQuestions(pool)
        self.members: MemberStore = PostgresMembers(pool, pledges)

    @classmethod
    async def open(
        cls, url: str, description: str, *, pool_size: int = POOL_SIZE
    ) -> PostgresStorage:
        """Connect and migrate; BackendError naming `description` when the server cannot
        be reached."""
        pool = await open_pool(url, description, size=pool_size)
        try:
            presence = await Presence.take(url)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, presence, description)

    @property
    def description(self) -> str:
        return self._description

    async def close(self) -> None:
        await self.pool.close()
        await self._presence.release()
