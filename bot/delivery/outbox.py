"""The outbox's one owner: every post the bot makes on its own goes in here.

A moderator's announcement is drafted, then confirmed (queued with its audit entry in
one transaction) or cancelled (stopped with its audit entry). One planned ahead is kept
confirmed for its time and published by the scheduler's `publish_due`, once. Milestones and reports
are recorded by the transaction that causes them — the pledge that reaches the
milestone, the delivery that finishes the announcement — and posted from that record
by `relay`, which every delivery worker runs each time it looks at the outbox: a crash
between the two loses neither, and a second worker cannot post them twice.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from bot.delivery.notices import queue_notices
from bot.delivery.publish import publish
from bot.delivery.report import queue_report
from bot.i18n import Catalogues, number
from bot.services import Services
from storage.api.records import Action, Broadcast, Cause


def announcement_markup(catalogues: Catalogues, language: str, text: str) -> str:
    return catalogues.get(language, "broadcast.message", text=text)


async def draft_announcement(
    services: Services,
    text: str,
    *,
    text_en: str = "",
    digest: str,
    platform: str,
    author: str,
    language: str,
    publish_at: datetime | None = None,
    audit: Action | None = None,
) -> int:
    """Keep a moderator's announcement as a draft until they confirm it, or with
    `publish_at` confirmed for then (`audit` in the same transaction); `author` is their
    member key, `language` the one their report will be in."""
    return await services.storage.outbox.create_draft(
        text=text,
        text_en=text_en,
        content_hash=digest,
        author_platform=platform,
        author=author,
        origin_language=language,
        now=services.clock(),
        publish_at=publish_at,
        audit=audit,
    )


async def confirm_announcement(services: Services, draft: Broadcast, action: Action) -> int | None:
    """Queue a draft for every subscribed chat, each in its language, audited in the same
    transaction; None when it was confirmed or cancelled meanwhile."""
    compose = partial(_announcement_post, services.catalogues, draft)
    return await publish(services, "announcement", compose, draft_id=draft.id, audit=action)


async def publish_due(services: Services) -> list[int]:
    """Publish the announcements planned for now or earlier; the ids published. Each is
    published once even by instances racing: confirming a draft is a conditional write."""
    now, published = services.clock(), []
    for draft in await services.storage.outbox.scheduled_announcements():
        if draft.publish_at is None or draft.publish_at > now:
            break  # soonest first
        action = Action(draft.author_platform or "", draft.author or "", "broadcast", "scheduled")
        if await confirm_announcement(services, draft, action) is not None:
            published.append(draft.id)
    return published


async def cancel_announcement(services: Services, broadcast_id: int, action: Action) -> int | None:
    """Stop what an announcement has not yet delivered; how many posts were stopped."""
    return await services.storage.outbox.cancel_broadcast(broadcast_id, services.clock(), action)


async def relay(services: Services) -> None:
    """Post what recorded side effects still wait for: milestones, then the private
    notices of pledges made firm, then reports."""
    for value in await services.storage.outbox.unannounced_milestones():
        compose = partial(_milestone_post, services.catalogues, value)
        await publish(services, "milestone", compose, cause=Cause(milestone=value))
    await queue_notices(services)
    for broadcast in await services.storage.outbox.unreported_announcements():
        await queue_report(services, broadcast)


def _announcement_post(catalogues: Catalogues, draft: Broadcast, language: str) -> str:
    return announcement_markup(catalogues, language, draft.text_in(language))


def _milestone_post(catalogues: Catalogues, value: int, language: str) -> str:
    t = partial(catalogues.get, language)
    return t("milestone.post", count=number(t, value))
