"""The neutral outcomes an adapter reports when a delivery does not go through."""

from __future__ import annotations


class DeliveryError(Exception):
    """A delivery failed; `reason` is a short, stable label for reports. `calls` is how
    many platform calls it took to get there, the client library's own retries
    included, so that they count against the delivery's failures."""

    calls: int = 1

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """The platform asked us to wait exactly `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("rate_limited")
        self.retry_after = retry_after


class TemporaryFailure(DeliveryError):
    """A server error or a time-out: worth retrying after a backoff. The platform may
    have applied a call whose answer was lost."""


class ChatGone(DeliveryError):
    """The chat no longer takes our messages (blocked, kicked, deleted)."""


class NoPermission(DeliveryError):
    """The bot is still in the chat but lacks a permission it needs to post there: a
    moderator of the chat can give it back, so the chat is paused, not dropped."""


class ChatMoved(DeliveryError):
    """The chat now lives under another id (a Telegram group became a supergroup)."""

    def __init__(self, new_chat_id: str) -> None:
        super().__init__("chat_moved")
        self.new_chat_id = new_chat_id


class PermanentFailure(DeliveryError):
    """The platform refused this message for good (a bad request)."""
