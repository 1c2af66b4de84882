"""The report a moderator gets when their announcement has reached every chat."""

from __future__ import annotations

from bot.i18n import Raw
from bot.services import Services
from storage.outbox import Broadcast, NewDelivery, count_deliveries, start_broadcast


async def report_markup(services: Services, broadcast: Broadcast, language: str) -> str:
    counts = await count_deliveries(services.db, broadcast.id)
    t = services.catalogues.get
    reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(counts.errors.items()))
    return t(
        language,
        "broadcast.report",
        id=broadcast.id,
        sent=counts.sent,
        failed=counts.failed,
        reasons=Raw(t(language, "broadcast.report_reasons", reasons=reasons) if reasons else ""),
        unsubscribed=counts.unsubscribed,
    )


async def queue_report(services: Services, broadcast: Broadcast) -> None:
    """Queue the report to the chat the announcement was confirmed from."""
    if not (broadcast.author_platform and broadcast.origin_chat_id and broadcast.origin_chat_kind):
        return
    language = broadcast.origin_language or services.config.default_language
    text = await report_markup(services, broadcast, language)
    now = services.clock()
    target = NewDelivery(
        broadcast.author_platform, broadcast.origin_chat_id, broadcast.origin_chat_kind, text, now
    )
    await start_broadcast(services.db, [target], now, kind="report")
    services.wake_delivery()
