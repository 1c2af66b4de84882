"""What the core hands to every command: configuration, storage, strings, facts, time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.config import Config
from bot.facts.search import FactIndex
from bot.i18n import Catalogues
from storage.db import Database

if TYPE_CHECKING:
    from commands.base import CommandSpec


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Services:
    config: Config
    db: Database
    catalogues: Catalogues
    commands: tuple[CommandSpec, ...]
    # replaced as a whole by /recharger: read it once per question
    facts: FactIndex
    clock: Callable[[], datetime] = utc_now

    def is_moderator(self, platform: str, user_id: str) -> bool:
        return self.config.is_moderator(platform, user_id)
