"""Whether long polling reaches the Bot API now.

python-telegram-bot tries a failed `getUpdates` again by itself, with a growing pause,
and tells of the failures only: the request object it polls through sees every answer,
so it is the one place that knows when polling works again.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest


class PollingRequest(HTTPXRequest):
    """The request object of `getUpdates` (one connection, as python-telegram-bot's own),
    remembering whether its last call was answered 200. Working until a call fails: the
    bot reached the Bot API at start, and a long poll may take its whole timeout."""

    def __init__(self) -> None:
        super().__init__(connection_pool_size=1)
        self.working = True

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            code, payload = await super().do_request(*args, **kwargs)
        except NetworkError:  # time-outs included
            self.working = False
            raise
        self.working = code == HTTPStatus.OK
        return code, payload
