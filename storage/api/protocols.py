"""What the bot asks of storage, one Protocol per area, and `Storage`, which groups them.

Every backend implements all of them. A method that changes several things (a broadcast
with its audit entry, a delivery's outcome with its chat's pinned message, an erasure)
does it in one transaction: the caller never holds a transaction itself. Times are
aware `datetime`s in UTC; member keys are pseudonyms, never platform ids.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from storage.api.records import (
    QUEUE_LENGTH,
    Action,
    Added,
    Asker,
    AuditEntry,
    Backlog,
    Broadcast,
    Cause,
    Counts,
    Delivery,
    DueNotice,
    HourCount,
    Kind,
    MemberData,
    MemberQuestions,
    NewDelivery,
    NewPledge,
    NoticeKind,
    Pledge,
    QueuedQuestion,
    SourceCount,
    Subscription,
    Tally,
)


class PledgeStore(Protocol):
    """Pledges, keyed by a member's pseudonymous key, and the tally they make."""

    def pledge_intake(self, milestones: Sequence[int]) -> Callable[[NewPledge], Awaitable[Added]]:
        """Adds one pledge (batched with concurrent ones) and records the milestones in
        `milestones` its total reached for the first time ever; a member counts once.

        A conditional pledge (`threshold` set) counts only in `Tally.conditional`. In the
        same transaction, the conditional pledges whose thresholds are met become firm
        (counted from then on, `pledged_at` the time they became firm) and their notices
        due: "if N others do" is met once N other pledges count, firm ones and conditional
        ones met too."""
        ...

    async def load_pledges(self, pledges: Iterable[NewPledge]) -> int:
        """Bulk-insert (imports, benchmarks), the tally kept exact, no milestone announced;
        how many were new."""
        ...

    async def any_pledge(self) -> bool: ...

    async def get_pledge(self, member: str) -> Pledge | None: ...

    async def change_pledge(self, member: str, kinds: Kind) -> Pledge | None:
        """None when the member has no pledge."""
        ...

    async def mark_pledge_done(self, member: str, now: datetime) -> Pledge | None:
        """None when there is no pledge or it already was carried out. A conditional
        pledge carried out becomes firm, its notice dropped, in the same transaction as
        the conditional pledges this meets become firm."""
        ...

    async def delete_pledge(self, member: str) -> bool: ...

    async def get_tally(self, now: datetime) -> Tally:
        """O(1) in the number of pledges: never a COUNT over them."""
        ...

    async def hourly_counts(self) -> list[HourCount]:
        """Every hour that has any pledge or pledge carried out, oldest first."""
        ...


class NoticeStore(Protocol):
    """Private messages members asked for, by consent only: when their conditional pledge
    becomes firm (`FIRM`), a reminder at a time they chose (`FOLLOWUP`). Each holds a sealed
    reference to the member's private chat, at most one of each kind per pledge, and goes
    with its pledge (withdrawal, erasure) or once the pledge is carried out."""

    async def keep_notice(
        self, member: str, kind: NoticeKind, sealed: bytes, due: datetime | None = None
    ) -> bool:
        """Kept (or replaced) only for a pledge still conditional (`FIRM`, due when made
        firm) or not yet carried out (`FOLLOWUP`, due at `due`)."""
        ...

    async def forget_notice(self, member: str, kind: NoticeKind) -> bool: ...

    async def member_notices(self, member: str) -> Mapping[NoticeKind, datetime | None]:
        """The member's notices and when each is due (None: a `FIRM` one still waiting)."""
        ...

    async def due_notices(self, now: datetime, limit: int) -> list[DueNotice]:
        """Notices due by `now`, not yet queued; oldest first."""
        ...

    async def queue_notices(
        self, notices: Sequence[tuple[DueNotice, NewDelivery]], now: datetime
    ) -> int:
        """For each notice still due: its message queued (one broadcast of kind
        `milestone`) and the notice deleted, in one transaction; one no longer due
        (queued by another worker, forgotten) is skipped. How many were queued."""
        ...


