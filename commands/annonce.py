"""/annonce: a moderator's announcement, previewed, confirmed, then sent everywhere, now
or at a time planned ahead; in French, and in English for chats in English if given."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.delivery.outbox import (
    cancel_announcement,
    confirm_announcement,
    draft_announcement,
)
from bot.i18n import Raw, number
from bot.parsing import parse_id
from bot.seam import Button, Reply
from commands.annonce_plans import schedule, unschedule
from commands.annonce_texts import bodies, by_language, content_hash, number_in
from commands.base import Argument, CommandSpec, Context, UserError
from commands.pledging import member_of
from storage.api.records import Action, Broadcast

DUPLICATE_WINDOW = timedelta(days=7)
# What follows a subcommand when it names a number, valid or not: « confirmer 0 », « -1 ».
NUMBER = re.compile(r"[-+]?\d+")


async def handle(ctx: Context) -> list[Reply]:
    word, _, rest = ctx.msg.args.partition(" ")
    rest = rest.strip()
    if not ctx.msg.args:
        raise UserError("broadcast.usage")
    # « Programmer la réunion… » is an announcement; a date after the word is a plan.
    if ctx.means(word, "schedule") and (not rest or rest[0].isdigit()):
        return await schedule(ctx, rest)
    # « Annuler la réunion… » is an announcement; « annuler 0 » a number mistyped.
    if rest and parse_id(rest) is None and not NUMBER.fullmatch(rest):
        return await _preview(ctx, ctx.msg.args)
    if ctx.means(word, "unschedule"):
        return await unschedule(ctx, rest)
    if ctx.means(word, "confirm", "force"):
        return await _confirm(ctx, rest, force=ctx.means(word, "force"))
    if ctx.means(word, "cancel"):
        return await _cancel(ctx, rest)
    if ctx.means(word, "discard"):
        return await _discard(ctx, rest)
    return await _preview(ctx, ctx.msg.args)


async def _preview(ctx: Context, text: str) -> list[Reply]:
    """A new draft, in place of the author's earlier ones: a later « confirmer » without a
    number can only send the text the moderator last saw."""
    msg, services = ctx.msg, ctx.services
    digest = content_hash(text)
    french, english = by_language(text)
    if not french:
        raise UserError("broadcast.french_missing")
    await _discard_drafts(ctx)
    draft_id = await draft_announcement(
        services,
        french,
        text_en=english,
        digest=digest,
        platform=msg.platform,
        author=member_of(ctx),
        language=ctx.language,
    )
    duplicate = await _duplicate_of(ctx, digest)
    count = len(await services.storage.subscriptions.list_subscriptions())
    send_key, verb = (
        ("broadcast.button_force", "force") if duplicate else ("broadcast.button_send", "confirm")
    )
    buttons = (
        (
            Button(ctx.t(send_key), ctx.action("annonce", ctx.word(verb), draft_id)),
            Button(
                ctx.t("broadcast.button_cancel"),
                ctx.action("annonce", ctx.word("discard"), draft_id),
            ),
        ),
    )
    chats = ctx.t("broadcast.chats", count=number(ctx.t, count))
    header = ctx.t("broadcast.preview", id=draft_id, chats=Raw(chats))
    if duplicate:
        header += "\n" + ctx.t("broadcast.duplicate_warning", id=duplicate.number)
    return [Reply(f"{header}\n\n{bodies(ctx, french, english)}", buttons, private=True)]


async def _duplicate_of(ctx: Context, digest: str) -> Broadcast | None:
    since = ctx.services.clock() - DUPLICATE_WINDOW
    return await ctx.services.storage.outbox.find_recent_duplicate(digest, since)


async def _draft(ctx: Context, ref: str) -> Broadcast:
    msg, storage = ctx.msg, ctx.services.storage
    if ref:
        draft = await storage.outbox.get_broadcast(ident) if (ident := parse_id(ref)) else None
    else:
        draft = await storage.outbox.latest_draft(msg.platform, member_of(ctx))
    if draft is None or draft.status != "draft" or draft.publish_at is not None:
        raise UserError("broadcast.no_draft")
    if (draft.author_platform, draft.author) != (msg.platform, member_of(ctx)):
        raise UserError("broadcast.not_yours")
    return draft


async def _confirm(ctx: Context, ref: str, *, force: bool) -> list[Reply]:
    services = ctx.services
    draft = await _draft(ctx, ref)
    duplicate = await _duplicate_of(ctx, draft.content_hash or "")
    if duplicate and not force:
        raise UserError("broadcast.duplicate_refused", id=duplicate.number, draft=draft.id)
    action = Action(ctx.msg.platform, member_of(ctx), "broadcast", f"forced={force}")
    broadcast_id = await confirm_announcement(services, draft, action)
    published = await services.storage.outbox.get_broadcast(broadcast_id) if broadcast_id else None
    if published is None:
        raise UserError("broadcast.no_draft")
    queued = ctx.reply(
        "broadcast.queued", id=published.number, edit=ctx.msg.from_button, private=True
    )
    return [queued]


async def _cancel(ctx: Context, ref: str) -> list[Reply]:
    """Stop a published announcement, named by its number."""
    ident = number_in(ref, "broadcast.cancel_usage")
    published = await ctx.services.storage.outbox.numbered_announcement(ident)
    action = Action(ctx.msg.platform, member_of(ctx), "cancel")
    stopped = None
    if published is not None:
        stopped = await cancel_announcement(ctx.services, published.id, action)
    if stopped is None:
        raise UserError("broadcast.not_cancellable", id=ident)
    return [
        ctx.reply(
            "broadcast.cancelled",
            id=ident,
            count=number(ctx.t, stopped),
            edit=ctx.msg.from_button,
            private=True,
        )
    ]


async def _discard_drafts(ctx: Context) -> None:
    """Drop the author's drafts not yet confirmed (planned announcements stay)."""
    storage, author = ctx.services.storage, member_of(ctx)
    while (draft := await storage.outbox.latest_draft(ctx.msg.platform, author)) is not None:
        action = Action(ctx.msg.platform, author, "discard")
        if await cancel_announcement(ctx.services, draft.id, action) is None:
            return


async def _discard(ctx: Context, ref: str) -> list[Reply]:
    """Drop one's draft: it never gets a number."""
    draft = await _draft(ctx, ref)
    action = Action(ctx.msg.platform, member_of(ctx), "discard")
    if await cancel_announcement(ctx.services, draft.id, action) is None:
        raise UserError("broadcast.no_draft")
    return [ctx.reply("broadcast.discarded", edit=ctx.msg.from_button, private=True)]


SPEC = CommandSpec(
    "annonce",
    handle,
    "help.annonce",
    aliases=("broadcast",),
    localized={"en": "broadcast"},
    moderator_only=True,
    argument=Argument("texte", "arg.annonce", localized={"en": "text"}),
    answers_privately=True,
)
