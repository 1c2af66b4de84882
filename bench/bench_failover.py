"""How long posts stop when the instance sending them goes away: two `python -m bot`
processes on one SQLite file behind the loopback balancer (Telegram by webhook), an
announcement to 300 chats, and after 30 posts the sender is SIGKILLed (or stopped with
SIGTERM, which gives its lease up). Measured: from the signal to the first post of the
other instance, and the gap between the last post of one and the first of the other;
next to the bound the lease sets (valid 10 s from a renewal made every 2 s, tried every
2 s by the others, the outbox polled every second; on a stop, Telegram's 3 s handover).

    bench_failover.py [rounds]   (3 of each by default)
"""

from __future__ import annotations

import asyncio
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.delivery.pacing import TELEGRAM, handover
from bot.delivery.sender_lease import RENEW_EVERY, VALID_FOR
from bot.delivery.worker import SHARED_POLL
from tests.fakes.telegram_api import FakeTelegram
from tests.instances_support import holder, instances, is_post
from tests.storage_backends import BACKENDS, SharedDatabase
from tests.test_kill_telegram import MODERATOR, SHORT, moderator_says, seed, until


async def one_round(folder: Path, how: signal.Signals) -> tuple[float, float]:
    """(signal to first post of the other instance, last post to first post), seconds."""
    round_folder = folder / f"round-{time.monotonic_ns()}"
    round_folder.mkdir()
    async with BACKENDS["sqlite"].shared(round_folder) as db:
        await seed(db.config)
        return await kill_the_sender(db, how, folder / "bots.log")


async def kill_the_sender(
    db: SharedDatabase, how: signal.Signals, log: Path
) -> tuple[float, float]:
    async with FakeTelegram() as tg, instances(db, tg, log) as running:
        await until(lambda: holder(db) is not None, timeout=30)
        await moderator_says(tg, f"/annonce {SHORT}", "Aperçu de l'annonce —")
        tg.user_sends("/annonce confirmer 1", user_id=MODERATOR, language_code="fr")

        def posts() -> list[tuple[float, str]]:
            return [(c.at, c.token) for c in tg.calls_to("sendMessage") if is_post(c.params)]

        await until(lambda: len(posts()) >= 30, timeout=30)
        leader = holder(db)
        assert leader is not None
        other = next(i.token for name, i in running.items() if name != leader)
        signalled = time.monotonic()
        await running[leader].end(how)
        await until(lambda: any(token == other for _, token in posts()), timeout=30)
    sent = posts()
    first = next(at for at, token in sent if token == other)
    last = max(at for at, token in sent if token != other)
    return first - signalled, first - last


def summary(label: str, samples: list[float]) -> str:
    shown = ", ".join(f"{s:.1f}" for s in samples)
    return f"{label}: median {statistics.median(samples):.1f} s ({shown})"


async def main(rounds: int) -> None:
    poll = SHARED_POLL.total_seconds()
    bounds = {
        signal.SIGKILL: VALID_FOR + RENEW_EVERY + poll,
        signal.SIGTERM: handover(TELEGRAM) + RENEW_EVERY + poll,
    }
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as folder:
        for how, bound in bounds.items():
            measured = [await one_round(Path(folder), how) for _ in range(rounds)]
            print(f"{how.name}, {rounds} rounds; at most {bound:.1f} s by the lease's timing")
            print("  " + summary("signal to first post of the other", [m[0] for m in measured]))
            print("  " + summary("last post to first post", [m[1] for m in measured]))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
