"""Subscribing chats: who may, and a chat subscribed twice stays subscribed once."""

from __future__ import annotations

from bot.app import App
from bot.seam import ChatKind, ChatRef, Sender


async def say_in_group(app: App, text: str, *, admin: bool) -> str:
    chat = ChatRef("telegram", "-100200", ChatKind.GROUP)
    msg = app.dispatcher.message(chat, Sender("42", "fr", is_chat_admin=admin), text)
    assert msg is not None
    [reply] = await app.dispatcher.handle(msg)
    return reply.text


async def test_private_member_subscribes_once_and_unsubscribes(app: App, console) -> None:
    [first] = await console.say("/abonner")
    [second] = await console.say("/abonner")
    assert first.startswith("C'est fait")
    assert second == "Cette discussion est déjà abonnée. /desabonner pour arrêter."
    assert len(await app.storage.subscriptions.list_subscriptions()) == 1
    [gone] = await console.say("/desabonner")
    assert gone.startswith("C'est fait : cette discussion ne recevra plus")
    [again] = await console.say("/desabonner")
    assert again == "Cette discussion n'était pas abonnée."


async def test_only_group_admins_manage_a_group_subscription(app: App) -> None:
    refused = await say_in_group(app, "/abonner", admin=False)
    assert refused.startswith("Seuls les administrateurs de cette discussion")
    assert await app.storage.subscriptions.list_subscriptions() == []
    assert (await say_in_group(app, "/abonner épinglé", admin=True)).startswith("C'est fait")
    sub = await app.storage.subscriptions.get_subscription("telegram", "-100200")
    assert sub is not None and sub.pinned and sub.chat_kind == "group"
    assert (await say_in_group(app, "/abonner épinglé", admin=True)).startswith(
        "Cette discussion est déjà abonnée, avec le compteur en un seul message épinglé."
    )
    assert (await say_in_group(app, "/desabonner", admin=False)).startswith(
        "Seuls les administrateurs"
    )


async def test_english_subscription(console_en) -> None:
    [reply] = await console_en.say("/subscribe")
    assert reply.startswith("Done: this chat will receive")
