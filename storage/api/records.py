"""The records storage takes and returns, whatever the backend: no driver type here."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntFlag, StrEnum
from typing import Any, NewType

# What is kept how long, on every backend.
KEEP_AUDIT = timedelta(days=365)
# Long enough for a member to press "did this help?", short enough to keep little.
KEEP_ANSWERED = timedelta(days=1)
# The moderators' queue forgets what nobody acted on in three months.
KEEP_QUEUED = timedelta(days=90)
QUEUE_LENGTH = 20
# Past this many a day, a member's questions that find nothing or did not help are not queued.
QUEUED_PER_DAY = 10

PRIVATE = "private"  # the chat kind of a member's private chat with the bot
BOT = "bot"  # the actor of what the bot does on its own

# A post's buttons: rows of (label, command line).
ButtonRows = tuple[tuple[tuple[str, str], ...], ...]

# The key a member's questions are known by (`Services.asker_key`): an HMAC under a secret
# that no pledge key shares. Never stored as is: each use stores its own hash of it.
Asker = NewType("Asker", str)


class Kind(IntFlag):
    """What a member pledges; a pledge is one or several of these."""

    CANCEL = 1  # cancel a ChatGPT subscription
    APP = 2  # delete the app
    SWITCH = 4  # switch to another assistant


ALL_KINDS = Kind.CANCEL | Kind.APP | Kind.SWITCH
KIND_COUNTERS = {"kind:cancel": Kind.CANCEL, "kind:app": Kind.APP, "kind:switch": Kind.SWITCH}


@dataclass(frozen=True, slots=True)
class Pledge:
    member: str
    platform: str
    kinds: Kind
    notice_version: int
    pledged_at: datetime  # when it became firm, for a conditional pledge made firm
    done_at: datetime | None
    threshold: int | None = None  # while conditional: how many others it waits for


@dataclass(frozen=True, slots=True)
class NewPledge:
    member: str
    platform: str
    kinds: Kind
    notice_version: int
    at: datetime
    threshold: int | None = None  # "if N others do": conditional until then


@dataclass(frozen=True, slots=True)
class Added:
    """`created` is False when the member had already pledged (nothing changed).

    `crossed` holds the milestones this pledge made the total reach for the
    first time ever; each is given to one pledge only.
    """

    created: bool
    total: int
    crossed: tuple[int, ...] = ()
    firmed: int = 0  # conditional pledges this one made firm (itself included)


@dataclass(frozen=True, slots=True)
class Tally:
    total: int
    done: int
    last_day: int  # standing pledges made in the last 24 hours
    platforms: Mapping[str, int]
    kinds: Mapping[Kind, int]
    conditional: int = 0  # conditional pledges still waiting: never in `total`

    @classmethod
    def of_counters(cls, values: Mapping[str, int], conditional: int) -> Tally:
        """From the named counters every backend keeps: `total`, `done`, `last_day`,
        `platform:<name>` and `kind:<name>`."""
        return cls(
            total=values.get("total", 0),
            done=values.get("done", 0),
            last_day=values["last_day"],
            platforms={
                name.removeprefix("platform:"): value
                for name, value in sorted(values.items())
                if name.startswith("platform:") and value
            },
            kinds={kind: values.get(name, 0) for name, kind in KIND_COUNTERS.items()},
            conditional=conditional,
        )


@dataclass(frozen=True, slots=True)
class HourCount:
    hour: datetime  # its start, in UTC: pledge times are kept to the hour
    pledged: int  # standing pledges made that hour
    done: int  # pledges marked carried out that hour


@dataclass(frozen=True, slots=True)
class Subscription:
    platform: str
    chat_id: str
    chat_kind: str
    language: str
    pinned: bool
    tally_message_id: str | None
    title: str = ""
    pause_reason: str | None = None  # set while paused for a missing permission
    topic: str = ""  # the thread its posts go to (a forum topic), "" for the main one


def chat_detail(detail: str) -> tuple[str, str, str]:
    """(kind, title, reason) from the audit entry of what the bot did to a chat."""
    try:
        found = json.loads(detail)
    except ValueError:
        return "", "", ""
    return found.get("kind", ""), found.get("title", ""), found.get("reason", "")


def chat_audit_detail(sub: Subscription, reason: str) -> str:
    """What the audit keeps of a chat the bot paused, moved or dropped: kind and title only."""
    return json.dumps(
        {"kind": sub.chat_kind, "title": sub.title, "reason": reason}, ensure_ascii=False
    )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    platform: str
    actor: str
    action: str
    detail: str


@dataclass(frozen=True, slots=True)
class Action:
    """A moderator's action, audited in the transaction that makes the change."""

    platform: str
    actor: str  # a member key
    action: str
    detail: str = ""

    def detail_with(self, **facts: object) -> str:
        """The audited detail, `facts` (as `name=value`) first."""
        parts = [*(f"{name}={value}" for name, value in facts.items()), self.detail]
        return " ".join(parts).strip()


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    kind: str
    status: str
    text: str
    content_hash: str | None
    author_platform: str | None
    author: str | None  # the moderator's member key, never their platform id
    origin_language: str | None
    created_at: datetime
    number: int | None = None  # a published announcement's: 1, 2, 3, without gaps
    publish_at: datetime | None = None  # a scheduled announcement's time, until published
    text_en: str = ""  # the English text, if its author gave one

    def text_in(self, language: str) -> str:
        """The text for a chat in `language`: the English one if given, else French."""
        return self.text_en if language == "en" and self.text_en else self.text


