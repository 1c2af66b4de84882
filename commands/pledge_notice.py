"""The notice shown before a first pledge: what is kept and why, and a button for each
choice, firm or conditional, that both accepts the notice and pledges."""

from __future__ import annotations

from bot.seam import Button, Reply
from commands.base import Context
from commands.conditional import threshold_buttons
from commands.pledging import NOTICE_VERSION, kinds_action, kinds_text, platform_name
from storage.api.records import ALL_KINDS, Kind


def privacy_notice(ctx: Context, chosen: Kind) -> Reply:
    """What will be kept and why; each button both accepts it and pledges."""
    offers = [Kind.CANCEL, Kind.APP, Kind.SWITCH, ALL_KINDS]
    if chosen and chosen not in offers:
        offers.insert(0, chosen)
    buttons = tuple(
        (
            Button(
                _choice_label(ctx, kinds),
                ctx.action("pledge", kinds_action(ctx, kinds), f"ok{NOTICE_VERSION}"),
            ),
        )
        for kinds in offers
    ) + threshold_buttons(ctx, Kind.CANCEL)
    text = ctx.t(
        "pledge.notice",
        organiser=ctx.services.config.organiser,
        platform=platform_name(ctx.msg.platform),
        version=NOTICE_VERSION,
    )
    return Reply(text, buttons, private=True, edit=ctx.msg.from_button)


def _choice_label(ctx: Context, kinds: Kind) -> str:
    if kinds == ALL_KINDS:
        return ctx.t("pledge.button_all")
    return ctx.t("pledge.button_choice", kinds=kinds_text(ctx.t, kinds))
