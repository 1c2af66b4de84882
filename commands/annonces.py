"""/annonces: recent announcements and how far each has gone."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.report import delivery_counts
from bot.i18n import Raw, moment, number
from bot.seam import Reply
from commands.base import CommandSpec, Context
from storage.api.records import chat_detail

EXCERPT_CHARS = 60
RECENT = timedelta(days=7)


async def handle(ctx: Context) -> list[Reply]:
    storage = ctx.services.storage
    lines = []
    zone = ctx.services.config.timezone
    planned = [
        ctx.t(
            "broadcasts.scheduled_line",
            id=broadcast.id,
            date=moment(ctx.t, ctx.language, broadcast.publish_at, zone, minutes=True),
            languages="FR + EN" if broadcast.text_en else "FR",
            excerpt=_excerpt(broadcast.text),
        )
        for broadcast in await storage.outbox.scheduled_announcements()
        if broadcast.publish_at is not None
    ]
    published = []
    for broadcast in await storage.outbox.recent_announcements():
        counts = await storage.outbox.count_deliveries(broadcast.id)
        published.append(
            ctx.t(
                "broadcasts.line",
                id=broadcast.number,
                date=moment(ctx.t, ctx.language, broadcast.created_at, zone, minutes=True),
                status=Raw(ctx.t(f"broadcasts.status_{broadcast.status}")),
                **delivery_counts(ctx.t, counts),
                pending=number(ctx.t, counts.pending),
                excerpt=_excerpt(broadcast.text),
            )
        )
    if published:  # the header only over announcements: not over plans alone
        lines.append(ctx.t("broadcasts.list", lines=Raw("\n".join(published))))
    if planned:
        lines.append(ctx.t("broadcasts.scheduled", lines=Raw("\n".join(planned))))
    since = ctx.services.clock() - RECENT
    gone = await storage.audit.recent_audit(action="unsubscribed", since=since)
    dropped = [_chat_line(ctx, entry.platform, *chat_detail(entry.detail)) for entry in gone]
    if dropped:
        lines.append(ctx.t("broadcasts.dropped", lines=Raw("\n".join(dropped))))
    paused = [
        _chat_line(ctx, sub.platform, sub.chat_kind, sub.title, sub.pause_reason)
        for sub in await storage.subscriptions.list_subscriptions()
        if sub.pause_reason
    ]
    if paused:
        lines.append(ctx.t("broadcasts.paused", lines=Raw("\n".join(paused))))
    if not lines:
        return [ctx.reply("broadcasts.none", private=True)]
    return [Reply("\n".join(lines).lstrip("\n"), private=True)]


def _excerpt(text: str) -> str:
    excerpt = " ".join(text.split())
    return excerpt if len(excerpt) <= EXCERPT_CHARS else excerpt[: EXCERPT_CHARS - 1] + "…"


def _chat_line(ctx: Context, platform: str, kind: str, title: str, reason: str) -> str:
    """A chat by its name (groups and channels) or its kind: never an id."""
    chat = title or ctx.t(f"broadcasts.kind_{kind}" if kind else "broadcasts.kind_unknown")
    return ctx.t("broadcasts.dropped_line", platform=platform, chat=chat, reason=reason)


SPEC = CommandSpec(
    "annonces",
    handle,
    "help.annonces",
    aliases=("broadcasts",),
    localized={"en": "broadcasts"},
    moderator_only=True,
    answers_privately=True,
)
