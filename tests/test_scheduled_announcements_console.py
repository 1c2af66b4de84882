"""Announcements planned ahead through the console, with an injected clock and a restart in
between: kept until their time, published once then, each chat in its language, listed,
cancelled, and refused with a clear message when the time is past or unreadable."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.outbox import publish_due
from bot.delivery.worker import DeliveryWorker
from bot.scheduler import scheduled
from tests.support import table_rows
from tests.test_tally_console import Clock, say_on

# 1 December 2026, 18:00 in Paris (UTC+1 in winter).
DUE = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
PLAN = "/annonce programmer 2026-12-01 18:00 Rassemblement samedi [en] Rally on Saturday"


@pytest.fixture
def clock() -> Clock:
    clock = Clock()
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    return clock


async def subscribe(app: App, tmp_path: Path, names: dict[str, str]) -> None:
    for name, language in names.items():
        await ConsoleAdapter(app, name, language=language, image_dir=tmp_path).say("/abonner")


async def delivered(app: App) -> list[str]:
    """What reaches the console's chats once the scheduler has looked and the outbox is
    drained."""
    inbox: list[str] = []
    await publish_due(app.services)  # the scheduler's look, once a minute
    await DeliveryWorker(app.services, ConsoleAdapter(app, "w", out=inbox.append)).drain()
    return inbox


def announcements(inbox: list[str]) -> dict[str, str]:
    """Each chat's announcement, by the chat's name: its first line names it."""
    return {
        text.split("\n")[0].removeprefix("— message du bot pour ").removesuffix(" —"): text
        for text in inbox
        if "📢" in text
    }


async def test_planned_announcement_goes_once_at_its_time_in_each_language(
    config: Config, clock: Clock, tmp_path: Path
) -> None:
    async with open_app(config, clock=clock) as app:
        await subscribe(app, tmp_path, {"ana": "fr", "bob": "en", "zoe": "de"})
        mod = ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path)
        [planned] = await mod.say(PLAN)
        assert planned.startswith(
            "Annonce programmée pour le 1 décembre 2026 à 18 h 00 (heure de Europe/Paris)"
        )
        assert "Rassemblement samedi" in planned and "Rally on Saturday" in planned
        assert "[/annonce deprogrammer 1] Annuler la programmation" in planned
        [audit] = [row for row in table_rows(config.database)["audit_log"] if "schedule" in row]
        assert "mod" not in audit  # the moderator's member key, as for every audit entry
        assert await delivered(app) == []
        [listing] = await mod.say("/annonces")
        assert listing.startswith("Annonces programmées")  # no header over no announcement
        assert (
            "• 1 décembre 2026 à 18 h 00 · FR + EN — Rassemblement samedi"
            " (/annonce deprogrammer 1)" in listing
        )
        # Not a draft waiting for confirmation: « confirmer » cannot send it early.
        [refused] = await mod.say("/annonce confirmer")
        assert refused.startswith("Aucune annonce en attente de confirmation")
        [refused] = await mod.say("/annonce confirmer 1")
        assert refused.startswith("Aucune annonce en attente de confirmation")

    clock.now = DUE - timedelta(minutes=1)
    async with open_app(config, clock=clock) as app:  # restarted: the plan is kept
        assert await delivered(app) == []
        clock.now = DUE
        chats = announcements(await delivered(app))
        assert sorted(chats) == ["ana", "bob", "zoe"]
        assert "Rassemblement samedi" in chats["ana"] and "Rally" not in chats["ana"]
        assert "Rally on Saturday" in chats["bob"] and "Rassemblement" not in chats["bob"]
        assert "Rassemblement samedi" in chats["zoe"]  # no German text: French
        clock.now += timedelta(minutes=5)
        assert announcements(await delivered(app)) == {}  # once
        mod = ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path)
        [listing] = await mod.say("/annonces")
        assert "Annonces programmées" not in listing
        assert "n°1 · 1 décembre 2026 à 18 h 00" in listing


async def test_a_cancelled_plan_never_goes(config: Config, clock: Clock, tmp_path: Path) -> None:
    async with open_app(config, clock=clock) as app:
        await subscribe(app, tmp_path, {"ana": "fr"})
        mod = ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path)
        other = ConsoleAdapter(app, "other-mod", language="en", image_dir=tmp_path)
        await mod.say(PLAN)
        [cancelled] = await other.say("/broadcast unschedule 1")
        assert cancelled == (
            "Announcement scheduled for 1 December 2026, 6:00 PM cancelled: it will not go out."
        )
        [again] = await mod.say("/annonce deprogrammer 1")
        assert again.startswith("Aucune annonce programmée à venir sous le numéro 1")
        [listing] = await mod.say("/annonces")
        assert "programmées" not in listing
        clock.now = DUE + timedelta(hours=1)
        assert await delivered(app) == []
        # An ordinary draft is not « planned »: it cannot be cancelled as one.
        await mod.say("/annonce Simple brouillon")
        [refused] = await other.say("/broadcast unschedule 2")
        assert refused.startswith("No scheduled announcement to come under number 2")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "/annonce programmer 2026-11-29 18:00 Trop tard",
            "Le 29 novembre 2026 à 18 h 00 est déjà passé : choisissez un moment à venir.",
        ),
        ("/annonce programmer 2026-13-01 18:00 Mois 13", "Date ou heure illisible."),
        ("/annonce programmer 2026-12-01 25:00 Heure 25", "Date ou heure illisible."),
        ("/annonce programmer 2026-12-01 Sans heure", "Date ou heure illisible."),
        ("/annonce programmer 2026-12-01 18:00", "Écrivez d'abord le texte en français"),
        ("/annonce programmer 2026-12-01 18:00 [en] English only", "Écrivez d'abord le texte"),
        ("/annonce programmer", "Date ou heure illisible."),
        (  # Paris skips from 02:00 to 03:00 that night
            "/annonce programmer 2027-03-28 02:30 Heure sautée",
            "Le 2027-03-28 à 02:30, cette heure n'existe pas à Europe/Paris (changement d'heure)",
        ),
        (
            "/annonce programmer 2126-01-01 10:00 Dans un siècle",
            "Une annonce se programme un an à l'avance au plus : choisissez un moment avant le"
            " 1 décembre 2027",
        ),
        (
            "/broadcast schedule 2026-11-30 09:00 Too late",
            "30 November 2026, 9:00 AM has already passed: choose a time to come.",
        ),
        ("/broadcast schedule 12/01/2026 6pm Text", "Unreadable date or time."),
    ],
)
async def test_a_past_or_unreadable_time_is_refused_clearly(
    config: Config, clock: Clock, tmp_path: Path, typed: str, expected: str
) -> None:
    async with open_app(config, clock=clock) as app:
        language = "en" if typed.startswith("/broadcast") else "fr"
        mod = ConsoleAdapter(app, "mod", language=language, image_dir=tmp_path)
        [refused] = await mod.say(typed)
        assert refused.startswith(expected)
        assert table_rows(config.database)["broadcasts"] == []


async def test_an_announcement_starting_with_the_word_is_still_an_announcement(
    config: Config, clock: Clock, tmp_path: Path
) -> None:
    async with open_app(config, clock=clock) as app:
        mod = ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path)
        [preview] = await mod.say("/annonce Programmer vos rappels aide beaucoup")
        assert preview.startswith("Aperçu de l'annonce")


async def test_a_plan_due_at_night_waits_for_the_morning_in_private_chats(
    config: Config, clock: Clock, tmp_path: Path
) -> None:
    async with open_app(config, clock=clock) as app:
        await say_on(app, "telegram", "7310061", "/abonner")  # a private chat: quiet hours
        mod = ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path)
        await mod.say("/annonce programmer 2026-12-01 23:30 Tard le soir")
        clock.now = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 23:30 in Paris
        assert await publish_due(app.services) == [1]
        [row] = [r for r in table_rows(config.database)["deliveries"] if "7310061" in r]
        assert "2026-12-02T07:00:00" in " ".join(map(str, row))  # 08:00 in Paris


async def test_its_authors_erasure_removes_a_plan(
    config: Config, clock: Clock, tmp_path: Path
) -> None:
    async with open_app(config, clock=clock) as app:
        await subscribe(app, tmp_path, {"ana": "fr"})
        mod = ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path)
        await mod.say(PLAN)
        await mod.say("/oubli")
        await mod.say("/oubli confirmer")
        assert await app.storage.outbox.scheduled_announcements() == []
        clock.now = DUE
        assert await delivered(app) == []


async def test_an_announcement_sent_now_also_goes_in_each_language(
    config: Config, clock: Clock, tmp_path: Path
) -> None:
    async with open_app(config, clock=clock) as app:
        await subscribe(app, tmp_path, {"ana": "fr", "bob": "en"})
        mod = ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path)
        [preview] = await mod.say("/annonce Réunion ce soir [EN] Meeting tonight")
        assert "Réunion ce soir" in preview and "Meeting tonight" in preview
        await mod.say("/annonce confirmer")
        chats = announcements(await delivered(app))
        assert "Réunion ce soir" in chats["ana"] and "Meeting" not in chats["ana"]
        assert "Meeting tonight" in chats["bob"] and "Réunion" not in chats["bob"]


async def test_two_instances_on_one_database_publish_a_plan_once(
    config: Config, clock: Clock, tmp_path: Path
) -> None:
    async with open_app(config, clock=clock) as first, open_app(config, clock=clock) as second:
        await subscribe(first, tmp_path, {"ana": "fr", "bob": "en"})
        await ConsoleAdapter(first, "mod", language="fr", image_dir=tmp_path).say(PLAN)
        clock.now = DUE
        published = await asyncio.gather(publish_due(first.services), publish_due(second.services))
        assert sorted(published) == [[], [1]]
        assert len(announcements(await delivered(second))) == 2


async def test_the_scheduler_publishes_a_plan_when_due(
    config: Config, clock: Clock, tmp_path: Path
) -> None:
    async with open_app(config, clock=clock) as app:
        await subscribe(app, tmp_path, {"ana": "fr"})
        await ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path).say(PLAN)
        clock.now = DUE
        async with scheduled(app.services, planned_every=timedelta(seconds=0.05)):
            for _ in range(100):
                if not await app.storage.outbox.scheduled_announcements():
                    break
                await asyncio.sleep(0.05)
        inbox: list[str] = []
        await DeliveryWorker(app.services, ConsoleAdapter(app, "w", out=inbox.append)).drain()
        assert list(announcements(inbox)) == ["ana"]
