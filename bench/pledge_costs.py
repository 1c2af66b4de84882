"""What one pledge costs, counted rather than timed: on a shared machine wall-clock figures
swing with the other work, counts do not.

    .venv/bin/python bench/pledge_costs.py [--prefill 100000] [--count 20000]

On a database holding `--prefill` pledges, `--count` new members send `/pledge cancel ok2`
through `Dispatcher.handle`, 16 in flight (as in bench/bench_pledges.py), and per pledge
it counts: SQL statements and transactions on each connection (sqlite3's trace callback,
which also reports each trigger program a statement runs), event-loop iterations and
thread hops back to the loop, Python function calls (cProfile, in a second pass), and the
CPU time of each thread. Last, the CPU time of `Dispatcher.handle` alone, storage
answering at once: the core's own share, the least noisy figure of all.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncio.base_events as base_events

from bench.bench_pledges import IN_FLIGHT, capacity, pledge_message, prefill
from bot.app import App, open_app
from bot.config import Config
from storage.api.records import Added, NewPledge

counting = threading.Event()
statements: Counter[tuple[int, str]] = Counter()
loop_events: Counter[str] = Counter()
_statements_lock = threading.Lock()


def traced_connect(connect: Callable[..., sqlite3.Connection]) -> Callable[..., Any]:
    """sqlite3.connect, each connection numbered and its statements counted while counting."""
    opened = [0]

    def connect_traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn, number = connect(*args, **kwargs), opened[0]
        opened[0] += 1

        def trace(sql: str) -> None:
            if counting.is_set():
                with _statements_lock:
                    statements[number, " ".join(sql.split())[:70]] += 1

        conn.set_trace_callback(trace)
        return conn

    return connect_traced


def count_loop_events() -> None:
    """Count the loop's iterations and the callbacks other threads hand it (aiosqlite's
    answers), while counting."""
    loop = base_events.BaseEventLoop
    run_once, threadsafe = loop._run_once, loop.call_soon_threadsafe  # type: ignore[attr-defined]

    def counted_run_once(self: base_events.BaseEventLoop) -> None:
        if counting.is_set():
            loop_events["loop iterations"] += 1
        run_once(self)

    def counted_threadsafe(self: base_events.BaseEventLoop, *args: Any, **kwargs: Any) -> Any:
        if counting.is_set():
            loop_events["thread hops to the loop"] += 1
        return threadsafe(self, *args, **kwargs)

    loop._run_once = counted_run_once  # type: ignore[attr-defined]
    loop.call_soon_threadsafe = counted_threadsafe  # type: ignore[method-assign,assignment]


def thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) of each of this process's threads, from /proc."""
    tick, seconds = os.sysconf("SC_CLK_TCK"), {}
    for tid in os.listdir("/proc/self/task"):
        try:
            stat = Path(f"/proc/self/task/{tid}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        name = "event loop" if int(tid) == os.getpid() else f"thread {tid}"
        seconds[name] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


@contextmanager
def counted() -> Iterator[None]:
    counting.set()
    try:
        yield
    finally:
        counting.clear()


async def one_pass(app: App, start: int, count: int, profile: cProfile.Profile | None) -> None:
    messages = [pledge_message(app, start + i) for i in range(count)]
    if profile:
        profile.enable()
    await capacity(app, messages, IN_FLIGHT)
    if profile:
        profile.disable()


async def handle_alone(app: App, start: int, count: int, rounds: int = 7) -> float:
    """Median CPU seconds of `Dispatcher.handle` per new pledge, storage answering at once."""
    intake = app.services.add_pledge

    async def stored(pledge: NewPledge) -> Added:
        return Added(True, 123_456, (), 0)

    app.services.add_pledge = stored
    try:
        per_pledge = []
        for round_ in range(rounds):
            messages = [pledge_message(app, start + round_ * count + i) for i in range(count)]
            started = time.thread_time()
            for msg in messages:
                await app.dispatcher.handle(msg)
            per_pledge.append((time.thread_time() - started) / count)
    finally:
        app.services.add_pledge = intake
    return sorted(per_pledge)[rounds // 2]


async def main(args: argparse.Namespace) -> None:
    config = Config(database=Path(tempfile.mkdtemp(prefix="quitgpt-costs-")) / "bench.db")
    await prefill(config, args.prefill)
    n, next_member = args.count, 0

    def members(count: int) -> int:
        nonlocal next_member
        next_member += count
        return next_member - count

    async with open_app(config) as app:  # timed first, before any counting slows it down
        await one_pass(app, members(2_000), 2_000, None)  # warm-up
        before, wall = thread_cpu(), time.perf_counter()
        await one_pass(app, members(n), n, None)
        after, wall = thread_cpu(), time.perf_counter() - wall
        profile = cProfile.Profile()
        await one_pass(app, members(n), n, profile)
        alone = await handle_alone(app, members(7 * 5_000), 5_000)
    sqlite3.connect = traced_connect(sqlite3.connect)  # type: ignore[assignment]
    count_loop_events()
    async with open_app(config) as app:  # reopened: its connections traced
        await one_pass(app, members(2_000), 2_000, None)
        with counted():
            await one_pass(app, members(n), n, None)
    print(f"{n:,} pledges, {IN_FLIGHT} in flight, {n / wall:,.0f} pledges/s (timed, noisy)")
    cpu = {name: after[name] - before.get(name, 0.0) for name in after}
    print(
        "CPU per pledge: "
        + ", ".join(f"{name} {spent / n * 1e6:.1f} µs" for name, spent in cpu.items() if spent)
    )
    print(f"Dispatcher.handle alone, storage answering at once: {alone * 1e6:.1f} µs of CPU")
    calls = sum(row[1] for row in pstats.Stats(profile).stats.values())  # type: ignore[attr-defined]
    print(f"Python function calls per pledge: {calls / n:.1f}")
    for name, times in sorted(loop_events.items()):
        print(f"{name} per pledge: {times / n:.3f}")
    print(f"SQL statements and trigger programs per pledge: {sum(statements.values()) / n:.3f}")
    for (conn, sql), times in sorted(statements.items(), key=lambda item: -item[1]):
        print(f"  connection {conn}: {times / n:8.4f}  {sql}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefill", type=int, default=100_000)
    parser.add_argument("--count", type=int, default=20_000)
    asyncio.run(main(parser.parse_args()))
