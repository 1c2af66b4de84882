"""PTB's errors translated into the neutral delivery outcomes."""

from __future__ import annotations

import os
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.delivery.errors import (
    ChatGone,
    ChatMoved,
    DeliveryError,
    NoPermission,
    PermanentFailure,
    RetryLater,
    TemporaryFailure,
)

# Ask PTB for time spans as timedelta (its announced default) rather than ints.
os.environ.setdefault("PTB_TIMEDELTA", "1")
_GONE = ("chat not found", "bot was kicked", "bot is not a member")
TOPIC_GONE = "topic_gone"  # a forum topic deleted since: the chat itself is still there
# The bot is in the chat but may not post there: an admin can give the right back.
_NO_RIGHTS = ("have no rights to send", "not enough rights", "need administrator rights")


def neutral(error: TelegramError) -> DeliveryError:
    # Order matters: in PTB, BadRequest and TimedOut are kinds of NetworkError.
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return RetryLater(wait.total_seconds() if isinstance(wait, timedelta) else float(wait))
    if isinstance(error, ChatMigrated):
        return ChatMoved(str(error.new_chat_id))
    message = error.message.lower()
    # "need administrator rights in the channel chat" comes as a 400 or a 403.
    if isinstance(error, BadRequest | Forbidden) and any(sign in message for sign in _NO_RIGHTS):
        return NoPermission("no_permission")
    if isinstance(error, Forbidden):
        return ChatGone("forbidden")
    if isinstance(error, BadRequest):
        if "message is not modified" in message:
            return PermanentFailure("not_modified")
        if "message thread not found" in message:
            return PermanentFailure(TOPIC_GONE)
        if any(sign in message for sign in _GONE):
            return ChatGone("chat_not_found")
        return PermanentFailure("bad_request")
    if isinstance(error, TimedOut):
        return TemporaryFailure("timeout")
    if isinstance(error, NetworkError):
        return TemporaryFailure("server_error")
    return PermanentFailure("telegram_error")
