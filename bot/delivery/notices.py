"""The private messages members asked for: their conditional pledge made firm, a reminder.

A notice becomes due in the transaction that makes the pledge firm, or at the time the
member chose. `queue_notices`, run by `relay` and once a minute by the scheduler, opens
each sealed reference, writes the message in the member's language and queues it while
deleting the notice, in one transaction: a crash in between loses none, and none is
queued twice. Quiet hours hold it like any private post.
"""

from __future__ import annotations

import logging
from functools import partial

from bot.delivery.publish import release_time
from bot.i18n import Translate, number
from bot.sealing import PrivateChat
from bot.seam import ChatKind
from bot.services import Services
from storage.api.records import ButtonRows, DueNotice, NewDelivery, NoticeKind

log = logging.getLogger(__name__)
BATCH = 500


async def queue_notices(services: Services) -> int:
    """Queue the private messages now due; how many were queued."""
    queued = 0
    while due := await services.storage.notices.due_notices(services.clock(), BATCH):
        tally = await services.storage.pledges.get_tally(services.clock())
        messages = []
        for notice in due:
            chat = services.sealer.open(notice.member, notice.sealed)
            if chat is None:  # sealed under another secret: nobody can be told
                await services.storage.notices.forget_notice(notice.member, notice.kind)
                continue
            messages.append((notice, _message(services, notice, chat, tally.total)))
        queued += await services.storage.notices.queue_notices(messages, services.clock())
    if queued:
        log.info("private notices queued", extra={"count": queued})
        services.wake_delivery()
    return queued


def _message(services: Services, notice: DueNotice, chat: PrivateChat, total: int) -> NewDelivery:
    kind, t = ChatKind.PRIVATE.value, partial(services.catalogues.get, chat.language)
    rows: tuple[tuple[str, ...], ...]
    if notice.kind is NoticeKind.FIRM:
        text = t("conditional.firm", total=number(t, total))
        rows = (("pledge.button_guide", "resilier"), ("pledge.button_done", "accompli"))
    else:
        text = t("followup.message")
        not_yet = ("followup.button_not_yet", "pledge", t("action.not_yet"))
        rows = (("followup.button_done", "accompli"), not_yet)
    return NewDelivery(
        chat.platform,
        chat.user_id,
        kind,
        text,
        release_time(services, chat.platform, kind),
        buttons=_buttons(services, t, chat.language, *rows),
    )


def _buttons(
    services: Services, t: Translate, language: str, *specs: tuple[str, ...]
) -> ButtonRows:
    """One row per (label key, command, words…), the command as the language names it."""
    names = {spec.name: spec.display_name(language) for spec in services.commands}
    return tuple(
        ((t(label), " ".join((f"/{names[command]}", *words))),) for label, command, *words in specs
    )