class SubscriptionStore(Protocol):
    """Chats subscribed to tally posts and announcements."""

    async def subscribe(
        self,
        platform: str,
        chat_id: str,
        chat_kind: str,
        language: str,
        now: datetime,
        *,
        title: str = "",
        topic: str = "",
    ) -> bool:
        """False when it already was: then its title and topic are updated, a pause lifted;
        a private chat's title is never stored."""
        ...

    async def unsubscribe(self, platform: str, chat_id: str) -> bool: ...

    async def get_subscription(self, platform: str, chat_id: str) -> Subscription | None: ...

    async def list_subscriptions(
        self, *, paused_before: datetime | None = None
    ) -> list[Subscription]:
        """Ordered by platform and chat id; with `paused_before`, not those paused since."""
        ...

    async def set_pinned(self, platform: str, chat_id: str, pinned: bool) -> bool: ...

    async def set_tally_message(self, platform: str, chat_id: str, message_id: str) -> None: ...

    async def pause_chat(
        self, platform: str, chat_id: str, reason: str, now: datetime
    ) -> Subscription | None:
        """Paused and audited (by kind and title only) together."""
        ...

    async def move_subscription(
        self, platform: str, old_chat_id: str, new_chat_id: str, now: datetime
    ) -> Subscription | None:
        """The chat, its pending posts and an audit entry, together."""
        ...

    async def drop_gone_chat(
        self, platform: str, chat_id: str, reason: str, now: datetime
    ) -> Subscription | None:
        """Unsubscribed and audited (by kind and title only) together."""
        ...


class OutboxStore(Protocol):
    """Broadcasts: drafts, posts queued one row per destination, their reports."""

    async def create_draft(
        self,
        *,
        text: str,
        content_hash: str,
        author_platform: str,
        author: str,
        origin_language: str,
        now: datetime,
        text_en: str = "",
        publish_at: datetime | None = None,
        audit: Action | None = None,
    ) -> int:
        """A draft; with `publish_at`, an announcement confirmed for that time (`audit`
        written in the same transaction), which `latest_draft` never returns."""
        ...

    async def scheduled_announcements(self) -> list[Broadcast]:
        """Announcements confirmed for a later time and not yet published, soonest first."""
        ...

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None: ...

    async def numbered_announcement(self, number: int) -> Broadcast | None: ...

    async def latest_draft(self, author_platform: str, author: str) -> Broadcast | None: ...

    async def find_recent_duplicate(self, content_hash: str, since: datetime) -> Broadcast | None:
        """An announcement with the same content queued since `since`, if any."""
        ...

    async def start_broadcast(
        self,
        deliveries: Sequence[NewDelivery],
        now: datetime,
        *,
        draft_id: int | None = None,
        kind: str = "announcement",
        text: str = "",
        settings: Mapping[str, str] | None = None,
        audit: Action | None = None,
        cause: Cause | None = None,
    ) -> int | None:
        """Queue every delivery, write `settings` and `audit` and claim `cause`, in one
        transaction. None (nothing written) when the draft was already confirmed or gone,
        or the cause already claimed; a confirmed draft is numbered without gaps."""
        ...

    async def unannounced_milestones(self) -> list[int]: ...

    async def unreported_announcements(self) -> list[Broadcast]: ...

    async def cancel_broadcast(self, broadcast_id: int, now: datetime, audit: Action) -> int | None:
        """How many pending deliveries were stopped; None if nothing was to cancel."""
        ...

    async def count_deliveries(self, broadcast_id: int) -> Counts: ...

    async def recent_announcements(self, limit: int = 10) -> list[Broadcast]: ...


