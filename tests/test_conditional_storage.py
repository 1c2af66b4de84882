"""Conditional pledges and their sealed notices on each backend: counted apart, made firm in
the pledge's transaction, each notice queued once and forgotten with its pledge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from storage.api.conditional import met_threshold
from storage.api.protocols import Storage
from storage.api.records import Asker, DueNotice, Kind, NewDelivery, NewPledge, NoticeKind
from tests.storage_backends import Backend

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
SEALED = b"\x00sealed elsewhere\xff"
FIRM, FOLLOWUP = NoticeKind.FIRM, NoticeKind.FOLLOWUP


def pledge(member: str, threshold: int | None = None) -> NewPledge:
    return NewPledge(member, "telegram", Kind.CANCEL, 2, NOW, threshold)


def message(member: str) -> NewDelivery:
    buttons = ((("Guide", "/resilier"),), (("Fait", "/accompli"),))
    return NewDelivery("telegram", f"chat-of-{member}", "private", "firm!", NOW, buttons=buttons)


async def add(storage: Storage, *pledges: NewPledge) -> None:
    intake = storage.pledges.pledge_intake(())
    for one in pledges:
        assert (await intake(one)).created


def counted(backend: Backend, storage: Storage) -> tuple[int, int]:
    """(firm, conditional), the slow way."""
    [(firm, conditional)] = backend.rows(
        storage,
        "SELECT SUM(CASE WHEN threshold IS NULL THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN threshold IS NULL THEN 0 ELSE 1 END) FROM pledges",
    )
    return firm or 0, conditional or 0


async def test_conditional_pledges_count_apart_until_met(
    storage: Storage, backend: Backend
) -> None:
    await add(storage, pledge("a", 2), pledge("b", 3))
    tally = await storage.pledges.get_tally(NOW)
    assert (tally.total, tally.conditional, tally.last_day) == (0, 2, 0)
    assert counted(backend, storage) == (0, 2)
    added = await storage.pledges.pledge_intake(())(pledge("c"))  # a has 2 others: b waits
    assert (added.total, added.firmed) == (1, 0)
    intake = storage.pledges.pledge_intake((2, 4))  # milestones: the firmed ones reach 4
    added = await intake(pledge("d"))  # a: 2 firm others; then b: 3
    assert (added.total, added.firmed, added.crossed) == (4, 2, (2, 4))
    tally = await storage.pledges.get_tally(NOW + timedelta(hours=1))
    assert (tally.total, tally.conditional, tally.platforms) == (4, 0, {"telegram": 4})
    assert counted(backend, storage) == (4, 0)
    firmed = await storage.pledges.get_pledge("a")
    assert firmed is not None and firmed.threshold is None


async def test_a_notice_is_kept_only_for_a_waiting_pledge_and_queued_once(
    storage: Storage, backend: Backend
) -> None:
    await add(storage, pledge("a", 1), pledge("firm"))  # a's threshold met at once
    assert not await storage.notices.keep_notice("a", FIRM, SEALED)
    assert not await storage.notices.keep_notice("nobody", FIRM, SEALED)
    await add(storage, pledge("b", 4), pledge("c", 4))
    assert await storage.notices.keep_notice("b", FIRM, SEALED)
    assert await storage.notices.member_notices("b") == {FIRM: None}
    assert await storage.notices.member_notices("c") == {}
    assert await storage.notices.due_notices(NOW, 10) == []
    waiting = DueNotice("b", FIRM, SEALED)
    assert await storage.notices.queue_notices([(waiting, message("b"))], NOW) == 0  # not due
    await add(storage, pledge("d"))  # firm: a, firm, d; b and c have 4 others each
    assert await storage.notices.due_notices(NOW - timedelta(seconds=1), 10) == []
    [due] = await storage.notices.due_notices(NOW, 10)
    assert due == waiting
    assert await storage.notices.queue_notices([(due, message("b"))], NOW) == 1
    assert await storage.notices.queue_notices([(due, message("b"))], NOW) == 0
    assert await storage.notices.due_notices(NOW, 10) == []
    assert backend.rows(storage, "SELECT COUNT(*) FROM pledge_notices") == [(0,)]
    [delivery] = await storage.deliveries.claim_deliveries("telegram", NOW, NOW + timedelta(1), 5)
    assert (delivery.chat_id, delivery.text) == ("chat-of-b", "firm!")
    assert delivery.buttons == ((("Guide", "/resilier"),), (("Fait", "/accompli"),))


async def test_a_notice_goes_with_its_pledge(storage: Storage, backend: Backend) -> None:
    await add(storage, pledge("a", 5), pledge("b", 5), pledge("c", 5))
    for member in ("a", "b", "c"):
        assert await storage.notices.keep_notice(member, FIRM, SEALED)
    assert await storage.pledges.delete_pledge("a")
    assert await storage.notices.keep_notice("b", FOLLOWUP, SEALED, NOW + timedelta(days=3))
    assert (await storage.members.member_data("telegram", "b", "uid-b")).notices == 2
    await storage.members.erase_member("telegram", "b", "uid-b", Asker("asker-b"), NOW)
    assert (await storage.members.member_data("telegram", "b", "uid-b")).notices == 0
    done = await storage.pledges.mark_pledge_done("c", NOW)
    assert done is not None and done.threshold is None and done.done_at is not None
    assert backend.rows(storage, "SELECT COUNT(*) FROM pledge_notices") == [(0,)]
    tally = await storage.pledges.get_tally(NOW)
    assert (tally.total, tally.done, tally.conditional) == (1, 1, 0)
    assert counted(backend, storage) == (1, 0)


async def test_forgetting_a_notice(storage: Storage) -> None:
    await add(storage, pledge("a", 5))
    assert await storage.notices.keep_notice("a", FIRM, SEALED)
    assert await storage.notices.forget_notice("a", FIRM)
    assert not await storage.notices.forget_notice("a", FIRM)
    assert await storage.notices.member_notices("a") == {}


async def test_a_followup_is_due_at_its_time_once_and_not_for_a_pledge_carried_out(
    storage: Storage,
) -> None:
    await add(storage, pledge("a"), pledge("b"))
    later = NOW + timedelta(days=3)
    assert await storage.notices.keep_notice("a", FOLLOWUP, SEALED, later)
    assert await storage.notices.keep_notice("b", FOLLOWUP, SEALED, later)
    assert await storage.notices.member_notices("a") == {FOLLOWUP: later}
    assert await storage.pledges.mark_pledge_done("b", NOW) is not None
    assert not await storage.notices.keep_notice("b", FOLLOWUP, SEALED, later)
    assert await storage.notices.due_notices(later - timedelta(seconds=1), 10) == []
    [due] = await storage.notices.due_notices(later, 10)
    assert due == DueNotice("a", FOLLOWUP, SEALED)
    assert await storage.notices.queue_notices([(due, message("a"))], later) == 1
    assert await storage.notices.due_notices(later + timedelta(days=30), 10) == []


@given(
    firm=st.integers(0, 30),
    thresholds=st.lists(st.integers(1, 40), max_size=30),
)
def test_met_threshold_is_the_fixed_point(firm: int, thresholds: list[int]) -> None:
    """Every pledge made firm has that many others counted, and no higher threshold would
    be met even counting every pledge waiting on it or less."""
    waiting = sorted({t: thresholds.count(t) for t in thresholds}.items())
    met = met_threshold(firm, waiting)
    made_firm = [t for t in thresholds if met is not None and t <= met]
    assert all(firm + len(made_firm) - 1 >= t for t in made_firm)
    for t in thresholds:
        if met is None or t > met:
            assert firm + sum(1 for x in thresholds if x <= t) - 1 < t
