"""Announcements planned ahead on each backend: kept with their time and English text,
never taken for a draft awaiting confirmation, published by one of the instances racing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.api.protocols import Storage
from storage.api.records import Action, NewDelivery

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)
DUE = datetime(2026, 12, 1, 17, tzinfo=UTC)
AUTHOR = "member-5c1ed"


async def plan(storage: Storage, text: str, publish_at: datetime) -> int:
    return await storage.outbox.create_draft(
        text=text,
        text_en=f"{text} (en)",
        content_hash=text,
        author_platform="console",
        author=AUTHOR,
        origin_language="fr",
        now=NOW,
        publish_at=publish_at,
        audit=Action("console", AUTHOR, "schedule"),
    )


async def test_a_plan_is_kept_apart_from_drafts_and_audited(storage: Storage) -> None:
    later = await plan(storage, "Plus tard", DUE + timedelta(days=1))
    sooner = await plan(storage, "Bientôt", DUE)
    assert await storage.outbox.latest_draft("console", AUTHOR) is None
    planned = await storage.outbox.scheduled_announcements()
    assert [(b.id, b.publish_at, b.text_en) for b in planned] == [
        (sooner, DUE, "Bientôt (en)"),
        (later, DUE + timedelta(days=1), "Plus tard (en)"),
    ]
    assert planned[0].text_in("en") == "Bientôt (en)" and planned[0].text_in("fr") == "Bientôt"
    entries = await storage.audit.recent_audit(action="schedule")
    assert {(e.actor, e.detail) for e in entries} == {
        (AUTHOR, f"broadcast={later}"),
        (AUTHOR, f"broadcast={sooner}"),
    }
    draft = await storage.outbox.create_draft(
        text="Brouillon",
        content_hash="b",
        author_platform="console",
        author=AUTHOR,
        origin_language="fr",
        now=NOW,
    )
    found = await storage.outbox.latest_draft("console", AUTHOR)
    assert found is not None and (found.id, found.publish_at, found.text_en) == (draft, None, "")
    assert await storage.outbox.cancel_broadcast(later, NOW, Action("console", AUTHOR, "x")) == 0
    assert [b.id for b in await storage.outbox.scheduled_announcements()] == [sooner]


async def test_a_plan_is_published_by_one_of_the_instances_racing(storage: Storage) -> None:
    planned = await plan(storage, "Rassemblement", DUE)
    post = [NewDelivery("console", "groupe", "group", "Rassemblement", DUE)]
    racing = await asyncio.gather(
        *(storage.outbox.start_broadcast(post, DUE, draft_id=planned) for _ in range(4))
    )
    assert racing.count(planned) == 1 and racing.count(None) == 3
    assert await storage.outbox.scheduled_announcements() == []
    published = await storage.outbox.get_broadcast(planned)
    assert published is not None and (published.status, published.number) == ("sending", 1)
    counts = await storage.outbox.count_deliveries(planned)
    assert counts.pending == 1
