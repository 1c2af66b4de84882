"""Moderator announcements through the console: preview, confirm, cancel, refuse, report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.delivery.worker import DeliveryWorker
from bot.lifecycle import chat_paused
from bot.seam import ChatKind, ChatRef
from tests.support import table_rows


@pytest.fixture
def inbox() -> list[str]:
    return []


@pytest.fixture
def mod(app: App, tmp_path: Path, inbox: list[str]) -> ConsoleAdapter:
    return ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path, out=inbox.append)


@pytest.fixture
def worker(app: App, mod: ConsoleAdapter) -> DeliveryWorker:
    return DeliveryWorker(app.services, mod)


async def subscribe_members(app: App, tmp_path: Path, names: list[str]) -> None:
    for name in names:
        member = ConsoleAdapter(app, name, language="fr", image_dir=tmp_path)
        [reply] = await member.say("/abonner")
        assert reply.startswith("C'est fait")


async def test_preview_confirm_deliver_and_report(
    app: App, mod: ConsoleAdapter, worker: DeliveryWorker, inbox: list[str], tmp_path: Path
) -> None:
    await subscribe_members(app, tmp_path, ["ana", "ben", "chloé"])
    [preview] = await mod.say("/annonce Altman a modifié l'accord avec le DoW *gras* @everyone")
    assert preview.startswith("Aperçu de l'annonce — elle partira vers 3 discussions abonnées")
    assert "Altman a modifié l'accord avec le DoW *gras* @everyone" in preview
    assert "[/annonce confirmer 1] Envoyer" in preview
    assert await worker.drain() == 0  # nothing leaves before confirmation
    [queued] = await mod.say("/annonce confirmer")
    assert queued.startswith("Annonce n°1 en cours d'envoi.")
    assert await worker.drain() == 4  # three members, then the report to the moderator
    delivered = [text for text in inbox if "Annonce de la campagne QuitGPT" in text]
    assert [text.split("\n")[0] for text in delivered] == [
        "— message du bot pour ana —",
        "— message du bot pour ben —",
        "— message du bot pour chloé —",
    ]
    assert (
        "Bilan de l'annonce n°1 : 3 discussions atteintes, 0 échec, 0 discussion désabonnée"
        in inbox[-1]
    )
    [listing] = await mod.say("/annonces")
    assert "n°1" in listing and "terminée · 3 discussions atteintes, 0 en attente" in listing


async def test_non_moderator_is_refused_and_audited(app: App, console: ConsoleAdapter) -> None:
    [reply] = await console.say("/annonce coucou")
    assert reply == "/annonce est réservée aux modérateurs."
    assert await console.say("/broadcast coucou") == [reply]
    [entry, _] = await app.storage.audit.recent_audit()
    pseudonym = app.services.member_key("console", "alice")
    assert "alice" not in pseudonym
    assert (entry.platform, entry.actor, entry.action, entry.detail) == (
        "console",
        pseudonym,
        "refused",
        "annonce",
    )


async def test_refusals_and_private_subscription_are_personal_data(console: ConsoleAdapter) -> None:
    await console.say("/annonce coucou")
    await console.say("/abonner")
    [data] = await console.say("/mesdonnees")
    assert "• votre discussion privée avec le bot est abonnée au compteur" in data
    key = console.app.services.member_key("console", "alice")
    assert f"journal de sécurité sous votre empreinte {key}" in data
    assert data.count("\n•") == 2
    [question] = await console.say("/oubli")
    assert question.startswith("Effacer tout ce que le bot garde sur vous ?")
    [done] = await console.say("/oubli confirmer")
    assert done.startswith("C'est fait")
    [nothing] = await console.say("/mesdonnees")
    assert nothing.startswith("Le bot ne garde rien sur vous")


async def test_same_text_twice_needs_force(app: App, mod: ConsoleAdapter, tmp_path: Path) -> None:
    await subscribe_members(app, tmp_path, ["ana"])
    await mod.say("/annonce Rendez-vous samedi")
    await mod.say("/annonce confirmer 1")
    [preview] = await mod.say("/annonce  rendez-vous   SAMEDI")
    assert "Le même texte a déjà été envoyé récemment (annonce n°1)" in preview
    assert "[/annonce forcer 2] Envoyer quand même" in preview
    [refused] = await mod.say("/annonce confirmer 2")
    assert refused.startswith("Ce texte a déjà été envoyé récemment (annonce n°1)")
    [forced] = await mod.say("/annonce forcer 2")
    assert forced.startswith("Annonce n°2 en cours d'envoi.")
    [again] = await mod.say("/annonce confirmer 2")
    assert again.startswith("Aucune annonce en attente")
    actions = [e.action for e in await app.storage.audit.recent_audit()]
    assert actions == ["broadcast", "broadcast"]


async def test_cancel_stops_remaining_deliveries(
    app: App, mod: ConsoleAdapter, worker: DeliveryWorker, inbox: list[str], tmp_path: Path
) -> None:
    await subscribe_members(app, tmp_path, ["ana", "ben"])
    await mod.say("/annonce Annulez-moi")
    await mod.say("/annonce confirmer")
    [cancelled] = await mod.say("/annonce annuler 1")
    assert cancelled == "Annonce n°1 arrêtée : 2 envois annulés."
    assert await worker.drain() == 0
    assert inbox == []
    [listing] = await mod.say("/annonces")
    assert "arrêtée · 0 discussion atteinte, 0 en attente" in listing
    [again] = await mod.say("/annonce annuler 1")
    assert again == "L'annonce n°1 n'existe pas ou n'est plus en cours."
    [usage] = await mod.say("/annonce annuler")
    assert usage.startswith("Indiquez le numéro")


async def test_discarding_a_draft_and_confirming_anothers(
    app: App, mod: ConsoleAdapter, tmp_path: Path
) -> None:
    other = ConsoleAdapter(app, "other-mod", language="fr", image_dir=tmp_path)
    await mod.say("/annonce Brouillon")
    [not_yours] = await other.say("/annonce confirmer 1")
    assert not_yours.startswith("Ce brouillon a été préparé par un autre modérateur")
    [not_sent] = await mod.say("/annonce annuler 1")  # a draft is discarded, not stopped
    assert not_sent == "L'annonce n°1 n'existe pas ou n'est plus en cours."
    [not_theirs] = await other.say("/annonce jeter 1")
    assert not_theirs.startswith("Ce brouillon a été préparé par un autre modérateur")
    [discarded] = await mod.say("/annonce jeter 1")
    assert discarded == "Brouillon abandonné : rien n'a été envoyé."
    [nothing] = await mod.say("/annonce confirmer")
    assert nothing.startswith("Aucune annonce en attente")
    [usage] = await mod.say("/annonce")
    assert usage.startswith("Écrivez le texte de l'annonce")


async def test_announcements_are_numbered_as_published_without_gaps(
    app: App, mod: ConsoleAdapter, worker: DeliveryWorker, inbox: list[str], tmp_path: Path
) -> None:
    """Discarded drafts and the bot's own posts (tallies, reports) take no number."""
    await subscribe_members(app, tmp_path, ["ana"])
    numbers = []
    for text in ("Un", "Brouillon jeté", "Deux", "Trois"):
        await mod.say(f"/annonce {text}")
        if text == "Brouillon jeté":
            await mod.say("/annonce jeter")
            continue
        [queued] = await mod.say("/annonce confirmer")
        numbers.append(queued.split(" en cours")[0])
        await worker.drain()  # the post, then its report to the moderator
    assert numbers == ["Annonce n°1", "Annonce n°2", "Annonce n°3"]
    [listing] = await mod.say("/annonces")
    assert [line.split(" · ")[0] for line in listing.splitlines()[1:4]] == [
        "• n°3",
        "• n°2",
        "• n°1",
    ]


