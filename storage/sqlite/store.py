"""Every storage area on one SQLite database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage.api.protocols import (
    AuditStore,
    DeliveryStore,
    FactQuestionStore,
    MemberStore,
    NoticeStore,
    OutboxStore,
    PledgeStore,
    SettingsStore,
    SourceStore,
    SubscriptionStore,
)
from storage.sqlite.audit import SqliteAudit
from storage.sqlite.db import Database
from storage.sqlite.deliveries import SqliteDeliveries
from storage.sqlite.fact_questions import SqliteFactQuestions
from storage.sqlite.members import SqliteMembers
from storage.sqlite.notices import SqliteNotices
from storage.sqlite.outbox import SqliteOutbox
from storage.sqlite.pledges import SqlitePledges
from storage.sqlite.settings import SqliteSettings
from storage.sqlite.sources import SqliteSources
from storage.sqlite.subscriptions import SqliteSubscriptions


class SqliteStorage:
    """The areas share the database's one write path, so each of them commits in turn."""

    def __init__(self, db: Database) -> None:
        pledges, subscriptions = SqlitePledges(db), SqliteSubscriptions(db)
        self.database = db
        self.pledges: PledgeStore = pledges
        self.notices: NoticeStore = SqliteNotices(db)
        self.subscriptions: SubscriptionStore = subscriptions
        self.outbox: OutboxStore = SqliteOutbox(db)
        self.deliveries: DeliveryStore = SqliteDeliveries(db)
        self.audit: AuditStore = SqliteAudit(db)
        self.settings: SettingsStore = SqliteSettings(db)
        self.sources: SourceStore = SqliteSources(db)
        self.questions: FactQuestionStore = SqliteFactQuestions(db)
        self.members: MemberStore = SqliteMembers(db, pledges, subscriptions)

    @classmethod
    async def open(cls, path: Path, **options: Any) -> SqliteStorage:
        """See `Database.open` for the options."""
        return cls(await Database.open(path, **options))

    @property
    def description(self) -> str:
        return str(self.database.path)

    async def close(self) -> None:
        await self.database.close()
