"""/recharger (moderators): reload the fact base file without a restart."""

from __future__ import annotations

import logging

from bot.fact_reloads import build_knowledge, publish
from bot.facts.loader import FactBaseError
from bot.i18n import Raw
from bot.seam import Reply
from commands.base import CommandSpec, Context
from commands.pledging import member_of

log = logging.getLogger(__name__)


async def handle(ctx: Context) -> list[Reply]:
    """Build the new knowledge aside; only a valid one replaces the running one, in one step,
    and the other instances on the database follow."""
    services = ctx.services
    path = services.config.facts
    try:
        known = await build_knowledge(services)
    except FactBaseError as exc:
        log.warning("fact base reload refused", extra={"problems": len(exc.problems)})
        await _audit(ctx, f"refused problems={len(exc.problems)}")
        problems = "\n".join(ctx.t("reload.problem", problem=p) for p in exc.problems)
        return [ctx.reply("reload.failed", private=True, path=str(path), problems=Raw(problems))]
    await publish(services, known)
    log.info("fact base reloaded", extra={"facts": len(known.base.facts)})
    await _audit(ctx, f"facts={len(known.base.facts)} topics={len(known.base.topics)}")
    return [
        ctx.reply(
            "reload.done", private=True, facts=len(known.base.facts), topics=len(known.base.topics)
        )
    ]


async def _audit(ctx: Context, detail: str) -> None:
    services, msg = ctx.services, ctx.msg
    await services.storage.audit.record_audit(
        msg.platform, member_of(ctx), "reload_facts", detail, services.clock()
    )


SPEC = CommandSpec(
    "recharger",
    handle,
    "help.recharger",
    aliases=("reload",),
    localized={"en": "reload"},
    moderator_only=True,
    answers_privately=True,
)
