"""What every backend promises the bot, area by area, through the storage API alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.api.protocols import Storage
from storage.api.records import (
    BOT,
    KEEP_AUDIT,
    Action,
    Asker,
    Kind,
    MemberData,
    NewDelivery,
    NewPledge,
    chat_detail,
)

NOW = datetime(2026, 3, 6, 12, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=5)


def post(chat: str, kind: str = "group", *, pinned: bool = False) -> NewDelivery:
    return NewDelivery("telegram", chat, kind, f"to {chat}", NOW, edit_pinned=pinned)


async def test_a_chat_is_subscribed_once_and_paused_until_subscribed_again(
    storage: Storage,
) -> None:
    subs = storage.subscriptions
    assert await subs.subscribe("telegram", "-1", "group", "fr", NOW, title="Old", topic="7")
    assert not await subs.subscribe("telegram", "-1", "group", "en", NOW, title="New")
    assert await subs.subscribe("telegram", "42", "private", "fr", NOW, title="Alice")
    group = await subs.get_subscription("telegram", "-1")
    assert group is not None and (group.language, group.title, group.topic) == ("fr", "New", "")
    private = await subs.get_subscription("telegram", "42")
    assert private is not None and private.title == ""  # a member's name is never kept
    paused = await subs.pause_chat("telegram", "-1", "cannot_post", NOW)
    assert paused is not None and paused.pause_reason == "cannot_post"
    assert [s.chat_id for s in await subs.list_subscriptions(paused_before=NOW)] == ["42"]
    assert len(await subs.list_subscriptions(paused_before=NOW + timedelta(seconds=1))) == 2
    await subs.subscribe("telegram", "-1", "group", "fr", NOW, title="New")
    assert len(await subs.list_subscriptions(paused_before=NOW)) == 2
    assert await subs.set_pinned("telegram", "-1", True)
    await subs.set_tally_message("telegram", "-1", "99")
    pinned = await subs.get_subscription("telegram", "-1")
    assert pinned is not None and (pinned.pinned, pinned.tally_message_id) == (True, "99")
    assert await subs.unsubscribe("telegram", "-1") and not await subs.unsubscribe("telegram", "-1")
    assert await subs.pause_chat("telegram", "-1", "cannot_post", NOW) is None


async def test_a_moved_or_gone_chat_is_followed_and_audited_without_its_ids(
    storage: Storage,
) -> None:
    subs = storage.subscriptions
    await subs.subscribe("telegram", "-1", "group", "fr", NOW, title="Campagne")
    await storage.outbox.start_broadcast([post("-1")], NOW, kind="tally")
    moved = await subs.move_subscription("telegram", "-1", "-100", NOW)
    assert moved is not None and moved.chat_id == "-100"
    [claimed] = await storage.deliveries.claim_deliveries("telegram", NOW, LEASE, 10)
    assert claimed.chat_id == "-100"  # its pending post follows it
    gone = await subs.drop_gone_chat("telegram", "-100", "blocked", NOW)
    assert gone is not None and await subs.list_subscriptions() == []
    assert await subs.drop_gone_chat("telegram", "-100", "blocked", NOW) is None
    entries = await storage.audit.recent_audit()
    assert [(e.actor, e.action) for e in entries] == [(BOT, "unsubscribed"), (BOT, "moved")]
    assert chat_detail(entries[0].detail) == ("group", "Campagne", "blocked")
    assert all("-1" not in e.detail for e in entries)


async def test_deliveries_go_in_order_per_chat_and_finish_their_broadcast(
    storage: Storage,
) -> None:
    await storage.subscriptions.subscribe("telegram", "-1", "group", "fr", NOW)
    first = await storage.outbox.start_broadcast([post("-1", pinned=True), post("-2")], NOW)
    second = await storage.outbox.start_broadcast([post("-1")], NOW, kind="tally")
    assert first is not None and second is not None
    deliveries = storage.deliveries
    claimed = await deliveries.claim_deliveries("telegram", NOW, LEASE, 10)
    assert [(d.broadcast_id, d.chat_id) for d in claimed] == [(first, "-1"), (first, "-2")]
    assert await deliveries.claim_deliveries("telegram", NOW, LEASE, 10) == []  # leased
    assert await deliveries.next_due_time("telegram") == LEASE
    to_one, to_two = claimed
    await deliveries.record_part(to_one.id, 1, "m-1")
    sent = await deliveries.claim_deliveries("telegram", LEASE, LEASE + timedelta(minutes=5), 1)
    assert [(d.id, d.parts_sent, d.message_id) for d in sent] == [(to_one.id, 1, "m-1")]
    assert not await deliveries.finish_delivery(sent[0], "sent", NOW, attempts=1)
    pinned = await storage.subscriptions.get_subscription("telegram", "-1")
    assert pinned is not None and pinned.tally_message_id == "m-1"
    later = NOW + timedelta(hours=1)
    await deliveries.reschedule(to_two, later, attempts=1, failures=1)
    assert [b.pending for b in await deliveries.outbox_backlog(NOW)] == [2]
    assert await deliveries.finish_delivery(to_two, "failed", later, attempts=2, error="http")
    counts = await storage.outbox.count_deliveries(first)
    assert (counts.sent, counts.failed, counts.pending, counts.errors) == (1, 1, 0, {"http": 1})
    assert await deliveries.delivery_status(to_two.id) == "failed"
    assert await deliveries.release_claims("telegram") == 0


async def test_an_announcement_is_drafted_numbered_once_published_and_cancelled(
    storage: Storage,
) -> None:
    outbox, action = storage.outbox, Action("console", "mod-key", "broadcast")
    drafts = [
        await outbox.create_draft(
            text=f"Annonce {n}",
            content_hash=f"hash-{n}",
            author_platform="console",
            author="mod-key",
            origin_language="fr",
            now=NOW,
        )
        for n in range(3)
    ]
    latest = await outbox.latest_draft("console", "mod-key")
    assert latest is not None and latest.id == drafts[-1]
    assert await outbox.start_broadcast([post("-1")], NOW, draft_id=drafts[2], audit=action)
    assert await outbox.start_broadcast([post("-1")], NOW, draft_id=drafts[2]) is None
    assert await outbox.cancel_broadcast(drafts[1], NOW, action) == 0  # a draft: nothing sent
    assert await outbox.start_broadcast([], NOW, draft_id=drafts[0]) is not None
    published = [(b.id, b.number) for b in await outbox.recent_announcements()]
    assert published == [(drafts[0], 2), (drafts[2], 1)]  # the cancelled draft left no gap
    found = await outbox.numbered_announcement(2)
    assert found is not None and found.id == drafts[0]
    assert [b.id for b in await outbox.unreported_announcements()] == [drafts[0]]
    duplicate = await outbox.find_recent_duplicate("hash-2", NOW - timedelta(days=1))
    assert duplicate is not None and duplicate.id == drafts[2]
    assert await outbox.find_recent_duplicate("hash-1", NOW - timedelta(days=1)) is None
    assert await outbox.cancel_broadcast(drafts[2], NOW, action) == 1
    assert await outbox.cancel_broadcast(drafts[2], NOW, action) is None
    assert [e.detail for e in await storage.audit.recent_audit(action="broadcast")] == [
        f"broadcast={drafts[2]} stopped=1",
        f"broadcast={drafts[1]} stopped=0",
        f"broadcast={drafts[2]}",
    ]


async def test_the_audit_keeps_a_year(storage: Storage) -> None:
    audit = storage.audit
    year_ago = NOW - KEEP_AUDIT - timedelta(seconds=1)
    await audit.record_audit("console", "mod-key", "refused", "/annonce", year_ago)
    await audit.record_audit("console", "mod-key", "reload", "", NOW - timedelta(days=1))
    assert [e.action for e in await audit.recent_audit()] == ["reload", "refused"]
    await audit.record_audit("console", "other-key", "refused", "/oubli", NOW)
    assert [e.action for e in await audit.recent_audit()] == ["refused", "reload"]
    assert [e.actor for e in await audit.recent_audit(action="refused")] == ["other-key"]
    assert len(await audit.recent_audit(since=NOW - timedelta(hours=1))) == 1
    assert len(await audit.recent_audit(limit=1)) == 1


async def test_a_member_is_read_and_erased_whole(storage: Storage) -> None:
    member, asker = "alice-key", Asker("alice-asker")
    await storage.pledges.pledge_intake(())(NewPledge(member, "telegram", Kind.APP, 1, NOW))
    await storage.subscriptions.subscribe("telegram", "42", "private", "fr", NOW)
    await storage.outbox.start_broadcast([post("42", "private")], NOW, kind="tally")
    await storage.audit.record_audit("telegram", member, "refused", "/annonce", NOW)
    await storage.questions.add_answered_question("brockman", "brockman", "fact-a", asker, NOW)
    data = await storage.members.member_data("telegram", member, "42")
    assert data.pledge is not None and data.pledge.kinds == Kind.APP
    assert (data.private_subscription, data.pending_posts, data.audit_entries) == (True, 1, 1)
    assert await storage.members.erase_member("telegram", member, "42", asker, NOW) == 5
    assert await storage.members.member_data("telegram", member, "42") == MemberData(
        None, False, 0, 0, 0
    )
    assert (await storage.questions.member_question_data(asker, NOW)).awaiting_feedback == 0
    assert (await storage.pledges.get_tally(NOW)).total == 0
    await storage.members.destroy_erased()
    assert await storage.members.erase_member("telegram", member, "42", asker, NOW) == 0


async def test_settings_are_kept(storage: Storage) -> None:
    assert await storage.settings.get_setting("k") is None
    await storage.settings.put_setting("k", "v1")
    await storage.settings.put_setting("k", "v2")
    assert await storage.settings.get_setting("k") == "v2"
