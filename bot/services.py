"""What the core hands to every command: configuration, storage, strings, time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.config import Config
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
    clock: Callable[[], datetime] = utc_now
    delivery_wakers: list[Callable[[], None]] = field(default_factory=list)

    def wake_delivery(self) -> None:
        """Tell the delivery workers that new posts are in the outbox."""
        for wake in self.delivery_wakers:
            wake()

    def is_moderator(self, platform: str, user_id: str) -> bool:
        return self.config.is_moderator(platform, user_id)
