"""/pledge: pledge to quit ChatGPT, after a privacy notice; pledge again to change it.

A first pledge is recorded only from a line that names the kinds and the
notice version accepted (`/pledge cancel ok1`): the notice's buttons send it,
console members type it.
"""

from __future__ import annotations

from bot.delivery.outbox import relay
from bot.i18n import Raw, number
from bot.seam import Button, Reply
from commands.base import Argument, CommandSpec, Context
from commands.campaign_sources import credit_source
from commands.conditional import (
    checked_threshold,
    conditional_thanks,
    notice_choice,
    waiting,
    wants_notice,
)
from commands.followup import Rows, followup_choice, remind_buttons, wants_followup
from commands.pledge_notice import privacy_notice
from commands.pledging import (
    KIND_LABELS,
    NOTICE_VERSION,
    kinds_action,
    kinds_text,
    member_of,
    parse_choice,
    when,
)
from storage.api.records import Added, Kind, NewPledge, Pledge


async def handle(ctx: Context) -> list[Reply]:
    if wants_notice(ctx):
        return await notice_choice(ctx)
    if wants_followup(ctx):
        return await followup_choice(ctx)
    choice = parse_choice(ctx.msg.args)
    services, member = ctx.services, member_of(ctx)
    if choice.kinds and choice.accepted == NOTICE_VERSION:
        new = NewPledge(
            member,
            ctx.msg.platform,
            choice.kinds,
            NOTICE_VERSION,
            services.clock(),
            checked_threshold(ctx, choice.threshold),
        )
        added = await services.add_pledge(new)
        if added.created:
            await credit_source(ctx, member)
            if added.crossed or added.firmed:  # recorded with the pledge: post them now
                await relay(services)
            waiting = new.threshold and await services.storage.pledges.get_pledge(member)
            if waiting and waiting.threshold:  # not met at once
                return [await conditional_thanks(ctx, waiting)]
            return [_thanks(ctx, new, added)]
        pledge = await services.storage.pledges.get_pledge(member)  # already pledged: counted once
    elif choice.kinds:
        pledge = await services.storage.pledges.change_pledge(member, choice.kinds)
        if pledge is not None:
            return [await _current(ctx, pledge, "pledge.changed", choice.threshold)]
    else:
        pledge = await services.storage.pledges.get_pledge(member)
    if pledge is None:
        return [privacy_notice(ctx, choice.kinds)]
    return [await _current(ctx, pledge, "pledge.current", choice.threshold)]


def _thanks(ctx: Context, pledge: NewPledge, added: Added) -> Reply:
    tally = ctx.t("pledge.tally", total=number(ctx.t, added.total))
    text = ctx.t("pledge.thanks", kinds=kinds_text(ctx.t, pledge.kinds), tally=Raw(tally))
    for value in added.crossed:
        text += "\n" + ctx.t("pledge.milestone", count=number(ctx.t, value))
    return Reply(text, ctx.per_language(_thanks_buttons), private=True, edit=ctx.msg.from_button)


def _thanks_buttons(ctx: Context) -> Rows:
    guide = Button(ctx.t("pledge.button_guide"), ctx.action("resilier"))
    return ((guide,), *remind_buttons(ctx), (_share(ctx),))


async def _current(ctx: Context, pledge: Pledge, key: str, asked: int | None = None) -> Reply:
    """The member's pledge, with buttons to add or remove a kind, withdraw or mark it done;
    a condition `asked` other than the pledge's is said to be kept, not silently dropped."""
    condition, notify = await waiting(ctx, pledge)
    rows = list(notify)
    for kind, label in KIND_LABELS.items():
        if kind not in pledge.kinds:
            rows.append((_toggle(ctx, "pledge.button_add", label, pledge.kinds | kind),))
        elif pledge.kinds != kind:
            rows.append((_toggle(ctx, "pledge.button_remove", label, pledge.kinds & ~kind),))
    if pledge.done_at is None:
        rows.append((Button(ctx.t("pledge.button_done"), ctx.action("accompli")),))
    rows.append((_share(ctx),))
    rows.append((Button(ctx.t("pledge.button_withdraw"), ctx.action("retirer")),))
    text = ctx.t(key, kinds=kinds_text(ctx.t, pledge.kinds), date=when(ctx, pledge.pledged_at))
    text += condition
    if asked is not None and asked != pledge.threshold:
        text += "\n\n" + ctx.t("pledge.condition_kept")
    return Reply(text, tuple(rows), private=True, edit=ctx.msg.from_button)


def _share(ctx: Context) -> Button:
    return Button(ctx.t("pledge.button_share"), ctx.action("partager"))


def _toggle(ctx: Context, key: str, label: str, kinds: Kind) -> Button:
    return Button(
        ctx.t(key, kind=Raw(ctx.t(label))), ctx.action("pledge", kinds_action(ctx, kinds))
    )


SPEC = CommandSpec(
    "pledge",
    handle,
    "help.pledge",
    aliases=("engagement",),
    localized={"fr": "engagement"},
    argument=Argument(
        "choix",
        "arg.pledge",
        localized={"en": "choice"},
        choices=(
            ("cancel", "kind.cancel"),
            ("app", "kind.app"),
            ("switch", "kind.switch"),
            ("tout", "pledge.button_all"),
        ),
    ),
    answers_privately=True,
)
