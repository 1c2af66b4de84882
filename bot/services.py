"""What the core hands to every command: configuration, storage, strings, facts, identities,
time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.arrivals import Arrivals
from bot.config import Config
from bot.delivery.doorbell import Doorbell
from bot.facts.knowledge import Knowledge
from bot.i18n import Catalogues
from bot.metrics import Metrics
from bot.privacy import MemberKey
from bot.sealing import Sealer
from bot.seam import Sender
from storage.api.protocols import Storage
from storage.api.records import Added, NewPledge

if TYPE_CHECKING:
    from commands.base import CommandSpec


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Services:
    config: Config
    storage: Storage
    catalogues: Catalogues
    commands: tuple[CommandSpec, ...]
    # replaced as a whole by /recharger: read it once per question
    facts: Knowledge
    # (platform, user id) -> the pseudonymous key a member is stored under
    member_key: MemberKey
    # (platform, user id) -> the key a member's questions to the fact base are known by;
    # under a secret of its own, so that the database does not tie a question to a pledge
    asker_key: MemberKey
    # records a new pledge, batched with concurrent ones into one transaction
    add_pledge: Callable[[NewPledge], Awaitable[Added]]
    # seals the private chat reference of a member who asked to be told, under the secret
    sealer: Sealer
    clock: Callable[[], datetime] = utc_now
    doorbell: Doorbell = field(default_factory=Doorbell)
    # the fact base version (bot/fact_reloads.py) that `facts` was loaded at
    facts_version: str = ""
    metrics: Metrics = field(default_factory=Metrics)
    # the campaign source each newcomer came through, until they pledge (memory only)
    arrivals: Arrivals = field(default_factory=Arrivals)
    # platform -> the link that opens the bot there, as its adapter learnt it at start
    entry_links: dict[str, str] = field(default_factory=dict)
    # (builder, language) -> reply parts built from the catalogues and commands alone, the
    # same for every member: built once (`Context.per_language`)
    per_language: dict[tuple[object, str], object] = field(default_factory=dict)

    def wake_delivery(self) -> None:
        """Tell the delivery workers that new posts are in the outbox."""
        self.doorbell.ring()

    def is_moderator(self, platform: str, sender: Sender) -> bool:
        return self.config.is_moderator(platform, sender.id, sender.roles)

    def configured_moderator(self, platform: str, key: str) -> str | None:
        """The user id of the configured moderator stored under `key`, if still configured."""
        ids = self.config.moderators.get(platform, frozenset())
        return next((uid for uid in sorted(ids) if self.member_key(platform, uid) == key), None)
