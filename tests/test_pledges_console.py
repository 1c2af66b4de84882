"""Pledging through the console: the notice, thanks, pledging again, changing, withdrawing."""

from __future__ import annotations

import asyncio

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.seam import ChatKind, ChatRef, Sender

ADD, REMOVE = "\N{HEAVY PLUS SIGN}", "\N{HEAVY MINUS SIGN}"

NOTICE_BUTTONS = (
    "[/engagement resilier ok2] ✊ résilier l'abonnement ChatGPT\n"
    "[/engagement appli ok2] ✊ supprimer l'appli ChatGPT\n"
    "[/engagement changer ok2] ✊ passer à un autre assistant\n"
    "[/engagement resilier+appli+changer ok2] ✊ les trois à la fois\n"
    + "\n".join(
        f"[/engagement resilier si{n} ok2] 🤝 résilier l'abonnement ChatGPT, "
        f"si {shown} autres le font"
        for n, shown in ((1000, "1\u202f000"), (10000, "10\u202f000"), (100000, "100\u202f000"))
    )
)


async def total(console: ConsoleAdapter) -> str:
    [tally] = await console.say("/compteur")
    return tally.split("\n")[1]


async def test_first_pledge_shows_the_notice_then_thanks(console: ConsoleAdapter) -> None:
    [notice] = await console.say("/engagement")
    assert notice.startswith("Avant d'enregistrer votre engagement\nQuitGPT recueille")
    assert "un engagement révèle une opinion politique" in notice
    assert "• Pour voir ce qui est gardé : /mesdonnees" in notice
    assert "• Pour tout effacer, à tout moment : /oubli" in notice
    assert notice.endswith("cette notice (version 2).\n" + NOTICE_BUTTONS)
    [nobody] = await console.say("/compteur")
    assert nobody.startswith("Personne ne s'est encore engagé.")
    [thanks] = await console.say("/pledge cancel ok2")
    assert thanks == (
        "Merci ! Votre engagement est enregistré : résilier l'abonnement ChatGPT.\n"
        "Le compteur est maintenant à 1 engagement.\n\n"
        "Pour résilier pas à pas, suivez le guide. Quand c'est fait : /accompli.\n"
        "[/resilier] 📖 Guide de résiliation\n"
        "[/engagement rappel 3] ⏰ Rappelle-moi dans 3 jours\n"
        "[/engagement rappel 7] ⏰ Rappelle-moi dans 7 jours\n"
        "[/partager] 📣 Le dire dans la discussion"
    )
    assert await total(console) == "Engagements : 1"


async def test_pledging_again_shows_the_pledge_and_offers_to_change_it(
    console: ConsoleAdapter,
) -> None:
    await console.say("/engagement resilier ok2")
    [current] = await console.say("/engagement")
    assert current.startswith(
        "Votre engagement est déjà enregistré, et il ne compte qu'une fois : "
        "résilier l'abonnement ChatGPT (depuis le "
    )
    assert current.endswith(
        "Pour le modifier, ajoutez ou enlevez un choix :\n"
        f"[/engagement resilier+appli] {ADD} supprimer l'appli ChatGPT\n"
        f"[/engagement resilier+changer] {ADD} passer à un autre assistant\n"
        "[/accompli] ✅ J'ai résilié\n"
        "[/partager] 📣 Le dire dans la discussion\n"
        "[/retirer] ↩️ Retirer mon engagement"
    )
    [changed] = await console.say("/pledge cancel+app")
    assert changed.startswith(
        "C'est noté, votre engagement est modifié : "
        "résilier l'abonnement ChatGPT, supprimer l'appli ChatGPT"
    )
    assert f"[/engagement appli] {REMOVE} résilier l'abonnement ChatGPT" in changed
    assert f"[/engagement resilier+appli+changer] {ADD} passer à un autre assistant" in changed
    [again] = await console.say("/pledge switch ok2")  # an old notice's button
    assert again.startswith("Votre engagement est déjà enregistré")
    [tally] = await console.say("/compteur")
    assert "Engagements : 1\n" in tally
    assert "• résilier l'abonnement ChatGPT : 1\n• supprimer l'appli ChatGPT : 1" in tally


async def test_a_typed_choice_gets_the_notice_for_that_choice(console: ConsoleAdapter) -> None:
    [notice] = await console.say("/engagement Résilier, appli")
    assert notice.startswith("Avant d'enregistrer votre engagement")
    assert notice.endswith(
        "(version 2).\n"
        "[/engagement resilier+appli ok2] ✊ résilier l'abonnement ChatGPT, "
        "supprimer l'appli ChatGPT\n" + NOTICE_BUTTONS
    )
    [stale] = await console.say("/pledge cancel ok0")
    assert stale.startswith("Avant d'enregistrer votre engagement")
    [nobody] = await console.say("/compteur")
    assert nobody.startswith("Personne ne s'est encore engagé.")
    [unknown] = await console.say("/engagement *beaucoup*")
    assert unknown == (
        "Je ne connais pas « *beaucoup* ». Écrivez /engagement seul pour choisir avec les "
        "boutons, ou par exemple /engagement resilier appli."
    )