async def test_an_announcement_may_start_with_a_keyword(mod: ConsoleAdapter) -> None:
    for text in ("Annuler la réunion de samedi", "Jeter son téléphone ? Non", "Confirmer 3 h"):
        [preview] = await mod.say(f"/annonce {text}")
        assert preview.startswith("Aperçu de l'annonce —") and text in preview


async def test_english_moderator(app: App, tmp_path: Path) -> None:
    mod_en = ConsoleAdapter(app, "mod", language="en", image_dir=tmp_path)
    [preview] = await mod_en.say("/broadcast Hello")
    assert preview.startswith("Announcement preview — it will go to 0 subscribed chats")
    assert preview.endswith("[/broadcast confirm 1] Send\n[/broadcast discard 1] Discard")
    [queued] = await mod_en.say("/broadcast confirm")
    assert queued.startswith("Announcement #1 is being sent.")
    [mods] = await mod_en.say("/moderators")
    assert mods.startswith("Moderators\n• console: mod")


async def test_audit_entries_are_kept_a_year(app: App) -> None:
    now = datetime(2026, 11, 27, tzinfo=UTC)
    await app.storage.audit.record_audit(
        "console", "k", "refused", "annonce", now - timedelta(days=366)
    )
    await app.storage.audit.record_audit(
        "console", "k", "refused", "annonce", now - timedelta(days=364)
    )
    await app.storage.audit.record_audit("console", "k", "refused", "annonce", now)
    assert len(await app.storage.audit.recent_audit()) == 2


