"""Chats that go away, lose a permission or change id: one path for every adapter and
the delivery worker.

A chat that blocked or removed the bot, or was deleted, is unsubscribed; one where the
bot lost a permission it needs is paused; one that moved (a Telegram group become a
supergroup) is followed with its pending posts. Each is audited by the chat's kind and
title only and logged without any id, so that moderators see what happened and
nothing identifies a member.
"""

from __future__ import annotations

import logging

from bot.seam import ChatRef
from bot.services import Services

log = logging.getLogger(__name__)


async def chat_gone(services: Services, chat: ChatRef, reason: str) -> bool:
    """The bot can no longer post in `chat`; True when it was subscribed."""
    dropped = await services.storage.subscriptions.drop_gone_chat(
        chat.platform, chat.id, reason, services.clock()
    )
    _log(logging.WARNING, "chat gone", chat, dropped is not None, reason=reason)
    return dropped is not None


async def chat_paused(services: Services, chat: ChatRef, reason: str) -> bool:
    """The bot lacks a permission it needs in `chat`: no posts until a moderator
    subscribes it again (or for a while); True when it was subscribed."""
    paused = await services.storage.subscriptions.pause_chat(
        chat.platform, chat.id, reason, services.clock()
    )
    _log(logging.WARNING, "chat paused", chat, paused is not None, reason=reason)
    return paused is not None


async def chat_moved(services: Services, chat: ChatRef, new_id: str) -> None:
    """`chat` now has the id `new_id`: its subscription and pending posts follow it."""
    moved = await services.storage.subscriptions.move_subscription(
        chat.platform, chat.id, new_id, services.clock()
    )
    _log(logging.INFO, "chat moved", chat, moved is not None)


def _log(level: int, event: str, chat: ChatRef, subscribed: bool, **extra: str) -> None:
    """One line without any id: the platform, the chat's kind, whether it was subscribed."""
    fields = {"platform": chat.platform, "chat_kind": chat.kind.value, "subscribed": subscribed}
    log.log(level, event, extra={**fields, **extra})
