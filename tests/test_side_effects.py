"""What follows from a pledge or a delivery survives a crash in between, and happens once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.adapters.console import ConsoleAdapter
from bot.app import open_app
from bot.config import Config
from bot.delivery.worker import DeliveryWorker
from storage.api.records import ALL_KINDS, NewPledge


def console(app: object, name: str, inbox: list[str], tmp_path: Path) -> ConsoleAdapter:
    return ConsoleAdapter(app, name, language="fr", image_dir=tmp_path, out=inbox.append)  # type: ignore[arg-type]


async def test_a_milestone_recorded_before_a_crash_is_posted_after_it(
    config: Config, tmp_path: Path
) -> None:
    config = replace(config, milestones=(2,))
    async with open_app(config) as app:
        await app.storage.subscriptions.subscribe(
            "console", "ana", "private", "fr", app.services.clock()
        )
        for member in ("k1", "k2"):  # the pledges are recorded; the process dies there
            await app.services.add_pledge(
                NewPledge(member, "console", ALL_KINDS, 1, app.services.clock())
            )
    inbox: list[str] = []
    async with open_app(config) as app:
        worker = DeliveryWorker(app.services, console(app, "ana", inbox, tmp_path))
        await asyncio.gather(worker.drain(), worker.drain())  # two looks at once
        await worker.drain()
    celebrations = [text for text in inbox if "2" in text and "engagements" in text]
    assert len(celebrations) == 1, inbox


async def test_a_finished_announcement_is_reported_once_after_a_crash(
    config: Config, tmp_path: Path
) -> None:
    inbox: list[str] = []
    async with open_app(config) as app:
        for name in ("ana", "ben"):
            await app.storage.subscriptions.subscribe(
                "console", name, "private", "fr", app.services.clock()
            )
        mod = console(app, "mod", inbox, tmp_path)
        await mod.say("/annonce Rendez-vous samedi")
        await mod.say("/annonce confirmer")
        now = app.services.clock()
        # Both rows are sent and finished; the process dies before anything else.
        for row in await app.storage.deliveries.claim_deliveries(
            "console", now, now + timedelta(minutes=1), 9
        ):
            await app.storage.deliveries.finish_delivery(row, "sent", now, attempts=1)
    async with open_app(config) as app:
        mod = console(app, "mod", inbox, tmp_path)
        worker = DeliveryWorker(app.services, mod)
        await asyncio.gather(worker.drain(), worker.drain())
        await worker.drain()
    reports = [text for text in inbox if "Bilan de l'annonce n°1" in text]
    assert len(reports) == 1 and "2 discussions atteintes" in reports[0]


async def test_an_announcement_and_its_cancellation_are_audited_with_the_change(
    config: Config, tmp_path: Path
) -> None:
    inbox: list[str] = []
    async with open_app(config) as app:
        await app.storage.subscriptions.subscribe(
            "console", "ana", "private", "fr", app.services.clock()
        )
        mod = console(app, "mod", inbox, tmp_path)
        await mod.say("/annonce Un")
        await mod.say("/annonce confirmer")
        await mod.say("/annonce annuler 1")
        await mod.say("/annonce annuler 1")  # nothing left to cancel: no entry
        await mod.say("/annonce confirmer 1")  # no longer a draft: no entry
        entries = [(e.action, e.detail) for e in await app.storage.audit.recent_audit()]
    assert entries == [
        ("cancel", "broadcast=1 stopped=1"),
        ("broadcast", "broadcast=1 forced=False"),
    ]
