"""/annonce programmer and deprogrammer: an announcement planned for a time, in the
campaign's time zone, and a plan cancelled before its time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.delivery.outbox import cancel_announcement, draft_announcement
from bot.i18n import moment
from bot.seam import Button, Reply
from commands.annonce_texts import bodies, by_language, content_hash, number_in
from commands.base import Context, UserError
from commands.pledging import member_of
from storage.api.records import Action

FURTHEST_PLAN = timedelta(days=366)
# `2026-12-01 18:00` (or `18h`, `18h30`), in the campaign's time zone.
WHEN = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})\s+(\d{1,2})(?:[:h](\d{2})?)?(?=\s|$)")


def _publish_at(ctx: Context, rest: str) -> tuple[datetime, str]:
    """The time a plan names, in the campaign's time zone, and the text after it."""
    zone = ctx.services.config.timezone
    found = WHEN.match(rest)
    try:
        if found is None:
            raise ValueError(rest)
        day, hour, minute = found.groups()
        local = datetime.strptime(f"{day} {hour}:{minute or '00'}", "%Y-%m-%d %H:%M")
    except ValueError:
        raise UserError("broadcast.schedule_malformed", zone=zone) from None
    publish_at = local.replace(tzinfo=ZoneInfo(zone))
    # A time the clocks skip (02:30 the night summer time starts) comes back another.
    if publish_at.astimezone(UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None) != local:
        raise UserError(
            "broadcast.schedule_no_such_time", day=day, time=f"{hour}:{minute or '00'}", zone=zone
        )
    return publish_at, rest[found.end() :].strip()


async def schedule(ctx: Context, rest: str) -> list[Reply]:
    """Keep an announcement confirmed for a later time, audited with it."""
    services, zone = ctx.services, ctx.services.config.timezone
    publish_at, text = _publish_at(ctx, rest)
    when = moment(ctx.t, ctx.language, publish_at, zone, minutes=True)
    if publish_at <= services.clock():
        raise UserError("broadcast.schedule_past", moment=when)
    if publish_at > (latest := services.clock() + FURTHEST_PLAN):
        raise UserError(
            "broadcast.schedule_too_far",
            moment=moment(ctx.t, ctx.language, latest, zone, minutes=True),
        )
    french, english = by_language(text)
    if not french:
        raise UserError("broadcast.french_missing")
    action = Action(ctx.msg.platform, member_of(ctx), "schedule", f"at={publish_at.isoformat()}")
    draft_id = await draft_announcement(
        services,
        french,
        text_en=english,
        digest=content_hash(text),
        platform=ctx.msg.platform,
        author=member_of(ctx),
        language=ctx.language,
        publish_at=publish_at,
        audit=action,
    )
    unschedule = ctx.action("annonce", ctx.word("unschedule"), draft_id)
    buttons = ((Button(ctx.t("broadcast.button_unschedule"), unschedule),),)
    header = ctx.t("broadcast.scheduled", moment=when, zone=zone, id=draft_id)
    return [Reply(f"{header}\n\n{bodies(ctx, french, english)}", buttons, private=True)]


async def unschedule(ctx: Context, ref: str) -> list[Reply]:
    """Cancel a planned announcement before its time; any moderator may."""
    ident = number_in(ref, "broadcast.unschedule_usage")
    planned = await ctx.services.storage.outbox.get_broadcast(ident)
    action = Action(ctx.msg.platform, member_of(ctx), "unschedule")
    if (
        planned is None
        or planned.publish_at is None
        or planned.status != "draft"
        or await cancel_announcement(ctx.services, ident, action) is None
    ):
        raise UserError("broadcast.not_scheduled", id=ident)
    when = moment(
        ctx.t, ctx.language, planned.publish_at, ctx.services.config.timezone, minutes=True
    )
    return [ctx.reply("broadcast.unscheduled", moment=when, edit=ctx.msg.from_button, private=True)]
