"""The report a moderator gets when their announcement has reached every chat."""

from __future__ import annotations

from functools import partial

from bot.i18n import Raw, Translate, number
from bot.seam import ChatKind
from bot.services import Services
from storage.api.records import Broadcast, Cause, NewDelivery
from storage.api.records import Counts as DeliveryCounts


async def report_markup(services: Services, broadcast: Broadcast, language: str) -> str:
    counts = await services.storage.outbox.count_deliveries(broadcast.id)
    t = services.catalogues.get
    reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(counts.errors.items()))
    return t(
        language,
        "broadcast.report",
        id=broadcast.number,
        **delivery_counts(partial(t, language), counts),
        reasons=Raw(t(language, "broadcast.report_reasons", reasons=reasons) if reasons else ""),
    )


def delivery_counts(t: Translate, counts: DeliveryCounts) -> dict[str, Raw]:
    """Each count as its own phrase, so each noun agrees with its own number."""
    return {
        "sent": Raw(t("broadcast.reached", count=number(t, counts.sent))),
        "failed": Raw(t("broadcast.failures", count=number(t, counts.failed))),
        "unsubscribed": Raw(t("broadcast.unsubscribed", count=number(t, counts.unsubscribed))),
    }


async def queue_report(services: Services, broadcast: Broadcast) -> None:
    """Queue the report to its author's private chat, marking it reported in the same
    transaction (once only, whichever worker gets there first).

    Only the author's member key is stored: their user id, which is also their
    private chat's, is found again among the configured moderators. (A moderator
    by Discord role only has no configured id: they read /annonces instead.)
    """
    platform, author = broadcast.author_platform, broadcast.author
    user_id = services.configured_moderator(platform, author) if platform and author else None
    targets = []
    now = services.clock()
    if platform is not None and user_id is not None:
        language = broadcast.origin_language or services.config.default_language
        text = await report_markup(services, broadcast, language)
        targets.append(NewDelivery(platform, user_id, ChatKind.PRIVATE.value, text, now))
    cause = Cause(report_of=broadcast.id)
    if (
        await services.storage.outbox.start_broadcast(targets, now, kind="report", cause=cause)
        and targets
    ):
        services.wake_delivery()
