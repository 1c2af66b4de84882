"""Telling members that their conditional pledge became firm, in a private message.

The transaction that makes the pledges firm marks their notices due; `queue_notices`,
run by `relay` like the milestones, opens each sealed reference, writes the message in
the member's language and queues it while deleting the reference, in one transaction:
a crash in between loses no notice, and none is queued twice.
"""

from __future__ import annotations

import logging
from functools import partial

from bot.delivery.publish import release_time
from bot.i18n import number
from bot.sealing import PrivateChat
from bot.seam import ChatKind
from bot.services import Services
from storage.api.records import ButtonRows, NewDelivery

log = logging.getLogger(__name__)
BATCH = 500


async def queue_notices(services: Services) -> int:
    """Queue the private messages of pledges made firm; how many were queued."""
    queued = 0
    while due := await services.storage.notices.due_notices(BATCH):
        tally = await services.storage.pledges.get_tally(services.clock())
        messages = []
        for notice in due:
            chat = services.sealer.open(notice.member, notice.sealed)
            if chat is None:  # sealed under another secret: nobody can be told
                await services.storage.notices.forget_notice(notice.member)
                continue
            messages.append((notice.member, _message(services, chat, tally.total)))
        queued += await services.storage.notices.queue_notices(messages, services.clock())
    if queued:
        log.info("firm pledge notices queued", extra={"count": queued})
        services.wake_delivery()
    return queued


def _message(services: Services, chat: PrivateChat, total: int) -> NewDelivery:
    kind, t = ChatKind.PRIVATE.value, partial(services.catalogues.get, chat.language)
    return NewDelivery(
        chat.platform,
        chat.user_id,
        kind,
        t("conditional.firm", total=number(t, total)),
        release_time(services, chat.platform, kind),
        buttons=_buttons(services, chat.language),
    )


def _buttons(services: Services, language: str) -> ButtonRows:
    """The guide and /accompli, as the member's language names them."""
    names = {spec.name: spec.display_name(language) for spec in services.commands}
    label = services.catalogues.get
    return (
        ((label(language, "pledge.button_guide"), f"/{names['resilier']}"),),
        ((label(language, "pledge.button_done"), f"/{names['accompli']}"),),
    )
