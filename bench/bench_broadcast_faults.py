"""One announcement to 1,000 chats while one chat answers 429 for a minute and another
500 for ever: how long the other chats wait, against the same fan-out without faults,
both measured in the same run through the real adapter and its loopback server.

    bench_broadcast_faults.py [telegram|discord] [chats]   (both platforms by default)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.adapters.discord_adapter import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.publish import publish
from bot.runtime import PlatformAdapter, serving
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

LIMITED_FOR = 60.0  # seconds of 429 for the first chat
POLL_S = 0.1


async def time_the_others(
    app: App, adapter: PlatformAdapter, reached: Callable[[], int], others: int
) -> float:
    """Publish, then time until `reached()` counts every other chat."""
    async with serving(app, adapter):
        started = time.perf_counter()
        await publish(app.services, "announcement", lambda _: "Annonce")
        while reached() < others:
            await asyncio.sleep(POLL_S)
        return time.perf_counter() - started


async def telegram(folder: Path, chats: int, faults: bool) -> float:
    ids = [10_000 + n for n in range(chats)]
    async with (
        FakeTelegram() as tg,
        open_app(Config(database=folder / "tg.db", quiet_hours="")) as app,
    ):
        await subscribe_all(app, "telegram", [str(i) for i in ids])
        if faults:
            tg.fail_chat(ids[0], "429", seconds=LIMITED_FOR)
            tg.fail_chat(ids[1], "500")
        others = set(ids[2:])
        adapter = TelegramAdapter(app, tg.token, api_url=tg.base_url)
        return await time_the_others(
            app, adapter, lambda: len({a.chat_id for a in tg.sent()} & others), len(others)
        )


async def discord(folder: Path, chats: int, faults: bool) -> float:
    async with (
        FakeDiscord() as dc,
        open_app(Config(database=folder / "dc.db", quiet_hours="")) as app,
    ):
        guild = dc.add_guild(name="QuitGPT", channels=[f"salon-{n}" for n in range(chats)])
        ids = [guild.channel(f"salon-{n}") for n in range(chats)]
        await subscribe_all(app, "discord", [str(i) for i in ids])
        if faults:
            dc.fail_channel(ids[0], "429", seconds=LIMITED_FOR)
            dc.fail_channel(ids[1], "500")
        adapter = DiscordAdapter(app, dc.token, guild_ready_timeout=0.05)
        others = set(ids[2:])
        return await time_the_others(
            app, adapter, lambda: len({m.channel_id for m in dc.sent()} & others), len(others)
        )


async def subscribe_all(app: App, platform: str, chat_ids: list[str]) -> None:
    now = app.services.clock()
    kind = "private" if platform == "telegram" else "group"
    for chat_id in chat_ids:
        await app.storage.subscriptions.subscribe(platform, chat_id, kind, "fr", now)


async def main(platform: str, chats: int) -> None:
    run = {"telegram": telegram, "discord": discord}[platform]
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as clean:
        fault_free = await run(Path(clean), chats, False)
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as faulty:
        with_faults = await run(Path(faulty), chats, True)
    over = 100 * (with_faults / fault_free - 1)
    print(f"{platform}: {chats - 2} other chats in {fault_free:.1f} s without faults")
    print(
        f"{platform}: {with_faults:.1f} s with one chat at 429 for {LIMITED_FOR:.0f} s and one"
        f" at 500 for ever ({over:+.1f} %)"
    )


if __name__ == "__main__":
    platforms = sys.argv[1:2] or ["telegram", "discord"]
    for name in platforms:
        asyncio.run(main(name, int(sys.argv[2]) if len(sys.argv) > 2 else 1_000))