async def test_the_same_member_pledging_twice_at_once_counts_once(
    console: ConsoleAdapter,
) -> None:
    first, second = await asyncio.gather(
        console.say("/pledge cancel ok2"), console.say("/pledge cancel ok2")
    )
    answers = sorted(first + second)
    assert answers[0].startswith("Merci ! Votre engagement est enregistré")
    assert answers[1].startswith("Votre engagement est déjà enregistré")
    assert await total(console) == "Engagements : 1"


async def test_withdraw_and_pledge_again(console: ConsoleAdapter) -> None:
    [none] = await console.say("/retirer")
    assert none == "Vous n'avez pas d'engagement enregistré. Pour vous engager : /engagement."
    await console.say("/pledge app ok2")
    [withdrawn] = await console.say("/retirer")
    assert withdrawn.startswith(
        "Votre engagement est retiré : il n'est plus enregistré ni compté. "
        "Le compteur est maintenant à 0."
    )
    [notice] = await console.say("/engagement")
    assert notice.startswith("Avant d'enregistrer votre engagement")
    await console.say("/pledge switch ok2")
    assert await total(console) == "Engagements : 1"


async def test_done_is_worded_after_what_was_pledged(console_en: ConsoleAdapter) -> None:
    await console_en.say("/pledge app ok2")
    [done] = await console_en.say("/done")
    assert done.startswith("Well done! Noted: pledge carried out (delete the ChatGPT app).")
    assert "cancel" not in done


async def test_marking_the_pledge_done(console: ConsoleAdapter) -> None:
    [none] = await console.say("/accompli")
    assert none.startswith("Vous n'avez pas d'engagement enregistré.")
    await console.say("/pledge cancel ok2")
    [done] = await console.say("/done")
    assert done == (
        "Bravo ! C'est noté : engagement tenu (résilier l'abonnement ChatGPT).\n"
        "Engagements tenus : 1 sur 1."
    )
    [already] = await console.say("/accompli")
    assert already.startswith(
        "C'est déjà noté : engagement tenu (résilier l'abonnement ChatGPT) le "
    )
    [current] = await console.say("/engagement")
    assert "/accompli" not in current
    [tally] = await console.say("/compteur")
    assert "Déjà tenus : 1" in tally


async def test_english_member(console_en: ConsoleAdapter) -> None:
    [notice] = await console_en.say("/pledge")
    assert notice.startswith("Before your pledge is recorded\nQuitGPT collects pledges")
    assert "[/pledge cancel ok2] ✊ cancel the ChatGPT subscription" in notice
    [thanks] = await console_en.say("/pledge all ok2")
    assert thanks.startswith(
        "Thank you! Your pledge is recorded: cancel the ChatGPT subscription, "
        "delete the ChatGPT app, switch to another assistant.\n"
        "The tally now stands at 1 pledge: yours."
    )
    [tally] = await console_en.say("/tally")
    assert tally.startswith("QuitGPT tally\nPledges: 1\nCarried out: 0")


async def test_the_cancellation_guide(console: ConsoleAdapter, console_en: ConsoleAdapter) -> None:
    [guide] = await console.say("/résilier")
    assert guide.startswith("Résilier ChatGPT, pas à pas")
    for step in (
        "Contrôles des données → Exporter les données",
        "chatgpt.com (https://chatgpt.com) → votre profil → Paramètres",
        "(https://apps.apple.com/account/subscriptions)",
        "(https://play.google.com/store/account/subscriptions)",
        "Supprimer l'appli ne résilie pas l'abonnement.",
        "Claude (d'Anthropic) et Gemini (de Google)",
        "déconseillent explicitement Grok",
    ):
        assert step in guide
    assert guide.endswith("[/accompli] ✅ J'ai résilié")
    [english] = await console_en.say("/guide")
    assert "Settings → Data controls → Export data" in english
    # Grok is named as the article names it: "xAI" appears in no source article.
    assert "Grok (développé par Elon Musk)" in guide
    assert "xAI" not in guide + english


async def test_every_button_fits_in_telegram_callback_data(app: App) -> None:
    chat, sender = ChatRef("telegram", "123456789012", ChatKind.PRIVATE), Sender("123456789012")
    lines = ["/pledge", "/pledge tout", "/pledge cancel+app+switch ok2", "/pledge cancel"]
    lines += ["/pledge", "/compteur", "/resilier", "/mesdonnees", "/oubli"]
    actions = []
    for line in lines:
        msg = app.dispatcher.message(chat, sender, line)
        assert msg is not None
        for reply in await app.dispatcher.handle(msg):
            actions += [button.action for row in reply.buttons for button in row]
    assert len(actions) > 15
    assert max(len(action.encode()) for action in actions) <= 64


async def test_sharing_a_pledge_says_it_only_when_asked(console: ConsoleAdapter) -> None:
    assert await console.say("/partager") == [
        "Vous n'avez pas d'engagement enregistré. Pour vous engager : /engagement."
    ]
    await console.say("/pledge cancel+switch ok2")
    [pledged] = await console.say("/partager")
    assert pledged.startswith(
        "✊ Je m'engage à quitter ChatGPT (résilier l'abonnement ChatGPT, passer à un autre"
    )
    await console.say("/accompli")
    [done] = await console.say("/share")
    assert done.startswith("✊ C'est fait : j'ai quitté ChatGPT (")
    assert done.endswith("Le compteur QuitGPT est à 1 engagement. Et vous ? /engagement")
