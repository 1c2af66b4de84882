"""discord.py's errors translated into the neutral delivery outcomes, and the count of
the HTTP requests a delivery took (discord.py retries some by itself)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

import aiohttp
import discord

from bot.delivery.errors import (
    ChatGone,
    DeliveryError,
    NoPermission,
    PermanentFailure,
    RetryLater,
    TemporaryFailure,
)

# JSON error codes ("Opcodes and Status Codes"): a channel the bot may not see or post
# in (a moderator can fix that), and a member who does not take DMs from the bot.
MISSING_ACCESS, MISSING_PERMISSIONS, CANNOT_SEND_TO_USER = 50001, 50013, 50007
# The HTTP requests discord.py makes for the part being sent, its own retries included.
_requests: ContextVar[list[int] | None] = ContextVar("discord_requests", default=None)


async def _count_request(*_: object) -> None:
    counter = _requests.get()
    if counter is not None:
        counter[0] += 1


def request_counter() -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_count_request)
    return trace


def _retry_after(error: discord.HTTPException) -> float:
    """The response's Retry-After in seconds, within reason; 5 s when it gives none."""
    try:
        return min(max(float(error.response.headers.get("Retry-After", 5)), 0.5), 300.0)
    except (AttributeError, ValueError):
        return 5.0


def neutral(error: Exception) -> DeliveryError:
    if isinstance(error, discord.RateLimited):
        return RetryLater(error.retry_after)
    if isinstance(error, discord.Forbidden):
        if error.code in (MISSING_ACCESS, MISSING_PERMISSIONS):
            return NoPermission("no_permission")
        return ChatGone("blocked" if error.code == CANNOT_SEND_TO_USER else "forbidden")
    if isinstance(error, discord.NotFound):
        if error.code == 10003:
            return ChatGone("channel_deleted")
        return PermanentFailure("message_gone" if error.code == 10008 else "not_found")
    if isinstance(error, discord.DiscordServerError):
        return TemporaryFailure("server_error")
    if isinstance(error, discord.HTTPException) and error.status == 429:
        # A 429 discord.py did not wait out: Cloudflare's, without `Via`, or one after its
        # own retries. It is "later", never "failed".
        return RetryLater(_retry_after(error))
    if isinstance(error, discord.HTTPException):
        return PermanentFailure("bad_request")
    return TemporaryFailure("network")


@contextlib.contextmanager
def requests_made() -> Iterator[list[int]]:
    """A one-item list counting the HTTP requests discord.py makes within the block
    (reset it between parts to count one part's)."""
    counter = [0]
    token = _requests.set(counter)
    try:
        yield counter
    finally:
        _requests.reset(token)
