"""The public counter under a flood of readers: requests per second for each path and
database reads per request, against what the same server does with a static file.

    .venv/bin/python bench/bench_public_counter.py [--prefill 100000] [--rounds 5]
        [--seconds 3] [--concurrency 32]

The database holds `--prefill` pledges spread over 90 days (a curve of about 4,000
points), and a member pledges every half second during the run, so the snapshot is
rebuilt as it would be on a live campaign. A client process (aiohttp, keep-alive,
`--concurrency` requests in flight) asks each path in turn for `--seconds`, `--rounds`
times, and the median rate of each path is kept. The ceilings, added to the counter's own
aiohttp application: the JSON document's bytes answered from memory by a bare handler, and
a static copy of it (aiohttp's file route). Every read of the database by the counter is
counted. Exits 1 when a path answers with an error, when the counter reads the database
more than once per 1,000 requests, or when the JSON is served at less than half the
static file's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from aiohttp import web

from bench.bench_pledges import prefill_rows
from bot.app import App, open_app
from bot.config import Config
from bot.http_site import listening
from bot.public.server import public_app
from bot.public.snapshot import PublicCounter
from bot.seam import ChatKind, ChatRef, Sender
from tests.public_support import counted

MAX_READS_PER_REQUEST = 0.001
MIN_SHARE_OF_STATIC = 0.5


async def client(
    url: str, seconds: float, concurrency: int, headers: dict[str, str], revalidate: bool
) -> None:
    """Ask `url` as fast as the server answers; print how many answers, and their statuses."""
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            etag = ""  # with --revalidate, the last one seen, as a browser's cache sends it
            while time.monotonic() < deadline:
                sent = {**headers, "If-None-Match": etag} if revalidate and etag else headers
                async with session.get(url, headers=sent) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                    etag = response.headers.get("ETag", etag)

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    print(json.dumps({"statuses": statuses, "elapsed": elapsed}))


async def flood(
    url: str, args: argparse.Namespace, headers: dict[str, str], revalidate: bool
) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--client",
        url,
        "--seconds",
        str(args.seconds),
        "--concurrency",
        str(args.concurrency),
        "--headers",
        json.dumps(headers),
        *(["--revalidate"] if revalidate else []),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    result: dict[str, Any] = json.loads(out)
    return result


async def pledge_regularly(app: App) -> None:
    """A new member every half second: the snapshot changes while it is read."""
    dispatcher = app.dispatcher
    for n in range(10**9):
        chat = ChatRef("telegram", f"live-{n}", ChatKind.PRIVATE)
        msg = dispatcher.message(chat, Sender(f"live-{n}", "fr"), "/pledge cancel ok2")
        assert msg is not None
        await dispatcher.handle(msg)
        await asyncio.sleep(0.5)


async def bench(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="bench-public-"))
    config = Config(database=folder / "bench.db", quiet_hours="", public_refresh_seconds=5)
    async with open_app(config) as app:
        started = time.perf_counter()
        await app.storage.pledges.load_pledges(prefill_rows(app, args.prefill))
        print(f"prefilled {args.prefill:,} pledges in {time.perf_counter() - started:.1f} s")
        services, counting = counted(app.services)
        counter = PublicCounter(services)
        async with counter.running():
            assert counter.snapshot is not None
            static = folder / "static"
            static.mkdir()
            (static / "tally.json").write_bytes(counter.snapshot.json.data)
            sizes = {
                "json": len(counter.snapshot.json.data),
                "badge": len(counter.snapshot.badges["fr"].data),
                "page": len(counter.snapshot.pages["fr"].data),
            }
            print("bodies: " + ", ".join(f"{k} {v:,} bytes" for k, v in sizes.items()))
            web_app = public_app(counter)
            web_app.router.add_static("/static/", static)
            document = counter.snapshot.json.data

            async def ceiling(request: web.Request) -> web.Response:
                return web.Response(body=document, content_type="application/json")

            web_app.router.add_get("/ceiling", ceiling)
            port = args.port
            async with listening(web_app, "127.0.0.1", port, setting="--port", name="bench"):
                live = asyncio.create_task(pledge_regularly(app))
                base = f"http://127.0.0.1:{port}"
                runs = [
                    ("bytes in memory (ceiling)", "/ceiling", {}, False),
                    ("static file (ceiling)", "/static/tally.json", {}, False),
                    ("/api/tally.json", "/api/tally.json", {}, False),
                    (
                        "/badge.svg (Accept-Language)",
                        "/badge.svg",
                        {"Accept-Language": "en"},
                        False,
                    ),
                    ("/fr", "/fr", {}, False),
                    ("/fr, revalidated (304)", "/fr", {}, True),
                ]
                reads_before, requests = counting.reads, 0
                samples: dict[str, list[float]] = {name: [] for name, *_ in runs}
                failed = False
                # Paths take turns, round after round: a machine whose load changes during
                # the run weighs on each of them alike.
                for _ in range(args.rounds):
                    for name, path, headers, revalidate in runs:
                        result = await flood(base + path, args, headers, revalidate)
                        answered = sum(result["statuses"].values())
                        requests += answered
                        samples[name].append(answered / result["elapsed"])
                        failed |= any(int(status) >= 400 for status in result["statuses"])
                        print(f"  {name:32} {samples[name][-1]:8,.0f}/s  {result['statuses']}")
                rates = {name: statistics.median(values) for name, values in samples.items()}
                for name, values in samples.items():
                    print(
                        f"{name:32} median {rates[name]:7,.0f} requests/s"
                        f" (from {min(values):,.0f} to {max(values):,.0f})"
                    )
                live.cancel()
                reads = counting.reads - reads_before
        rebuilt = (await app.storage.pledges.get_tally(app.services.clock())).total
    per_request = reads / requests
    share = rates["/api/tally.json"] / rates["static file (ceiling)"]
    in_memory = rates["/api/tally.json"] / rates["bytes in memory (ceiling)"]
    print(
        f"database reads by the counter during the run: {reads} for {requests:,} requests"
        f" ({per_request:.6f} per request); total pledges at the end: {rebuilt:,}"
    )
    print(
        f"/api/tally.json at {share:.0%} of the static file's rate,"
        f" {in_memory:.0%} of the bytes in memory's"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if failed or per_request > MAX_READS_PER_REQUEST or share < MIN_SHARE_OF_STATIC:
        print("goal missed")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefill", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--port", type=int, default=18_470)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--headers", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--revalidate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        headers = json.loads(args.headers)
        asyncio.run(client(args.client, args.seconds, args.concurrency, headers, args.revalidate))
        return 0
    return asyncio.run(bench(args))


if __name__ == "__main__":
    raise SystemExit(main())
