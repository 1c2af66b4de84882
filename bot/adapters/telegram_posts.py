"""A post sent to one Telegram chat as parts, one Bot API call each.

The Bot API has no idempotency key: a call applied whose answer was lost is sent
again, once; the delivery worker keeps one part at a time between "sent" and
"recorded" so that nothing else is.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace as replaced
from functools import partial
from typing import Any, TypeVar

from telegram import Bot, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.adapters.telegram_errors import TOPIC_GONE, neutral
from bot.adapters.telegram_events import PLATFORM
from bot.adapters.telegram_render import render
from bot.delivery.deliverer import PartSent, not_recorded
from bot.delivery.errors import PermanentFailure
from bot.delivery.pacing import TELEGRAM
from bot.seam import ChatRef, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")


class TelegramSender:
    """The `Deliverer` of one bot: posts go to the chat's topic; an answer made with
    `reply_to` replies to the member's message it answers."""

    platform = PLATFORM
    pacing = TELEGRAM
    idempotent = False  # the Bot API has no idempotency key

    def __init__(self, bot: Bot, *, reply_to: int | None = None) -> None:
        self.bot = bot
        self.reply_to = reply_to

    async def deliver(
        self,
        chat: ChatRef,
        reply: Reply,
        *,
        pace: Callable[[], Awaitable[None]],
        replace: str | None = None,
        pin: bool = False,
        start: int = 0,
        sent: PartSent = not_recorded,
        key: str = "",
    ) -> str | None:
        """Post to the chat's topic; if that topic was deleted, to the chat's main thread,
        from the part the topic refused."""
        thread = int(chat.topic) if chat.topic else None
        post = TelegramPost(self.bot, int(chat.id), thread=thread, reply_to=self.reply_to)
        done = start

        async def counted(index: int, message_id: str) -> None:
            nonlocal done
            done = index + 1
            await sent(index, message_id)

        try:
            return await post.send(
                reply, pace=pace, replace=replace, pin=pin, start=start, sent=counted
            )
        except PermanentFailure as refused:
            if refused.reason != TOPIC_GONE or thread is None:
                raise
        log.info("telegram topic gone: posting to the main thread")
        return await self.deliver(
            replaced(chat, topic=""),
            reply,
            pace=_turn_taken(pace),
            replace=replace,
            pin=pin,
            start=done,
            sent=sent,
        )


def _turn_taken(pace: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    """`pace` for parts sent again: the first already had its turn (the delivery worker
    gives one turn per part, and waits for the part to be recorded before the next)."""
    taken = True

    async def next_turn() -> None:
        nonlocal taken
        if not taken:
            await pace()
        taken = False

    return next_turn


class TelegramPost:
    """Where the parts go: a chat, a forum topic of it (`thread`), and the member's
    message they answer (`reply_to`, which the first part replies to)."""

    def __init__(
        self, bot: Bot, chat_id: int, *, thread: int | None = None, reply_to: int | None = None
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.thread = thread
        self.reply_to = reply_to

    async def send(
        self,
        reply: Reply,
        *,
        pace: Callable[[], Awaitable[None]],
        replace: str | None = None,
        pin: bool = False,
        start: int = 0,
        sent: PartSent = not_recorded,
    ) -> str | None:
        """Send the parts from `start` on, awaiting `pace()` before each and `sent` after
        each; edit `replace` as part 0 when given; pin the last part when `pin`."""
        last: str | None = None
        for index, part in enumerate(self._parts(reply, replace)):
            if index < start:
                continue
            await pace()
            last = await part()
            await sent(index, last)
        if pin and last is not None:
            await self._pin(int(last))
        return last

    def _parts(self, reply: Reply, replace: str | None) -> list[Callable[[], Awaitable[str]]]:
        """One call per platform message: the edit of `replace`, a photo, then texts;
        the buttons go with the last."""
        rendered = render(reply)
        texts = list(rendered.texts)
        previews = None if reply.link_previews else LinkPreviewOptions(is_disabled=True)
        parts: list[Callable[[], Awaitable[str]]] = []
        if replace is not None and texts and rendered.photo_caption is None:
            first = texts.pop(0)
            parts.append(
                partial(
                    self._edit, int(replace), first, None if texts else rendered.markup, previews
                )
            )
        if rendered.photo_caption is not None and reply.image is not None:
            markup = None if texts else rendered.markup
            parts.append(partial(self._photo, reply.image.png, rendered.photo_caption, markup))
        for index, text in enumerate(texts):
            markup = rendered.markup if index == len(texts) - 1 else None
            parts.append(partial(self._text, text, markup, previews, first=not parts))
        return parts

    def _placed(self, first: bool) -> dict[str, Any]:
        """The topic, and for the first part the reply to the member's message: sent even
        if that message was deleted meanwhile (Bot API, ReplyParameters:
        allow_sending_without_reply)."""
        placed: dict[str, Any] = {"message_thread_id": self.thread}
        if first and self.reply_to is not None:
            placed["reply_parameters"] = ReplyParameters(
                self.reply_to, allow_sending_without_reply=True
            )
        return placed

    async def _edit(
        self, message_id: int, text: str, markup: Any, previews: LinkPreviewOptions | None
    ) -> str:
        bot, chat_id = self.bot, self.chat_id
        try:
            await _call(
                "editMessageText",
                bot.edit_message_text(
                    text,
                    chat_id,
                    message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=previews,
                ),
            )
        except PermanentFailure as refused:
            if refused.reason != "not_modified":
                raise
        return str(message_id)

    async def _photo(self, png: bytes, caption: str, markup: Any) -> str:
        bot, chat_id = self.bot, self.chat_id
        sent = await _call(
            "sendPhoto",
            bot.send_photo(
                chat_id,
                png,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                **self._placed(first=True),
            ),
        )
        return str(sent.message_id)

    async def _text(
        self, text: str, markup: Any, previews: LinkPreviewOptions | None, *, first: bool
    ) -> str:
        bot, chat_id = self.bot, self.chat_id
        sent = await _call(
            "sendMessage",
            bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=previews,
                **self._placed(first),
            ),
        )
        return str(sent.message_id)

    async def _pin(self, message_id: int) -> None:
        try:
            await self.bot.pin_chat_message(self.chat_id, message_id, disable_notification=True)
        except TelegramError as error:  # no right to pin: the post itself went through
            log.warning("telegram pin failed", extra={"error": type(error).__name__})


async def _call(method: str, call: Awaitable[T]) -> T:
    """One Bot API call, PTB's errors turned neutral; the caller decides on retries."""
    try:
        return await call
    except TelegramError as error:
        mapped = neutral(error)
        log.warning("telegram call failed", extra={"method": method, "reason": mapped.reason})
        raise mapped from error
