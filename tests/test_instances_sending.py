"""Two real bot processes on one database, behind a load balancer, on each backend (a
SQLite file, a database on the tests' PostgreSQL server): the instance holding
Telegram's sender lease sends the posts, and when it is SIGKILLed during a broadcast the
other takes over, with nothing lost, at most one part repeated, and Telegram's 30
messages a second kept across both.

Both serve the webhook behind the loopback balancer (`tests/instances_support.py`), so
the moderator's announcement and the members' pledges reach either instance.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.sender_lease import RENEW_EVERY, VALID_FOR
from bot.tally_posts import tick_of
from commands.pledging import NOTICE_VERSION
from tests.fakes.telegram_api import FakeTelegram
from tests.instances_support import holder, instances, is_post, lease
from tests.storage_backends import Backend, SharedDatabase
from tests.test_kill_telegram import (
    CHATS,
    FIRST_CHAT,
    MODERATOR,
    SHORT,
    moderator_says,
    seed,
    to_moderator,
    until,
)

# The suites that time bot processes run one after the other, not side by side.
pytestmark = pytest.mark.xdist_group("bot-processes")

MEMBERS = range(7000, 7030)
TICK = timedelta(minutes=1)
# The Bot API's overall limit: more messages than this in any one second get 429s.
PER_SECOND = 30


def tally_broadcasts(db: SharedDatabase) -> int:
    [(count,)] = db.rows("SELECT COUNT(*) FROM broadcasts WHERE kind = 'tally'")
    return int(count)


def most_in_one_second(times: list[float]) -> int:
    """The most calls that fall within any one second."""
    times, most, first = sorted(times), 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def pledges(tg: FakeTelegram) -> None:
    """Members pledge one after the other during the broadcast, through either instance."""
    for member in MEMBERS:
        tg.user_sends(f"/engagement tout ok{NOTICE_VERSION}", user_id=member, language_code="fr")
        await asyncio.sleep(0.3)


@pytest.mark.timeout(180)
async def test_the_sender_dies_during_a_broadcast_and_the_other_instance_takes_over(
    backend: Backend, tmp_path: Path
) -> None:
    log = tmp_path / "bots.log"
    async with backend.shared(tmp_path) as db:
        await seed(db.config)
        try:
            await run_and_check(db, log)
        finally:  # pytest shows what was printed when the test fails
            lines = log.read_text().splitlines() if log.exists() else []
            print("the bots' log, its end:", *lines[-80:], sep="\n")


async def run_and_check(db: SharedDatabase, log: Path) -> None:
    started = datetime.now(UTC)
    settings = {"QUITGPT_MILESTONES": "1000000", "QUITGPT_TALLY_INTERVAL_MINUTES": "1"}
    async with FakeTelegram() as tg, instances(db, tg, log, **settings) as running:
        await until(lambda: holder(db) is not None, timeout=30)
        await tick_ahead()
        await moderator_says(tg, f"/annonce {SHORT}", "Aperçu de l'annonce —")
        # Its number, not 1: a tally tick before it (a start just before a minute) takes 1.
        [(draft,)] = db.rows("SELECT id FROM broadcasts WHERE status = 'draft'")
        tg.user_sends(f"/annonce confirmer {draft}", user_id=MODERATOR, language_code="fr")
        members = asyncio.create_task(pledges(tg))

        def posts() -> int:
            return sum(1 for c in tg.calls_to("sendMessage") if is_post(c.params))

        await until(lambda: posts() >= 60, timeout=30)
        leader = holder(db)
        assert leader in running
        [survivor] = set(running) - {leader}
        assert await running[leader].end(signal.SIGKILL) == -signal.SIGKILL
        killed = time.monotonic()
        await members
        await until(lambda: to_moderator(tg, "Bilan de l'annonce n°1") > 0, timeout=60)
        await until(lambda: answered(tg) == len(MEMBERS), timeout=15)
        # A tick falls during the run: when the run was quicker than the wait before it,
        # wait for that tick and its post.
        first_tick = tick_of(started, TICK)
        await until(lambda: tick_of(datetime.now(UTC), TICK) > first_tick, timeout=30)
        last_tick = tick_of(datetime.now(UTC), TICK)
        await until(lambda: tally_broadcasts(db) >= last_tick - first_tick, timeout=30)
        await until(lambda: nothing_pending(db), timeout=30, poll=0.2)
        assert await running[survivor].end(signal.SIGTERM) == 0

    calls = [c for c in tg.calls_to("sendMessage") if is_post(c.params)]
    by = {instance.token: name for name, instance in running.items()}
    senders = [by[c.token] for c in calls]
    took_over = senders.index(survivor)  # never both at once: the leader, then the other
    assert set(senders[:took_over]) == {leader} and set(senders[took_over:]) == {survivor}
    failover = calls[took_over].at - killed
    assert failover < VALID_FOR + RENEW_EVERY + 2.0
    print(f"fail-over: {failover:.1f} s from the kill to the first post of the new sender")

    received = Counter((a.chat_id, a.plain_text) for a in tg.sent(kind="message"))
    announced = {chat for chat, text in received if text and SHORT in text and chat != MODERATOR}
    assert announced == set(range(FIRST_CHAT, FIRST_CHAT + CHATS))  # 0 destinations lost
    repeated = [key for key, copies in received.items() if copies > 1]
    assert len(repeated) <= 1, repeated  # one kill: one part at most
    print(f"{len(repeated)} part repeated, {tally_broadcasts(db)} tally posts")

    most = most_in_one_second([c.at for c in calls])
    print(f"posts: at most {most} in any one second, across both instances")
    assert most <= PER_SECOND
    ticks = tick_of(datetime.now(UTC), TICK) - tick_of(started, TICK)
    # One tally post per tick (both schedulers try each), posted by whichever sends.
    assert 1 <= last_tick - tick_of(started, TICK) <= tally_broadcasts(db) <= ticks
    # The survivor gave the lease up as it stopped: free once Telegram's limits allow.
    given_up = lease(db)
    assert given_up is not None and given_up[1] - datetime.now(UTC) < timedelta(seconds=3.1)
    assert "Traceback" not in log.read_text()


async def tick_ahead() -> None:
    """Wait, both instances running (44 s at most, 15 s on average), until a tally tick,
    each minute here, is 2 to 18 s away: it then falls before the broadcast ends."""
    now = datetime.now(UTC)
    second = now.second + now.microsecond / 1e6
    await asyncio.sleep(0 if 42 <= second <= 58 else (42 - second) % 60)


def answered(tg: FakeTelegram) -> int:
    return sum(1 for member in MEMBERS if tg.sent(member, kind="message"))


def nothing_pending(db: SharedDatabase) -> bool:
    [(waiting,)] = db.rows(
        "SELECT (SELECT COUNT(*) FROM deliveries WHERE status = 'pending')"
        " + (SELECT COUNT(*) FROM broadcasts WHERE status = 'sending')"
    )
    return int(waiting) == 0
