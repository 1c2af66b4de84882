"""Periodic tally posts and milestone celebrations, through the outbox to the console."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.worker import DeliveryWorker
from bot.scheduler import scheduled
from bot.tally_posts import post_tally, tick_of

HOUR = timedelta(hours=6)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def pledge(app: App, tmp_path: Path, *names: str) -> None:
    for name in names:
        member = ConsoleAdapter(app, name, language="fr", image_dir=tmp_path)
        [thanks] = await member.say("/pledge cancel ok2")
        assert thanks.startswith("Merci !")


async def delivered(app: App, tmp_path: Path) -> list[str]:
    posts: list[str] = []
    console = ConsoleAdapter(app, "reader", language="fr", image_dir=tmp_path, out=posts.append)
    await DeliveryWorker(app.services, console).drain()
    return posts


async def test_posts_once_per_tick_only_when_the_tally_changed(tmp_path: Path) -> None:
    clock, config = Clock(), Config(database=tmp_path / "t.db", milestones=())
    async with open_app(config, clock=clock) as app:
        [subscribed] = await ConsoleAdapter(app, "groupe", image_dir=tmp_path).say("/abonner")
        assert subscribed.startswith("C'est fait")
        assert not await post_tally(app.services, HOUR)  # nobody pledged yet: nothing to say
        await pledge(app, tmp_path, "ana", "ben")
        assert not await post_tally(app.services, HOUR)  # this tick was already handled
        clock.now += HOUR
        assert await post_tally(app.services, HOUR)
        [post] = await delivered(app, tmp_path)
        assert "Compteur QuitGPT\nEngagements : 2" in post
        clock.now += HOUR
        assert not await post_tally(app.services, HOUR)  # unchanged since the last post
        await pledge(app, tmp_path, "chloé")
        assert not await post_tally(app.services, HOUR)  # same tick
        clock.now += HOUR
        assert await post_tally(app.services, HOUR)
        [post] = await delivered(app, tmp_path)
        assert "Engagements : 3" in post
        await pledge(app, tmp_path, "dan")
    async with open_app(config, clock=clock) as app:  # a restart within the same tick
        assert not await post_tally(app.services, HOUR)
        assert await delivered(app, tmp_path) == []


async def test_milestones_are_celebrated_once(tmp_path: Path) -> None:
    config = Config(database=tmp_path / "m.db", milestones=(2, 3))
    async with open_app(config) as app:
        await ConsoleAdapter(app, "groupe", image_dir=tmp_path).say("/abonner")
        await pledge(app, tmp_path, "ana", "ben", "chloé")
        first = await delivered(app, tmp_path)
        withdrawn = ConsoleAdapter(app, "ben", language="fr", image_dir=tmp_path)
        await withdrawn.say("/retirer")
        await pledge(app, tmp_path, "ben")
        again = await delivered(app, tmp_path)
    assert len(first) == 2 and "2" in first[0] and "3" in first[1]
    assert again == []


async def test_the_scheduler_runs_the_tally_job(tmp_path: Path) -> None:
    async with open_app(Config(database=tmp_path / "s.db", milestones=())) as app:
        posts: list[str] = []
        console = ConsoleAdapter(app, "groupe", image_dir=tmp_path, out=posts.append)
        await console.say("/abonner")
        await pledge(app, tmp_path, "ana")
        worker = DeliveryWorker(app.services, console)
        async with worker.active(), scheduled(app.services, tally_every=timedelta(seconds=0.2)):
            for _ in range(100):
                if posts:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # several more ticks, nothing new to say
    assert len(posts) == 1 and "Engagements : 1" in posts[0]


async def test_two_instances_on_one_database_post_each_tick_once(tmp_path: Path) -> None:
    """Both schedulers find the tick unposted; the conditional claim lets one of them post."""
    clock, config = Clock(), Config(database=tmp_path / "shared.db", milestones=())
    async with open_app(config, clock=clock) as first, open_app(config, clock=clock) as second:
        await ConsoleAdapter(first, "groupe", image_dir=tmp_path).say("/abonner")
        for n in range(4):
            clock.now += HOUR
            await pledge(second if n % 2 else first, tmp_path, f"member-{n}")
            posted = await asyncio.gather(
                post_tally(first.services, HOUR), post_tally(second.services, HOUR)
            )
            assert sorted(posted) == [False, True]
            [post] = await delivered(first, tmp_path)
            assert f"Engagements : {n + 1}" in post


async def test_two_schedulers_on_one_database_post_at_most_once_a_tick(tmp_path: Path) -> None:
    config = Config(database=tmp_path / "shared.db", milestones=())
    every = timedelta(seconds=0.2)
    async with open_app(config) as first, open_app(config) as second:
        posts: list[str] = []
        console = ConsoleAdapter(first, "groupe", image_dir=tmp_path, out=posts.append)
        await console.say("/abonner")
        await pledge(first, tmp_path, "before")
        start = tick_of(first.services.clock(), every)
        worker = DeliveryWorker(first.services, console)
        async with (
            worker.active(),
            scheduled(first.services, tally_every=every),
            scheduled(second.services, tally_every=every),
        ):
            for n in range(12):  # a new pledge every half tick: each tick has news
                await pledge(second if n % 2 else first, tmp_path, f"member-{n}")
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.3)
        end = tick_of(first.services.clock(), every)
    ticks = end - start + 1
    assert posts and all("Compteur" in post for post in posts)
    assert len(posts) <= ticks, (len(posts), ticks)