async def test_a_moderator_who_forgets_leaves_announcements_but_not_their_key(
    app: App, mod: ConsoleAdapter
) -> None:
    key = app.services.member_key("console", "mod")
    await mod.say("/annonce Publiée")
    await mod.say("/annonce confirmer 1")
    await mod.say("/annonce Brouillon")
    [done] = await mod.say("/oubli confirmer")
    assert done.startswith("C'est fait")
    rows = table_rows(app.config.database)
    assert [(row[0], row[1]) for row in rows["broadcasts"]] == [(1, "announcement")]
    assert key not in repr(rows)


async def test_paused_chats_are_listed_until_subscribed_again(
    app: App, mod: ConsoleAdapter
) -> None:
    now = app.services.clock()
    await app.storage.subscriptions.subscribe(
        "telegram", "-1001", "group", "fr", now, title="Groupe Lyon"
    )
    group = ChatRef("telegram", "-1001", ChatKind.GROUP, "Groupe Lyon")
    assert await chat_paused(app.services, group, "no_permission")
    [listing] = await mod.say("/annonces")
    assert "Discussions en pause" in listing
    assert "• telegram : Groupe Lyon (no_permission)" in listing
    await app.storage.subscriptions.subscribe(
        "telegram", "-1001", "group", "fr", now, title="Groupe Lyon"
    )
    [listing] = await mod.say("/annonces")
    assert "en pause" not in listing


@pytest.mark.parametrize(
    "typed", ["/annonce [en] English only", "/annonce [EN]", "/annonce  [en]  "]
)
async def test_an_announcement_without_its_french_text_is_refused(
    app: App, mod: ConsoleAdapter, worker: DeliveryWorker, tmp_path: Path, typed: str
) -> None:
    """French chats get the French text: without it they would get an empty post."""
    await subscribe_members(app, tmp_path, ["ana"])
    [refused] = await mod.say(typed)
    assert refused.startswith("Écrivez d'abord le texte en français")
    [nothing] = await mod.say("/annonce confirmer")
    assert nothing == (await mod.say("/annonce confirmer 1"))[0]
    assert not nothing.startswith("Annonce n°")
    assert await worker.drain() == 0


async def test_a_new_draft_replaces_the_earlier_ones(
    app: App, mod: ConsoleAdapter, worker: DeliveryWorker, inbox: list[str], tmp_path: Path
) -> None:
    """« confirmer » without a number sends the text the moderator saw last, and a draft
    left behind cannot be sent later by mistake."""
    await subscribe_members(app, tmp_path, ["ana"])
    [first] = await mod.say("/annonce Premier brouillon")
    [second] = await mod.say("/annonce Second brouillon")
    assert "[/annonce confirmer 1]" in first and "[/annonce confirmer 2]" in second
    [stale] = await mod.say("/annonce confirmer 1")  # the first preview's button
    assert not stale.startswith("Annonce n°")
    [queued] = await mod.say("/annonce confirmer")
    assert queued.startswith("Annonce n°1 en cours d'envoi.")
    [nothing_left] = await mod.say("/annonce confirmer")
    assert nothing_left == stale
    await worker.drain()
    posts = [text for text in inbox if "Annonce de la campagne QuitGPT" in text]
    assert len(posts) == 1 and "Second brouillon" in posts[0]


@pytest.mark.parametrize(
    "typed",
    [
        "/annonce confirmer 0",
        "/annonce annuler 0",
        "/annonce annuler -1",
        "/annonce annuler 99999999999999999999999",
    ],
)
async def test_a_subcommand_with_a_wrong_number_is_not_an_announcement(
    mod: ConsoleAdapter, typed: str
) -> None:
    [refused] = await mod.say(typed)
    assert not refused.startswith("Aperçu de l'annonce")
    [nothing] = await mod.say("/annonce confirmer")
    assert not nothing.startswith("Annonce n°")