class DeliveryStore(Protocol):
    """Deliveries: claimed with a lease, sent part by part, finished."""

    async def claim_deliveries(
        self, platform: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """Up to `limit` due rows, oldest first, each its chat's oldest pending one, leased
        until `lease_until`: no two claimers get the same row while the lease runs."""
        ...

    async def release_claims(self, platform: str) -> int: ...

    async def claim_sender(
        self, platform: str, holder: str, now: datetime, expires_at: datetime
    ) -> bool:
        """Take or renew `platform`'s sender lease until `expires_at`: True when it was
        free, expired at `now`, or already `holder`'s; one statement, so two claimers
        never both get it."""
        ...

    async def release_sender(self, platform: str, holder: str, expires_at: datetime) -> None:
        """Give up `platform`'s sender lease at `expires_at` (sooner than it would have
        expired) if `holder` holds it; `holder` itself may take it back before."""
        ...

    async def record_part(self, delivery_id: int, parts_sent: int, message_id: str) -> None: ...

    async def reschedule(
        self, delivery: Delivery, not_before: datetime, *, attempts: int, failures: int
    ) -> None: ...

    async def finish_delivery(
        self, delivery: Delivery, status: str, now: datetime, *, attempts: int, error: str = ""
    ) -> bool:
        """The outcome, the chat's pinned tally message and the broadcast done once nothing
        is pending, together; True if its broadcast is done."""
        ...

    async def next_due_time(self, platform: str) -> datetime | None: ...

    async def delivery_status(self, delivery_id: int) -> str | None: ...

    async def outbox_backlog(self, now: datetime) -> list[Backlog]: ...


class AuditStore(Protocol):
    """Moderator actions and refusals, and what the bot did to chats; kept a year."""

    async def record_audit(
        self, platform: str, actor: str, action: str, detail: str, now: datetime
    ) -> None:
        """`actor` is a member key or "bot", never a platform id."""
        ...

    async def recent_audit(
        self, limit: int = 50, *, action: str | None = None, since: datetime | None = None
    ) -> list[AuditEntry]:
        """Newest first."""
        ...


class SourceStore(Protocol):
    """Counts per campaign source (a poster's deep link, say); no row says who."""

    async def count_arrival(self, code: str) -> None: ...

    async def count_source_pledge(self, code: str) -> None: ...

    async def list_source_counts(self) -> dict[str, SourceCount]: ...


class SettingsStore(Protocol):
    """Named values kept between runs."""

    async def get_setting(self, key: str) -> str | None: ...

    async def put_setting(self, key: str, value: str) -> None: ...

    async def claim_setting(self, key: str, value: str) -> str:
        """Store `value` unless `key` already holds one; the value kept either way.
        Instances starting together on one database agree on the first value written."""
        ...

    async def advance_setting(self, key: str, value: int) -> bool:
        """Store `value` only if the stored number is lower or absent, in one statement:
        of several instances advancing it at once, exactly one gets True."""
        ...


class FactQuestionStore(Protocol):
    """Questions put to the fact base, kept as text only, and the moderators' queue."""

    async def add_answered_question(
        self, question: str, folded: str, fact: str, asker: Asker, now: datetime
    ) -> int: ...

    async def add_unanswered_question(
        self, question: str, folded: str, asker: Asker, now: datetime
    ) -> None: ...

    async def record_feedback(
        self, question_id: int, asker: Asker, helpful: bool, now: datetime
    ) -> bool:
        """Once, only from its asker; then who asked is forgotten."""
        ...

    async def list_question_queue(self, limit: int = QUEUE_LENGTH) -> list[QueuedQuestion]: ...

    async def member_question_data(self, asker: Asker, now: datetime) -> MemberQuestions: ...


class MemberStore(Protocol):
    """Everything kept about one member, read together and erased together."""

    async def member_data(self, platform: str, member: str, user_id: str) -> MemberData: ...

    async def erase_member(
        self, platform: str, member: str, user_id: str, asker: Asker, now: datetime
    ) -> int:
        """All of it in one transaction; how many rows held something of the member."""
        ...

    async def destroy_erased(self) -> None:
        """Make what was erased unrecoverable from the backend's files (SQLite: empty the
        WAL), as far as the backend can."""
        ...


class Storage(Protocol):
    """All storage areas of one database, opened and closed together."""

    @property
    def pledges(self) -> PledgeStore: ...
    @property
    def notices(self) -> NoticeStore: ...
    @property
    def subscriptions(self) -> SubscriptionStore: ...
    @property
    def outbox(self) -> OutboxStore: ...
    @property
    def deliveries(self) -> DeliveryStore: ...
    @property
    def audit(self) -> AuditStore: ...
    @property
    def settings(self) -> SettingsStore: ...
    @property
    def sources(self) -> SourceStore: ...
    @property
    def questions(self) -> FactQuestionStore: ...
    @property
    def members(self) -> MemberStore: ...
    @property
    def description(self) -> str:
        """Where the data is, for logs: a path, or a URL without its password."""
        ...

    async def close(self) -> None: ...