@dataclass(frozen=True, slots=True)
class NewDelivery:
    platform: str
    chat_id: str
    chat_kind: str
    text: str
    not_before: datetime
    edit_pinned: bool = False
    topic: str = ""
    buttons: ButtonRows = ()


@dataclass(frozen=True, slots=True)
class Counts:
    sent: int = 0
    pending: int = 0
    failed: int = 0
    unsubscribed: int = 0
    cancelled: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of_groups(cls, groups: Iterable[Any]) -> Counts:
        """From rows (read by column name) of `status, error, n`: deliveries grouped by
        status and error."""
        by_status: Counter[str] = Counter()
        errors: Counter[str] = Counter()
        for group in groups:
            status, count = str(group["status"]), int(group["n"])
            by_status[status] += count
            if status == "failed":
                errors[str(group["error"] or "?")] += count
        return cls(
            sent=by_status["sent"],
            pending=by_status["pending"],
            failed=by_status["failed"],
            unsubscribed=by_status["unsubscribed"],
            cancelled=by_status["cancelled"],
            errors=dict(errors),
        )


@dataclass(frozen=True, slots=True)
class Tick:
    """A numbered period of a periodic post, kept under `key`: claimed once, by one poster."""

    key: str
    number: int


@dataclass(frozen=True, slots=True)
class Cause:
    """What a post follows from, claimed in the transaction that queues it: at most one
    of a milestone reached, an announcement whose report it is, or a periodic tick. A
    cause already claimed (by another worker or instance) queues nothing."""

    milestone: int | None = None
    report_of: int | None = None
    tick: Tick | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    broadcast_id: int
    platform: str
    chat_id: str
    chat_kind: str
    text: str
    edit_pinned: bool
    attempts: int = 0  # platform calls made for it, the platform library's retries included
    failures: int = 0  # of them, those that failed (a rate limit is not a failure)
    parts_sent: int = 0
    message_id: str | None = None  # the last part sent
    topic: str = ""  # the thread of the chat it goes to (a forum topic)
    buttons: ButtonRows = ()


@dataclass(frozen=True, slots=True)
class Backlog:
    """A platform's rows not yet handled, and how long the oldest due one has waited."""

    platform: str
    pending: int
    oldest_due_seconds: float  # 0 when none is due (held by quiet hours or a retry)


@dataclass(frozen=True, slots=True)
class QueuedQuestion:
    question: str  # its latest wording
    fact: str | None  # the fact that did not help; None when nothing was found
    count: int


@dataclass(frozen=True, slots=True)
class MemberQuestions:
    """What is kept under one member's key: queued questions themselves never are."""

    awaiting_feedback: int  # answered questions whose "did this help?" they may still press
    queued_today: int  # questions they added to the moderators' queue today (UTC)


@dataclass(frozen=True, slots=True)
class MemberData:
    pledge: Pledge | None
    private_subscription: bool
    pending_posts: int  # posts waiting (quiet hours) for the member's private chat
    audit_entries: int  # refused moderator commands, or a moderator's own actions
    announcements: int  # announcements a moderator wrote, kept under their key
    notices: int = 0  # private messages asked for, each with a sealed chat reference

    @property
    def empty(self) -> bool:
        counts = (self.pending_posts, self.audit_entries, self.announcements, self.notices)
        return self.pledge is None and not self.private_subscription and not any(counts)


class NoticeKind(StrEnum):
    """A private message a member asked for, by consent only."""

    FIRM = "firm"  # their conditional pledge became firm
    FOLLOWUP = "followup"  # a reminder at the time they chose


@dataclass(frozen=True, slots=True)
class DueNotice:
    """A private message due: `sealed` is the reference to the member's private chat,
    which only the bot can open."""

    member: str
    kind: NoticeKind
    sealed: bytes


@dataclass(frozen=True, slots=True)
class SourceCount:
    """How many members arrived through a campaign source's link, and how many then
    pledged: counts only, never who."""

    code: str
    arrivals: int
    pledges: int
