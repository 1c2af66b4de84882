"""Pledge ingest on PostgreSQL (`bench_pledges.py --database-url URL`): one and two bot
instances, next to a raw asyncpg ceiling measured in the same run.

The ceiling is what a program does with no bot code: per pledge, one transaction with
`INSERT … ON CONFLICT DO NOTHING` and a counter row incremented, `IN_FLIGHT` at once on
as many connections. Each bot instance is a process of its own (`open_app` on the URL),
`IN_FLIGHT` members sending `/pledge cancel ok2` through `Dispatcher.handle` as fast as
it answers; two instances run at once, started together, on the same database.
Goals: one instance >= 60 % of the ceiling, two >= 1.6 x one.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.synchronize
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from bench.bench_pledges import (
    IN_FLIGHT,
    capacity,
    pledge_message,
    prefill_rows,
    tally_latencies,
)
from bench.stats import latency_summary
from bot.app import open_app
from bot.config import Config, Secret

MEMBER_SECRET = "5e" * 32  # the bench's own: its members exist only here
GOAL_SHARE, GOAL_SCALING = 0.60, 1.6
# member numbers: each run and instance its own range, so that every pledge is new
_RANGE = 10_000_000


def pg_config(url: str) -> Config:
    return Config(database_url=Secret(url), member_secret=Secret(MEMBER_SECRET))


async def check_counters(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        counted = await conn.fetchval("SELECT COUNT(*) FROM pledges")
        kept = await conn.fetchval("SELECT sum(value) FROM tally_shards WHERE name = 'total'")
    finally:
        await conn.close()
    if counted != kept:
        raise SystemExit(f"tally drifted: COUNT(*) = {counted}, counters = {kept}")
    return int(counted)


async def prefill(url: str, count: int) -> None:
    async with open_app(pg_config(url)) as app:
        started = time.perf_counter()
        loaded = await app.storage.pledges.load_pledges(prefill_rows(app, count))
        elapsed = time.perf_counter() - started
    print(f"prefill: {loaded:,} pledges in {elapsed:.1f} s; {await check_counters(url):,} stored")


async def raw_ceiling(url: str, count: int, first: int) -> float:
    """Pledges per second of plain asyncpg: insert and counter in one transaction each."""
    pool = await asyncpg.create_pool(url, min_size=IN_FLIGHT, max_size=IN_FLIGHT)
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS ceiling_pledges (member text PRIMARY KEY, platform text,"
        " kinds smallint, notice_version integer, pledged_hour timestamptz);"
        " CREATE TABLE IF NOT EXISTS ceiling_counter (name text PRIMARY KEY, value bigint);"
        " INSERT INTO ceiling_counter VALUES ('total', 0) ON CONFLICT DO NOTHING"
    )
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    members = iter(range(first, first + count))

    async def member_stream() -> None:
        for n in members:
            async with pool.acquire() as conn, conn.transaction():
                new = await conn.fetchval(
                    "INSERT INTO ceiling_pledges VALUES ($1, 'telegram', 1, 1, $2)"
                    " ON CONFLICT (member) DO NOTHING RETURNING true",
                    f"ceiling-{n}",
                    hour,
                )
                if new:
                    await conn.execute(
                        "UPDATE ceiling_counter SET value = value + 1 WHERE name = 'total'"
                    )

    try:
        started = time.perf_counter()
        await asyncio.gather(*(member_stream() for _ in range(IN_FLIGHT)))
        return count / (time.perf_counter() - started)
    finally:
        await pool.close()


@dataclass(frozen=True, slots=True)
class Run:
    count: int
    started: float  # time.time(), comparable across processes
    ended: float
    summary: str
    tally: str  # /compteur afterwards


async def _instance(url: str, first: int, count: int, go: multiprocessing.synchronize.Event) -> Run:
    async with open_app(pg_config(url)) as app:
        warm = [pledge_message(app, first + i) for i in range(300)]
        await capacity(app, warm, IN_FLIGHT)
        messages = [pledge_message(app, first + 300 + i) for i in range(count)]
        await asyncio.get_running_loop().run_in_executor(None, go.wait)
        started = time.time()
        _, latencies = await capacity(app, messages, IN_FLIGHT)
        ended = time.time()
        tally = latency_summary(await tally_latencies(app, 200))
        return Run(count, started, ended, latency_summary(latencies), tally)


def _instance_process(
    url: str,
    first: int,
    count: int,
    go: multiprocessing.synchronize.Event,
    results: multiprocessing.Queue[Run],
) -> None:
    results.put(asyncio.run(_instance(url, first, count, go)))


def instances(url: str, how_many: int, count: int, first: int) -> tuple[float, list[Run]]:
    """Pledges per second of `how_many` bot processes started together, `count` each."""
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    results: multiprocessing.Queue[Run] = context.Queue()
    processes = [
        context.Process(
            target=_instance_process, args=(url, first + k * _RANGE // 10, count, go, results)
        )
        for k in range(how_many)
    ]
    for process in processes:
        process.start()
    time.sleep(3)  # each opens its pool and warms up, then waits for the signal
    go.set()
    for process in processes:
        process.join(timeout=900)
        if process.exitcode != 0:
            raise SystemExit(f"a bot instance failed (exit code {process.exitcode})")
    runs = [results.get(timeout=10) for _ in processes]
    span = max(r.ended for r in runs) - min(r.started for r in runs)
    return sum(r.count for r in runs) / span, runs


async def bench_postgres(url: str, prefill_count: int, count: int) -> int:
    print("load average at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    if prefill_count:
        await prefill(url, prefill_count)
    # members never seen before, even on a database an earlier run filled
    base = secrets.randbelow(10**6) * 10 * _RANGE
    ceiling = await raw_ceiling(url, count, base)
    print(f"raw asyncpg ceiling ({IN_FLIGHT} in flight, one transaction each): {ceiling:,.0f}/s")
    one, [run] = instances(url, 1, count, base + _RANGE)
    print(f"one instance: {one:,.0f} pledges/s ({one / ceiling:.0%} of the ceiling), {run.summary}")
    print(f"  then /compteur: {run.tally}")
    two, runs = instances(url, 2, count, base + 2 * _RANGE)
    print(f"two instances: {two:,.0f} pledges/s ({two / one:.2f} x one)")
    for number, run in enumerate(runs, 1):
        print(f"  instance {number}: {run.summary}")
    print(f"tally exact at {await check_counters(url):,} pledges")
    print("load average at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    met = one >= GOAL_SHARE * ceiling and two >= GOAL_SCALING * one
    print(
        f"goal (one >= {GOAL_SHARE:.0%} of the ceiling, two >= {GOAL_SCALING} x one): "
        + ("met" if met else "MISSED")
    )
    return 0 if met else 1
