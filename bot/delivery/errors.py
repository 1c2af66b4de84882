"""The neutral outcomes an adapter reports when a delivery does not go through."""

from __future__ import annotations


class DeliveryError(Exception):
    """A delivery failed; `reason` is a short, stable label for reports."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """The platform asked us to wait exactly `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("rate_limited")
        self.retry_after = retry_after


class TemporaryFailure(DeliveryError):
    """A server error or a time-out: worth retrying after a backoff."""


class ChatGone(DeliveryError):
    """The chat no longer takes our messages (blocked, kicked, deleted, no permission)."""


class ChatMoved(DeliveryError):
    """The chat now lives under another id (a Telegram group became a supergroup)."""

    def __init__(self, new_chat_id: str) -> None:
        super().__init__("chat_moved")
        self.new_chat_id = new_chat_id


class PermanentFailure(DeliveryError):
    """The platform refused this message for good (a bad request)."""
