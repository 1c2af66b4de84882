"""The overall pacing: no more than the platform's count in any second, counted from the
answers, and a caller that goes late does not push back all the others."""

from __future__ import annotations

import asyncio
import random
import time

from bot.delivery.pacing import TELEGRAM, Pacer
from bot.seam import ChatKind, ChatRef

CHAT = ChatRef("telegram", "42", ChatKind.PRIVATE)


async def test_the_pace_is_the_platform_s_own_and_never_one_too_many() -> None:
    """90 messages, each answered after 5 ms of a loop too busy to wake anyone on time:
    30 a second (the pacing before, a leaky bucket with a 2 % margin, could not take less
    than 90 x 34 ms, 3.06 s; it took 3.15 s), and never a 31st within a second of an
    answer."""
    pacer, loop = Pacer(TELEGRAM), asyncio.get_running_loop()
    went: list[float] = []
    answered: list[float] = []
    started = loop.time()
    for _ in range(90):
        await pacer.wait(CHAT)
        went.append(loop.time())
        time.sleep(0.005)  # the event loop is busy: the next wake-up comes late
        pacer.done()
        answered.append(loop.time())
    elapsed = loop.time() - started
    assert all(went[n + 30] >= answered[n] + 1.0 for n in range(60))
    assert elapsed < 3.06  # 2.99 s on a quiet machine: three seconds of 30, each 5 ms longer


async def test_several_awaiting_their_answer_never_make_one_too_many() -> None:
    """Six messages at a time awaiting answers that come 150 ms after they went, in any
    order, as over a long network path: the platform, which counts each message when it
    arrives (75 ms after it went), never gets a 31st within a second."""
    pacer, loop = Pacer(TELEGRAM), asyncio.get_running_loop()
    window = asyncio.Semaphore(6)
    arrived: list[float] = []
    chance = random.Random(7)

    async def one() -> None:
        async with window:
            await pacer.wait(CHAT)
            await asyncio.sleep(0.075)
            arrived.append(loop.time())
            await asyncio.sleep(chance.uniform(0.0, 0.15))  # answers overtake each other
            pacer.done()

    started = loop.time()
    await asyncio.gather(*(one() for _ in range(150)))
    arrived.sort()
    assert all(arrived[n + 30] - arrived[n] >= 1.0 for n in range(len(arrived) - 30))
    assert loop.time() - started < 150 / 30 * 1.3  # the window keeps the pace near 30 a second
