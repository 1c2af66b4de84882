"""Conditional pledges through the console: counted apart, made firm by other members'
pledges, and one private message for those who asked, across a restart too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.worker import DeliveryWorker
from bot.public.render import tally_document
from bot.sealing import PrivateChat
from tests.support import table_rows, tables_holding
from tests.test_tally_console import Clock, say_on

# Distinctive ids, so that a scan of the database finds them wherever they are kept.
ALICE, BOB, CAROL, DAN = "member-alice-7731", "member-bob-8842", "member-carol-9953", "dan-1064"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(database=tmp_path / "bot.db", pledge_thresholds=(2, 5))


@pytest.fixture
def member(app: App, tmp_path: Path) -> Callable[..., ConsoleAdapter]:
    def make(user: str, language: str = "fr") -> ConsoleAdapter:
        return ConsoleAdapter(app, user, language=language, image_dir=tmp_path)

    return make


def watcher(app: App, inbox: list[str]) -> DeliveryWorker:
    """A worker whose console prints every private message into `inbox`."""
    return DeliveryWorker(app.services, ConsoleAdapter(app, "watcher", out=inbox.append))


async def pledge_if(console: ConsoleAdapter, threshold: int, *, told: bool) -> None:
    word, ok = ("si", "ok2") if console.sender.language == "fr" else ("if", "ok2")
    [thanks] = await console.say(f"/engagement resilier {word}{threshold} {ok}")
    assert "conditionnel" in thanks or "conditional" in thanks
    if told:
        [notice] = await console.say("/engagement prevenir")
        assert "chiffrée" in notice or "encrypted" in notice
        [agreed] = await console.say("/engagement prevenir confirmer")
        assert agreed.startswith(("🔔 C'est noté", "🔔 Noted"))


async def test_a_conditional_pledge_counts_apart_until_others_make_it_firm(
    app: App, member: Callable[..., ConsoleAdapter]
) -> None:
    alice, bob, carol = member(ALICE), member(BOB, "en"), member(CAROL)
    inbox: list[str] = []
    worker = watcher(app, inbox)
    [thanks] = await alice.say("/engagement resilier si2 ok2")
    assert thanks.startswith(
        "Merci ! Votre engagement conditionnel est enregistré : "
        "résilier l'abonnement ChatGPT, si 2 autres le font.\n"
        "Il est compté à part (engagements conditionnels en attente : 1)"
    )
    assert thanks.endswith("[/engagement prevenir] 🔔 Me prévenir quand il sera ferme")
    await alice.say("/engagement prevenir confirmer")
    await pledge_if(bob, 2, told=False)
    [tally] = await carol.say("/compteur")
    assert tally.startswith("Personne ne s'est encore engagé.")
    assert "Conditionnels, en attente de leur seuil : 2" in tally
    tally_now = await app.storage.pledges.get_tally(app.services.clock())
    assert tally_document(tally_now, app.services.clock())["conditional"] == 2
    assert tally_document(tally_now, app.services.clock())["firm"] == 0
    assert await worker.drain() == 0
    [current] = await alice.say("/engagement")
    assert "Engagement conditionnel : il deviendra ferme quand 2 autres" in current
    assert "[/engagement silence] 🔕 Ne plus me prévenir" in current

    # Carol's firm pledge: with Bob's, Alice has two others; with Alice's, Bob has too.
    await carol.say("/engagement resilier ok2")
    tally_now = await app.storage.pledges.get_tally(app.services.clock())
    assert (tally_now.total, tally_now.conditional) == (3, 0)
    assert tally_document(tally_now, app.services.clock())["firm"] == 3
    assert await worker.drain() == 1
    [message] = inbox
    assert message.startswith(f"— message du bot pour {ALICE} —\nVotre engagement est ferme !")
    assert "avec 3 engagements fermes" in message
    assert message.endswith("[/resilier] 📖 Guide de résiliation\n[/accompli] ✅ J'ai résilié\n")
    assert await worker.drain() == 0
    [current] = await alice.say("/engagement")
    assert "conditionnel" not in current
    for user in (ALICE, BOB, CAROL):  # sent, the reference is gone; never kept for the others
        assert tables_holding(app.config.database, user) == []


async def test_only_the_threshold_met_turns_firm(
    app: App, member: Callable[..., ConsoleAdapter]
) -> None:
    alice, bob, carol, dan = member(ALICE), member(BOB), member(CAROL), member(DAN)
    await pledge_if(alice, 5, told=True)
    await pledge_if(bob, 2, told=True)
    await carol.say("/engagement appli ok2")
    inbox: list[str] = []
    assert await watcher(app, inbox).drain() == 0  # Alice's pledge waits: not one of Bob's 2
    await dan.say("/engagement appli ok2")
    assert await watcher(app, inbox).drain() == 1
    assert inbox[0].startswith(f"— message du bot pour {BOB} —")
    tally = await app.storage.pledges.get_tally(app.services.clock())
    assert (tally.total, tally.conditional) == (3, 1)
    assert tables_holding(app.config.database, ALICE) == []  # sealed, never in the clear
    assert [row[0] for row in table_rows(app.config.database)["pledge_notices"]] == [
        app.services.member_key("console", ALICE)
    ]


async def test_an_unknown_threshold_is_refused(member: Callable[..., ConsoleAdapter]) -> None:
    [refused] = await member(ALICE).say("/engagement resilier si3 ok2")
    assert refused == "Ce seuil n'est pas proposé. Seuils possibles : 2, 5."
    [none] = await member(BOB).say("/engagement prevenir confirmer")
    assert none.startswith("Vous n'avez pas d'engagement conditionnel en attente.")
    [nothing] = await member(BOB).say("/engagement silence")
    assert nothing == "Aucun message n'était prévu : il n'y a rien à annuler."


async def test_another_condition_on_a_pledge_is_said_to_be_kept(
    app: App, member: Callable[..., ConsoleAdapter]
) -> None:
    """A pledge's condition is chosen when it is made: a change of kinds that names another
    says so, rather than seem to have changed it."""
    alice = member(ALICE)
    await alice.say("/engagement resilier si2 ok2")
    kept = "Votre condition, elle, ne change pas"
    [changed] = await alice.say("/engagement appli si5")
    assert "engagement est modifié" in changed and kept in changed
    [again] = await alice.say("/engagement appli si2 ok2")  # the same condition: nothing to say
    assert kept not in again
    [firm] = await member(BOB).say("/engagement resilier ok2")
    assert kept not in firm
    pledge = await app.storage.pledges.get_pledge(app.services.member_key("console", ALICE))
    assert pledge is not None and pledge.threshold == 2


async def test_oubli_and_withdrawal_take_the_reference_away(
    app: App, member: Callable[..., ConsoleAdapter]
) -> None:
    alice, bob, carol, dan = member(ALICE), member(BOB), member(CAROL), member(DAN)
    await pledge_if(alice, 2, told=True)
    await pledge_if(bob, 2, told=True)
    [mine] = await alice.say("/mesdonnees")
    assert "• condition : si 2 autres s'engagent (en attente)" in mine
    assert "• une référence chiffrée à votre discussion privée" in mine
    [confirm] = await alice.say("/oubli")
    assert "[/oubli confirmer]" in confirm
    await alice.say("/oubli confirmer")
    await bob.say("/retirer")
    assert table_rows(app.config.database)["pledge_notices"] == []
    await carol.say("/engagement resilier ok2")
    await dan.say("/engagement resilier ok2")
    inbox: list[str] = []
    assert await watcher(app, inbox).drain() == 0
    assert inbox == []


async def test_carried_out_a_conditional_pledge_is_firm_and_needs_no_message(
    app: App, member: Callable[..., ConsoleAdapter]
) -> None:
    alice = member(ALICE)
    await pledge_if(alice, 5, told=True)
    [done] = await alice.say("/accompli")
    assert done.endswith("Engagements tenus : 1 sur 1.")
    tally = await app.storage.pledges.get_tally(app.services.clock())
    assert (tally.total, tally.done, tally.conditional) == (1, 1, 0)
    assert table_rows(app.config.database)["pledge_notices"] == []


async def test_the_message_survives_a_restart(config: Config, tmp_path: Path) -> None:
    def console(app: App, user: str) -> ConsoleAdapter:
        return ConsoleAdapter(app, user, language="fr", image_dir=tmp_path)

    async with open_app(config) as app:
        await pledge_if(console(app, ALICE), 2, told=True)
        await pledge_if(console(app, BOB), 2, told=False)
    async with open_app(config) as app:  # restarted: the consent is still there
        await console(app, CAROL).say("/engagement resilier ok2")  # queues Alice's message
    inbox: list[str] = []
    async with open_app(config) as app:  # restarted before it was sent
        assert await watcher(app, inbox).drain() == 1
        assert await watcher(app, inbox).drain() == 0
    assert [post.split("\n")[0] for post in inbox] == [f"— message du bot pour {ALICE} —"]
    assert tables_holding(config.database, ALICE) == []
    assert tables_holding(config.database, BOB) == []


async def test_a_sealed_reference_opens_only_for_its_member(app: App) -> None:
    chat = PrivateChat("telegram", "123456789", "fr")
    sealed = app.services.sealer.seal("key-a", chat)
    assert b"123456789" not in sealed
    assert app.services.sealer.open("key-a", sealed) == chat
    assert app.services.sealer.open("key-b", sealed) is None


async def test_the_message_waits_for_the_end_of_quiet_hours(config: Config) -> None:
    clock = Clock()
    clock.now = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    night = replace(config, quiet_hours="22:00-08:00", timezone="Europe/Paris")
    async with open_app(night, clock=clock) as app:
        await say_on(app, "telegram", "61001", "/engagement resilier si2 ok2")
        await say_on(app, "telegram", "61001", "/engagement prevenir confirmer")
        await say_on(app, "telegram", "61002", "/engagement resilier ok2")
        assert await app.storage.deliveries.next_due_time("telegram") is None
        await say_on(app, "telegram", "61003", "/engagement resilier ok2")
        due = await app.storage.deliveries.next_due_time("telegram")
        assert due == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Paris
