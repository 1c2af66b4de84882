"""Queueing posts: one outbox row per destination, written in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from bot.delivery.quiet_hours import QuietHours
from bot.seam import ChatKind
from bot.services import Services
from storage.api.records import Action, Cause, NewDelivery, Subscription

log = logging.getLogger(__name__)
CONSOLE = "console"
# A chat paused for a missing permission gets posts again after this, in case it was
# given back without a moderator subscribing the chat again.
RETRY_PAUSED = timedelta(days=7)


def _quiet_hours(services: Services) -> QuietHours | None:
    config = services.config
    return QuietHours.parse(config.quiet_hours, config.timezone)


def destination(
    services: Services, sub: Subscription, text: str, *, edit_pinned: bool = False
) -> NewDelivery:
    not_before = release_time(services, sub.platform, sub.chat_kind)
    return NewDelivery(
        sub.platform, sub.chat_id, sub.chat_kind, text, not_before, edit_pinned, sub.topic
    )


def release_time(services: Services, platform: str, chat_kind: str) -> datetime:
    """When a post queued now for such a chat may go out."""
    now = services.clock()
    quiet = _quiet_hours(services)
    # Quiet hours spare phones at night; the console is a terminal someone is watching.
    held = chat_kind == ChatKind.PRIVATE.value and platform != CONSOLE
    return quiet.release(now) if quiet and held else now


async def publish(
    services: Services,
    kind: str,
    compose: Callable[[str], str],
    *,
    text: str = "",
    draft_id: int | None = None,
    settings: Mapping[str, str] | None = None,
    audit: Action | None = None,
    cause: Cause | None = None,
) -> int | None:
    """Queue a post for every subscribed chat, composed once per language.

    Tally posts go to chats that chose a pinned tally as an edit of that message. A
    chat paused for a missing permission is tried again after `RETRY_PAUSED`.
    Returns the broadcast id (None when `draft_id` was already confirmed, or `cause`
    already posted).
    """
    texts: dict[str, str] = {}
    deliveries = []
    paused_before = services.clock() - RETRY_PAUSED
    for sub in await services.storage.subscriptions.list_subscriptions(paused_before=paused_before):
        if sub.language not in texts:
            texts[sub.language] = compose(sub.language)
        pinned = kind == "tally" and sub.pinned
        deliveries.append(destination(services, sub, texts[sub.language], edit_pinned=pinned))
    broadcast_id = await services.storage.outbox.start_broadcast(
        deliveries,
        services.clock(),
        draft_id=draft_id,
        kind=kind,
        text=text,
        settings=settings,
        audit=audit,
        cause=cause,
    )
    if broadcast_id is None:
        return None
    log.info(
        "post queued",
        extra={"kind": kind, "broadcast": broadcast_id, "destinations": len(deliveries)},
    )
    services.wake_delivery()
    return broadcast_id
