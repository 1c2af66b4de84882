"""One retry policy for everything sent to a platform.

A 429 waits exactly the time the platform asked for and does not count as a
failure; server errors and time-outs back off exponentially with jitter.
"""

from __future__ import annotations

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type
from tenacity.wait import wait_random_exponential

from bot.delivery.deliverer import Deliverer
from bot.delivery.errors import RetryLater, TemporaryFailure
from bot.seam import ChatRef, Reply


class _StopAfterFailures:
    """Stop after `limit` real failures, or `ceiling` attempts of any kind."""

    def __init__(self, limit: int, ceiling: int) -> None:
        self.limit, self.ceiling, self.failures = limit, ceiling, 0

    def __call__(self, state: RetryCallState) -> bool:
        if state.outcome is not None and not isinstance(state.outcome.exception(), RetryLater):
            self.failures += 1
        return self.failures >= self.limit or state.attempt_number >= self.ceiling


class _WaitAsAsked:
    def __init__(self, initial: float, maximum: float) -> None:
        self.backoff = wait_random_exponential(multiplier=initial, max=maximum)

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        return error.retry_after if isinstance(error, RetryLater) else self.backoff(state)


def retrying(max_failures: int = 5, backoff: tuple[float, float] = (0.5, 30.0)) -> AsyncRetrying:
    """`async for attempt in retrying(): with attempt: ...` around one platform call.

    When the retries run out, the last error is raised as it was.
    """
    return AsyncRetrying(
        retry=retry_if_exception_type((RetryLater, TemporaryFailure)),
        wait=_WaitAsAsked(*backoff),
        stop=_StopAfterFailures(max_failures, ceiling=max_failures * 10),
        reraise=True,
    )


async def send_now(
    deliverer: Deliverer,
    chat: ChatRef,
    reply: Reply,
    *,
    replace: str | None = None,
    max_failures: int = 3,
) -> str | None:
    """Send an answer at once (not an outbox row), trying a failure again a few times
    in place, from the first part not yet sent; the platform paces answers itself."""
    done = 0

    async def sent(index: int, message_id: str) -> None:
        nonlocal done
        done = index + 1

    async for attempt in retrying(max_failures, backoff=(0.5, 5.0)):
        with attempt:
            return await deliverer.deliver(
                chat, reply, pace=_no_pacing, replace=replace, start=done, sent=sent
            )
    raise AssertionError("unreachable: retrying() returns or re-raises")


async def _no_pacing() -> None:
    return None
